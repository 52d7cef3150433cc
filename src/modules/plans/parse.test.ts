// The plan reader: each wording in isolation, and the three real plans validating against the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { cleanLines, cnNumber, findTargets, parseDeadline, parseHeading, parsePlanText, parseUnits, splitUnits } from './parse.ts';

// Copies of shared/ (the contract schema and the three plans) travel with the tests; when shared/ sits
// beside the repository, as it does for developers and CI, a test checks the copies are current.
const FIXTURES = new URL('../../../test/fixtures/', import.meta.url).pathname;
const SHARED = new URL('../../../../shared/', import.meta.url).pathname;
const SCHEMA = JSON.parse(readFileSync(`${FIXTURES}contracts/plan-import.schema.json`, 'utf8'));
const PLANS = `${FIXTURES}plans/`;

test('the copies of the contract schema and the plans match shared/', { skip: existsSync(SHARED) ? false : 'shared/ is not beside this checkout' }, () => {
  assert.equal(readFileSync(`${FIXTURES}contracts/plan-import.schema.json`, 'utf8'), readFileSync(`${SHARED}contracts/plan-import.schema.json`, 'utf8'));
  for (const f of ['haidong-2024', 'wendeng-2024', 'tongren-2021']) assert.equal(readFileSync(`${PLANS}${f}.txt`, 'utf8'), readFileSync(`${SHARED}plans/${f}.txt`, 'utf8'), f);
});

test('heading marks of four kinds, full- and half-width', () => {
  assert.deepEqual(parseHeading('一、总体要求'), { level: 1, number: '一', rest: '总体要求' });
  assert.deepEqual(parseHeading('（十二）持续深化改革。'), { level: 2, number: '十二', rest: '持续深化改革。' });
  assert.deepEqual(parseHeading('(三)完善治理'), { level: 2, number: '三', rest: '完善治理' });
  assert.deepEqual(parseHeading('1．坚持县域统筹管理。'), { level: 3, number: '1', rest: '坚持县域统筹管理。' });
  assert.deepEqual(parseHeading('12.完善人才'), { level: 3, number: '12', rest: '完善人才' });
  assert.deepEqual(parseHeading('（3）加强培训'), { level: 4, number: '3', rest: '加强培训' });
  assert.equal(parseHeading('3.28人'), null, 'a decimal is not a heading');
  assert.equal(cnNumber('二十二'), 22);
  assert.equal(cnNumber('十一'), 11);
});

test('units: inline brackets, own lines, lead/responsible/cooperating, a 按职责分工负责 sentence', () => {
  assert.deepEqual(parseUnits('牵头单位：区卫生健康局；责任单位：区发展和改革局、区财政局，各镇街'), { lead: ['区卫生健康局'], responsible: ['区发展和改革局', '区财政局', '各镇街'], cooperating: [] });
  assert.deepEqual(parseUnits('配合单位：市发展和改革局、财政局'), { lead: [], responsible: [], cooperating: ['市发展和改革局', '财政局'] });
  assert.deepEqual(splitUnits('市医保局、市人社局按职责分工负责'), ['市医保局', '市人社局']);
  const plan = parsePlanText(['某县卫生健康工作实施方案', '一、主要任务', '1．加强基层。做好服务。（责任单位：县卫健局、县财政局）', '2．完善机制。', '责任单位：县医保局', '配合单位：县卫健局',
    '3．强化保障。各部门要落实。责任部门：县人社局、县医保局按职责分工负责。'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits, t.cooperatingUnits]), [
    ['1', ['县卫健局', '县财政局'], []], ['2', ['县医保局'], ['县卫健局']], ['3', ['县人社局', '县医保局'], []]]);
});

test('a blanket clause adds its unit to the tasks after it; skipped numbers are kept as printed', () => {
  const plan = parsePlanText(['某市方案', '一、任务', '以下任务均需各县区政府负责落实。', '1．甲。（责任单位：市卫健委）', '3．乙。（责任单位：市财政局）'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits]), [['1', ['市卫健委', '各县区政府']], ['3', ['市财政局', '各县区政府']]]);
});

test('page numbers, markup and lines broken by the conversion are cleaned', () => {
  const lines = cleanLines('**一、任务**\n1．加强基层医疗卫生机构能力建设，提升服务能力水平，推动优质资源\n— 3 —\n下沉到乡镇和村。（责任单位：县卫健局）\n12\n');
  assert.deepEqual(lines, ['一、任务', '1．加强基层医疗卫生机构能力建设，提升服务能力水平，推动优质资源下沉到乡镇和村。（责任单位：县卫健局）']);
});

test('deadlines', () => {
  assert.equal(parseDeadline('2022年12月底', 2021), '2022-12-31');
  assert.equal(parseDeadline('2025年底前', 2024), '2025-12-31');
  assert.equal(parseDeadline('2021年11月', 2021), '2021-11-30');
  assert.equal(parseDeadline('6月底', 2021), '2021-06-30');
  assert.equal(parseDeadline('长期坚持', 2021), null);
});

test('target wordings', () => {
  const one = (s: string) => findTargets(s, null, 2025);
  const cases: [string, string, number | number[], string][] = [
    ['每千人口执业（助理）医师数达到3.28人。', '=', 3.28, '人'], ['签约率不低于65%。', '>=', 65, '%'], ['培训不少于10名。', '>=', 10, '名'],
    ['费用不超过30%。', '<=', 30, '%'], ['比例控制在25%以内。', '<=', 25, '%'], ['占比提高到60%。', '=', 60, '%'], ['发生率降低到5%。', '<=', 5, '%'],
    ['至少建成2所。', '>=', 2, '所'], ['达到推荐标准的占20%以上。', '>=', 20, '%'], ['建成4—5所社区医院。', 'range', [4, 5], '所'], ['开展6类10项服务。', '=', [6, 10], '类/项'],
    ['村卫生室实现全覆盖。', '=', 100, '%'], ['低于1%以下。', '<', 1, '%'],
  ];
  for (const [s, cmp, value, unit] of cases) {
    const t = one(s);
    assert.ok(t.length >= 1, s);
    assert.deepEqual([t[0].comparator, t[0].value, t[0].unit], [cmp, value, unit], s);
  }
  assert.equal(findTargets('到2025年底前，基层就诊率达到65%。', null, null)[0].year, 2025);
  assert.equal(findTargets('每年培训医师达到50名。', null, 2025)[0].value, 50);
  assert.equal(findTargets('县域内基层门急诊人次占比达到65%以上。', null, 2025)[0].indicator, 'basic_level_visit_share');
});

test('the three plans: metadata, task counts, and output valid against the contract schema', () => {
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  const validate = ajv.compile(SCHEMA);
  const expect: Record<string, { title: string; doc: string; date: string; tasks: number }> = {
    'haidong-2024': { title: '海东市进一步改革完善医疗卫生服务体系实施方案', doc: '东政办〔2024〕62号', date: '2024-06-19', tasks: 24 },
    'wendeng-2024': { title: '关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案', doc: '威文政办字〔2024〕10号', date: '2024-11-15', tasks: 18 },
    'tongren-2021': { title: '同仁市 2021 年综合医改重点工作任务', doc: '同政办〔2021〕14号', date: '2021-10-28', tasks: 22 },
  };
  for (const [f, e] of Object.entries(expect)) {
    const p = parsePlanText(readFileSync(`${PLANS}${f}.txt`, 'utf8'));
    assert.ok(validate(p), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    assert.equal(p.title, e.title, f);
    assert.equal(p.docNumber, e.doc, f);
    assert.equal(p.date, e.date, f);
    assert.equal(p.tasks.length, e.tasks, f);
    assert.ok(p.tasks.every((t) => t.responsibleUnits.length > 0), `${f}: every task names a unit`);
  }
});
