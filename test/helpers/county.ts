// A small hand-built county for API tests: two townships with a village each, a county hospital,
// two township centres and a village clinic.
import type { Db } from '../../src/platform/db.ts';

export const COUNTY = '371003';
export const TOWN_A = '371003100000';
export const TOWN_B = '371003101000';
export const VILLAGE_A = '371003100201';
export const VILLAGE_A2 = '371003100202';
export const VILLAGE_B = '371003101201';

/** Inserts the regions and facilities of the test county. */
export async function buildTestCounty(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO regions (code, name, parent_code, level, urban) VALUES
      ('37', '山东省', NULL, 'province', NULL), ('3710', '威海市', '37', 'prefecture', NULL), ('371003', '文登区', '3710', 'county', NULL),
      ('${TOWN_A}', '甲镇', '371003', 'township', false), ('${TOWN_B}', '乙镇', '371003', 'township', false),
      ('${VILLAGE_A}', '甲一村', '${TOWN_A}', 'village', false), ('${VILLAGE_A2}', '甲二村', '${TOWN_A}', 'village', false), ('${VILLAGE_B}', '乙一村', '${TOWN_B}', 'village', false);
    INSERT INTO facilities (code, name, tier, kind, grade, region_code, beds) VALUES
      ('H0001', '县人民医院', 'county', 'general_hospital', '3B', '371003', 800),
      ('T000A', '甲镇卫生院', 'township', 'township_centre', 'unrated', '${TOWN_A}', 40),
      ('T000B', '乙镇卫生院', 'township', 'township_centre', 'unrated', '${TOWN_B}', 30);
    INSERT INTO facilities (code, name, tier, kind, region_code, parent_facility_id)
      SELECT 'V00A1', '甲一村卫生室', 'village', 'village_clinic', '${VILLAGE_A}', id FROM facilities WHERE code = 'T000A';
  `);
}
