// The ledger's request and response shapes (zod): routes validate and document with them, and the
// service's inputs take their types from them (z.infer).
import { z } from 'zod';

export const Quarter = z.string().regex(/^\d{4}Q[1-4]$/, 'a quarter such as 2025Q3 / 季度格式如 2025Q3');
const DateStr = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Comparator = z.enum(['>=', '<=', '=', '>', '<', 'range']);

export const ParsedPlanSchema = z.strictObject({
  title: z.string().max(200),
  issuer: z.string().max(100).nullable(),
  docNumber: z.string().max(60).nullable(),
  date: DateStr.nullable(),
  tasks: z.array(z.strictObject({
    path: z.array(z.string().max(20)).min(1).max(6), number: z.string().max(20), title: z.string().max(300), text: z.string().max(20000),
    leadUnits: z.array(z.string().max(60)).max(40), responsibleUnits: z.array(z.string().max(60)).max(40), cooperatingUnits: z.array(z.string().max(60)).max(40),
    deadline: DateStr.nullable(),
  })).max(500),
  targets: z.array(z.strictObject({
    taskPath: z.array(z.string().max(20)).max(6).nullable(), text: z.string().max(500), metric: z.string().max(200).nullable(), comparator: Comparator,
    value: z.union([z.number(), z.array(z.number()).min(1).max(2)]), unit: z.string().max(20), year: z.number().int().nullable(), indicator: z.string().max(80).nullable(),
  })).max(1000),
});

/** The headings above a plan's tasks with their titles (二 主要任务; 二/（一） 强化…): the ledger export's section rows. */
export const SectionsZ = z.array(z.strictObject({ path: z.array(z.string().max(20)).min(1).max(6), title: z.string().max(200) })).max(300);

export const UnitZ = z.object({ unitId: z.string(), name: z.string(), printed: z.string(), role: z.enum(['lead', 'responsible', 'cooperating']) });
export const TargetZ = z.object({ id: z.string(), metric: z.string().nullable(), text: z.string(), comparator: z.string(), value: z.number(), valueHigh: z.number().nullable(), unit: z.string(), year: z.number().nullable(),
  indicatorCode: z.string().nullable(), current: z.object({ value: z.number(), period: z.string().nullable(), status: z.enum(['met', 'on_track', 'at_risk', 'off_track', 'no_data']), reason: z.string() }).nullable() });
export const Status = z.enum(['not_started', 'in_progress', 'done', 'overdue']);
export const LedgerTaskSchema = z.object({
  id: z.string(), planId: z.string(), planTitle: z.string(), position: z.number(), path: z.array(z.string()), number: z.string(), title: z.string(), deadline: z.string().nullable(),
  status: Status, storedStatus: z.enum(['not_started', 'in_progress', 'done']), percentDone: z.number(), lagging: z.boolean(), version: z.number(),
  units: z.array(UnitZ), targets: z.array(TargetZ),
  latestReport: z.object({ id: z.string(), quarter: z.string(), body: z.string(), percentDone: z.number(), unitName: z.string(), at: z.string() }).nullable(),
});
export const Reminder = z.object({ id: z.string(), unitId: z.string(), unitName: z.string(), quarter: z.string(), reason: z.enum(['overdue', 'not_reported', 'lagging']), taskIds: z.array(z.string()), message: z.string(), by: z.string(), at: z.string(), acknowledgedAt: z.string().nullable() });
export const UnitWithoutAccountZ = z.object({ unitId: z.string(), unitName: z.string() });
export const Ok = z.object({ ok: z.literal(true) });

export type LedgerTaskOut = z.infer<typeof LedgerTaskSchema>;

export const IdParams = z.object({ id: z.string().uuid() });
export const ParseBody = z.strictObject({ fileName: z.string().min(1).max(200), contentBase64: z.string().min(1).max(4_500_000), regionCode: z.string().max(12).optional() });
export type ParseInput = z.infer<typeof ParseBody>;
export const SavePlanBody = z.strictObject({ regionCode: z.string().min(2).max(12), sourceName: z.string().max(200).nullable().optional(), plan: ParsedPlanSchema, sections: SectionsZ.optional() });
export const TaskQuery = z.strictObject({ planId: z.string().uuid().optional(), status: Status.optional(), unitId: z.string().uuid().optional(), lagging: z.enum(['true', 'false']).optional() });
export type TaskQueryInput = z.infer<typeof TaskQuery>;
export const TaskPatch = z.strictObject({ version: z.number().int(), title: z.string().max(300).optional(), deadline: DateStr.nullable().optional(), status: z.enum(['not_started', 'in_progress', 'done']).optional() });
export type TaskPatchInput = z.infer<typeof TaskPatch>;
const Attachments = z.array(z.strictObject({ fileName: z.string().max(200), mediaType: z.string().max(120), contentBase64: z.string().max(2_900_000) })).max(10).optional();
export const ReportBody = z.strictObject({ body: z.string().max(5000), percentDone: z.number().int().min(0).max(100), done: z.boolean().optional(), attachments: Attachments });
export type ReportInput = z.infer<typeof ReportBody>;
export const NoteBody = z.strictObject({ body: z.string().max(5000), attachments: Attachments });
export type NoteInput = z.infer<typeof NoteBody>;
export const ReviewBody = z.strictObject({ comment: z.string().max(2000), lagging: z.boolean(), reportId: z.string().uuid().optional() });
export type ReviewInput = z.infer<typeof ReviewBody>;
export const QuarterQuery = z.strictObject({ quarter: Quarter.optional(), planId: z.string().uuid().optional() });
export const RemindBody = z.strictObject({ quarter: Quarter.optional(), planId: z.string().uuid().optional(), unitIds: z.array(z.string().uuid()).min(1).max(200).optional(), message: z.string().max(500).optional() });
export type RemindInput = z.infer<typeof RemindBody>;
export const UnitBody = z.strictObject({ name: z.string().min(2).max(60), aliases: z.array(z.string().max(60)).max(20), regionCode: z.string().max(12).nullable().optional() });
export const AliasesBody = z.strictObject({ aliases: z.array(z.string().max(60)).max(20) });
export type UnitInput = { name?: string; aliases: string[]; regionCode?: string | null };
export const PlanQuery = z.strictObject({ planId: z.string().uuid().optional() });
export const BulletinQuery = z.strictObject({ planId: z.string().uuid().optional(), quarter: Quarter.optional() });
export type BulletinInput = z.infer<typeof BulletinQuery>;
