// Which catalogue indicator a target's words measure, and only in a unit it can be held against.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchIndicator } from './indicator-match.ts';

test('words and unit → indicator code', () => {
  const cases: [string, string, string | null][] = [
    ['县域内基层门急诊人次占比', '%', 'basic_level_visit_share'],
    ['乡村医生中具备执业（助理）医师资格人员比例', '%', 'village_doctor_qualified_share'],
    ['建成社区医院', '个', 'community_hospitals'],
    ['建成社区医院', '所', 'community_hospitals'],
    // a share of centres is not the count the catalogue measures
    ['社区卫生服务中心建成社区医院', '%', null],
    ['重点人群签约服务覆盖率', '%', 'contract_coverage_priority'],
    ['村卫生室岗位补贴每人每月', '元', null],
  ];
  assert.deepEqual(cases.map(([w, u]) => [w, u, matchIndicator(w, u)]), cases);
});
