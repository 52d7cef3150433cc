// The settlement list (医保结算清单): its columns, the check of one row (pure; every CSV/XLSX import
// goes through it, so a bad cell is named the same way wherever it comes from), all rows or none.
// Field meanings follow the national 医疗保障基金结算清单填写规范 (医保办发〔2021〕34号); the
// columns kept here are the subset DIP grouping, settlement and supervision need (data/insurance/README.md).
import { validateIdNumber } from '../registry/id-number.ts';

/** 险种类型: 310 职工基本医疗保险, 390 城乡居民基本医疗保险 (national insurance-type codes). */
export const INSURANCE_TYPES = ['employee', 'resident'] as const;
export type InsuranceType = (typeof INSURANCE_TYPES)[number];
const INSURANCE_WORDS: Record<string, InsuranceType> = { employee: 'employee', resident: 'resident', 职工: 'employee', 职工医保: 'employee', 职工基本医疗保险: 'employee', '310': 'employee', 城乡居民: 'resident', 居民医保: 'resident', 城乡居民基本医疗保险: 'resident', '390': 'resident' };
/** 医疗类别 kept: inpatient (住院) and outpatient special/chronic disease (门诊慢特病). */
export const SETTINGS = ['inpatient', 'outpatient_special'] as const;
export type Setting = (typeof SETTINGS)[number];
const SETTING_WORDS: Record<string, Setting> = { inpatient: 'inpatient', 住院: 'inpatient', outpatient_special: 'outpatient_special', 门诊慢特病: 'outpatient_special', 门诊特殊病: 'outpatient_special' };

/** The list's fee categories (住院医疗收费项目类别, 结算清单 part 4), in the list's order: column = cost_<key>. */
export const COST_CATEGORIES = [
  ['bed', '床位费'], ['consultation', '诊察费'], ['examination', '检查费'], ['laboratory', '化验费'], ['treatment', '治疗费'], ['surgery', '手术费'],
  ['nursing', '护理费'], ['materials', '卫生材料费'], ['western_drugs', '西药费'], ['herbal_pieces', '中药饮片费'], ['patent_drugs', '中成药费'],
  ['general_care', '一般诊疗费'], ['registration', '挂号费'], ['other', '其他费'],
] as const;
export type CostKey = (typeof COST_CATEGORIES)[number][0];

/** The columns of a settlement-list file (CSV, or the first sheet of an XLSX), in order. */
export const LIST_COLUMNS = ['list_no', 'facility_code', 'insurance_type', 'setting', 'id_number', 'admitted_on', 'discharged_on', 'days', 'main_diagnosis', 'other_diagnoses',
  'procedures', ...COST_CATEGORIES.map(([k]) => `cost_${k}`), 'total_cost', 'fund_paid', 'self_paid'] as const;
const REQUIRED = ['list_no', 'facility_code', 'insurance_type', 'id_number', 'admitted_on', 'discharged_on', 'days', 'main_diagnosis', 'total_cost', 'fund_paid', 'self_paid'] as const;

/** One checked settlement list, money in fen. */
export interface SettlementRow {
  listNo: string;
  facilityCode: string;
  insuranceType: InsuranceType;
  setting: Setting;
  idNumber: string;
  sex: 'M' | 'F';
  birthDate: string;
  admittedOn: string;
  dischargedOn: string;
  days: number;
  mainDiagnosis: string;
  otherDiagnoses: string[];
  procedures: string[];
  costs: Record<CostKey, number>;
  totalFen: number;
  fundFen: number;
  selfFen: number;
}

export interface CellProblem { path: string; problem: string }

/**
 * ICD-10 as the national clinical edition writes it: category A00, subcategory A00.0, and the
 * edition's extensions (I21.000, I21.000x001, I10.x00x002). The category part is the records module's own
 * pattern (`^[A-Z]\d{2}(\.\d{1,2})?$`, records/reference.ts) widened to the edition's 3-digit
 * subcodes and x-extensions.
 */
export const ICD10_CLINICAL = /^[A-Z]\d{2}(\.[0-9x]{1,3}(x[0-9]{3})?)?$/;
/** A diagnosis code as the clinical edition writes it: the letter upper case, the placeholder x lower case (i10.X00 → I10.x00). */
export function normalIcd10(v: string): string {
  return v.slice(0, 1).toUpperCase() + v.slice(1).toLowerCase();
}
/** ICD-9-CM-3 (国家临床版3.0 手术操作编码): 2-digit category, up to 2 decimals, optional 4-digit extension (47.0901). */
export const ICD9CM3 = /^\d{2}(\.\d{1,2}(\d{2})?)?(x\d{3})?$/;

/** Yuan as written in a list (up to 2 decimals, not negative) → fen, or null when not money. */
export function yuanToFen(v: string): number | null {
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(v)) return null;
  const [y, f = ''] = v.split('.');
  return Number(y) * 100 + Number(f.padEnd(2, '0'));
}

/** Days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function isDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/**
 * Checks one row of a settlement-list file (cells by column name); every bad cell named by its row
 * (as the user counts it, header = 1) and column, in English and Chinese.
 */
export function checkSettlementRow(cells: Record<string, string>, row: number, today: string): { item: SettlementRow | null; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const bad = (c: string, en: string, zh: string) => problems.push({ path: `row ${row}, column ${c}`, problem: `${en} / ${zh}` });
  const s = (c: string) => (cells[c] ?? '').trim();
  for (const c of REQUIRED) if (!s(c)) bad(c, 'empty', '不能为空');
  if (s('list_no') && !/^[A-Za-z0-9_-]{1,40}$/.test(s('list_no'))) bad('list_no', `"${s('list_no')}" is not a list number (1–40 letters, digits, _ or -)`, '清单流水号格式有误');
  const insRaw = s('insurance_type');
  const insuranceType = insRaw ? INSURANCE_WORDS[insRaw] ?? null : null;
  if (insRaw && !insuranceType) bad('insurance_type', `"${insRaw}" is not 职工 (310) or 城乡居民 (390)`, '险种应为职工或城乡居民');
  const setRaw = s('setting');
  const setting = setRaw ? SETTING_WORDS[setRaw] ?? null : 'inpatient';
  if (setRaw && !setting) bad('setting', `"${setRaw}" is not 住院 or 门诊慢特病`, '医疗类别应为住院或门诊慢特病');
  let sex: 'M' | 'F' = 'M';
  let birthDate = '';
  if (s('id_number')) {
    const id = validateIdNumber(s('id_number').toUpperCase(), { today });
    if (id.ok) { sex = id.sex; birthDate = id.birthDate; } else bad('id_number', `not a valid resident ID number (${id.problems.map((p) => p.en).join('; ')})`, `身份证号有误（${id.problems.map((p) => p.zh).join('；')}）`);
  }
  const adm = s('admitted_on');
  const dis = s('discharged_on');
  if (adm && !isDate(adm)) bad('admitted_on', `"${adm}" is not a date (YYYY-MM-DD)`, '日期格式应为YYYY-MM-DD');
  if (dis && !isDate(dis)) bad('discharged_on', `"${dis}" is not a date (YYYY-MM-DD)`, '日期格式应为YYYY-MM-DD');
  const datesOk = isDate(adm) && isDate(dis);
  if (datesOk && dis < adm) bad('discharged_on', 'before admitted_on', '出院日期早于入院日期');
  if (datesOk && dis > today) bad('discharged_on', 'in the future', '出院日期晚于今天');
  if (datesOk && birthDate && adm < birthDate) bad('admitted_on', 'before the patient\'s birth date (from the ID number)', '入院日期早于出生日期');
  const days = Number(s('days'));
  if (s('days') && (!Number.isInteger(days) || days < 0 || days > 3650)) bad('days', `"${s('days')}" is not a whole number of days`, '住院天数应为非负整数');
  // 实际住院天数 = 出院日期 − 入院日期; admitted and discharged the same day counts 1 (结算清单填写规范).
  else if (s('days') && datesOk && dis >= adm && days !== Math.max(1, daysBetween(adm, dis))) bad('days', `${days} does not match the dates (${Math.max(1, daysBetween(adm, dis))})`, '住院天数与入出院日期不符');
  const main = normalIcd10(s('main_diagnosis'));
  if (main && !ICD10_CLINICAL.test(main)) bad('main_diagnosis', `"${s('main_diagnosis')}" is not an ICD-10 code (K35.8, I21.000x001)`, '不是ICD-10编码');
  const list = (c: string) => s(c).split(/[|;；，,、\s]+/).filter(Boolean);
  const others = list('other_diagnoses').map(normalIcd10);
  for (const d of list('other_diagnoses')) if (!ICD10_CLINICAL.test(normalIcd10(d))) bad('other_diagnoses', `"${d}" is not an ICD-10 code`, '不是ICD-10编码');
  const procs = list('procedures');
  for (const p of procs) if (!ICD9CM3.test(p)) bad('procedures', `"${p}" is not an ICD-9-CM-3 code (47.09, 81.5101)`, '不是ICD-9-CM-3手术操作编码');
  const money = (c: string): number => {
    const v = s(c);
    if (!v) return 0;
    const f = yuanToFen(v);
    if (f == null) { bad(c, `"${v}" is not an amount in yuan (≥ 0, at most 2 decimals)`, '金额应为非负数，最多两位小数'); return 0; }
    return f;
  };
  const costs = Object.fromEntries(COST_CATEGORIES.map(([k]) => [k, money(`cost_${k}`)])) as Record<CostKey, number>;
  const totalFen = money('total_cost');
  const fundFen = money('fund_paid');
  const selfFen = money('self_paid');
  const sum = Object.values(costs).reduce((a, b) => a + b, 0);
  const anyCategory = COST_CATEGORIES.some(([k]) => s(`cost_${k}`));
  if (anyCategory && s('total_cost') && sum !== totalFen) bad('total_cost', `${(totalFen / 100).toFixed(2)} is not the sum of the categories (${(sum / 100).toFixed(2)})`, '总费用不等于各类费用之和');
  if (s('total_cost') && s('fund_paid') && s('self_paid') && fundFen + selfFen !== totalFen) bad('self_paid', `fund_paid + self_paid (${((fundFen + selfFen) / 100).toFixed(2)}) is not total_cost (${(totalFen / 100).toFixed(2)})`, '基金支付与个人支付之和不等于总费用');
  if (problems.length) return { item: null, problems };
  return {
    item: {
      listNo: s('list_no'), facilityCode: s('facility_code'), insuranceType: insuranceType!, setting: setting!, idNumber: s('id_number').toUpperCase(), sex, birthDate,
      admittedOn: adm, dischargedOn: dis, days, mainDiagnosis: main, otherDiagnoses: others, procedures: procs, costs, totalFen, fundFen, selfFen,
    },
    problems,
  };
}

/**
 * Checks a whole file (header row + rows): every bad cell across it, a missing column, a list
 * number given twice for one facility; the rows only when nothing is wrong (all rows or none).
 */
export function checkSettlementList(rows: string[][], today: string): { items: SettlementRow[]; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  for (const c of REQUIRED) if (!header.includes(c)) problems.push({ path: `row 1, column ${c}`, problem: 'missing column / 缺少该列' });
  for (const h of header) if (h && !(LIST_COLUMNS as readonly string[]).includes(h)) problems.push({ path: `row 1, column ${h}`, problem: 'unknown column / 未知列' });
  if (problems.length) return { items: [], problems };
  const items: SettlementRow[] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach((r, i) => {
    if (r.every((c) => !String(c ?? '').trim())) return;
    const cells: Record<string, string> = {};
    header.forEach((h, j) => { cells[h] = String(r[j] ?? ''); });
    const row = i + 2;
    const { item, problems: p } = checkSettlementRow(cells, row, today);
    problems.push(...p);
    const key = `${(cells.facility_code ?? '').trim()}|${(cells.list_no ?? '').trim()}`;
    if (seen.has(key)) problems.push({ path: `row ${row}, column list_no`, problem: `"${cells.list_no.trim()}" is also on row ${seen.get(key)} for this facility / 清单流水号重复` });
    else seen.set(key, row);
    if (item) items.push(item);
  });
  if (!items.length && !problems.length) problems.push({ path: 'row 2', problem: 'no settlement lists / 没有结算清单行' });
  return problems.length ? { items: [], problems } : { items, problems };
}
