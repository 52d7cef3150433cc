// Pure registry rules: region codes, facility kinds and tiers.

export type RegionLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village';

/** The level of a GB/T 2260 (2/4/6 digits) or statistical (12 digits) code, or null when malformed. */
export function levelOfCode(code: string): RegionLevel | null {
  if (!/^\d+$/.test(code)) return null;
  switch (code.length) {
    case 2: return 'province';
    case 4: return 'prefecture';
    case 6: return 'county';
    case 12: return code.endsWith('000') ? (code.slice(6, 9) === '000' ? null : 'township') : code.slice(6, 9) === '000' ? null : 'village';
    default: return null;
  }
}

/** The parent code implied by the code's structure (12-digit village → township, township → county, …). */
export function impliedParent(code: string): string | null {
  const level = levelOfCode(code);
  if (level === 'village') return code.slice(0, 9) + '000';
  if (level === 'township') return code.slice(0, 6);
  if (level === 'county') return code.slice(0, 4);
  if (level === 'prefecture') return code.slice(0, 2);
  return null;
}

/** Urban or rural from the statistical code: subdistricts (001–099) and residents' committees (001–199) are urban. */
export function isUrban(code: string): boolean | null {
  const level = levelOfCode(code);
  if (level === 'township') return Number(code.slice(6, 9)) < 100;
  if (level === 'village') return Number(code.slice(9, 12)) < 200;
  return null;
}

export const FACILITY_KINDS = [
  'general_hospital', 'tcm_hospital', 'maternal_child_hospital', 'specialised_hospital', 'township_centre', 'central_township_centre',
  'community_centre', 'village_clinic', 'community_station', 'cdc', 'elderly_care_medical', 'private_clinic',
] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];
export const TIERS = ['city', 'county', 'township', 'village'] as const;
export type Tier = (typeof TIERS)[number];

export const FACILITY_KIND_LABELS: Record<FacilityKind, { zh: string; en: string }> = {
  general_hospital: { zh: '综合医院', en: 'General hospital' },
  tcm_hospital: { zh: '中医（民族医）医院', en: 'TCM / ethnic-medicine hospital' },
  maternal_child_hospital: { zh: '妇幼保健院', en: 'Maternal and child hospital' },
  specialised_hospital: { zh: '专科医院', en: 'Specialised hospital' },
  township_centre: { zh: '乡镇卫生院', en: 'Township health centre' },
  central_township_centre: { zh: '中心卫生院', en: 'Central township health centre' },
  community_centre: { zh: '社区卫生服务中心', en: 'Community health service centre' },
  village_clinic: { zh: '村卫生室', en: 'Village clinic' },
  community_station: { zh: '社区卫生服务站', en: 'Community health station' },
  cdc: { zh: '疾病预防控制中心', en: 'CDC' },
  elderly_care_medical: { zh: '医养结合机构', en: 'Elderly-care institution with medical service' },
  private_clinic: { zh: '民营诊所', en: 'Private clinic' },
};

// Which tiers each kind may sit at: a village clinic is never a county hospital.
const KIND_TIERS: Record<FacilityKind, readonly Tier[]> = {
  general_hospital: ['city', 'county'], tcm_hospital: ['city', 'county'], maternal_child_hospital: ['city', 'county'],
  specialised_hospital: ['city', 'county'], township_centre: ['township'], central_township_centre: ['township'],
  community_centre: ['township'], village_clinic: ['village'], community_station: ['village'], cdc: ['city', 'county'],
  elderly_care_medical: ['county', 'township', 'village'], private_clinic: ['township', 'village'],
};

/** True when a facility kind may sit at the tier. */
export function kindFitsTier(kind: FacilityKind, tier: Tier): boolean {
  return KIND_TIERS[kind].includes(tier);
}

export const GRADES = ['3A', '3B', '3C', '3', '2A', '2B', '2C', '2', '1A', '1B', '1C', '1', 'unrated'] as const;
export const GRADE_LABELS: Record<(typeof GRADES)[number], string> = {
  '3A': '三级甲等', '3B': '三级乙等', '3C': '三级丙等', '3': '三级', '2A': '二级甲等', '2B': '二级乙等', '2C': '二级丙等', '2': '二级',
  '1A': '一级甲等', '1B': '一级乙等', '1C': '一级丙等', '1': '一级', unrated: '未定级',
};

export const WORKER_TYPES = ['physician', 'assistant_physician', 'village_doctor', 'nurse', 'pharmacist', 'technician', 'public_health', 'manager'] as const;
export const WORKER_TYPE_LABELS: Record<(typeof WORKER_TYPES)[number], { zh: string; en: string }> = {
  physician: { zh: '执业医师', en: 'Practising physician' },
  assistant_physician: { zh: '执业助理医师', en: 'Assistant physician' },
  village_doctor: { zh: '乡村医生', en: 'Village doctor' },
  nurse: { zh: '注册护士', en: 'Registered nurse' },
  pharmacist: { zh: '药师', en: 'Pharmacist' },
  technician: { zh: '技师', en: 'Technician' },
  public_health: { zh: '公共卫生人员', en: 'Public-health staff' },
  manager: { zh: '管理人员', en: 'Manager' },
};

export const PRIORITY_GROUPS = ['elderly_65', 'child_0_6', 'pregnant', 'disability', 'hypertension', 'diabetes', 'tb', 'severe_mental', 'poverty'] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export const PRIORITY_GROUP_LABELS: Record<PriorityGroup, { zh: string; en: string }> = {
  elderly_65: { zh: '65岁及以上老年人', en: 'Aged 65+' },
  child_0_6: { zh: '0–6岁儿童', en: 'Children 0–6' },
  pregnant: { zh: '孕产妇', en: 'Pregnant or postpartum' },
  disability: { zh: '残疾人', en: 'Disability' },
  hypertension: { zh: '高血压患者', en: 'Hypertension' },
  diabetes: { zh: '2型糖尿病患者', en: 'Type 2 diabetes' },
  tb: { zh: '肺结核患者', en: 'Tuberculosis' },
  severe_mental: { zh: '严重精神障碍患者', en: 'Severe mental disorder' },
  poverty: { zh: '脱贫人口', en: 'Poverty' },
};

/** Whole years of age on a date (birthdays counted on the day; 29 Feb on 1 Mar in common years). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Priority groups from age on a date and the conditions the care modules hold (never typed by hand). */
export function priorityGroupsOf(birthDate: string, conditions: readonly string[], on: string): PriorityGroup[] {
  const age = ageOn(birthDate, on);
  const out: PriorityGroup[] = [];
  if (age >= 65) out.push('elderly_65');
  if (age <= 6) out.push('child_0_6');
  for (const g of PRIORITY_GROUPS) if (g !== 'elderly_65' && g !== 'child_0_6' && conditions.includes(g)) out.push(g);
  return out;
}
