// Health management of the elderly aged 65+ (老年人健康管理服务规范, 国家基本公共卫生服务规范（第三版）, 2017):
// who is in it, the annual service's status in a year, the self-care ability score (老年人生活自理能力评估表)
// and its bands, BMI and waist bands (WS/T 428-2013, the Chinese adult cut-offs), the form's bounds
// (named, never clamped) and the indicator 老年人健康管理率. Pure; sources in data/publichealth/README.md.

import { ageOn } from '../registry/rules.ts';

/** Age from which a resident is in the programme (years, on the day). */
export const ELDERLY_AGE = 65;

/** In the programme on a day: aged 65 or more that day. */
export function isElderly(birthDate: string, day: string): boolean {
  return ageOn(birthDate, day) >= ELDERLY_AGE;
}

/**
 * The self-care table's five items, each with its four levels' scores (可自理, 轻度依赖, 中度依赖, 不能自理).
 * A level's score is what the form allows for that item; the total is their sum (0–37).
 */
export const SELF_CARE_ITEMS = {
  eating: { zh: '进餐', en: 'eating', scores: [0, 0, 3, 5] },
  grooming: { zh: '梳洗', en: 'grooming', scores: [0, 1, 3, 7] },
  dressing: { zh: '穿衣', en: 'dressing', scores: [0, 0, 3, 5] },
  toileting: { zh: '如厕', en: 'toileting', scores: [0, 1, 5, 10] },
  activity: { zh: '活动', en: 'activity', scores: [0, 1, 5, 10] },
} as const;
export type SelfCareItem = keyof typeof SELF_CARE_ITEMS;
export type SelfCareAnswers = Record<SelfCareItem, number>;
export const SELF_CARE_KEYS = Object.keys(SELF_CARE_ITEMS) as SelfCareItem[];

export type SelfCareBand = 'independent' | 'mild' | 'moderate' | 'unable';
export const SELF_CARE_BAND_ZH: Record<SelfCareBand, string> = { independent: '可自理', mild: '轻度依赖', moderate: '中度依赖', unable: '不能自理' };

/** The band of a total score: 0–3 可自理, 4–8 轻度依赖, 9–18 中度依赖, ≥19 不能自理. */
export function selfCareBand(total: number): SelfCareBand {
  if (total <= 3) return 'independent';
  if (total <= 8) return 'mild';
  if (total <= 18) return 'moderate';
  return 'unable';
}

/** The total and band of the five items' scores (each must be one the table allows: see formProblems). */
export function selfCareScore(a: SelfCareAnswers): { total: number; band: SelfCareBand } {
  const total = SELF_CARE_KEYS.reduce((s, k) => s + a[k], 0);
  return { total, band: selfCareBand(total) };
}

export type BmiBand = 'underweight' | 'normal' | 'overweight' | 'obese';
/** BMI kg/m² to one decimal (the form's precision), from weight kg and height cm. */
export function bmiOf(weightKg: number, heightCm: number): number {
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}
/** WS/T 428-2013: <18.5 低体重, 18.5–<24.0 正常, 24.0–<28.0 超重, ≥28.0 肥胖. */
export function bmiBand(bmi: number): BmiBand {
  if (bmi < 18.5) return 'underweight';
  if (bmi < 24) return 'normal';
  if (bmi < 28) return 'overweight';
  return 'obese';
}
export type WaistBand = 'normal' | 'pre-central-obesity' | 'central-obesity';
/** WS/T 428-2013: men 85–<90 cm, women 80–<85 cm 中心型肥胖前期; men ≥90, women ≥85 中心型肥胖. */
export function waistBand(waistCm: number, sex: 'M' | 'F'): WaistBand {
  const [pre, ob] = sex === 'M' ? [85, 90] : [80, 85];
  if (waistCm >= ob) return 'central-obesity';
  if (waistCm >= pre) return 'pre-central-obesity';
  return 'normal';
}

/**
 * The numbers of the 健康体检表 parts the norm requires for the elderly, with their plausible range
 * (inclusive) and names: outside is refused by name, never clamped.
 */
export const ELDERLY_LIMITS = {
  temperature: { min: 34, max: 42, int: false, zh: '体温（°C）', en: 'temperature (°C)' },
  pulse: { min: 20, max: 220, int: true, zh: '脉率（次/分钟）', en: 'pulse (per minute)' },
  respiration: { min: 5, max: 60, int: true, zh: '呼吸频率（次/分钟）', en: 'respiration (per minute)' },
  systolicLeft: { min: 60, max: 280, int: true, zh: '左侧收缩压（mmHg）', en: 'systolic BP, left (mmHg)' },
  diastolicLeft: { min: 30, max: 160, int: true, zh: '左侧舒张压（mmHg）', en: 'diastolic BP, left (mmHg)' },
  systolicRight: { min: 60, max: 280, int: true, zh: '右侧收缩压（mmHg）', en: 'systolic BP, right (mmHg)' },
  diastolicRight: { min: 30, max: 160, int: true, zh: '右侧舒张压（mmHg）', en: 'diastolic BP, right (mmHg)' },
  heightCm: { min: 100, max: 220, int: false, zh: '身高（cm）', en: 'height (cm)' },
  weightKg: { min: 20, max: 250, int: false, zh: '体重（kg）', en: 'weight (kg)' },
  waistCm: { min: 40, max: 200, int: false, zh: '腰围（cm）', en: 'waist (cm)' },
  haemoglobin: { min: 30, max: 250, int: false, zh: '血红蛋白（g/L）', en: 'haemoglobin (g/L)' },
  wbc: { min: 0.5, max: 100, int: false, zh: '白细胞（×10⁹/L）', en: 'white cells (×10⁹/L)' },
  platelets: { min: 5, max: 1500, int: false, zh: '血小板（×10⁹/L）', en: 'platelets (×10⁹/L)' },
  fastingGlucose: { min: 1, max: 40, int: false, zh: '空腹血糖（mmol/L）', en: 'fasting glucose (mmol/L)' },
  alt: { min: 0, max: 5000, int: false, zh: '血清谷丙转氨酶（U/L）', en: 'ALT (U/L)' },
  ast: { min: 0, max: 5000, int: false, zh: '血清谷草转氨酶（U/L）', en: 'AST (U/L)' },
  totalBilirubin: { min: 0, max: 800, int: false, zh: '总胆红素（μmol/L）', en: 'total bilirubin (μmol/L)' },
  creatinine: { min: 10, max: 2000, int: false, zh: '血清肌酐（μmol/L）', en: 'creatinine (μmol/L)' },
  urea: { min: 0.5, max: 80, int: false, zh: '血尿素（mmol/L）', en: 'urea (mmol/L)' },
  totalCholesterol: { min: 0.5, max: 25, int: false, zh: '总胆固醇（mmol/L）', en: 'total cholesterol (mmol/L)' },
  triglycerides: { min: 0.1, max: 50, int: false, zh: '甘油三酯（mmol/L）', en: 'triglycerides (mmol/L)' },
  ldl: { min: 0.1, max: 20, int: false, zh: '血清低密度脂蛋白胆固醇（mmol/L）', en: 'LDL cholesterol (mmol/L)' },
  hdl: { min: 0.1, max: 10, int: false, zh: '血清高密度脂蛋白胆固醇（mmol/L）', en: 'HDL cholesterol (mmol/L)' },
  // 一般状况, 生活方式, 脏器功能, 查体, 健康指导 (the 健康体检表's other numbers)
  mmse: { min: 0, max: 30, int: true, zh: '简易智力状态检查总分', en: 'MMSE total' },
  gds: { min: 0, max: 30, int: true, zh: '老年人抑郁评分检查总分', en: 'geriatric depression score' },
  exerciseMinutes: { min: 1, max: 600, int: true, zh: '每次锻炼时间（分钟）', en: 'exercise per session (minutes)' },
  exerciseYears: { min: 0, max: 90, int: true, zh: '坚持锻炼时间（年）', en: 'years of exercise' },
  cigarettesPerDay: { min: 1, max: 100, int: true, zh: '日吸烟量（支）', en: 'cigarettes a day' },
  alcoholLiang: { min: 0.1, max: 50, int: false, zh: '日饮酒量（两）', en: 'alcohol a day (liang, 50 g)' },
  visionLeft: { min: 0.01, max: 2, int: false, zh: '左眼视力', en: 'vision, left eye' },
  visionRight: { min: 0.01, max: 2, int: false, zh: '右眼视力', en: 'vision, right eye' },
  heartRate: { min: 20, max: 220, int: true, zh: '心率（次/分钟）', en: 'heart rate (per minute)' },
  targetWeightKg: { min: 20, max: 250, int: false, zh: '减体重目标（kg）', en: 'target weight (kg)' },
} as const;
export type ElderlyNumber = keyof typeof ELDERLY_LIMITS;
export const ELDERLY_NUMBERS = Object.keys(ELDERLY_LIMITS) as ElderlyNumber[];

/** Urinalysis (尿常规) entries: the dipstick's grades. */
export const URINE_GRADES = ['-', '±', '+', '++', '+++', '++++'] as const;
export const FINDING = ['normal', 'abnormal'] as const;
export const GUIDANCE = ['regular-follow-up', 'chronic-management', 'recheck', 'refer'] as const;

/** The 健康体检表's symptoms (症状, items 1–25; 'none' is 无症状 and stands alone). */
export const ELDERLY_SYMPTOMS = ['none', 'headache', 'dizziness', 'palpitations', 'chest_tightness', 'chest_pain', 'chronic_cough', 'sputum', 'dyspnoea', 'polydipsia', 'polyuria',
  'weight_loss', 'fatigue', 'joint_pain', 'blurred_vision', 'numbness', 'urgency', 'dysuria', 'constipation', 'diarrhoea', 'nausea', 'dim_sight', 'tinnitus', 'breast_pain', 'other'] as const;

/**
 * The form's one-answer items, each with its answers in the form's order (the 健康体检表's numbered
 * boxes) and its name for the problems: 一般状况 (self-rated health, cognition, emotion), 生活方式,
 * 脏器功能, 查体, 健康评价.
 */
export const ELDERLY_CHOICES = {
  healthSelfRating: { zh: '老年人健康状态自我评估', en: 'self-rated health', options: ['satisfied', 'fairly_satisfied', 'unsure', 'somewhat_dissatisfied', 'dissatisfied'] },
  cognition: { zh: '老年人认知功能', en: 'cognition', options: ['negative', 'positive'] },
  emotion: { zh: '老年人情感状态', en: 'emotional state', options: ['negative', 'positive'] },
  exerciseFrequency: { zh: '锻炼频率', en: 'exercise frequency', options: ['daily', 'weekly', 'occasional', 'none'] },
  smoking: { zh: '吸烟状况', en: 'smoking', options: ['never', 'quit', 'current'] },
  drinking: { zh: '饮酒频率', en: 'drinking', options: ['never', 'occasional', 'often', 'daily'] },
  lips: { zh: '口唇', en: 'lips', options: ['ruddy', 'pale', 'cyanotic', 'chapped', 'herpes'] },
  dentition: { zh: '齿列', en: 'teeth', options: ['normal', 'missing', 'caries', 'dentures'] },
  pharynx: { zh: '咽部', en: 'pharynx', options: ['normal', 'congested', 'follicles'] },
  hearing: { zh: '听力', en: 'hearing', options: ['heard', 'not_heard'] },
  motor: { zh: '运动功能', en: 'movement', options: ['able', 'unable'] },
  skin: { zh: '皮肤', en: 'skin', options: ['normal', 'flushed', 'pale', 'cyanotic', 'jaundiced', 'pigmented', 'other'] },
  lymphNodes: { zh: '淋巴结', en: 'lymph nodes', options: ['none', 'supraclavicular', 'axillary', 'other'] },
  breathSounds: { zh: '肺 呼吸音', en: 'breath sounds', options: ['normal', 'abnormal'] },
  rales: { zh: '肺 罗音', en: 'rales', options: ['none', 'dry', 'wet', 'other'] },
  heartRhythm: { zh: '心律', en: 'heart rhythm', options: ['regular', 'irregular', 'absolutely_irregular'] },
  murmur: { zh: '心脏杂音', en: 'heart murmur', options: ['none', 'present'] },
  abdomen: { zh: '腹部（压痛、包块、肝大、脾大、移动性浊音）', en: 'abdomen (tenderness, mass, liver, spleen, shifting dullness)', options: ['normal', 'abnormal'] },
  oedema: { zh: '下肢水肿', en: 'leg oedema', options: ['none', 'one_side', 'both_asymmetric', 'both_symmetric'] },
  evaluation: { zh: '健康评价', en: 'health evaluation', options: ['normal', 'abnormal'] },
} as const;
export type ElderlyChoice = keyof typeof ELDERLY_CHOICES;
export const ELDERLY_CHOICE_KEYS = Object.keys(ELDERLY_CHOICES) as ElderlyChoice[];

/** The form's several-answer items: symptoms, 饮食习惯, 危险因素控制 (and 健康指导, GUIDANCE). */
export const ELDERLY_MULTI = {
  symptoms: { zh: '症状', en: 'symptoms', options: ELDERLY_SYMPTOMS },
  diet: { zh: '饮食习惯', en: 'diet', options: ['balanced', 'mostly_meat', 'mostly_vegetarian', 'salty', 'oily', 'sweet'] },
  riskFactors: { zh: '危险因素控制', en: 'risk-factor control', options: ['quit_smoking', 'healthy_drinking', 'diet', 'exercise', 'weight_loss', 'vaccination', 'other'] },
  guidance: { zh: '健康指导', en: 'guidance', options: GUIDANCE },
} as const;
export type ElderlyMulti = keyof typeof ELDERLY_MULTI;
export const ELDERLY_MULTI_KEYS = Object.keys(ELDERLY_MULTI) as ElderlyMulti[];

export type ElderlyFormIn = {
  serviceDate: string;
  selfCare: SelfCareAnswers;
  urineProtein?: string | null; urineGlucose?: string | null;
  ecg?: string | null; ecgText?: string | null; ultrasound?: string | null; ultrasoundText?: string | null;
  symptomsOther?: string | null; evaluationText?: string | null;
} & { [K in ElderlyNumber]?: number | null } & { [K in ElderlyChoice]?: string | null } & { [K in ElderlyMulti]?: string[] | null };
export interface FieldProblem { path: string; problem: string }

/** The form's problems, each naming its field in English and Chinese; none: it may be saved as typed. */
export function elderlyFormProblems(f: ElderlyFormIn, today: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (f.serviceDate > today) out.push({ path: 'serviceDate', problem: 'service date is in the future / 体检日期晚于今天' });
  for (const k of SELF_CARE_KEYS) {
    const it = SELF_CARE_ITEMS[k];
    const v = f.selfCare?.[k];
    if (v == null) out.push({ path: `selfCare.${k}`, problem: `${it.en} score is required / 请填写${it.zh}评分` });
    else if (!(it.scores as readonly number[]).includes(v)) out.push({ path: `selfCare.${k}`, problem: `${it.en} score must be one of ${[...new Set(it.scores)].join(', ')} / ${it.zh}评分应为 ${[...new Set(it.scores)].join('、')} 之一` });
  }
  for (const k of ELDERLY_NUMBERS) {
    const v = f[k];
    if (v == null) continue;
    const l = ELDERLY_LIMITS[k];
    if (!Number.isFinite(v) || v < l.min || v > l.max) out.push({ path: k, problem: `${l.en} must be between ${l.min} and ${l.max} / ${l.zh}应在 ${l.min} 至 ${l.max} 之间` });
    else if (l.int && !Number.isInteger(v)) out.push({ path: k, problem: `${l.en} must be a whole number / ${l.zh}应为整数` });
  }
  for (const [s, d] of [['systolicLeft', 'diastolicLeft'], ['systolicRight', 'diastolicRight']] as const) {
    const sv = f[s], dv = f[d];
    if ((sv == null) !== (dv == null)) out.push({ path: sv == null ? s : d, problem: 'blood pressure needs both numbers / 血压须同时填写收缩压和舒张压' });
    else if (sv != null && dv != null && dv >= sv) out.push({ path: d, problem: 'diastolic must be below systolic / 舒张压应低于收缩压' });
  }
  if (f.ldl != null && f.totalCholesterol != null && f.ldl > f.totalCholesterol) out.push({ path: 'ldl', problem: 'LDL above total cholesterol / 低密度脂蛋白胆固醇高于总胆固醇' });
  for (const k of ['urineProtein', 'urineGlucose'] as const) if (f[k] != null && !(URINE_GRADES as readonly string[]).includes(f[k]!)) out.push({ path: k, problem: `must be one of ${URINE_GRADES.join(' ')} / 应为 ${URINE_GRADES.join(' ')} 之一` });
  for (const [k, t] of [['ecg', 'ecgText'], ['ultrasound', 'ultrasoundText']] as const) {
    if (f[k] != null && !(FINDING as readonly string[]).includes(f[k]!)) out.push({ path: k, problem: 'must be normal or abnormal / 应为正常或异常' });
    if (f[t] && f[k] !== 'abnormal') out.push({ path: t, problem: 'a finding is described but 异常 was not chosen / 填写了异常描述但未选“异常”' });
  }
  for (const k of ELDERLY_CHOICE_KEYS) {
    const v = f[k], c = ELDERLY_CHOICES[k];
    if (v != null && !(c.options as readonly string[]).includes(v)) out.push({ path: k, problem: `${c.en} must be one of the form's answers / ${c.zh}应为表中选项之一` });
  }
  for (const k of ELDERLY_MULTI_KEYS) {
    const c = ELDERLY_MULTI[k];
    const bad = (f[k] ?? []).filter((x) => !(c.options as readonly string[]).includes(x));
    if (bad.length) out.push({ path: k, problem: `${c.en}: unknown answer ${bad.join(', ')} / ${c.zh}：未知选项 ${bad.join('、')}` });
    else if (new Set(f[k] ?? []).size !== (f[k] ?? []).length) out.push({ path: k, problem: `${c.en}: an answer twice / ${c.zh}：选项重复` });
  }
  if ((f.symptoms ?? []).includes('none') && (f.symptoms ?? []).length > 1) out.push({ path: 'symptoms', problem: 'no symptoms was ticked beside symptoms / 已选“无症状”又选了症状' });
  if (f.symptomsOther && !(f.symptoms ?? []).includes('other')) out.push({ path: 'symptomsOther', problem: 'another symptom is described but 其他 was not chosen / 填写了其他症状但未选“其他”' });
  const diet = f.diet ?? [];
  if (diet.filter((x) => x === 'balanced' || x === 'mostly_meat' || x === 'mostly_vegetarian').length > 1) out.push({ path: 'diet', problem: 'balanced, mostly meat and mostly vegetarian exclude one another / 荤素均衡、荤食为主、素食为主只能选一项' });
  // A follow-on number belongs to its answer: asked for with it, refused without it.
  const needs: [ElderlyNumber, boolean, string, string][] = [
    ['mmse', f.cognition === 'positive', 'the MMSE total is for a positive screen / 粗筛阳性时填写简易智力状态检查总分', 'a positive screen needs the MMSE total / 认知功能粗筛阳性须填写简易智力状态检查总分'],
    ['gds', f.emotion === 'positive', 'the depression score is for a positive screen / 粗筛阳性时填写老年人抑郁评分', 'a positive screen needs the depression score / 情感状态粗筛阳性须填写老年人抑郁评分'],
    ['cigarettesPerDay', f.smoking === 'current', 'cigarettes a day are for a current smoker / 吸烟者填写日吸烟量', 'a current smoker needs cigarettes a day / 吸烟者须填写日吸烟量'],
    ['alcoholLiang', f.drinking != null && f.drinking !== 'never', 'alcohol a day is for one who drinks / 饮酒者填写日饮酒量', 'one who drinks needs alcohol a day / 饮酒者须填写日饮酒量'],
    ['exerciseMinutes', f.exerciseFrequency != null && f.exerciseFrequency !== 'none', 'minutes of exercise are for one who exercises / 锻炼者填写每次锻炼时间', 'one who exercises needs minutes a session / 锻炼者须填写每次锻炼时间'],
    ['targetWeightKg', (f.riskFactors ?? []).includes('weight_loss'), 'a target weight is for 减体重 / 选“减体重”时填写目标', '减体重 needs its target / 选“减体重”须填写目标体重'],
  ];
  for (const [k, asked, extra, missing] of needs) {
    if (out.some((p) => p.path === k)) continue;
    if (!asked && f[k] != null) out.push({ path: k, problem: extra });
    else if (asked && f[k] == null) out.push({ path: k, problem: missing });
  }
  if (f.exerciseYears != null && (f.exerciseFrequency == null || f.exerciseFrequency === 'none') && !out.some((p) => p.path === 'exerciseYears')) out.push({ path: 'exerciseYears', problem: 'years of exercise are for one who exercises / 锻炼者填写坚持锻炼时间' });
  if (f.evaluationText && f.evaluation !== 'abnormal') out.push({ path: 'evaluationText', problem: 'an abnormality is described but 有异常 was not chosen / 填写了异常但未选“有异常”' });
  if (f.evaluation === 'abnormal' && !f.evaluationText?.trim()) out.push({ path: 'evaluationText', problem: 'name the abnormality / 请填写异常项' });
  return out;
}

export type AnnualStatus = 'done' | 'due' | 'overdue';
/**
 * The annual service's status in a calendar year on a day: done if a service was recorded that year;
 * else overdue on or after the year's last quarter start (1 October: the norm asks for one a year,
 * and a team has the last quarter to catch up — local practice, see README), else due.
 */
export function annualStatus(servedOn: string[], day: string): { year: number; status: AnnualStatus; servedOn: string | null } {
  const year = Number(day.slice(0, 4));
  const that = servedOn.filter((d) => d.startsWith(`${year}-`) && d <= day).sort();
  if (that.length) return { year, status: 'done', servedOn: that[that.length - 1] };
  return { year, status: day >= `${year}-10-01` ? 'overdue' : 'due', servedOn: null };
}

/** The rate's definition as every page shows it beside the number (the route's and the indicator catalogue's). */
export const ELDERLY_RATE_DEFINITION = {
  zh: '老年人健康管理率 = 年内接受健康管理人数 ÷ 年内辖区内65岁及以上常住居民数 × 100%（分母：期末（当年为今天）在世、年满65周岁、居住在辖区的常住居民；分子：其中1月1日至期末有一次健康体检表填写完整的年度服务者）',
  en: 'Elderly health-management rate = residents managed in the year ÷ permanent residents 65+ of the area × 100% (denominator: permanent residents of the area alive and aged 65 or more on the period\'s end — today for the current year; numerator: those of them with a complete annual service from 1 January to that day)',
};

/**
 * 老年人健康管理率 = 年内接受健康管理人数 / 年内辖区内65岁及以上常住居民数 × 100%; managed means a
 * complete annual service that year (档案, 体检, 健康指导, 体检表填写完整). Rate to one decimal of a percent; null with no residents.
 */
export function managementRate(managed: number, residents: number): number | null {
  if (residents === 0) return null;
  return Math.round((managed / residents) * 1000) / 10;
}

/** Numbers of the form asked only with an answer (a positive screen, a smoker, …) or not always measured (the right arm's BP). */
const OPTIONAL_NUMBERS: ReadonlySet<ElderlyNumber> = new Set(['systolicRight', 'diastolicRight', 'mmse', 'gds', 'exerciseMinutes', 'exerciseYears', 'cigarettesPerDay', 'alcoholLiang', 'targetWeightKg']);

/** The items the norm lists for the annual service; a service missing one is recorded but not counted as managed. */
export const REQUIRED_ITEMS = [
  'symptoms', 'healthSelfRating', 'cognition', 'emotion', 'exerciseFrequency', 'diet', 'smoking', 'drinking',
  ...ELDERLY_NUMBERS.filter((k) => !OPTIONAL_NUMBERS.has(k)),
  'lips', 'dentition', 'pharynx', 'hearing', 'motor', 'skin', 'lymphNodes', 'breathSounds', 'rales', 'heartRhythm', 'murmur', 'abdomen', 'oedema',
  'urineProtein', 'urineGlucose', 'ecg', 'ultrasound', 'evaluation', 'guidance',
] as const;

/** The required items a form leaves empty (none: 体检表填写完整). */
export function missingItems(f: ElderlyFormIn): string[] {
  const rec = f as Record<string, unknown>;
  return REQUIRED_ITEMS.filter((k) => (k in ELDERLY_MULTI ? !((rec[k] as unknown[] | null | undefined)?.length) : rec[k] == null));
}
