// The diagnostics module's request and response shapes (zod).
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { ITEM_KINDS, MODALITIES, ORDER_STATUSES, SPECIMEN_STEPS } from './rules.ts';

const Uuid = z.string().uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);
export const IdParams = z.object({ id: Uuid });
export const OkOut = z.object({ ok: z.literal(true) });
export const IdOut = z.object({ id: z.string() });

// ---- centres ----

export const CentreIn = z.strictObject({
  communityId: Uuid, facilityCode: z.string().min(4).max(32), department: Text(100), modality: z.enum(MODALITIES), name: Text(100),
  twoLevel: z.boolean().optional(), ackMinutes: z.number().int().min(1).max(240).optional(),
  /** Member facilities served; default: every current member of the community. */
  memberCodes: z.array(z.string().min(4).max(32)).max(500).optional(),
});
export type CentreIn = z.infer<typeof CentreIn>;
export const CentreSettingsIn = z.strictObject({ twoLevel: z.boolean(), ackMinutes: z.number().int().min(1).max(240) });

export const ItemIn = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_.-]{2,32}$/, '2–32 letters, digits, _ . - / 2–32 位字母数字'), nameZh: Text(100), nameEn: Text(100), kind: z.enum(ITEM_KINDS),
  loinc: z.string().regex(/^\d{1,7}-\d$/, 'a LOINC code such as 2823-3 / LOINC 编码').nullable().optional(),
  turnaroundMinutes: z.number().int().min(5).max(20160), recognitionScope: z.enum(['community', 'city', 'province']).nullable().optional(),
  recognitionDays: z.number().int().min(1).max(3650).nullable().optional(), priceFen: z.number().int().min(0).max(100_000_000).optional(),
  /** The laboratory's codes of the item's analytes (OBX-3) → the observation code the centre's rules use, LOINC, names, unit; kept as they are when not given. */
  analytes: z.array(z.strictObject({
    local: z.string().trim().min(1).max(40), code: z.string().regex(/^[A-Za-z0-9_.-]{1,20}$/, '1–20 letters, digits, _ . - / 1–20 位字母数字'),
    loinc: z.string().regex(/^\d{1,7}-\d$/, 'a LOINC code such as 2823-3 / LOINC 编码').nullable().optional(), nameZh: Text(50), nameEn: Text(50), unit: z.string().trim().min(1).max(20).nullable().optional(),
  })).max(200).optional(),
});
export type ItemIn = z.infer<typeof ItemIn>;
export const ShiftIn = z.strictObject({ username: z.string().min(1).max(64), startsAt: z.string().datetime({ offset: true }), endsAt: z.string().datetime({ offset: true }) });
export const TemplateField = z.strictObject({ code: z.string().min(1).max(20), nameZh: Text(50), nameEn: Text(50), unit: z.string().min(1).max(20), low: z.number().nullable(), high: z.number().nullable() });
export const TemplateIn = z.strictObject({ itemCode: z.string().max(32).nullable().optional(), name: Text(100), findings: z.string().max(4000), impression: z.string().max(2000), fields: z.array(TemplateField).max(60).optional() });
export type TemplateIn = z.infer<typeof TemplateIn>;
export const RuleIn = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_]{1,32}$/), nameZh: Text(60), nameEn: Text(60), kind: z.enum(['numeric', 'finding']),
  unit: z.string().max(20).nullable().optional(), below: z.number().nullable().optional(), above: z.number().nullable().optional(), source: Text(500),
});
export type RuleIn = z.infer<typeof RuleIn>;

const Bi = z.object({ zh: z.string(), en: z.string() });
export const AnalyteOut = z.object({ local: z.string(), code: z.string(), loinc: z.string().nullable(), nameZh: z.string(), nameEn: z.string(), unit: z.string().nullable() });
export const ItemOut = z.object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string(), kind: z.enum(ITEM_KINDS), loinc: z.string().nullable(), turnaroundMinutes: z.number(), recognitionScope: z.string().nullable(), recognitionDays: z.number().nullable(), priceFen: z.number(), analytes: z.array(AnalyteOut) });
export const RuleOut = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), kind: z.enum(['numeric', 'finding']), unit: z.string().nullable(), below: z.number().nullable(), above: z.number().nullable(), source: z.string() });
export const TemplateOut = z.object({ id: z.string(), itemCode: z.string().nullable(), name: z.string(), findings: z.string(), impression: z.string(), fields: z.array(TemplateField) });
export const CentreOut = z.object({
  id: z.string(), name: z.string(), modality: z.enum(MODALITIES), department: z.string(), communityId: z.string(), facility: z.object({ code: z.string(), name: z.string() }),
  twoLevel: z.boolean(), ackMinutes: z.number(), members: z.array(z.object({ code: z.string(), name: z.string() })), items: z.array(ItemOut), rules: z.array(RuleOut), templates: z.array(TemplateOut),
  onDuty: z.array(z.object({ userId: z.string(), name: z.string() })),
  /** Sources of the shipped critical-value defaults. */
  ruleSources: z.record(z.string(), z.string()),
});
export type CentreOut = z.infer<typeof CentreOut>;
export const CentresOut = z.object({ items: z.array(CentreOut) });
export const RosterQuery = z.strictObject({ from: DateStr, to: DateStr });
export const RosterOut = z.object({ items: z.array(z.object({ id: z.string(), userId: z.string(), name: z.string(), startsAt: z.string(), endsAt: z.string() })) });

// ---- orders ----

/** An earlier result recognised: no repeat is ordered. */
export const RecognitionIn = z.strictObject({ residentId: Uuid, centreId: Uuid, itemCode: z.string().min(2).max(32), reportId: Uuid });
/** An earlier standing result not recognised, with the reason (the order goes ahead). */
export const NotRecognisedIn = z.strictObject({ reportId: Uuid, reason: Text(500) });
export const OrderIn = z.strictObject({
  residentId: Uuid, centreId: Uuid, itemCode: z.string().min(2).max(32), clinicalQuestion: Text(1000), priority: z.enum(['routine', 'urgent', 'stat']).optional(),
  /** An earlier result of the item that still stands for recognition, not recognised, and why (required when one stands). */
  notRecognised: NotRecognisedIn.optional(),
});
export type OrderIn = z.infer<typeof OrderIn>;
export const RecognitionQuery = z.strictObject({ residentId: Uuid, itemCode: z.string().min(2).max(32) });
export const RecognitionOut = z.object({
  items: z.array(z.object({ reportId: z.string(), orderId: z.string(), centre: z.string(), publishedAt: z.string(), scope: z.string().nullable(), windowDays: z.number().nullable(), standing: z.boolean(), impression: z.string() })),
});
export const RecognisedOut = z.object({ decisionId: z.string(), reportId: z.string(), costAvoidedFen: z.number() });
export const ScheduleIn = z.strictObject({ at: z.string().datetime({ offset: true }) });
export const AcquireIn = z.strictObject({
  /** Imaging/ECG: the study in the centre's PACS (DICOM Study Instance UID) and its viewer link (DICOMweb). */
  studyUid: z.string().regex(/^[0-9.]{1,64}$/, 'a DICOM UID (digits and dots) / DICOM UID（数字和点）').optional(),
  modality: z.string().max(8).optional(), startedAt: z.string().datetime({ offset: true }).optional(), description: z.string().max(200).optional(),
  seriesCount: z.number().int().min(0).max(10000).optional(), instanceCount: z.number().int().min(0).max(1_000_000).optional(),
  viewerUrl: z.string().url().max(500).regex(/^https?:\/\//, 'http(s) only / 仅限 http(s)').optional(),
});
export type AcquireIn = z.infer<typeof AcquireIn>;
export const SpecimenIn = z.strictObject({ step: z.enum(SPECIMEN_STEPS), note: z.string().max(300).optional() });
export const ReasonIn = z.strictObject({ reason: Text(500) });
export const ObservationEntry = z.strictObject({ code: z.string().min(1).max(20), nameZh: Text(50), nameEn: Text(50), value: z.number().finite(), unit: z.string().min(1).max(20), low: z.number().nullable().optional(), high: z.number().nullable().optional() });
export const ReportIn = z.strictObject({
  findings: z.string().trim().min(1).max(8000), impression: z.string().trim().min(1).max(4000),
  observations: z.array(ObservationEntry).max(100).optional(),
  /** Coded critical findings ticked by the reader (the centre's finding rules). */
  criticalFindings: z.array(z.string().max(32)).max(20).optional(),
  /** Verify now (a centre without two-level review) and publish at once. */
  verify: z.boolean().optional(), publish: z.boolean().optional(),
});
export type ReportIn = z.infer<typeof ReportIn>;
export const AmendIn = ReportIn.omit({ verify: true, publish: true }).extend({ reason: Text(500) });
export type AmendIn = z.infer<typeof AmendIn>;

const Obs = z.object({
  code: z.string(), nameZh: z.string(), nameEn: z.string(), value: z.number(), unit: z.string(), low: z.number().nullable(), high: z.number().nullable(), flag: z.enum(['L', 'N', 'H']),
  /** From a laboratory message: the LOINC (the centre's mapping, else the message's own), OBX-8 as sent, the laboratory's local code. */
  loinc: z.string().nullable().optional(), abnormal: z.string().nullable().optional(), localCode: z.string().optional(),
});
const Hit = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), value: z.number().optional(), unit: z.string().optional(), bound: z.string().optional(), source: z.string() });
export const VersionOut = z.object({
  version: z.number(), findings: z.string(), impression: z.string(), observations: z.array(Obs), critical: z.array(Hit), writtenBy: z.string(), writtenAt: z.string(),
  verifiedBy: z.string().nullable(), verifiedAt: z.string().nullable(), publishedAt: z.string().nullable(), amendReason: z.string().nullable(),
  /** The laboratory message this version came from (HL7 v2 ORU^R01), if any. */
  sourceMessageId: z.string().nullable().optional(),
});
export const OrderOut = z.object({
  id: z.string(), placerNumber: z.string(), status: z.enum(ORDER_STATUSES), priority: z.string(), clinicalQuestion: z.string(),
  centre: z.object({ id: z.string(), name: z.string(), modality: z.string(), twoLevel: z.boolean() }),
  item: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), kind: z.string(), turnaroundMinutes: z.number() }),
  resident: z.object({ id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number() }),
  facility: z.object({ code: z.string(), name: z.string() }), requester: z.string(),
  orderedAt: z.string(), scheduledFor: z.string().nullable(), acquiredAt: z.string().nullable(), receivedAt: z.string().nullable(), dueAt: z.string().nullable(),
  minutesLeft: z.number().nullable(), rejectReason: z.string().nullable(),
  study: z.object({ studyUid: z.string(), modality: z.string(), startedAt: z.string(), description: z.string().nullable(), seriesCount: z.number(), instanceCount: z.number(), viewerUrl: z.string().nullable(), source: z.string() }).nullable(),
  report: z.object({ id: z.string(), status: z.enum(['preliminary', 'final', 'amended']), version: z.number(), publishedAt: z.string().nullable(), versions: z.array(VersionOut) }).nullable(),
  events: z.array(z.object({ step: z.string(), at: z.string(), note: z.string().nullable() })),
});
export type OrderOut = z.infer<typeof OrderOut>;
export const OrdersOut = z.object({ items: z.array(OrderOut) });
export const WorklistQuery = z.strictObject({ view: z.enum(['to_receive', 'to_read', 'to_verify', 'to_publish', 'open']).default('open') });
export const OrdersQuery = z.strictObject({ residentId: Uuid.optional() });

// ---- critical values ----

export const AlertOut = z.object({
  id: z.string(), orderId: z.string(), placerNumber: z.string(), item: Bi, resident: z.object({ id: z.string(), name: z.string() }), facility: z.string(), centre: z.string(),
  what: z.array(Hit), raisedAt: z.string(), ackDueAt: z.string(), state: z.enum(['acknowledged', 'open', 'overdue']), secondsLeft: z.number(), escalatedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(), acknowledgedBy: z.string().nullable(), readBack: z.string().nullable(), actionTaken: z.string().nullable(), minutesToAck: z.number().nullable(),
  events: z.array(z.object({ step: z.string(), at: z.string(), note: z.string().nullable() })),
});
export const AlertsOut = z.object({ items: z.array(AlertOut) });
export const AlertsQuery = z.strictObject({ open: z.enum(['yes', 'no']).optional() });
export const OpenCountOut = z.object({ open: z.number() });
export const AckIn = z.strictObject({ readBack: Text(500), action: Text(500) });
export const MessagesOut = z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), refId: z.string(), title: z.string(), createdAt: z.string(), readAt: z.string().nullable() })), unread: z.number() });
export const MessagesReadIn = z.strictObject({ ids: z.array(z.string().regex(/^\d+$/)).min(1).max(200) });

// ---- figures ----

export const FiguresQuery = z.strictObject({ from: DateStr, to: DateStr });
export const FiguresOut = z.object({
  from: z.string(), to: z.string(),
  turnaround: z.array(z.object({ centre: z.string(), itemCode: z.string(), item: Bi, reports: z.number(), medianMinutes: z.number().nullable(), withinTarget: z.number(), withinTargetShare: z.number().nullable(), targetMinutes: z.number() })),
  critical: z.array(z.object({ centre: z.string(), alerts: z.number(), acknowledged: z.number(), withinLimit: z.number(), withinLimitShare: z.number().nullable(), medianMinutesToAck: z.number().nullable() })),
  recognition: z.array(z.object({ facility: z.string(), decisions: z.number(), recognised: z.number(), rate: z.number().nullable(), costAvoidedFen: z.number() })),
  orders: z.array(z.object({ facility: z.string(), orders: z.number(), consultations: z.number() })),
  definitions: z.record(z.string(), Bi),
});

// ---- consultations ----

export const ConsultationIn = z.strictObject({ residentId: Uuid, centreId: Uuid, summary: Text(4000), question: Text(1000), reportIds: z.array(Uuid).max(20).optional() });
export const ConsultationScheduleIn = z.strictObject({ username: z.string().min(1).max(64), at: z.string().datetime({ offset: true }), link: z.string().url().max(500).regex(/^https?:\/\//).optional() });
export const OpinionIn = z.strictObject({ opinion: Text(8000) });
export const ConsultationOut = z.object({
  id: z.string(), status: z.enum(['requested', 'scheduled', 'held', 'cancelled']), resident: z.object({ id: z.string(), name: z.string() }), facility: z.string(), centre: z.string(),
  summary: z.string(), question: z.string(), reportIds: z.array(z.string()), specialist: z.string().nullable(), scheduledAt: z.string().nullable(), link: z.string().nullable(),
  opinion: z.string().nullable(), heldAt: z.string().nullable(), requestedAt: z.string(),
});
export const ConsultationsOut = z.object({ items: z.array(ConsultationOut) });

// ---- inbound laboratory messages (HL7 v2 ORU^R01 over MLLP) ----

export const LAB_MESSAGE_STATUSES = ['received', 'accepted', 'error', 'rejected', 'unmatched', 'duplicate'] as const;
export const LabMessagesQuery = z.strictObject({ state: z.enum(['unresolved', 'all']).default('unresolved') });
export const LabMessageOut = z.object({
  id: z.string(), receivedAt: z.string(), peer: z.string().nullable(), sendingFacility: z.string().nullable(), sender: z.string().nullable(), messageType: z.string().nullable(), controlId: z.string().nullable(),
  status: z.enum(LAB_MESSAGE_STATUSES), ackCode: z.enum(['AA', 'AE', 'AR']).nullable(), reason: z.string().nullable(), duplicateOf: z.string().nullable(),
  /** What the message names: placer and filler numbers (ORC-2/OBR-2, ORC-3/OBR-3), the service (OBR-4), result status (OBR-25), how many results. */
  placerNumber: z.string().nullable(), fillerNumber: z.string().nullable(), service: z.string().nullable(), resultStatus: z.string().nullable(), results: z.number(),
  orderId: z.string().nullable(), reportId: z.string().nullable(), processedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(), resolvedBy: z.string().nullable(), resolution: z.enum(['matched', 'dismissed']).nullable(), resolutionNote: z.string().nullable(),
  raw: z.string(),
});
export const LabMessagesOut = z.object({ items: z.array(LabMessageOut) });
export const LabMatchIn = z.strictObject({ placerNumber: z.string().trim().min(1).max(40) });

// ---- DICOM upload (a centre without a PACS) ----

/** One DICOM Part 10 file as base64 (at most about 3.7 MB of file within the 5 MiB request limit). */
export const DicomIn = z.strictObject({ fileBase64: z.string().min(200).max(5_000_000).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 / 须为 base64') });
