// The referral module's request and response shapes (zod); the TypeScript types are inferred from
// them and used by the routes and the services alike.
import { z } from 'zod';
import { GREEN_CHANNELS, STATES, TIERS, type GreenChannel } from './rules.ts';

export const Urgency = z.enum(['routine', 'urgent', 'green_channel']);
export const Green = z.enum(Object.keys(GREEN_CHANNELS) as [GreenChannel, ...GreenChannel[]]);
export const State = z.enum(STATES);
export const Tier = z.enum(TIERS);
export const Direction = z.enum(['up', 'down', 'lateral', 'out']);
export const Uuid = z.strictObject({ id: z.string().uuid() });

export const Summary = z.object({
  assembledAt: z.string(), reason: z.string(), text: z.string(),
  problems: z.array(z.object({ code: z.string(), name: z.string(), since: z.string().nullable() })),
  medications: z.array(z.object({ drug: z.string(), dose: z.string().nullable(), frequency: z.string().nullable(), since: z.string() })),
  allergies: z.array(z.object({ substance: z.string(), reaction: z.string().nullable(), severity: z.string().nullable() })),
  vitals: z.array(z.object({ code: z.string(), name: z.string(), value: z.number(), unit: z.string(), at: z.string(), flag: z.string().nullable() })),
});
export type Summary = z.infer<typeof Summary>;
export const SummaryQuery = z.strictObject({ residentId: z.string().uuid(), reasonCode: z.string().max(40) });

const Editable = {
  toFacilityCode: z.string().max(32), toDepartment: z.string().max(50).nullable().optional(), reasonCode: z.string().max(40), reasonText: z.string().max(500).nullable().optional(),
  urgency: Urgency, greenChannel: Green.nullable().optional(), summaryText: z.string().max(8000).nullable().optional(), followUpPlan: z.string().max(2000).nullable().optional(),
  followUpDays: z.number().int().min(1).max(365).nullable().optional(), inpatient: z.boolean().optional(),
};
export const CreateBody = z.strictObject({ residentId: z.string().uuid(), ...Editable });
export type CreateInput = z.infer<typeof CreateBody>;
export const Created = z.object({ id: z.string(), direction: Direction, status: State });
export const EditBody = z.strictObject({
  version: z.number().int(), toFacilityCode: Editable.toFacilityCode.optional(), toDepartment: Editable.toDepartment, reasonCode: Editable.reasonCode.optional(), reasonText: Editable.reasonText,
  urgency: Editable.urgency.optional(), greenChannel: Editable.greenChannel, summaryText: Editable.summaryText, followUpPlan: Editable.followUpPlan, followUpDays: Editable.followUpDays, inpatient: Editable.inpatient,
});
export type EditInput = z.infer<typeof EditBody>;
/** The fields a draft's checks look at (a new draft's or an edited one's). */
export type DraftFields = Partial<Omit<CreateInput, 'residentId'>>;

export const TRANSITION_ACTIONS = ['send', 'accept', 'decline', 'arrive', 'complete', 'cancel'] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];
export const ActParams = z.strictObject({ id: z.string().uuid(), action: z.enum(TRANSITION_ACTIONS) });
export const ActBody = z.strictObject({ version: z.number().int().optional(), slotId: z.string().uuid().nullable().optional(), idempotencyKey: z.string().min(8).max(100).nullable().optional(), wardId: z.string().uuid().nullable().optional(),
  bedUntil: z.iso.datetime({ offset: true }).nullable().optional(), reason: z.string().max(500).nullable().optional(), outcome: z.string().max(4000).nullable().optional(),
  followUpPlan: z.string().max(2000).nullable().optional(), followUpDays: z.number().int().min(1).max(365).nullable().optional(), toDepartment: z.string().max(50).nullable().optional() });
export type ActInput = z.infer<typeof ActBody>;
export const ActResult = z.object({ id: z.string(), status: State, version: z.number(), bookingId: z.string().nullable(), bedId: z.string().nullable(), dueAt: z.string().nullable(), downReferralId: z.string().nullable(), taskId: z.string().nullable() });
export type ActResult = z.infer<typeof ActResult>;

export const Target = z.object({ code: z.string(), name: z.string(), tier: Tier, inCommunity: z.boolean(), direction: Direction });
export type Target = z.infer<typeof Target>;

export const InboxQuery = z.strictObject({ box: z.enum(['incoming', 'outgoing']), status: State.optional() });
export const InboxItem = z.object({ id: z.string(), residentName: z.string(), direction: z.string(), urgency: Urgency, greenChannel: z.string().nullable(), reasonCode: z.string(), status: State,
  facilityName: z.string(), sentAt: z.string().nullable(), dueAt: z.string().nullable(), minutesLeft: z.number().nullable(), slotAt: z.string().nullable(), version: z.number() });
export type InboxItem = z.infer<typeof InboxItem>;

export const TaskQuery = z.strictObject({ all: z.enum(['true', 'false']).optional() });
export const Task = z.object({ id: z.string(), referralId: z.string(), residentId: z.string(), residentName: z.string(), village: z.string(), teamName: z.string().nullable(), plan: z.string(),
  dueOn: z.string(), status: z.string(), fromFacility: z.string(), overdue: z.boolean(), mine: z.boolean() });
export type Task = z.infer<typeof Task>;
export const TaskDoneBody = z.strictObject({ note: z.string().max(500).nullable().optional() });
export const IdStatus = z.object({ id: z.string(), status: z.string() });

export const ReferralOut = z.object({ id: z.string(), residentId: z.string(), residentName: z.string(), sex: z.string(), age: z.number(), direction: z.string(), urgency: Urgency, greenChannel: z.string().nullable(),
  reasonCode: z.string(), reasonText: z.string().nullable(), fromFacility: z.object({ code: z.string(), name: z.string() }), toFacility: z.object({ code: z.string(), name: z.string() }),
  toDepartment: z.string().nullable(), status: State, side: z.enum(['from', 'to']), summary: z.any(), declineReason: z.string().nullable(), outcome: z.string().nullable(), followUpPlan: z.string().nullable(),
  followUpDays: z.number().nullable(), sentAt: z.string().nullable(), acceptedAt: z.string().nullable(), arrivedAt: z.string().nullable(), completedAt: z.string().nullable(), dueAt: z.string().nullable(),
  minutesLeft: z.number().nullable(), version: z.number(), parentId: z.string().nullable(),
  booking: z.object({ startsAt: z.string(), schedule: z.string(), status: z.string() }).nullable(), bed: z.object({ code: z.string(), ward: z.string(), status: z.string() }).nullable(),
  events: z.array(z.object({ status: z.string(), fromStatus: z.string().nullable(), at: z.string(), note: z.string().nullable(), by: z.string().nullable() })) });
export type ReferralOut = z.infer<typeof ReferralOut>;

export const County = z.string().regex(/^\d{6}$/);
export const Params = z.object({ deductibleFen: z.number(), reimburseBp: z.number(), capFen: z.number() });
export const ParamsBody = z.strictObject({ county: z.string().regex(/^(\d{6}|\*)$/), tier: Tier, deductibleFen: z.number().int().min(0).max(100_000_000),
  reimburseBp: z.number().int().min(0).max(10000), capFen: z.number().int().min(0).max(10_000_000_000) });
const Money = z.object({ tier: Tier, totalFen: z.number(), deductibleFen: z.number(), fundFen: z.number(), residentFen: z.number() });
const Chain = z.object({ stays: z.array(Money), residentFen: z.number(), fundFen: z.number(), deductibleFen: z.number() });
export const EstimateBody = z.strictObject({ county: County, inCommunityReferral: z.boolean(), stays: z.array(z.strictObject({ tier: Tier, totalFen: z.number().int().min(0).max(10_000_000_000) })).min(1).max(10) });
export const Estimate = z.object({ parameters: z.record(z.string(), Params), applied: Chain, separate: Chain, savedFen: z.number(), deductibleOnce: z.boolean() });
export const SlaOut = z.object({ routine: z.number(), urgent: z.number(), green_channel: z.number() });
export const SlaBody = z.strictObject({ urgency: Urgency, minutes: z.number().int().min(1).max(43200) });

const FigureRow = z.object({ up: z.number(), down: z.number(), lateral: z.number(), out: z.number(), sent: z.number(), accepted: z.number(), declined: z.number(), expired: z.number(),
  acceptedShare: z.number().nullable(), medianHoursToAccept: z.number().nullable(), medianHoursToArrival: z.number().nullable(), completedUp: z.number(), completedWithPlan: z.number(),
  planShare: z.number().nullable(), downRatio: z.number().nullable() });
export const FigureQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100), groupBy: z.enum(['facility', 'township', 'month']).default('township') });
export const Figures = z.object({ items: z.array(FigureRow.extend({ key: z.string(), name: z.string() })), totals: FigureRow });
export type Figures = z.infer<typeof Figures>;
