// The record's request and response shapes (zod): routes declare them, services take and return
// the types derived from them, so that one definition serves both.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { BASES } from './access.ts';
import { PresenceIn } from './basis.ts';

export const Uuid = z.string().uuid();
export const Ok = z.object({ ok: z.literal(true) });
export const Timestamp = z.string().datetime({ offset: true });
export const ResidentParams = z.object({ residentId: Uuid });
export const IdParams = z.object({ id: Uuid });

export const ObservationIn = z.strictObject({ code: z.string().min(1).max(20), value: z.number().finite(), unit: z.string().min(1).max(20) });
export type ObservationIn = z.infer<typeof ObservationIn>;

export const ENCOUNTER_KINDS = ['outpatient', 'emergency', 'inpatient', 'home_visit', 'follow_up', 'health_check', 'remote_consultation'] as const;
export type EncounterKind = (typeof ENCOUNTER_KINDS)[number];

export const EncounterIn = z.strictObject({
  sourceSystem: z.string().min(1).max(50).optional(),
  sourceId: z.string().min(1).max(100).optional(),
  residentId: Uuid,
  kind: z.enum(ENCOUNTER_KINDS),
  facilityCode: z.string().min(4).max(32),
  department: z.string().max(50).nullable().optional(),
  workerId: Uuid.nullable().optional(),
  startedAt: Timestamp,
  endedAt: Timestamp.nullable().optional(),
  reason: z.string().max(500).nullable().optional(),
  diagnoses: z.array(z.strictObject({ icd10: z.string().min(3).max(10), onsetDate: DateStr.nullable().optional(), status: z.enum(['active', 'resolved']).optional(), confirmed: z.boolean().optional() })).max(50).optional(),
  observations: z.array(ObservationIn).max(200).optional(),
  prescriptions: z.array(z.strictObject({ drugName: z.string().min(1).max(100), form: z.string().max(30).nullable().optional(), strength: z.string().max(30).nullable().optional(), dose: z.string().max(30).nullable().optional(),
    route: z.string().max(30).nullable().optional(), frequency: z.string().max(30).nullable().optional(), days: z.number().int().min(1).max(365).nullable().optional(), quantity: z.number().positive().nullable().optional() })).max(50).optional(),
  immunisations: z.array(z.strictObject({ vaccine: z.string().min(1).max(50), doseNumber: z.number().int().min(1).max(10), givenOn: DateStr, lot: z.string().max(50).nullable().optional(), site: z.string().max(50).nullable().optional() })).max(20).optional(),
  documents: z.array(z.strictObject({ kind: z.enum(['discharge_summary', 'examination_report', 'lab_report', 'imaging_report', 'referral_letter', 'other']), title: z.string().min(1).max(200), body: z.string().min(1).max(200_000) })).max(20).optional(),
  allergies: z.array(z.strictObject({ substance: z.string().min(1).max(100), reaction: z.string().max(200).nullable().optional(), severity: z.enum(['mild', 'moderate', 'severe']).nullable().optional() })).max(20).optional(),
  /** Proof that the resident is present (their full ID number, or the code their own page shows): lets an encounter starting today open access. */
  presence: PresenceIn.optional(),
});
export type EncounterIn = z.infer<typeof EncounterIn>;
export const EncounterOut = z.object({ id: z.string(), created: z.boolean() });
export type EncounterOut = z.infer<typeof EncounterOut>;

export const ObservationBatchItem = ObservationIn.extend({ residentId: Uuid, sourceId: z.string().min(1).max(100), observedAt: Timestamp });
export type ObservationBatchItem = z.infer<typeof ObservationBatchItem>;
export const ObservationBatchIn = z.strictObject({ sourceSystem: z.string().min(1).max(50), items: z.array(ObservationBatchItem).min(1).max(5000) });
export const ObservationBatchOut = z.object({ received: z.number(), stored: z.number(), alreadyPresent: z.number() });
export type ObservationBatchOut = z.infer<typeof ObservationBatchOut>;

export const BasisEnum = z.enum(BASES);
export const PartEnum = z.enum(['all', 'public_health']);
export const SummaryOut = z.object({
  basis: BasisEnum, part: PartEnum,
  resident: z.object({ id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), deathDate: z.string().nullable(), idNumberMasked: z.string(), villageName: z.string(), townshipName: z.string().nullable(), priorityGroups: z.array(z.string()) }),
  activeProblems: z.array(z.object({ icd10: z.string(), nameZh: z.string(), nameEn: z.string(), onsetDate: z.string().nullable(), confirmed: z.boolean() })),
  medications: z.array(z.object({ drugName: z.string(), strength: z.string().nullable(), dose: z.string().nullable(), frequency: z.string().nullable(), days: z.number().nullable(), prescribedAt: z.string(), antibacterialClass: z.string().nullable() })),
  allergies: z.array(z.object({ substance: z.string(), reaction: z.string().nullable(), severity: z.string().nullable() })),
  lastVitals: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), value: z.number(), unit: z.string(), flag: z.string().nullable(), observedAt: z.string() })),
  contract: z.object({ teamName: z.string(), facilityName: z.string(), startsOn: z.string(), endsOn: z.string(), status: z.string() }).nullable(),
  programmes: z.array(z.string()),
});
export type SummaryOut = z.infer<typeof SummaryOut>;

export const TimelineQuery = z.strictObject({ before: Timestamp.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export type TimelineQuery = z.infer<typeof TimelineQuery>;
export const TimelineOut = z.object({
  basis: BasisEnum, part: PartEnum, nextBefore: z.string().nullable(),
  encounters: z.array(z.object({
    id: z.string(), kind: z.string(), department: z.string().nullable(), startedAt: z.string(), endedAt: z.string().nullable(), reason: z.string().nullable(),
    facilityName: z.string(), facilityTier: z.string(), workerName: z.string().nullable(),
    diagnoses: z.array(z.object({ id: z.string(), version: z.number(), icd10: z.string(), nameZh: z.string(), nameEn: z.string(), status: z.string(), confirmed: z.boolean() })),
    observations: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), value: z.number(), unit: z.string(), flag: z.string().nullable() })),
    prescriptions: z.array(z.object({ drugName: z.string(), strength: z.string().nullable(), dose: z.string().nullable(), frequency: z.string().nullable(), days: z.number().nullable(), antibacterialClass: z.string().nullable() })),
    documents: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string() })),
  })),
  immunisations: z.array(z.object({ vaccine: z.string(), doseNumber: z.number(), givenOn: z.string(), lot: z.string().nullable(), site: z.string().nullable() })),
});
export type TimelineOut = z.infer<typeof TimelineOut>;

export const TrendsQuery = z.strictObject({ codes: z.string().regex(/^[\w.-]+(,[\w.-]+){0,9}$/) });
export const TrendsOut = z.object({ basis: BasisEnum, series: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), unit: z.string(), points: z.array(z.object({ at: z.string(), value: z.number() })) })) });
export type TrendsOut = z.infer<typeof TrendsOut>;

export const DiagnosisEdit = z.strictObject({ version: z.number().int(), status: z.enum(['active', 'resolved']).optional(), confirmed: z.boolean().optional(), onsetDate: DateStr.nullable().optional() });
export type DiagnosisChange = Omit<z.infer<typeof DiagnosisEdit>, 'version'>;
export const DiagnosisOut = z.object({ id: z.string(), version: z.number(), status: z.string(), confirmed: z.boolean(), onsetDate: z.string().nullable() });
export type DiagnosisOut = z.infer<typeof DiagnosisOut>;
export const VersionsOut = z.object({ items: z.array(z.object({ version: z.number(), data: z.unknown(), changedAt: z.string(), changedBy: z.string().nullable() })) });
export type VersionItem = z.infer<typeof VersionsOut>['items'][number];

export const BreakGlassIn = z.strictObject({ reason: z.string().min(4).max(500) });
export const BreakGlassOut = z.object({ expiresAt: z.string() });
export const BreakGlassReviewList = z.object({ items: z.array(z.object({ id: z.string(), reason: z.string(), grantedAt: z.string(), expiresAt: z.string(), username: z.string(), displayName: z.string(), facility: z.string().nullable(), residentName: z.string() })) });
export type BreakGlassReviewItem = z.infer<typeof BreakGlassReviewList>['items'][number];
export const BreakGlassReviewIn = z.strictObject({ note: z.string().min(1).max(500) });

export const Icd10Query = z.strictObject({ q: z.string().min(1).max(30) });
export const Icd10Out = z.object({ items: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), category: z.string() })) });

export const MyRecordOut = z.object({ residentId: z.string() });
export const AccessLogOut = z.object({ items: z.array(z.object({ at: z.string(), action: z.string(), basis: z.string().nullable(), who: z.string(), role: z.string().nullable(), facility: z.string().nullable() })) });
export type AccessLogItem = z.infer<typeof AccessLogOut>['items'][number];
export const ConsentsOut = z.object({ items: z.array(z.object({ id: z.string(), startsOn: z.string(), endsOn: z.string(), withdrawnAt: z.string().nullable(), workerName: z.string().nullable(), facilityName: z.string().nullable(), active: z.boolean() })) });
export type ConsentItem = z.infer<typeof ConsentsOut>['items'][number];
export const ConsentIn = z.strictObject({ facilityCode: z.string().max(32).optional(), workerId: Uuid.optional(), endsOn: DateStr });
export type ConsentIn = z.infer<typeof ConsentIn>;
export const IdOut = z.object({ id: z.string() });
export const PresenceCodeOut = z.object({ code: z.string(), expiresAt: z.string() });
