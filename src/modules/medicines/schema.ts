// The medicines module's request and response shapes (zod): catalogue, prescriptions, review, dispensing.
import { z } from 'zod';
import { DOSAGE_FORMS, FREQUENCIES, GRADES, LEVELS, ROUTES } from './catalogue.ts';
import { PresenceIn } from '../records/basis.ts';
import { DateStr } from '../../shared/time.ts';

const Bi = z.object({ zh: z.string(), en: z.string() });

export const CatalogueItemOut = z.object({
  id: z.string(), code: z.string(), genericName: z.string(), nameEn: z.string().nullable(), dosageForm: z.enum(DOSAGE_FORMS), strength: z.string(), strengthValue: z.number(),
  unit: z.string(), package: z.string(), atcCode: z.string(), essential: z.boolean(), insuranceClass: z.enum(['A', 'B']).nullable(), antibacterialGrade: z.enum(GRADES).nullable(),
  highAlert: z.boolean(), route: z.enum(ROUTES), adultDoseMin: z.number().nullable(), adultDoseMax: z.number().nullable(), maxDailyDose: z.number().nullable(),
  childDailyMinPerKg: z.number().nullable(), childDailyMaxPerKg: z.number().nullable(), frequencies: z.array(z.string()), minAgeYears: z.number().nullable(),
  pregnancy: z.enum(['contraindicated', 'caution']).nullable(), levels: z.array(z.enum(LEVELS)), sources: z.record(z.string(), z.string()), origin: z.enum(['shipped', 'imported']),
});
export type CatalogueItemOut = z.infer<typeof CatalogueItemOut>;
export const CatalogueQuery = z.strictObject({
  q: z.string().max(50).optional(), level: z.enum(LEVELS).optional(), antibacterial: z.enum(['yes', 'no']).optional(),
});
export const CatalogueOut = z.object({ items: z.array(CatalogueItemOut), sources: z.record(z.string(), z.string()) });

export const CatalogueImportIn = z.strictObject({
  fileName: z.string().min(1).max(200).regex(/\.(csv|xlsx)$/i, 'a .csv or .xlsx file / 须为 .csv 或 .xlsx 文件'),
  contentBase64: z.string().min(1).max(7_000_000),
});
export const CatalogueImportOut = z.object({ imported: z.number(), created: z.number(), updated: z.number() });

const Frequency = z.enum(Object.keys(FREQUENCIES) as [string, ...string[]]);
export const PrescriptionItemIn = z.strictObject({
  medicineCode: z.string().min(1).max(32), dose: z.number().positive().max(1_000_000), unit: z.string().min(1).max(10), route: z.enum(ROUTES), frequency: Frequency,
  days: z.number().int().min(1).max(365), quantity: z.number().positive().max(100_000).optional(),
});
export const PrescriptionIn = z.strictObject({
  residentId: z.string().uuid(),
  /** The encounter this prescription belongs to (a follow-up's, an outpatient visit's); without it an outpatient encounter is opened today. */
  encounterId: z.string().uuid().optional(),
  kind: z.enum(['acute', 'chronic', 'long']), setting: z.enum(['outpatient', 'emergency', 'inpatient']).optional(),
  pregnant: z.boolean().optional(), weightKg: z.number().positive().max(400).nullable().optional(), consultation: z.boolean().optional(),
  items: z.array(PrescriptionItemIn).min(1).max(10),
  /** The prescriber's reasons for the warnings they keep (key = rule:item, from the check). */
  confirmations: z.array(z.strictObject({ key: z.string().max(40), reason: z.string().max(200) })).max(40).optional(),
  presence: PresenceIn.optional(),
});
export type PrescriptionIn = z.infer<typeof PrescriptionIn>;

export const FindingOut = z.object({ rule: z.string(), verdict: z.enum(['warn', 'hold']), item: z.number().nullable(), key: z.string(), message: Bi, source: z.string(), name: Bi });
export const CheckOut = z.object({ status: z.enum(['held', 'ready', 'unconfirmed']), findings: z.array(FindingOut), quantities: z.array(z.number()) });

export const PrescriptionStatus = z.enum(['held', 'ready', 'returned', 'dispensed']);
export const PrescriptionOut = z.object({
  id: z.string(), residentId: z.string(), residentName: z.string().nullable(), encounterId: z.string(), status: PrescriptionStatus, kind: z.enum(['acute', 'chronic', 'long']),
  setting: z.string(), facility: z.object({ code: z.string(), name: z.string() }), prescriber: z.string(), prescriberTitle: z.string().nullable(), createdAt: z.string(),
  items: z.array(z.object({ line: z.number(), medicineCode: z.string(), genericName: z.string(), strength: z.string(), dose: z.number(), unit: z.string(), route: z.string(),
    frequency: z.string(), days: z.number(), quantity: z.number(), antibacterialGrade: z.string().nullable() })),
  findings: z.array(FindingOut), confirmations: z.array(z.object({ key: z.string(), reason: z.string() })),
  heldAt: z.string().nullable(), reviewDueAt: z.string().nullable(), reviewedAt: z.string().nullable(), reviewNote: z.string().nullable(), dispensedAt: z.string().nullable(),
});
export type PrescriptionOut = z.infer<typeof PrescriptionOut>;
export const PrescriptionList = z.object({ items: z.array(PrescriptionOut) });
export const PrescriptionListQuery = z.strictObject({ status: PrescriptionStatus.optional(), residentId: z.string().uuid().optional() });

export const WorklistOut = z.object({
  items: z.array(PrescriptionOut.extend({ minutesLeft: z.number(), overdue: z.boolean() })),
  reviewMinutes: z.number(),
});
export const ReviewDecisionIn = z.strictObject({ decision: z.enum(['approve', 'return']), note: z.string().max(500).optional() });
export const IdParams = z.strictObject({ id: z.string().uuid() });
export const IdOut = z.object({ id: z.string() });
export const ResidentParams = z.strictObject({ residentId: z.string().uuid() });

export const CurrentMedicationOut = z.object({
  items: z.array(z.object({ genericName: z.string(), atcCode: z.string(), atTwoFacilities: z.boolean(),
    facilities: z.array(z.object({ code: z.string(), name: z.string(), startedOn: z.string(), endsOn: z.string(), dose: z.number(), unit: z.string(), frequency: z.string() })) })),
});

export const StewardshipQuery = z.strictObject({ from: DateStr, to: DateStr, by: z.enum(['facility', 'prescriber']).default('facility') });
export const StewardshipOut = z.object({
  by: z.enum(['facility', 'prescriber']), from: z.string(), to: z.string(), definitions: z.record(z.string(), Bi),
  items: z.array(z.object({ code: z.string(), name: z.string(), prescriptions: z.number(), antibioticRate: z.number().nullable(), injectionRate: z.number().nullable(),
    essentialShare: z.number().nullable(), meanDrugs: z.number().nullable() })),
});

// ---- the shared pharmacy ----
export const ReceiveIn = z.strictObject({ facilityCode: z.string().max(32).optional(), medicineCode: z.string().min(1).max(32), lot: z.string().trim().min(1).max(40), expiresOn: DateStr, quantity: z.number().positive().max(1_000_000) });
export const LotOut = z.object({ lotId: z.string() });
export const StockQuery = z.strictObject({ facilityCode: z.string().max(32).optional() });
export const StockOut = z.object({
  facility: z.object({ code: z.string(), name: z.string() }),
  items: z.array(z.object({ lotId: z.string(), medicineCode: z.string(), genericName: z.string(), strength: z.string(), lot: z.string(), expiresOn: z.string(), quantity: z.number(), expiry: z.enum(['expired', 'expiring', 'ok']) })),
});
export const TransferIn = z.strictObject({ lotId: z.string().uuid(), toFacilityCode: z.string().min(1).max(32), quantity: z.number().positive().max(1_000_000) });
export const ShortageIn = z.strictObject({ residentId: z.string().uuid(), medicineCode: z.string().min(1).max(32), quantity: z.number().positive().max(10_000), note: z.string().max(200).optional() });
export const ShortageStatus = z.enum(['registered', 'filled', 'in_transit', 'delivered', 'cancelled']);
export const ShortageList = z.object({
  items: z.array(z.object({ id: z.string(), residentId: z.string(), residentName: z.string().nullable(), facility: z.object({ code: z.string(), name: z.string() }), medicineCode: z.string(), genericName: z.string(),
    strength: z.string(), quantity: z.number(), note: z.string().nullable(), status: ShortageStatus, registeredAt: z.string(), filledAt: z.string().nullable(), shippedAt: z.string().nullable(), deliveredAt: z.string().nullable() })),
});
export const ShortageStepParams = z.strictObject({ id: z.string().uuid(), step: z.enum(['fill', 'ship', 'deliver', 'cancel']) });
export const ShortageStepIn = z.strictObject({ lotId: z.string().uuid().optional() });
export const ShortageStepOut = z.object({ status: ShortageStatus });

// ---- the monthly prescription comment ----
export const CommentSampleQuery = z.strictObject({ facilityCode: z.string().min(1).max(32), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') });
export const CommentResult = z.enum(['rational', 'irregular', 'inappropriate', 'excessive']);
export const CommentSampleOut = z.object({
  facility: z.object({ code: z.string(), name: z.string() }), month: z.string(), total: z.number(), size: z.number(), rule: z.string(),
  items: z.array(z.object({ id: z.string(), createdAt: z.string(), ageYears: z.number(), prescriber: z.string(), drugs: z.number(), antibacterial: z.boolean(), injection: z.boolean(), essential: z.number(),
    comment: z.object({ result: CommentResult, problems: z.array(z.string()), note: z.string().nullable() }).nullable() })),
});
export const CommentIn = z.strictObject({ orderId: z.string().uuid(), result: CommentResult, problems: z.array(z.string().max(60)).max(20).optional(), note: z.string().max(500).optional() });
export const OkOut = z.object({ ok: z.literal(true) });
