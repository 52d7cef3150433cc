// A small hand-built county for API tests: two townships with a village each (two under 甲镇), a
// county hospital, two township centres and a village clinic, built with the test factories.
import type { Queryable } from '../../src/platform/db.ts';
import { buildFacility, buildRegionTree } from './factories.ts';

export const COUNTY = '371003';
export const TOWN_A = '371003100000';
export const TOWN_B = '371003101000';
export const VILLAGE_A = '371003100201';
export const VILLAGE_A2 = '371003100202';
export const VILLAGE_B = '371003101201';

/** Inserts the regions and facilities of the test county (H0001, T000A, T000B, V00A1). */
export async function buildTestCounty(db: Queryable): Promise<void> {
  await buildRegionTree(db, { county: COUNTY });
  await buildFacility(db, { code: 'H0001', name: '县人民医院', tier: 'county', kind: 'general_hospital', grade: '3B', regionCode: COUNTY, beds: 800 });
  await buildFacility(db, { code: 'T000A', name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: TOWN_A, beds: 40 });
  await buildFacility(db, { code: 'T000B', name: '乙镇卫生院', tier: 'township', kind: 'township_centre', regionCode: TOWN_B, beds: 30 });
  await buildFacility(db, { code: 'V00A1', name: '甲一村卫生室', tier: 'village', kind: 'village_clinic', regionCode: VILLAGE_A, parentCode: 'T000A' });
}
