// The surveillance module's request and response shapes (zod).
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';

export const CaseClass = z.enum(['suspected', 'clinical', 'confirmed', 'carrier', 'excluded']);
export const CardStatus = z.enum(['draft', 'submitted', 'returned', 'accepted', 'duplicate', 'deleted']);
export const ReviewAction = z.enum(['accept', 'return', 'duplicate', 'delete']);
export const Residence = z.enum(['this_county', 'this_city', 'this_province', 'other_province', 'hk_macao_taiwan', 'foreign']);
/** Occupation groups of the national card (人群分类). */
export const Occupation = z.enum(['preschool_child', 'scattered_child', 'student', 'teacher', 'childcare_worker', 'catering_worker', 'public_place_worker', 'commercial_service', 'medical_staff',
  'worker', 'migrant_worker', 'farmer', 'herdsman', 'fisherman', 'cadre_staff', 'retiree', 'housework_unemployed', 'other', 'unknown']);

export const DiseaseOut = z.object({ code: z.string(), group: z.string(), class: z.enum(['A', 'B', 'C']), nameZh: z.string(), nameEn: z.string(), icd10: z.array(z.string()), managedAsA: z.boolean(), limitHours: z.number() });
export const DiseasesOut = z.object({ source: z.record(z.string(), z.unknown()), items: z.array(DiseaseOut) });

export const CardOut = z.object({
  id: z.string(), version: z.number(), status: CardStatus, disease: z.string(), diseaseNameZh: z.string(), diseaseNameEn: z.string(), diseaseClass: z.enum(['A', 'B', 'C']), icd10: z.string(),
  caseClass: CaseClass, onsetDate: z.string().nullable(), diagnosedAt: z.string(), dueAt: z.string(), limitHours: z.number(),
  countdown: z.object({ state: z.enum(['on_time', 'due_soon', 'overdue']), minutesLeft: z.number() }).nullable(),
  submittedAt: z.string().nullable(), onTime: z.boolean().nullable(),
  patient: z.object({ residentId: z.string(), name: z.string(), idMasked: z.string().nullable(), sex: z.enum(['M', 'F']), birthDate: z.string(), age: z.number(), phoneMasked: z.string().nullable(),
    address: z.string(), addressCode: z.string(), townshipName: z.string().nullable() }).nullable(),
  fields: z.object({ residence: Residence.nullable(), occupation: Occupation.nullable(), guardian: z.string().nullable(), workplace: z.string().nullable(), remarks: z.string().nullable() }),
  facilityName: z.string(), doctorName: z.string().nullable(), missing: z.array(z.string()),
  reviewReason: z.string().nullable(), reviewedAt: z.string().nullable(), duplicateOf: z.string().nullable(), probableDuplicateOf: z.string().nullable(),
  reviews: z.array(ReviewAction),
  events: z.array(z.object({ at: z.string(), action: z.string(), fromStatus: z.string().nullable(), toStatus: z.string(), fromClass: z.string().nullable(), toClass: z.string().nullable(), reason: z.string().nullable(), actor: z.string().nullable() })),
});
export type CardOut = z.infer<typeof CardOut>;
export const CardListOut = z.object({ items: z.array(CardOut) });
export const CardListQuery = z.strictObject({ status: CardStatus.optional() });
export const IdParam = z.strictObject({ id: z.string().uuid() });

export const CardEdit = z.strictObject({
  version: z.number().int().positive(),
  onsetDate: DateStr.nullable().optional(),
  residence: Residence.nullable().optional(), occupation: Occupation.nullable().optional(),
  guardian: z.string().trim().max(50).nullable().optional(), workplace: z.string().trim().max(100).nullable().optional(), remarks: z.string().trim().max(500).nullable().optional(),
});
export type CardEdit = z.infer<typeof CardEdit>;
export const VersionIn = z.strictObject({ version: z.number().int().positive() });
export const ReviewIn = z.strictObject({ version: z.number().int().positive(), action: ReviewAction, reason: z.string().trim().min(1).max(500).optional(), duplicateOf: z.string().uuid().optional() });
export type ReviewIn = z.infer<typeof ReviewIn>;
export const ReviseIn = z.strictObject({ version: z.number().int().positive(), caseClass: CaseClass, reason: z.string().trim().min(1).max(500) });
export type ReviseIn = z.infer<typeof ReviseIn>;

// ---- signals ----
export const SignalStatus = z.enum(['open', 'excluded', 'investigating', 'confirmed', 'closed']);
export const SignalAction = z.enum(['exclude', 'investigate', 'confirm', 'close']);
export const RunIn = z.strictObject({ county: z.string().regex(/^\d{6}$/, 'six digits / 六位县级代码').optional(), day: DateStr.optional() });
export const RunOut = z.object({ county: z.string(), day: z.string(), series: z.number(), raised: z.number(), stored: z.number(), countMs: z.number(), detectMs: z.number() });
export const SignalQuery = z.strictObject({ status: SignalStatus.optional(), from: DateStr.optional(), to: DateStr.optional() });
export const SignalOut = z.object({
  id: z.string(), series: z.string(), seriesNameZh: z.string(), seriesNameEn: z.string(), method: z.string(), day: z.string(), countyCode: z.string(), townshipCode: z.string().nullable(), townshipName: z.string().nullable(),
  observed: z.number(), expected: z.number(), threshold: z.number(), statistic: z.number(), pValue: z.number().nullable(), baseline: z.array(z.number()), params: z.record(z.string(), z.unknown()),
  cluster: z.object({ townships: z.array(z.string()), townshipNames: z.array(z.string()), from: z.string(), to: z.string() }).nullable(),
  status: SignalStatus, verifyDueAt: z.string(), overdue: z.boolean(), respondedAt: z.string().nullable(), closedAt: z.string().nullable(), note: z.string().nullable(), createdAt: z.string(), actions: z.array(SignalAction),
});
export const SignalListOut = z.object({ items: z.array(SignalOut) });
export const SignalDetailOut = SignalOut.extend({ points: z.array(z.object({ day: z.string(), n: z.number() })), cases: z.array(z.string()) });
export const RespondIn = z.strictObject({ action: SignalAction, note: z.string().trim().min(1).max(1000).optional(), cardIds: z.array(z.string().uuid()).max(500).optional() });
export const FiguresQuery = z.strictObject({ from: DateStr.optional(), to: DateStr.optional() });
export const FiguresOut = z.object({ from: z.string(), to: z.string(), signals: z.number(), responded: z.number(), respondedShare: z.number().nullable(), inTimeShare: z.number().nullable(), medianHours: z.number().nullable(), byStatus: z.record(z.string(), z.number()) });
export const GridQuery = z.strictObject({ day: DateStr.optional() });
export const GridOut = z.object({ from: z.string(), to: z.string(), countySignals: z.number(), townships: z.array(z.object({ code: z.string(), name: z.string(), signals: z.number(), cases: z.number(), syndromes: z.number() })) });
