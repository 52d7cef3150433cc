// The indicators' request and response shapes (zod): routes validate and document with them, the
// service and exports take their types from them (z.infer), so no shape is written twice.
import { z } from 'zod';
import { CATALOGUE } from './catalogue.ts';
import { QUALITY_FLAGS } from './rules.ts';

export const Code = z.enum(CATALOGUE.map((d) => d.code) as [string, ...string[]]);
export const LevelZ = z.enum(['county', 'township', 'community', 'facility', 'team']);
export const Period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/, 'YYYY, YYYY-Qn or YYYY-MM');
export const CountyCode = z.string().regex(/^\d{6}$/);
const Bi = z.object({ zh: z.string(), en: z.string() });
const ComparatorZ = z.enum(['>=', '<=', '=', '>', '<', 'range']);
const StatusZ = z.enum(['met', 'on_track', 'at_risk', 'off_track', 'no_data']);
const SourceZ = z.enum(['computed', 'entered']);
/** The data-quality flags of a value (rules.ts qualityFlags). */
export const FlagsZ = z.array(z.enum(QUALITY_FLAGS));

export const CatalogueEntryZ = z.object({
  code: z.string(), name: Bi, definition: Bi, unit: z.string(), unitLabel: Bi, betterWhen: z.enum(['higher', 'lower']), levels: z.array(LevelZ),
  window: z.string(), source: SourceZ, group: z.string(), drillToResidents: z.boolean(),
  plausible: z.object({ low: z.number(), high: z.number(), basis: Bi }).nullable(),
  /** The decimals its values are shown with (rules.ts UNIT_DECIMALS); values themselves are exact. */
  decimals: z.number(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntryZ>;

export const ValueRowZ = z.object({
  level: LevelZ, unitId: z.string(), name: z.string(), value: z.number().nullable(), numerator: z.number().nullable(), denominator: z.number().nullable(),
  source: SourceZ, at: z.string(), enteredBy: z.string().nullable(), note: z.string().nullable(), flags: FlagsZ,
});
export type ValueRow = z.infer<typeof ValueRowZ>;

export const TargetZ = z.object({
  id: z.string(), indicatorCode: z.string().nullable(), indicatorName: Bi.nullable(), localityCode: z.string(), localityName: z.string(), comparator: ComparatorZ, value: z.number(), valueHigh: z.number().nullable(),
  unit: z.string(), dueYear: z.number().nullable(), planId: z.string().nullable(), planTitle: z.string().nullable(), taskId: z.string().nullable(), taskTitle: z.string().nullable(), text: z.string(), metric: z.string().nullable(), note: z.string().nullable(), version: z.number(),
  current: z.number().nullable(), period: z.string().nullable(), status: StatusZ, projected: z.number().nullable(), reason: z.string(), sparkline: z.array(z.number().nullable()), source: SourceZ.nullable(), flags: FlagsZ,
});
export type TargetRow = z.infer<typeof TargetZ>;

export const TargetBody = z.strictObject({
  indicatorCode: z.string().max(64), localityCode: z.string().regex(/^\d{6}(\d{6})?$/), comparator: ComparatorZ, value: z.number().finite(), valueHigh: z.number().finite().nullable().optional(),
  unit: z.string().min(1).max(20), dueYear: z.number().int().min(2000).max(2100), text: z.string().max(1000).optional(), note: z.string().max(1000).nullable().optional(),
});
export type TargetInput = z.infer<typeof TargetBody>;
export const TargetEditBody = TargetBody.extend({ version: z.number().int().min(1) });

export const ValuesQuery = z.strictObject({ code: Code, period: Period, level: LevelZ, parent: z.string().max(64).optional(), county: CountyCode.optional() });
export type ValuesInput = z.infer<typeof ValuesQuery>;
export const ValuesAnswer = z.object({ county: z.string(), items: z.array(ValueRowZ) });

export const TrendQuery = z.strictObject({ code: Code, level: LevelZ, unit: z.string().max(64), months: z.coerce.number().int().min(1).max(120).default(24), county: CountyCode.optional() });
export type TrendInput = z.infer<typeof TrendQuery>;
const PeriodValue = z.object({ period: z.string(), value: z.number().nullable(), flags: FlagsZ });
export const TrendAnswer = z.object({ months: z.array(PeriodValue), years: z.array(PeriodValue), targets: z.array(TargetZ) });

export const CountyQuery = z.strictObject({ county: CountyCode.optional() });
export const DashboardAnswer = z.object({ county: z.string(), countyName: z.string(), computedAt: z.string().nullable(), rule: Bi, targets: z.array(TargetZ) });
export const ReportQuery = z.strictObject({ county: CountyCode.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() });
export const TargetsQuery = z.strictObject({ code: Code.optional(), locality: z.string().max(12).optional() });

const UnitName = z.object({ id: z.string(), name: z.string() });
export const EntryUnitsAnswer = z.object({ county: z.array(UnitName), township: z.array(UnitName), facility: z.array(UnitName) });

export const EntryBody = z.strictObject({ code: Code, period: Period, level: LevelZ, unitId: z.string().max(64), value: z.number().finite(), note: z.string().max(1000).nullable().optional() });
export type EntryInput = z.infer<typeof EntryBody>;

export const ComputeBody = z.strictObject({ period: Period.optional(), year: z.number().int().min(2000).max(2100).optional(), codes: z.array(z.string().max(64)).max(100).optional() });
export type ComputeInput = z.infer<typeof ComputeBody>;

/** A computation run as a job (one at a time): its progress, and its figures when done. */
export const JobZ = z.object({
  id: z.string(), kind: z.enum(['compute', 'refresh']), state: z.enum(['running', 'done', 'failed']), county: z.string().nullable(),
  steps: z.number(), done: z.number(), startedAt: z.string(), finishedAt: z.string().nullable(), requestedBy: z.string().nullable(),
  result: z.object({ indicators: z.number(), periods: z.number(), values: z.number(), ms: z.number() }).nullable(),
  error: z.string().nullable(),
});
export type Job = z.infer<typeof JobZ>;
export const JobParams = z.strictObject({ id: z.string().uuid() });

export const ResidentsQuery = z.strictObject({
  code: Code, period: Period, level: z.enum(['township', 'facility', 'team']), unit: z.string().max(64), part: z.enum(['numerator', 'not_numerator', 'denominator']).default('denominator'),
});
export type ResidentsInput = z.infer<typeof ResidentsQuery>;
export const ResidentsAnswer = z.object({ items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageName: z.string(), inNumerator: z.boolean() })) });
