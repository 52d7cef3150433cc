// The chronic programme's request and response shapes (zod); routes declare them and services take
// and return the types derived from them.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { DOSE_UNITS, GRADE, HYPOGLYCAEMIA, PEDIS, SALT, SYMPTOMS } from './rules.ts';
import { PresenceIn } from '../records/basis.ts';

export const Level = z.enum(['team', 'township', 'community', 'county']);
export const Period = z.enum(['month', 'quarter', 'year', 'ytd']);
export const Programme = z.enum(['hypertension', 'diabetes']);
export const VisitClass = z.enum(['controlled', 'uncontrolled', 'adverse_reaction', 'complication']);
export const WorklistStatus = z.enum(['overdue', 'due_this_week', 'never_seen', 'scheduled']);
export const Sort = z.enum(['risk', 'due', 'name']);
const Sex = z.enum(['M', 'F']);

export const FollowUpDefaultsQuery = z.strictObject({ residentId: z.string().uuid(), programme: Programme });

const n = z.number().nullable().optional();
const text = (max: number) => z.string().trim().max(max).nullable().optional();
export const MedicationLine = z.strictObject({ drug: z.string().trim().min(1).max(60), dose: z.number(), unit: z.enum(DOSE_UNITS), timesPerDay: z.number() });
/** The national forms' fields beyond the readings (bounds in rules.ts formProblems, refused by name). */
export const FormFields = z.strictObject({
  /** 无症状: ticked instead of symptoms. */
  noSymptoms: z.boolean().optional(),
  /** Lifestyle guidance, each now and the target for the next visit. */
  smokingNow: n, smokingTarget: n, drinkingNow: n, drinkingTarget: n, exerciseTimesNow: n, exerciseTimesTarget: n, exerciseMinutesNow: n, exerciseMinutesTarget: n,
  saltNow: z.enum(SALT).nullable().optional(), saltTarget: z.enum(SALT).nullable().optional(), stapleNow: n, stapleTarget: n,
  /** 心理调整, 遵医行为. */
  psychology: z.enum(GRADE).nullable().optional(), compliance: z.enum(GRADE).nullable().optional(),
  /** 药物不良反应 有: what. */
  adverseReactionText: text(100),
  pedisLeft: z.enum(PEDIS).nullable().optional(), pedisRight: z.enum(PEDIS).nullable().optional(), hba1c: n, hba1cDate: DateStr.nullable().optional(), hypoglycaemia: z.enum(HYPOGLYCAEMIA).nullable().optional(),
  medications: z.array(MedicationLine).max(12).optional(), insulinKind: text(60), insulinDose: text(100),
  /** 转诊 原因 and 机构及科别 as the doctor writes them (a referral drafted by the rules is separate). */
  transferReason: text(200), transferTo: text(100), advice: text(500),
  /** 下次随访日期: the rule's date when not given; not before the visit. */
  nextVisitDate: DateStr.nullable().optional(),
});
export type FormFields = z.infer<typeof FormFields>;
export const FollowUpDefaultsOut = z.object({
  last: z.object({ visitDate: z.string(), visitClass: VisitClass, sbp: z.number().nullable(), dbp: z.number().nullable(), heartRate: z.number().nullable(), weightKg: z.number().nullable(),
    heightCm: z.number().nullable(), fastingGlucose: z.number().nullable(), adherence: z.string().nullable(), medication: z.string().nullable(), nextVisitDate: z.string(),
    visitMode: z.string(), symptoms: z.array(z.string()), ...FormFields.omit({ nextVisitDate: true }).required().shape, noSymptoms: z.boolean(), medications: z.array(MedicationLine), doctorName: z.string().nullable() }).nullable(),
  resident: z.object({ name: z.string(), age: z.number(), sex: Sex }),
});
export type FollowUpDefaultsOut = z.infer<typeof FollowUpDefaultsOut>;

export const FollowUpIn = z.strictObject({
  residentId: z.string().uuid(), programme: Programme, visitDate: DateStr, visitMode: z.enum(['clinic', 'home', 'phone']).optional(),
  symptoms: z.array(z.enum(Object.keys(SYMPTOMS) as [keyof typeof SYMPTOMS, ...(keyof typeof SYMPTOMS)[]])).max(12).optional(),
  sbp: z.number().int().nullable().optional(), dbp: z.number().int().nullable().optional(), heartRate: z.number().int().nullable().optional(),
  weightKg: z.number().nullable().optional(), heightCm: z.number().nullable().optional(), fastingGlucose: z.number().nullable().optional(), temperature: z.number().nullable().optional(),
  adherence: z.enum(['regular', 'intermittent', 'none']).nullable().optional(),
  adverseReaction: z.boolean().optional(), adverseUncontrollable: z.boolean().optional(), newComplication: z.boolean().optional(), complicationWorse: z.boolean().optional(),
  medication: z.string().max(500).nullable().optional(),
  ...FormFields.shape,
  /** Proof that the resident is present (their full ID number, or the code their own page shows): lets a follow-up today open access. */
  presence: PresenceIn.optional(),
});
export type FollowUpIn = z.infer<typeof FollowUpIn>;
export const FollowUpOut = z.object({
  id: z.string(), /** The follow-up's encounter (a structured prescription attaches to it). */ encounterId: z.string(), class: VisitClass, emergency: z.boolean(), emergencyReasons: z.array(z.string()), nextVisitDate: z.string(), /** The rule's next date (nextVisitDate is the doctor's when given). */ ruleNextVisitDate: z.string(),
  referral: z.object({ urgency: z.enum(['urgent', 'routine']), reason: z.string() }).nullable(), referralId: z.string().nullable(), previousClass: VisitClass.nullable(),
});
export type FollowUpOut = z.infer<typeof FollowUpOut>;

export const WorklistRow = z.object({
  residentId: z.string(), name: z.string(), sex: Sex, age: z.number(), villageName: z.string(), programme: Programme.nullable(), lastVisit: z.string().nullable(),
  lastClass: VisitClass.nullable(), lastSbp: z.number().nullable(), lastDbp: z.number().nullable(), lastGlucose: z.number().nullable(), nextDue: z.string().nullable(),
  status: WorklistStatus,
  /** A programme follow-up (chronic), a contract package item (package) — package rows carry the service, what is owed so far this contract year, and what was delivered — or the elderly 65+ annual service of the public-health programme (elderly: service 'elderly_annual', owed 1 a year, delivered 0, nextDue the year's 30 September, overdue from 1 October). */
  kind: z.enum(['chronic', 'package', 'elderly']), service: z.string().nullable(), serviceName: z.string().nullable(), frequency: z.string().nullable(), owed: z.number().nullable(), delivered: z.number().nullable(),
  /** Enrolled from screening, awaiting the confirming referral's result; riskClass is the resident's riskiest latest programme class, which orders the list. */
  provisional: z.boolean(), riskClass: VisitClass.nullable(),
});
export type WorklistRow = z.infer<typeof WorklistRow>;
export const WorklistQuery = z.strictObject({ status: WorklistStatus.optional(), limit: z.coerce.number().int().min(1).max(5000).default(200), sort: Sort.default('risk') });
export type WorklistQuery = z.infer<typeof WorklistQuery>;
export const WorklistOut = z.object({ items: z.array(WorklistRow), total: z.number() });
export type WorklistOut = z.infer<typeof WorklistOut>;
export const WorklistCsvQuery = z.strictObject({ status: WorklistStatus.optional(), sort: Sort.default('risk') });

export const ScreeningListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(5000).default(200) });
export const ScreeningListOut = z.object({ total: z.number(), items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: Sex, age: z.number(), villageName: z.string(), lastReading: z.string().nullable(), reason: z.enum(['no_reading', 'recheck']), highDays: z.number() })) });
export type ScreeningListOut = z.infer<typeof ScreeningListOut>;

export const ScreeningIn = z.strictObject({ residentId: z.string().uuid(), date: DateStr, sbp: z.number().int(), dbp: z.number().int(), presence: PresenceIn.optional() });
export type ScreeningIn = z.infer<typeof ScreeningIn>;
export const ScreeningOut = z.object({ status: z.enum(['none', 'high_risk', 'recheck', 'suspected']), highDays: z.number(), enrolmentId: z.string().nullable(), referralId: z.string().nullable(), followUpDue: z.string().nullable() });
export type ScreeningOut = z.infer<typeof ScreeningOut>;

export const Measure = z.enum(['managed', 'standard', 'controlled', 'not_controlled']);
export const RateResidentsQuery = z.strictObject({ programme: Programme, measure: Measure,
  level: Level.optional(), code: z.string().min(1).max(64).optional(), township: z.string().regex(/^\d{12}$/).optional(),
  period: Period.optional(), on: DateStr.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() })
  .refine((x) => !!x.township || (!!x.level && !!x.code), { message: 'give level and code (or township) / 须给出层级和单位代码', path: ['code'] });
export const RateResident = z.object({ residentId: z.string(), name: z.string(), sex: Sex, age: z.number(), villageName: z.string(), followUps: z.number(), lastVisit: z.string(), lastOnTarget: z.boolean() });
export type RateResident = z.infer<typeof RateResident>;
export const RateResidentsOut = z.object({ items: z.array(RateResident) });

export const RatesQuery = z.strictObject({ programme: Programme, level: Level.default('township'), period: Period.optional(), on: DateStr.optional(), year: z.coerce.number().int().min(2000).max(2100).optional(),
  prevalence: z.coerce.number().gt(0).lt(1).optional() });
export const ProgrammeRate = z.object({ code: z.string(), name: z.string(), adults35: z.number(), estimated: z.number(), managed: z.number(), standard: z.number(),
  /** The managed patients by the day norm-compliance is counted to (RatesOut.standardTo): the norm-compliant rate's denominator. */
  standardOf: z.number(), controlled: z.number(),
  managementRate: z.number().nullable(), standardRate: z.number().nullable(), controlRate: z.number().nullable() });
export type ProgrammeRate = z.infer<typeof ProgrammeRate>;
export const RatesOut = z.object({ level: Level, period: Period, from: z.string(), to: z.string(), countedFrom: z.string(),
  /** The day norm-compliance is counted to: the last quarter end by the period's end (or today). */
  standardTo: z.string(), requiredFollowUps: z.number(),
  /** False before two quarters have ended: every standardRate is then null (not yet measurable, rules.ts standardMeasurable). */
  standardMeasurable: z.boolean(), prevalence: z.number(),
  definitions: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })), items: z.array(ProgrammeRate) });
