// The observation catalogue: codes (LOINC where one exists), canonical units, accepted alternate
// units with their conversion, the physiologically plausible range (values outside it are refused,
// so that a fasting glucose of 70 is never stored as mmol/L) and the reference range for the flag.

export interface ObservationDef {
  code: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  /** Other units accepted, each with the factor that converts to the canonical unit. */
  alternates?: Record<string, number>;
  plausible: [number, number];
  /** Reference range; per sex where it differs. */
  ref?: [number, number] | { M: [number, number]; F: [number, number] };
  decimals: number;
}

export const OBSERVATIONS: ObservationDef[] = [
  { code: '8480-6', nameZh: '收缩压', nameEn: 'Systolic blood pressure', unit: 'mm[Hg]', alternates: { mmHg: 1, kPa: 7.50062 }, plausible: [50, 300], ref: [90, 139], decimals: 0 },
  { code: '8462-4', nameZh: '舒张压', nameEn: 'Diastolic blood pressure', unit: 'mm[Hg]', alternates: { mmHg: 1, kPa: 7.50062 }, plausible: [20, 200], ref: [60, 89], decimals: 0 },
  { code: '8867-4', nameZh: '心率', nameEn: 'Heart rate', unit: '/min', alternates: { bpm: 1, '次/分': 1 }, plausible: [20, 250], ref: [60, 100], decimals: 0 },
  { code: '8302-2', nameZh: '身高', nameEn: 'Body height', unit: 'cm', alternates: { m: 100 }, plausible: [30, 250], decimals: 1 },
  { code: '29463-7', nameZh: '体重', nameEn: 'Body weight', unit: 'kg', alternates: { g: 0.001, '斤': 0.5 }, plausible: [0.5, 350], decimals: 1 },
  { code: '39156-5', nameZh: '体质指数', nameEn: 'Body mass index', unit: 'kg/m2', plausible: [8, 80], ref: [18.5, 23.9], decimals: 1 },
  { code: '8280-0', nameZh: '腰围', nameEn: 'Waist circumference', unit: 'cm', alternates: { m: 100 }, plausible: [30, 250], ref: { M: [0, 89.9], F: [0, 84.9] }, decimals: 1 },
  { code: '8310-5', nameZh: '体温', nameEn: 'Body temperature', unit: 'Cel', alternates: { '°C': 1, C: 1 }, plausible: [30, 45], ref: [36.0, 37.3], decimals: 1 },
  { code: '1558-6', nameZh: '空腹血糖', nameEn: 'Fasting glucose', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 18.0 }, plausible: [1, 40], ref: [3.9, 6.0], decimals: 1 },
  { code: '2339-0', nameZh: '随机血糖', nameEn: 'Random glucose', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 18.0 }, plausible: [1, 50], ref: [3.9, 11.0], decimals: 1 },
  { code: '4548-4', nameZh: '糖化血红蛋白', nameEn: 'HbA1c', unit: '%', alternates: { 'mmol/mol': 0 }, plausible: [3, 20], ref: [4.0, 6.0], decimals: 1 },
  { code: '2093-3', nameZh: '总胆固醇', nameEn: 'Total cholesterol', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 38.67 }, plausible: [1, 20], ref: [0, 5.19], decimals: 2 },
  { code: '2571-8', nameZh: '甘油三酯', nameEn: 'Triglycerides', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 88.57 }, plausible: [0.1, 50], ref: [0, 1.69], decimals: 2 },
  { code: '2085-9', nameZh: '高密度脂蛋白胆固醇', nameEn: 'HDL cholesterol', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 38.67 }, plausible: [0.1, 5], ref: [1.04, 99], decimals: 2 },
  { code: '13457-7', nameZh: '低密度脂蛋白胆固醇', nameEn: 'LDL cholesterol', unit: 'mmol/L', alternates: { 'mg/dL': 1 / 38.67 }, plausible: [0.1, 15], ref: [0, 3.39], decimals: 2 },
  { code: '2160-0', nameZh: '血肌酐', nameEn: 'Creatinine', unit: 'umol/L', alternates: { 'µmol/L': 1, 'mg/dL': 88.4 }, plausible: [10, 2000], ref: { M: [57, 111], F: [41, 81] }, decimals: 0 },
  { code: '3094-0', nameZh: '血尿素氮', nameEn: 'Urea nitrogen', unit: 'mmol/L', plausible: [0.5, 60], ref: [2.8, 7.6], decimals: 1 },
  { code: '1742-6', nameZh: '谷丙转氨酶', nameEn: 'ALT', unit: 'U/L', plausible: [1, 5000], ref: { M: [9, 50], F: [7, 40] }, decimals: 0 },
  { code: '718-7', nameZh: '血红蛋白', nameEn: 'Haemoglobin', unit: 'g/L', alternates: { 'g/dL': 10 }, plausible: [20, 250], ref: { M: [130, 175], F: [115, 150] }, decimals: 0 },
  { code: '59408-5', nameZh: '血氧饱和度', nameEn: 'Oxygen saturation', unit: '%', plausible: [50, 100], ref: [95, 100], decimals: 0 },
];

const BY_CODE = new Map(OBSERVATIONS.map((o) => [o.code, o]));

export interface ObservationProblem {
  path: string;
  code: string;
  zh: string;
  en: string;
}

export interface NormalisedObservation {
  code: string;
  value: number;
  unit: string;
  refLow: number | null;
  refHigh: number | null;
  flag: 'L' | 'N' | 'H' | null;
}

/** Checks an observation's code, unit and value; converts to the canonical unit; flags it against the reference range. */
export function normaliseObservation(input: { code: string; value: number; unit: string; sex?: 'M' | 'F'; ageYears?: number }):
  { ok: true; value: NormalisedObservation } | { ok: false; problems: ObservationProblem[] } {
  const def = BY_CODE.get(input.code);
  if (!def) return { ok: false, problems: [{ path: 'code', code: 'observation.unknown_code', zh: `未知的观察项目代码 ${input.code}`, en: `Unknown observation code ${input.code}` }] };
  let value = input.value;
  if (input.unit !== def.unit) {
    const f = def.alternates?.[input.unit];
    if (f === undefined) {
      const accepted = [def.unit, ...Object.keys(def.alternates ?? {})].join(', ');
      return { ok: false, problems: [{ path: 'unit', code: 'observation.unit', zh: `${def.nameZh}的单位应为 ${accepted}，而不是 ${input.unit}`, en: `${def.nameEn} takes ${accepted}, not ${input.unit}` }] };
    }
    // HbA1c IFCC (mmol/mol) → NGSP (%): % = 0.0915 × mmol/mol + 2.15
    value = def.code === '4548-4' && input.unit === 'mmol/mol' ? 0.0915 * value + 2.15 : value * f;
  }
  if (!Number.isFinite(value) || value < def.plausible[0] || value > def.plausible[1]) {
    return { ok: false, problems: [{ path: 'value', code: 'observation.implausible',
      zh: `${def.nameZh} ${input.value} ${input.unit} 超出可能范围（${def.plausible[0]}–${def.plausible[1]} ${def.unit}），请检查数值和单位`,
      en: `${def.nameEn} ${input.value} ${input.unit} is outside the plausible range ${def.plausible[0]}–${def.plausible[1]} ${def.unit}; check the value and the unit` }] };
  }
  const p = 10 ** def.decimals;
  value = Math.round(value * p) / p;
  const ref = def.ref ? (Array.isArray(def.ref) ? def.ref : def.ref[input.sex ?? 'M']) : null;
  const flag = ref ? (value < ref[0] ? 'L' : value > ref[1] ? 'H' : 'N') : null;
  return { ok: true, value: { code: def.code, value, unit: def.unit, refLow: ref?.[0] ?? null, refHigh: ref?.[1] ?? null, flag } };
}

/** Body-mass index from height (cm) and weight (kg), to one decimal. */
export function bmi(heightCm: number, weightKg: number): number {
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}
