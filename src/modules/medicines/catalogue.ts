// The community's one drug catalogue: its columns, the check of one row (pure; the shipped file and
// every import go through it, so a bad cell is named the same way wherever it comes from), and the
// source of each field of the shipped items (data/medicines/README.md).

export const DOSAGE_FORMS = ['tablet', 'sustained_release_tablet', 'enteric_tablet', 'capsule', 'granules', 'oral_liquid', 'injection', 'inhalation', 'topical'] as const;
export type DosageForm = (typeof DOSAGE_FORMS)[number];
export const ROUTES = ['oral', 'iv', 'im', 'sc', 'inhaled', 'topical'] as const;
export type Route = (typeof ROUTES)[number];
export const UNITS = ['mg', 'g', 'IU', 'ml'] as const;
export const GRADES = ['unrestricted', 'restricted', 'special'] as const;
export type AntibacterialGrade = (typeof GRADES)[number];
export const LEVELS = ['county', 'township', 'village'] as const;
export type Level = (typeof LEVELS)[number];
/** Administrations a day of each frequency code (prn: as needed, counted at the item's maximum of 4 a day). */
export const FREQUENCIES: Record<string, number> = { qd: 1, qn: 1, bid: 2, q12h: 2, tid: 3, q8h: 3, qid: 4, q6h: 4, prn: 4, qw: 1 / 7 };

/** One catalogue item as the rules and the store hold it. */
export interface CatalogueItem {
  code: string;
  genericName: string;
  nameEn: string | null;
  dosageForm: DosageForm;
  strength: string;
  strengthValue: number;
  unit: (typeof UNITS)[number];
  package: string;
  atcCode: string;
  essential: boolean;
  insuranceClass: 'A' | 'B' | null;
  antibacterialGrade: AntibacterialGrade | null;
  highAlert: boolean;
  route: Route;
  adultDoseMin: number | null;
  adultDoseMax: number | null;
  maxDailyDose: number | null;
  childDailyMinPerKg: number | null;
  childDailyMaxPerKg: number | null;
  frequencies: string[];
  minAgeYears: number | null;
  pregnancy: 'contraindicated' | 'caution' | null;
  levels: Level[];
}

/** The columns of a catalogue file (CSV or the first sheet of an XLSX), in order. */
export const COLUMNS = ['code', 'generic_name', 'name_en', 'dosage_form', 'strength', 'strength_value', 'unit', 'package', 'atc_code', 'essential', 'insurance_class',
  'antibacterial_grade', 'high_alert', 'route', 'adult_dose_min', 'adult_dose_max', 'max_daily_dose', 'child_daily_min_per_kg', 'child_daily_max_per_kg', 'frequencies',
  'min_age_years', 'pregnancy', 'levels'] as const;
const REQUIRED = ['code', 'generic_name', 'dosage_form', 'strength', 'strength_value', 'unit', 'package', 'atc_code', 'essential', 'route', 'frequencies', 'levels'] as const;

/** Where each field of the shipped items comes from (kept on each row as `sources`). */
export const FIELD_SOURCES: Record<string, string> = {
  generic_name: '国家基本药物目录（2018年版）/ 药品说明书',
  dosage_form: '国家基本药物目录（2018年版）/ 药品说明书',
  strength: '药品说明书',
  package: '常见包装规格（本地采购目录可改）',
  atc_code: 'WHO ATC/DDD Index 2024',
  essential: '国家基本药物目录（2018年版），国卫药政发〔2018〕31号',
  insurance_class: '国家基本医疗保险、工伤保险和生育保险药品目录（2023年）（待核对）',
  antibacterial_grade: '抗菌药物临床应用管理办法（卫生部令第84号，2012）第六条分级；品种按省级抗菌药物分级管理目录的通行分级（各省可调）',
  high_alert: '中国药学会医院药学专业委员会《中国高警示药品推荐目录（2019版）》',
  doses: '药品说明书；《中国国家处方集（化学药品与生物制品卷）》2010',
  min_age_years: '药品说明书（儿童禁用/慎用）',
  pregnancy: '药品说明书（孕妇禁用/慎用）',
  levels: '本地配备：基本药物各级配备（国办发〔2018〕88号）；特殊使用级仅县级',
};

export interface CellProblem { path: string; problem: string }

const TRUE = new Set(['true', '1', 'y', 'yes', '是']);
const FALSE = new Set(['false', '0', 'n', 'no', '否', '']);
const GRADE_WORDS: Record<string, AntibacterialGrade> = { unrestricted: 'unrestricted', restricted: 'restricted', special: 'special', 非限制使用级: 'unrestricted', 非限制: 'unrestricted', 限制使用级: 'restricted', 限制: 'restricted', 特殊使用级: 'special', 特殊使用: 'special', 特殊: 'special' };
const INSURANCE_WORDS: Record<string, 'A' | 'B'> = { A: 'A', B: 'B', 甲: 'A', 乙: 'B', 甲类: 'A', 乙类: 'B' };

/**
 * Checks one row of a catalogue file (cells by column name) and returns the item, or every bad cell
 * named by its row (as the user counts it, header = 1) and column.
 */
export function checkCatalogueRow(cells: Record<string, string>, row: number): { item: CatalogueItem | null; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const at = (c: string) => `row ${row}, column ${c}`;
  const bad = (c: string, en: string, zh: string) => problems.push({ path: at(c), problem: `${en} / ${zh}` });
  const s = (c: string) => (cells[c] ?? '').trim();
  for (const c of REQUIRED) if (!s(c)) bad(c, 'empty', '不能为空');
  const num = (c: string): number | null => {
    const v = s(c);
    if (!v) return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) { bad(c, `"${v}" is not a number ≥ 0`, '不是非负数'); return null; }
    return n;
  };
  const bool = (c: string): boolean => {
    const v = s(c).toLowerCase();
    if (TRUE.has(v)) return true;
    if (!FALSE.has(v)) bad(c, `"${s(c)}" is not yes/no (true/false, 是/否)`, '应为是/否');
    return false;
  };
  const oneOf = <T extends string>(c: string, list: readonly T[], v = s(c)): T | null => {
    if (!v) return null;
    if (!(list as readonly string[]).includes(v)) { bad(c, `"${v}" is not one of ${list.join(', ')}`, '不在允许值内'); return null; }
    return v as T;
  };
  if (s('code') && !/^[A-Za-z0-9_-]{2,32}$/.test(s('code'))) bad('code', `"${s('code')}" is not a code (2–32 letters, digits, _ or -)`, '编码格式有误');
  if (s('atc_code') && !/^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$/.test(s('atc_code'))) bad('atc_code', `"${s('atc_code')}" is not a 7-character ATC code (C08CA01)`, '不是7位ATC编码');
  const strengthValue = num('strength_value');
  if (strengthValue === 0) bad('strength_value', 'must be above 0', '须大于0');
  const insuranceRaw = s('insurance_class');
  const insurance = insuranceRaw ? INSURANCE_WORDS[insuranceRaw] ?? null : null;
  if (insuranceRaw && !insurance) bad('insurance_class', `"${insuranceRaw}" is not 甲/乙 (A/B)`, '医保类别应为甲或乙');
  const gradeRaw = s('antibacterial_grade');
  const grade = gradeRaw ? GRADE_WORDS[gradeRaw] ?? null : null;
  if (gradeRaw && !grade) bad('antibacterial_grade', `"${gradeRaw}" is not 非限制使用级/限制使用级/特殊使用级`, '抗菌药物分级有误');
  const list = (c: string) => s(c).split(/[|;，,、\s]+/).filter(Boolean);
  const freqs = list('frequencies');
  for (const f of freqs) if (!(f in FREQUENCIES)) bad('frequencies', `"${f}" is not one of ${Object.keys(FREQUENCIES).join(', ')}`, '给药频次有误');
  const levels = list('levels');
  for (const l of levels) if (!(LEVELS as readonly string[]).includes(l)) bad('levels', `"${l}" is not one of ${LEVELS.join(', ')}`, '配备层级有误');
  const minAge = num('min_age_years');
  if (minAge != null && (!Number.isInteger(minAge) || minAge > 18)) bad('min_age_years', 'a whole number of years, 0–18', '应为0–18的整数');
  const [dMin, dMax, dDay, cMin, cMax] = ['adult_dose_min', 'adult_dose_max', 'max_daily_dose', 'child_daily_min_per_kg', 'child_daily_max_per_kg'].map(num);
  if (dMin != null && dMax != null && dMin > dMax) bad('adult_dose_max', 'below adult_dose_min', '小于成人单次剂量下限');
  if (dMax != null && dDay != null && dMax > dDay) bad('max_daily_dose', 'below the largest single dose', '小于成人单次剂量上限');
  if (cMin != null && cMax != null && cMin > cMax) bad('child_daily_max_per_kg', 'below child_daily_min_per_kg', '小于儿童日剂量下限');
  const item: CatalogueItem = {
    code: s('code'), genericName: s('generic_name'), nameEn: s('name_en') || null,
    dosageForm: oneOf('dosage_form', DOSAGE_FORMS) ?? 'tablet', strength: s('strength'), strengthValue: strengthValue ?? 0,
    unit: oneOf('unit', UNITS) ?? 'mg', package: s('package'), atcCode: s('atc_code'), essential: bool('essential'), insuranceClass: insurance,
    antibacterialGrade: grade, highAlert: bool('high_alert'), route: oneOf('route', ROUTES) ?? 'oral',
    adultDoseMin: dMin, adultDoseMax: dMax, maxDailyDose: dDay, childDailyMinPerKg: cMin, childDailyMaxPerKg: cMax,
    frequencies: freqs, minAgeYears: minAge, pregnancy: oneOf('pregnancy', ['contraindicated', 'caution'] as const), levels: levels as Level[],
  };
  return problems.length ? { item: null, problems } : { item, problems };
}

/**
 * Checks a whole table (header row + rows): every bad cell across the file, a missing column, a code
 * given twice; the items only when nothing is wrong (all rows or none).
 */
export function checkCatalogue(rows: string[][]): { items: CatalogueItem[]; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  for (const c of REQUIRED) if (!header.includes(c)) problems.push({ path: `row 1, column ${c}`, problem: 'missing column / 缺少该列' });
  if (problems.length) return { items: [], problems };
  const items: CatalogueItem[] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach((r, i) => {
    if (r.every((c) => !c.trim())) return;
    const cells: Record<string, string> = {};
    header.forEach((h, j) => { cells[h] = r[j] ?? ''; });
    const row = i + 2;
    const { item, problems: p } = checkCatalogueRow(cells, row);
    problems.push(...p);
    const code = (cells.code ?? '').trim();
    if (code && seen.has(code)) problems.push({ path: `row ${row}, column code`, problem: `"${code}" is also on row ${seen.get(code)} / 编码重复` });
    else if (code) seen.set(code, row);
    if (item) items.push(item);
  });
  if (!items.length && !problems.length) problems.push({ path: 'row 2', problem: 'no items / 没有药品行' });
  return problems.length ? { items: [], problems } : { items, problems };
}
