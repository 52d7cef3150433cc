// The public-health module's request and response shapes (zod): the schedule, a child's card, the
// clinic's due list, vaccine lots, a dose recorded, coverage.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { VACCINE_CODES } from './schedule.ts';
import { ELDERLY_CHOICE_KEYS, type ElderlyChoice } from './elderly.ts';

export const SITES = ['left_upper_arm', 'right_upper_arm', 'left_thigh', 'right_thigh', 'left_buttock', 'right_buttock', 'oral'] as const;
export const ROUTES = ['im', 'sc', 'id', 'oral'] as const;
const Vaccine = z.enum(VACCINE_CODES as [string, ...string[]]);
/** A day of the lists and figures: a real date between 1900 and 2199. */
const Day = DateStr.refine((d) => d >= '1900-01-01' && d <= '2199-12-31', 'between 1900 and 2199 / 须在1900至2199年之间');
const Span = z.object({ days: z.number().optional(), months: z.number().optional(), years: z.number().optional() });

export const ScheduleOut = z.object({
  versions: z.array(z.object({
    id: z.string(), zh: z.string(), en: z.string(), from: z.string(), source: z.string(),
    series: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string(), catchUp: z.string().nullable(),
      doses: z.array(z.object({ dose: z.number(), age: Span, minInterval: Span.nullable(), minFromFirst: Span.nullable(), products: z.array(z.string()), completeBy: Span.nullable() })) })),
  })),
  vaccines: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string(), route: z.enum(ROUTES), site: z.string(), live: z.boolean() })),
  current: z.string(),
});

const DoseLineOut = z.object({
  series: z.string(), dose: z.number(), status: z.enum(['given', 'due', 'overdue', 'upcoming', 'planned', 'no_catch_up']), scheduledOn: z.string(), dueOn: z.string().nullable(),
  overdueFrom: z.string().nullable(), givenOn: z.string().nullable(), timely: z.boolean().nullable(), vaccine: z.string(), version: z.string(), note: z.string().nullable(),
  // the clinic's details of a dose recorded here
  detail: z.object({ manufacturer: z.string(), lot: z.string(), expiresOn: z.string(), site: z.string(), route: z.string(), vaccinator: z.string(), facilityName: z.string().nullable() }).nullable(),
});

export const ResidentParams = z.strictObject({ residentId: z.uuid() });
export const ChildCardOut = z.object({
  // no birth date beside the record's masks (finding 3): the age in months is what the clinic reads
  resident: z.object({ id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), ageMonths: z.number() }),
  version: z.string(), day: z.string(), lines: z.array(DoseLineOut),
  notCounted: z.array(z.object({ vaccine: z.string(), givenOn: z.string(), series: z.string(), dose: z.number(), reason: z.string(), version: z.string() })),
});
export type ChildCardOut = z.infer<typeof ChildCardOut>;

export const DueListQuery = z.strictObject({ day: Day.optional(), status: z.enum(['due', 'overdue']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(300) });
export const DueListOut = z.object({
  facility: z.object({ code: z.string(), name: z.string() }), day: z.string(), version: z.string(), total: z.number(), children: z.number(),
  items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), ageMonths: z.number(), villageName: z.string(), series: z.string(), dose: z.number(), vaccine: z.string(),
    status: z.enum(['due', 'overdue']), dueOn: z.string(), daysLate: z.number(), note: z.string().nullable() })),
});

export const LotsQuery = z.strictObject({ all: z.enum(['yes', 'no']).optional() });
export const LotOut = z.object({ id: z.string(), vaccine: z.string(), manufacturer: z.string(), lot: z.string(), expiresOn: z.string(), quantity: z.number(), expired: z.boolean() });
export const LotsOut = z.object({ facility: z.object({ code: z.string(), name: z.string() }), items: z.array(LotOut) });
export const ReceiveLotIn = z.strictObject({
  vaccine: Vaccine, manufacturer: z.string().trim().min(1).max(80), lot: z.string().trim().min(1).max(40), expiresOn: DateStr, quantity: z.number().int().min(1).max(100_000),
}).refine((x) => x.expiresOn <= '2199-12-31', { path: ['expiresOn'], message: 'before 2200 / 须早于2200年' });

export const VaccinationIn = z.strictObject({
  residentId: z.uuid(), vaccine: Vaccine, lotId: z.uuid(), site: z.enum(SITES), route: z.enum(ROUTES).optional(), givenOn: Day.optional(),
});
export type VaccinationIn = z.infer<typeof VaccinationIn>;
export const VaccinationOut = z.object({ id: z.string(), series: z.string(), dose: z.number(), lotLeft: z.number(), card: ChildCardOut });

export const CoverageQuery = z.strictObject({ day: Day.optional() });
export const CoverageOut = z.object({
  facility: z.object({ code: z.string(), name: z.string() }), day: z.string(), children: z.number(),
  definitions: z.object({ coverage: z.object({ zh: z.string(), en: z.string() }), timeliness: z.object({ zh: z.string(), en: z.string() }) }),
  items: z.array(z.object({ series: z.string(), dose: z.number(), eligible: z.number(), given: z.number(), timely: z.number(), coverage: z.number().nullable(), timeliness: z.number().nullable() })),
});

const CoverageItem = z.object({ series: z.string(), dose: z.number(), eligible: z.number(), given: z.number(), timely: z.number(), coverage: z.number().nullable(), timeliness: z.number().nullable() });
export const TownshipCoverageQuery = z.strictObject({ day: Day.optional(), county: z.string().regex(/^\d{6}$/, 'a 6-digit county code / 6位区县代码').optional() });
export const TownshipCoverageOut = z.object({
  day: z.string(), version: z.string(),
  definitions: z.object({ coverage: z.object({ zh: z.string(), en: z.string() }), timeliness: z.object({ zh: z.string(), en: z.string() }) }),
  total: z.object({ code: z.string(), children: z.number(), items: z.array(CoverageItem) }),
  townships: z.array(z.object({ code: z.string(), name: z.string(), children: z.number(), items: z.array(CoverageItem) })),
});

// ---- the elderly's annual service (老年人健康管理) ----
const Num = z.number().nullable().optional();
const Choice = z.string().max(40).nullable().optional();
const Multi = z.array(z.string().max(40)).max(30).nullable().optional();
const SelfCareScore = z.number().int().min(0).max(10);
export const ElderlyServiceIn = z.strictObject({
  residentId: z.uuid(), serviceDate: Day,
  selfCare: z.strictObject({ eating: SelfCareScore, grooming: SelfCareScore, dressing: SelfCareScore, toileting: SelfCareScore, activity: SelfCareScore }),
  temperature: Num, pulse: Num, respiration: Num, systolicLeft: Num, diastolicLeft: Num, systolicRight: Num, diastolicRight: Num,
  heightCm: Num, weightKg: Num, waistCm: Num, haemoglobin: Num, wbc: Num, platelets: Num, fastingGlucose: Num, alt: Num, ast: Num, totalBilirubin: Num,
  creatinine: Num, urea: Num, totalCholesterol: Num, triglycerides: Num, ldl: Num, hdl: Num,
  mmse: Num, gds: Num, exerciseMinutes: Num, exerciseYears: Num, cigarettesPerDay: Num, alcoholLiang: Num, visionLeft: Num, visionRight: Num, heartRate: Num, targetWeightKg: Num,
  urineProtein: z.string().max(8).nullable().optional(), urineGlucose: z.string().max(8).nullable().optional(),
  ecg: z.string().max(12).nullable().optional(), ecgText: z.string().max(500).nullable().optional(),
  ultrasound: z.string().max(12).nullable().optional(), ultrasoundText: z.string().max(500).nullable().optional(),
  // one-answer items (elderly.ts ELDERLY_CHOICES: the answers are checked there, each refused by name)
  ...Object.fromEntries(ELDERLY_CHOICE_KEYS.map((k) => [k, Choice])) as Record<ElderlyChoice, typeof Choice>,
  // several-answer items (ELDERLY_MULTI)
  symptoms: Multi, diet: Multi, riskFactors: Multi, guidance: Multi,
  symptomsOther: z.string().max(200).nullable().optional(), evaluationText: z.string().max(500).nullable().optional(),
});
export type ElderlyServiceIn = z.infer<typeof ElderlyServiceIn>;
export const ElderlyServiceRead = ElderlyServiceIn.omit({ residentId: true }).extend({ selfCare: z.object({ eating: z.number(), grooming: z.number(), dressing: z.number(), toileting: z.number(), activity: z.number() }) });
export const ElderlyResidentOut = z.object({
  resident: z.object({ id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number() }),
  year: z.number(), status: z.enum(['due', 'overdue', 'done']),
  services: z.array(z.object({ id: z.string(), serviceDate: z.string(), facilityName: z.string().nullable(), selfCareTotal: z.number(), selfCareBand: z.string(), bmi: z.number().nullable(),
    complete: z.boolean(), missing: z.array(z.string()), form: ElderlyServiceRead })),
});
export const ElderlyTownshipRateQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2199).optional(), county: z.string().regex(/^\d{6}$/, 'a 6-digit county code / 6位区县代码').optional() });
const RateCell = z.object({ residents: z.number(), managed: z.number(), rate: z.number().nullable() });
export const ElderlyTownshipRateOut = z.object({
  year: z.number(), day: z.string(), definition: z.object({ zh: z.string(), en: z.string() }),
  total: RateCell.extend({ code: z.string() }), townships: z.array(RateCell.extend({ code: z.string(), name: z.string() })),
});
export const ElderlyServiceOut = z.object({ id: z.string(), selfCareTotal: z.number(), selfCareBand: z.string(), bmi: z.number().nullable(), bmiBand: z.string().nullable(), waistBand: z.string().nullable(), complete: z.boolean(), missing: z.array(z.string()) });
export const ElderlyDueQuery = z.strictObject({ day: Day.optional(), status: z.enum(['due', 'overdue', 'done']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(300) });
export const ElderlyDueOut = z.object({
  facility: z.object({ code: z.string(), name: z.string() }), day: z.string(), year: z.number(), total: z.number(), residents: z.number(),
  counts: z.object({ due: z.number(), overdue: z.number(), done: z.number() }),
  items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageCode: z.string(), villageName: z.string(), status: z.enum(['due', 'overdue', 'done']), servedOn: z.string().nullable(), daysLate: z.number() })),
});
export const ElderlyRateQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2199).optional() });
export const ElderlyRateOut = z.object({ facility: z.object({ code: z.string(), name: z.string() }), year: z.number(), day: z.string(), residents: z.number(), managed: z.number(), rate: z.number().nullable(), definition: z.object({ zh: z.string(), en: z.string() }) });
