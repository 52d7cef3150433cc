// The insurance module's request and response shapes (zod): settlement lists, DIP, the supervision worklist.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { INSURANCE_TYPES, SETTINGS } from './list.ts';
import { RULE_CODES } from './supervision.ts';

const Bi = z.object({ zh: z.string(), en: z.string() });

export const ImportIn = z.strictObject({
  fileName: z.string().min(1).max(200).regex(/\.(csv|xlsx)$/i, 'a .csv or .xlsx file / 须为 .csv 或 .xlsx 文件'),
  contentBase64: z.string().min(1).max(14_000_000),
});
export const ImportOut = z.object({ imported: z.number(), matchedResidents: z.number() });

export const SettlementQuery = z.strictObject({
  from: DateStr, to: DateStr, facilityCode: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0),
});
export const SettlementOut = z.object({
  id: z.string(), listNo: z.string(), facilityCode: z.string(), facilityName: z.string(), insuranceType: z.enum(INSURANCE_TYPES), setting: z.enum(SETTINGS), idMasked: z.string(),
  sex: z.enum(['M', 'F']), ageYears: z.number(), admittedOn: z.string(), dischargedOn: z.string(), days: z.number(), mainDiagnosis: z.string(), otherDiagnoses: z.array(z.string()),
  procedures: z.array(z.string()), costs: z.record(z.string(), z.number()), totalFen: z.number(), fundFen: z.number(), selfFen: z.number(), inRegistry: z.boolean(),
});
export const SettlementList = z.object({ items: z.array(SettlementOut), total: z.number() });

export const DipIn = z.strictObject({
  /** The year settled; its three preceding years give the group scores. */
  year: z.number().int().min(2000).max(2100),
  /** The fund's DIP budget for the year (fen): gives the budgeted point value. */
  fundBudgetFen: z.number().int().min(0).max(1e15),
  /** The fund available for DIP at the year's end (fen): gives the settled point value. */
  fundAvailableFen: z.number().int().min(0).max(1e15),
  /** The fund's share of inpatient cost (统筹基金支付比例), 0–1. */
  fundShare: z.number().gt(0).max(1),
  /** Cases a combination needs in the base years to be a core group. */
  threshold: z.number().int().min(1).max(10_000).default(15),
  /** Points of a group at the all-case mean cost (the specification's RW is the ratio; a score of 1000 at the mean is the usual local scale). */
  scale: z.number().int().min(1).max(10_000).default(1000),
  /** Hospital coefficients by facility code (default 1). */
  coefficients: z.record(z.string().max(32), z.number().min(0.1).max(3)).default({}),
});
export const DipGroupOut = z.object({ key: z.string(), kind: z.enum(['core', 'comprehensive']), baseCases: z.number(), standardFen: z.number(), score: z.number(), yearCases: z.number() });
export const DipHospitalOut = z.object({
  facilityCode: z.string(), facilityName: z.string(), coefficient: z.number(), cases: z.number(), grouped: z.number(), points: z.number(), totalFen: z.number(), selfFen: z.number(),
  paymentFen: z.number(), balanceFen: z.number(), lowCases: z.number(), highCases: z.number(), reviewCases: z.number(),
});
export const DipOut = z.object({
  year: z.number(), baseYears: z.array(z.number()), baseCases: z.number(), yearCases: z.number(), groupedCases: z.number(), coreShare: z.number(), allMeanFen: z.number(),
  expectedPoints: z.number(), budgetPointValueFen: z.number(), settledPoints: z.number(), settledPointValueFen: z.number(),
  bands: z.object({ normal: z.number(), low: z.number(), high: z.number(), review: z.number(), ungrouped: z.number() }),
  groups: z.array(DipGroupOut), hospitals: z.array(DipHospitalOut),
});

export const SuperviseIn = z.strictObject({ year: z.number().int().min(2000).max(2100), threshold: z.number().int().min(1).max(10_000).default(15), scale: z.number().int().min(1).max(10_000).default(1000) });
export const SuperviseOut = z.object({ cases: z.number(), hits: z.number(), newHits: z.number(), byRule: z.record(z.string(), z.number()) });

export const HitQuery = z.strictObject({
  status: z.enum(['open', 'confirmed', 'dismissed']).optional(), rule: z.enum(RULE_CODES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0),
});
export const HitOut = z.object({
  id: z.string(), rule: z.enum(RULE_CODES), ruleName: Bi, evidence: z.record(z.string(), z.unknown()), status: z.enum(['open', 'confirmed', 'dismissed']), note: z.string().nullable(),
  decidedBy: z.string().nullable(), decidedAt: z.string().nullable(), foundAt: z.string(),
  settlement: z.object({ id: z.string(), listNo: z.string(), facilityCode: z.string(), facilityName: z.string(), idMasked: z.string(), sex: z.enum(['M', 'F']), admittedOn: z.string(), dischargedOn: z.string(), mainDiagnosis: z.string(), totalFen: z.number() }),
});
export const HitList = z.object({
  items: z.array(HitOut), total: z.number(),
  /** Each rule's hits by status and its precision so far (confirmed ÷ decided; null before any decision). */
  rules: z.array(z.object({ code: z.enum(RULE_CODES), name: Bi, source: z.string(), params: z.record(z.string(), z.unknown()), open: z.number(), confirmed: z.number(), dismissed: z.number(), precision: z.number().nullable() })),
});
export const HitParams = z.strictObject({ id: z.string().uuid() });
export const DecisionIn = z.strictObject({ decision: z.enum(['confirmed', 'dismissed']), note: z.string().trim().min(1, 'a note is required / 须填写审核意见').max(2000) });
export const DecisionOut = z.object({ id: z.string(), status: z.enum(['confirmed', 'dismissed']) });
