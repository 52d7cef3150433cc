// Review before dispensing (前置审方): each rule is data (its verdict, its limits and its source) and a
// pure check; `review` runs them all over one prescription. A finding warns (the prescriber confirms
// it with a reason) or holds the prescription for the county review centre. Also: who may prescribe
// which antibacterial grade, long-prescription eligibility, a resident's current medication across
// facilities. No I/O: the web form runs the same checks.
import { FREQUENCIES, type AntibacterialGrade, type CatalogueItem, type Level, type Route } from './catalogue.ts';

export type Verdict = 'warn' | 'hold';
export type RuleCode = 'dose_range' | 'max_daily' | 'frequency' | 'duplicate_therapy' | 'interaction' | 'pregnancy' | 'age' | 'antibacterial_privilege'
  | 'special_use' | 'injection_oral' | 'acute_days' | 'long_prescription' | 'high_alert' | 'not_stocked';

/** The rules as data: each with its verdict and the text it comes from. */
export const REVIEW_RULES: Record<RuleCode, { verdict: Verdict; name: { zh: string; en: string }; source: string }> = {
  dose_range: { verdict: 'warn', name: { zh: '剂量超出常用范围', en: 'Dose outside the usual range' }, source: '药品说明书；《中国国家处方集》2010；医院处方点评管理规范（试行）第十八条（五）用法、用量不适宜' },
  max_daily: { verdict: 'hold', name: { zh: '超过每日最大剂量', en: 'Above the maximum daily dose' }, source: '药品说明书（每日最大剂量）；处方点评管理规范第十八条（五）' },
  frequency: { verdict: 'warn', name: { zh: '给药频次不适宜', en: 'Frequency not usual for the item' }, source: '药品说明书（用法）；处方点评管理规范第十八条（五）' },
  duplicate_therapy: { verdict: 'warn', name: { zh: '重复用药（同一ATC类别）', en: 'Duplicate therapy (same ATC class)' }, source: '医院处方点评管理规范（试行）（卫医管发〔2010〕28号）第十八条（七）重复给药' },
  interaction: { verdict: 'warn', name: { zh: '药物相互作用', en: 'Drug interaction' }, source: '医院处方点评管理规范第十八条（八）有配伍禁忌或者不良相互作用；各条目见相互作用表' },
  pregnancy: { verdict: 'hold', name: { zh: '孕妇禁用', en: 'Contraindicated in pregnancy' }, source: '药品说明书【孕妇及哺乳期妇女用药】' },
  age: { verdict: 'hold', name: { zh: '年龄禁忌', en: 'Contraindicated at this age' }, source: '药品说明书【儿童用药】（如喹诺酮类18岁以下、四环素类8岁以下禁用）' },
  antibacterial_privilege: { verdict: 'hold', name: { zh: '超出抗菌药物处方权限', en: 'Antibacterial grade above the prescriber\'s privilege' }, source: '抗菌药物临床应用管理办法（卫生部令第84号，2012）第二十四条' },
  special_use: { verdict: 'hold', name: { zh: '特殊使用级抗菌药物', en: 'Special-use antibacterial' }, source: '抗菌药物临床应用管理办法第二十八条：经会诊同意后由具有相应处方权医师开具；不得在门诊使用' },
  injection_oral: { verdict: 'warn', name: { zh: '可口服而用注射剂', en: 'Injection where an oral form would serve' }, source: '处方点评管理规范第十八条（三）药品剂型或给药途径不适宜；"能口服不肌注、能肌注不输液"' },
  acute_days: { verdict: 'warn', name: { zh: '处方用量超过7日（急诊3日）', en: 'Over 7 days (emergency 3)' }, source: '处方管理办法（卫生部令第53号，2007）第十九条' },
  long_prescription: { verdict: 'hold', name: { zh: '长期处方不符合条件', en: 'Long prescription not allowed' }, source: '长期处方管理规范（试行）（国卫办医发〔2021〕17号）：一般4周内，病情稳定的慢性病患者最长不超过12周；抗微生物药物不得开具长期处方' },
  not_stocked: { verdict: 'warn', name: { zh: '本级机构不配备', en: 'Not stocked at this facility level' }, source: '医共体统一药品目录的分级配备（本地设置）；缺药由县级药房调配（基层缺药登记）' },
  high_alert: { verdict: 'warn', name: { zh: '高警示药品，请双人核对', en: 'High-alert medicine: double-check' }, source: '中国药学会《中国高警示药品推荐目录（2019版）》' },
};

/** The limits the rules use, with their sources (REVIEW_RULES). */
export const LIMITS = { acuteDays: 7, emergencyDays: 3, ordinaryChronicDays: 28, longMaxDays: 84 } as const;

/**
 * Interactions checked (a small table; each row cites its source). Matched by ATC prefix on either
 * side; 'contraindicated' holds, 'major' warns.
 */
export const INTERACTIONS: { a: string; b: string; severity: 'contraindicated' | 'major'; zh: string; en: string; source: string }[] = [
  { a: 'C10AA01', b: 'J01FA09', severity: 'contraindicated', zh: '辛伐他汀与克拉霉素合用：横纹肌溶解风险（禁止合用）', en: 'Simvastatin with clarithromycin: rhabdomyolysis (contraindicated)', source: '辛伐他汀片说明书【禁忌】强效CYP3A4抑制剂；FDA Zocor label 2023 §4' },
  { a: 'B01AA03', b: 'P01AB01', severity: 'major', zh: '华法林与甲硝唑合用：INR升高、出血风险', en: 'Warfarin with metronidazole: raised INR, bleeding', source: '华法林钠片说明书【药物相互作用】' },
  { a: 'B01AA03', b: 'B01AC06', severity: 'major', zh: '华法林与阿司匹林合用：出血风险', en: 'Warfarin with aspirin: bleeding', source: '华法林钠片说明书【药物相互作用】' },
  { a: 'C09A', b: 'C09C', severity: 'major', zh: 'ACEI与ARB联用：不推荐（高钾、肾损伤）', en: 'ACE inhibitor with an ARB: not recommended (hyperkalaemia, kidney injury)', source: '中国高血压防治指南（2018年修订版）；ONTARGET, N Engl J Med 2008;358:1547' },
  { a: 'C09', b: 'C03DA', severity: 'major', zh: 'ACEI/ARB与螺内酯合用：高钾血症风险，监测血钾', en: 'ACE inhibitor/ARB with spironolactone: hyperkalaemia, monitor potassium', source: '螺内酯片说明书【药物相互作用】' },
  { a: 'J01MA', b: 'J01FA', severity: 'major', zh: '喹诺酮与大环内酯合用：QT间期延长', en: 'Quinolone with a macrolide: QT prolongation', source: '左氧氟沙星片说明书【注意事项】QT间期延长' },
];

/** Titles (卫生专业技术资格) by level, for the antibacterial privilege (管理办法第二十四条). */
export const TITLE_LEVELS: Record<string, 'senior' | 'intermediate' | 'junior'> = {
  主任医师: 'senior', 副主任医师: 'senior', 主治医师: 'intermediate', 医师: 'junior', 医士: 'junior',
  主任中医师: 'senior', 副主任中医师: 'senior', 主治中医师: 'intermediate', 中医师: 'junior',
};
const GRADE_RANK: Record<AntibacterialGrade, number> = { unrestricted: 1, restricted: 2, special: 3 };

export interface Prescriber { role: string; workerType: string | null; title: string | null; facilityTier: string }

/**
 * The highest antibacterial grade a prescriber may be granted (管理办法第二十四条): senior title →
 * special, intermediate → restricted, junior title, assistant physicians practising alone at a
 * township or village institution, and village doctors → unrestricted. No recorded title counts as junior.
 */
export function antibacterialPrivilege(p: Prescriber): AntibacterialGrade {
  if (p.role === 'village_doctor' || p.workerType === 'village_doctor') return 'unrestricted';
  if (p.workerType === 'assistant_physician' && (p.facilityTier === 'township' || p.facilityTier === 'village')) return 'unrestricted';
  const level = p.title ? TITLE_LEVELS[p.title.trim()] : undefined;
  return level === 'senior' ? 'special' : level === 'intermediate' ? 'restricted' : 'unrestricted';
}

export type Kind = 'acute' | 'chronic' | 'long';
export interface ReviewItem { med: CatalogueItem; dose: number; route: Route; frequency: string; days: number }
export interface ReviewInput {
  patient: { ageYears: number; weightKg: number | null; pregnant: boolean };
  prescriber: Prescriber;
  setting: 'outpatient' | 'emergency' | 'inpatient';
  kind: Kind;
  /** A consultation (会诊) agreed to a special-use antibacterial. */
  consultation: boolean;
  /** The resident's standing in a chronic programme (for a long prescription). */
  chronic: { enrolled: boolean; stable: boolean };
  items: ReviewItem[];
  /** What the resident takes already (other current prescriptions, any facility). */
  current: { atcCode: string; genericName: string; facility: string }[];
  /** ATC level-4 classes with an oral item stocked at the prescriber's level. */
  oralClasses: ReadonlySet<string>;
  /** The prescriber's facility level (county, township, village); omitted: not checked. */
  level?: Level;
}
export interface Finding { rule: RuleCode; verdict: Verdict; item: number | null; message: { zh: string; en: string }; source: string }

const atc4 = (atc: string) => atc.slice(0, 5);
const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** The daily amount of one item (dose × administrations a day). */
export function dailyDose(i: { dose: number; frequency: string }): number {
  return i.dose * (FREQUENCIES[i.frequency] ?? 1);
}

/** Whether a resident may have a long prescription (长期处方): enrolled in a chronic programme and stable at the last follow-up. */
export function longPrescriptionEligible(c: { enrolled: boolean; stable: boolean }): boolean {
  return c.enrolled && c.stable;
}

/** Every finding of the review of one prescription (none: it passes). */
export function review(x: ReviewInput): Finding[] {
  const out: Finding[] = [];
  const add = (rule: RuleCode, item: number | null, zh: string, en: string, verdict: Verdict = REVIEW_RULES[rule].verdict, source = REVIEW_RULES[rule].source) =>
    out.push({ rule, verdict, item, message: { zh, en }, source });
  const adult = x.patient.ageYears >= 18;
  const privilege = antibacterialPrivilege(x.prescriber);
  x.items.forEach((it, i) => {
    const m = it.med;
    const name = m.genericName;
    const daily = dailyDose(it);
    // dose for age and weight
    if (adult) {
      if ((m.adultDoseMin != null && it.dose < m.adultDoseMin) || (m.adultDoseMax != null && it.dose > m.adultDoseMax)) {
        add('dose_range', i, `${name}单次${fmt(it.dose)}${m.unit}，成人常用${fmt(m.adultDoseMin ?? 0)}–${fmt(m.adultDoseMax ?? 0)}${m.unit}`, `${name}: ${fmt(it.dose)} ${m.unit} a dose; adults usually ${fmt(m.adultDoseMin ?? 0)}–${fmt(m.adultDoseMax ?? 0)} ${m.unit}`);
      }
    } else if (m.childDailyMinPerKg != null || m.childDailyMaxPerKg != null) {
      if (x.patient.weightKg == null) add('dose_range', i, `${name}：儿童按体重给药，请填写体重`, `${name}: a child's dose goes by weight; enter the weight`);
      else {
        const perKg = daily / x.patient.weightKg;
        if ((m.childDailyMinPerKg != null && perKg < m.childDailyMinPerKg) || (m.childDailyMaxPerKg != null && perKg > m.childDailyMaxPerKg)) {
          add('dose_range', i, `${name}每日${fmt(perKg)}${m.unit}/kg，儿童常用${fmt(m.childDailyMinPerKg ?? 0)}–${fmt(m.childDailyMaxPerKg ?? 0)}${m.unit}/kg`, `${name}: ${fmt(perKg)} ${m.unit}/kg a day; children usually ${fmt(m.childDailyMinPerKg ?? 0)}–${fmt(m.childDailyMaxPerKg ?? 0)} ${m.unit}/kg`);
        }
      }
    }
    if (m.maxDailyDose != null && daily > m.maxDailyDose) {
      add('max_daily', i, `${name}每日${fmt(daily)}${m.unit}，超过最大日剂量${fmt(m.maxDailyDose)}${m.unit}`, `${name}: ${fmt(daily)} ${m.unit} a day, above the maximum ${fmt(m.maxDailyDose)} ${m.unit}`);
    }
    if (m.frequencies.length && !m.frequencies.includes(it.frequency)) {
      add('frequency', i, `${name}频次${it.frequency}，说明书用法为${m.frequencies.join('/')}`, `${name}: ${it.frequency}; the label gives ${m.frequencies.join('/')}`);
    }
    if (x.patient.pregnant && m.pregnancy === 'contraindicated') add('pregnancy', i, `${name}孕妇禁用`, `${name} is contraindicated in pregnancy`);
    if (x.patient.pregnant && m.pregnancy === 'caution') add('pregnancy', i, `${name}孕妇慎用`, `${name}: use with caution in pregnancy`, 'warn');
    if (m.minAgeYears != null && x.patient.ageYears < m.minAgeYears) add('age', i, `${name}${m.minAgeYears}岁以下禁用（患者${x.patient.ageYears}岁）`, `${name} is not for under ${m.minAgeYears} (patient ${x.patient.ageYears})`);
    if (m.antibacterialGrade && GRADE_RANK[m.antibacterialGrade] > GRADE_RANK[privilege]) {
      add('antibacterial_privilege', i, `${name}为${GRADE_ZH[m.antibacterialGrade]}，处方医师权限为${GRADE_ZH[privilege]}`, `${name} is ${m.antibacterialGrade}; the prescriber may prescribe up to ${privilege}`);
    }
    if (m.antibacterialGrade === 'special' && x.setting !== 'inpatient') add('special_use', i, `${name}为特殊使用级，不得在门诊使用`, `${name} is special-use: not for outpatients`);
    else if (m.antibacterialGrade === 'special' && !x.consultation) add('special_use', i, `${name}为特殊使用级，须经会诊同意`, `${name} is special-use: needs a consultation's agreement`);
    if ((it.route === 'iv' || it.route === 'im') && x.oralClasses.has(atc4(m.atcCode))) {
      add('injection_oral', i, `${name}为注射给药，本级有同类口服药品`, `${name} by injection; an oral item of the same class is stocked at this level`);
    }
    if (x.level && !m.levels.includes(x.level)) add('not_stocked', i, `${name}不在本级机构配备目录`, `${name} is not stocked at ${x.level} level`);
    if (m.highAlert) add('high_alert', i, `${name}为高警示药品`, `${name} is a high-alert medicine`);
    // days for the kind of prescription
    if (x.kind === 'acute') {
      const limit = x.setting === 'emergency' ? LIMITS.emergencyDays : LIMITS.acuteDays;
      if (it.days > limit) add('acute_days', i, `${name}${it.days}日用量，超过${limit}日`, `${name}: ${it.days} days, over ${limit}`);
    } else if (x.kind === 'chronic' && it.days > LIMITS.ordinaryChronicDays) {
      add('long_prescription', i, `${name}${it.days}日，超过4周须开长期处方`, `${name}: ${it.days} days; over 4 weeks is a long prescription`);
    } else if (x.kind === 'long') {
      if (it.days > LIMITS.longMaxDays) add('long_prescription', i, `${name}${it.days}日，长期处方最长12周（84日）`, `${name}: ${it.days} days; a long prescription is at most 12 weeks (84 days)`);
      if (m.antibacterialGrade) add('long_prescription', i, `${name}为抗菌药物，不得开具长期处方`, `${name} is an antibacterial: not on a long prescription`);
    }
  });
  if (x.kind === 'long' && !longPrescriptionEligible(x.chronic)) {
    add('long_prescription', null, x.chronic.enrolled ? '患者上次随访病情未稳定，不能开长期处方' : '患者未纳入慢病管理，不能开长期处方',
      x.chronic.enrolled ? 'The patient was not stable at the last follow-up: no long prescription' : 'The patient is not enrolled in a chronic programme: no long prescription');
  }
  // duplicate therapy: same ATC level-4 class within the prescription or with current medication
  const classes = new Map<string, string>();
  x.current.forEach((c) => { if (!classes.has(atc4(c.atcCode))) classes.set(atc4(c.atcCode), `${c.genericName}（${c.facility}）`); });
  x.items.forEach((it, i) => {
    const k = atc4(it.med.atcCode);
    const earlier = x.items.slice(0, i).find((o) => atc4(o.med.atcCode) === k);
    const other = earlier ? earlier.med.genericName : classes.get(k);
    if (other) add('duplicate_therapy', i, `${it.med.genericName}与${other}同属${k}类`, `${it.med.genericName} and ${other} are both ${k}`);
  });
  // interactions: within the prescription, and with current medication
  const all = [...x.items.map((it, i) => ({ atc: it.med.atcCode, name: it.med.genericName, item: i as number | null })),
    ...x.current.map((c) => ({ atc: c.atcCode, name: c.genericName, item: null as number | null }))];
  const seen = new Set<string>();
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (all[i].item === null && all[j].item === null) continue;
      for (const r of INTERACTIONS) {
        const hit = (all[i].atc.startsWith(r.a) && all[j].atc.startsWith(r.b)) || (all[i].atc.startsWith(r.b) && all[j].atc.startsWith(r.a));
        const key = `${r.a}|${r.b}|${all[i].name}|${all[j].name}`;
        if (!hit || seen.has(key)) continue;
        seen.add(key);
        add('interaction', all[j].item ?? all[i].item, r.zh, r.en, r.severity === 'contraindicated' ? 'hold' : 'warn', r.source);
      }
    }
  }
  return out;
}

const GRADE_ZH: Record<AntibacterialGrade, string> = { unrestricted: '非限制使用级', restricted: '限制使用级', special: '特殊使用级' };

/** The key a prescriber's confirmation names a finding by. */
export const findingKey = (f: Pick<Finding, 'rule' | 'item'>) => `${f.rule}:${f.item ?? '-'}`;

/**
 * What the findings make of a prescription: held for the review centre (any hold), ready (every warning
 * confirmed with a reason), or the warnings still to confirm.
 */
export function decide(findings: Finding[], confirmations: { key: string; reason: string }[]): { status: 'held' | 'ready' | 'unconfirmed'; unconfirmed: Finding[] } {
  const ok = new Set(confirmations.filter((c) => c.reason.trim().length >= 2).map((c) => c.key));
  const unconfirmed = findings.filter((f) => f.verdict === 'warn' && !ok.has(findingKey(f)));
  if (findings.some((f) => f.verdict === 'hold')) return { status: 'held', unconfirmed };
  return { status: unconfirmed.length ? 'unconfirmed' : 'ready', unconfirmed };
}

export interface CurrentLine { medicineCode: string; genericName: string; atcCode: string; facility: string; facilityName: string; startedOn: string; days: number; dose: number; unit: string; frequency: string }

/**
 * A resident's current medication across facilities (居民用药监测): lines whose days run to `today` or
 * later, one entry per drug, with every facility prescribing it; the same drug from two facilities
 * is flagged (to be shown to both).
 */
export function currentMedication(lines: CurrentLine[], today: string): { genericName: string; atcCode: string; facilities: { code: string; name: string; startedOn: string; endsOn: string; dose: number; unit: string; frequency: string }[]; atTwoFacilities: boolean }[] {
  const by = new Map<string, ReturnType<typeof currentMedication>[number]>();
  for (const l of lines) {
    const endsOn = addDaysIso(l.startedOn, l.days - 1);
    if (endsOn < today || l.startedOn > today) continue;
    const e = by.get(l.atcCode) ?? { genericName: l.genericName, atcCode: l.atcCode, facilities: [], atTwoFacilities: false };
    const f = e.facilities.find((x) => x.code === l.facility);
    if (!f) e.facilities.push({ code: l.facility, name: l.facilityName, startedOn: l.startedOn, endsOn, dose: l.dose, unit: l.unit, frequency: l.frequency });
    else if (endsOn > f.endsOn) Object.assign(f, { startedOn: l.startedOn, endsOn, dose: l.dose, unit: l.unit, frequency: l.frequency });
    e.atTwoFacilities = e.facilities.length > 1;
    by.set(l.atcCode, e);
  }
  return [...by.values()].sort((a, b) => Number(b.atTwoFacilities) - Number(a.atTwoFacilities) || a.genericName.localeCompare(b.genericName, 'zh'));
}

function addDaysIso(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Quantity to dispense for an item: enough units for the days (rounded up), in the item's dispensing units. */
export function quantityFor(i: { dose: number; frequency: string; days: number }, strengthValue: number): number {
  return Math.ceil((dailyDose(i) * i.days) / strengthValue);
}

/**
 * How many outpatient prescriptions a facility's monthly comment samples (医院处方点评管理规范（试行）
 * 第十条: at least 1‰ of the month's prescriptions and at least 100 — all of them when fewer).
 */
export function commentSampleSize(total: number): number {
  return Math.min(total, Math.max(100, Math.ceil(total / 1000)));
}

/** A reproducible random sample of `n` ids for a month: ordered by a hash of id and month (the same sample every time it is drawn). */
export function commentSample(ids: string[], n: number, month: string): string[] {
  const h = (s: string) => { let x = 2166136261; for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0; return x; };
  return ids.map((id) => ({ id, k: h(`${month}|${id}`) })).sort((a, b) => a.k - b.k || a.id.localeCompare(b.id)).slice(0, n).map((x) => x.id);
}
