// Referral routes: drafts, the state machine's actions, inboxes, tasks, the payment calculator and figures.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { ACTIONS, GREEN_CHANNELS, STATES, TIERS, type GreenChannel } from './rules.ts';
import {
  act, completeTask, createReferral, estimatePayment, expireOverdue, figuresScope, getReferral, getSla, inbox, insuranceParameters, listTasks, referralFigures, setInsuranceParameters, setSla, summaryPreview,
  targets, updateDraft,
} from './service.ts';

const SENDERS: Role[] = ['doctor', 'village_doctor', 'nurse'];
const HANDLERS: Role[] = ['doctor', 'village_doctor', 'nurse', 'coordinator'];
const FIGURES: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'coordinator', 'public_health'];
const Urgency = z.enum(['routine', 'urgent', 'green_channel']);
const Green = z.enum(Object.keys(GREEN_CHANNELS) as [GreenChannel, ...GreenChannel[]]);
const State = z.enum(STATES);
const Tier = z.enum(TIERS);
const Summary = z.object({
  assembledAt: z.string(), reason: z.string(), text: z.string(),
  problems: z.array(z.object({ code: z.string(), name: z.string(), since: z.string().nullable() })),
  medications: z.array(z.object({ drug: z.string(), dose: z.string().nullable(), frequency: z.string().nullable(), since: z.string() })),
  allergies: z.array(z.object({ substance: z.string(), reaction: z.string().nullable(), severity: z.string().nullable() })),
  vitals: z.array(z.object({ code: z.string(), name: z.string(), value: z.number(), unit: z.string(), at: z.string(), flag: z.string().nullable() })),
});
const Editable = {
  toFacilityCode: z.string().max(32), toDepartment: z.string().max(50).nullable().optional(), reasonCode: z.string().max(40), reasonText: z.string().max(500).nullable().optional(),
  urgency: Urgency, greenChannel: Green.nullable().optional(), summaryText: z.string().max(8000).nullable().optional(), followUpPlan: z.string().max(2000).nullable().optional(),
  followUpDays: z.number().int().min(1).max(365).nullable().optional(), inpatient: z.boolean().optional(),
};
const ActResult = z.object({ id: z.string(), status: State, version: z.number(), bookingId: z.string().nullable(), bedId: z.string().nullable(), dueAt: z.string().nullable(), downReferralId: z.string().nullable(), taskId: z.string().nullable() });
const Money = z.object({ tier: Tier, totalFen: z.number(), deductibleFen: z.number(), fundFen: z.number(), residentFen: z.number() });
const Chain = z.object({ stays: z.array(Money), residentFen: z.number(), fundFen: z.number(), deductibleFen: z.number() });
const Params = z.object({ deductibleFen: z.number(), reimburseBp: z.number(), capFen: z.number() });
const FigureRow = z.object({ up: z.number(), down: z.number(), lateral: z.number(), out: z.number(), sent: z.number(), accepted: z.number(), declined: z.number(), expired: z.number(),
  acceptedShare: z.number().nullable(), medianHoursToAccept: z.number().nullable(), medianHoursToArrival: z.number().nullable(), completedUp: z.number(), completedWithPlan: z.number(),
  planShare: z.number().nullable(), downRatio: z.number().nullable() });

/** Registers /api/referrals/*. */
export async function referralRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };
  // Referrals past their service level expire within a minute even when no one opens an inbox
  // (inboxes and accept/decline also expire them on the spot).
  let sweep: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    sweep = setInterval(() => { expireOverdue(db).catch((err) => app.log.warn({ err }, 'referral expiry sweep failed')); }, 60_000);
    sweep.unref();
  });
  app.addHook('onClose', async () => { if (sweep) clearInterval(sweep); });

  app.get('/api/referrals/targets', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'Facilities a referral may go to, the community\'s first, with the direction',
      response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), tier: Tier, inCommunity: z.boolean(), direction: z.enum(['up', 'down', 'lateral', 'out']) })) }) } },
    handler: async (req) => ({ items: await targets(db, me(req)) }),
  });

  app.get('/api/referrals/summary-preview', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'The clinical summary the record gives now (audited read)', querystring: z.strictObject({ residentId: z.string().uuid(), reasonCode: z.string().max(40) }),
      response: { 200: Summary } },
    handler: async (req) => summaryPreview(db, me(req), o, req.query.residentId, req.query.reasonCode),
  });

  app.post('/api/referrals', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'Draft a referral; the summary is assembled from the record', body: z.strictObject({ residentId: z.string().uuid(), ...Editable }),
      response: { 201: z.object({ id: z.string(), direction: z.enum(['up', 'down', 'lateral', 'out']), status: State }) } },
    handler: async (req, reply) => reply.code(201).send(await createReferral(db, me(req), o, req.body)),
  });

  app.patch('/api/referrals/:id', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'Edit a draft before sending (summary text, reason, target, plan)', params: z.strictObject({ id: z.string().uuid() }),
      body: z.strictObject({ version: z.number().int(), ...Object.fromEntries(Object.entries(Editable).map(([k, v]) => [k, v.optional()])) }) as z.ZodType<{ version: number } & Partial<{ [K in keyof typeof Editable]: z.infer<(typeof Editable)[K]> }>>,
      response: { 200: z.object({ id: z.string(), version: z.number() }) } },
    handler: async (req) => updateDraft(db, me(req), req.params.id, req.body as Parameters<typeof updateDraft>[3]),
  });

  app.get('/api/referrals/inbox', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'What awaits your facility (incoming) or what it sent (outgoing), with timers against the service level',
      querystring: z.strictObject({ box: z.enum(['incoming', 'outgoing']), status: State.optional() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), residentName: z.string(), direction: z.string(), urgency: Urgency, greenChannel: z.string().nullable(), reasonCode: z.string(), status: State,
        facilityName: z.string(), sentAt: z.string().nullable(), dueAt: z.string().nullable(), minutesLeft: z.number().nullable(), slotAt: z.string().nullable(), version: z.number() })) }) } },
    handler: async (req) => ({ items: await inbox(db, me(req), req.query.box, req.query.status) }),
  });

  app.get('/api/referrals/tasks', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'Follow-up tasks from down-referrals for your family-doctor team', querystring: z.strictObject({ all: z.enum(['true', 'false']).optional() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), referralId: z.string(), residentId: z.string(), residentName: z.string(), village: z.string(), teamName: z.string().nullable(), plan: z.string(),
        dueOn: z.string(), status: z.string(), fromFacility: z.string(), overdue: z.boolean(), mine: z.boolean() })) }) } },
    handler: async (req) => ({ items: await listTasks(db, me(req), req.query.all === 'true') }),
  });

  app.post('/api/referrals/tasks/:id/done', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'Mark a follow-up task done', params: z.strictObject({ id: z.string().uuid() }), body: z.strictObject({ note: z.string().max(500).nullable().optional() }),
      response: { 200: z.object({ id: z.string(), status: z.string() }) } },
    handler: async (req) => completeTask(db, me(req), req.params.id, req.body.note ?? null),
  });

  app.get('/api/referrals/:id', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'One referral with its summary, events, booking and bed (audited read)', params: z.strictObject({ id: z.string().uuid() }),
      response: { 200: z.object({ id: z.string(), residentId: z.string(), residentName: z.string(), sex: z.string(), birthDate: z.string(), direction: z.string(), urgency: Urgency, greenChannel: z.string().nullable(),
        reasonCode: z.string(), reasonText: z.string().nullable(), fromFacility: z.object({ code: z.string(), name: z.string() }), toFacility: z.object({ code: z.string(), name: z.string() }),
        toDepartment: z.string().nullable(), status: State, side: z.enum(['from', 'to']), summary: z.any(), declineReason: z.string().nullable(), outcome: z.string().nullable(), followUpPlan: z.string().nullable(),
        followUpDays: z.number().nullable(), sentAt: z.string().nullable(), acceptedAt: z.string().nullable(), arrivedAt: z.string().nullable(), completedAt: z.string().nullable(), dueAt: z.string().nullable(),
        minutesLeft: z.number().nullable(), version: z.number(), parentId: z.string().nullable(),
        booking: z.object({ startsAt: z.string(), schedule: z.string(), status: z.string() }).nullable(), bed: z.object({ code: z.string(), ward: z.string(), status: z.string() }).nullable(),
        events: z.array(z.object({ status: z.string(), fromStatus: z.string().nullable(), at: z.string(), note: z.string().nullable(), by: z.string().nullable() })) }) } },
    handler: async (req) => getReferral(db, me(req), req.params.id),
  });

  app.post('/api/referrals/:id/:action', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'send | accept | decline | arrive | complete | cancel (the state machine; refusals carry stable codes)',
      params: z.strictObject({ id: z.string().uuid(), action: z.enum(ACTIONS.filter((a) => a !== 'expire') as ['send', 'accept', 'decline', 'arrive', 'complete', 'cancel']) }),
      body: z.strictObject({ version: z.number().int().optional(), slotId: z.string().uuid().nullable().optional(), idempotencyKey: z.string().min(8).max(100).nullable().optional(), wardId: z.string().uuid().nullable().optional(),
        bedUntil: z.iso.datetime({ offset: true }).nullable().optional(), reason: z.string().max(500).nullable().optional(), outcome: z.string().max(4000).nullable().optional(),
        followUpPlan: z.string().max(2000).nullable().optional(), followUpDays: z.number().int().min(1).max(365).nullable().optional(), toDepartment: z.string().max(50).nullable().optional() }),
      response: { 200: ActResult } },
    handler: async (req) => act(db, me(req), req.params.id, req.params.action, req.body),
  });

  app.get('/api/referrals/payment/parameters', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'The configured insurance parameters (fen, basis points) of a county', querystring: z.strictObject({ county: z.string().regex(/^\d{6}$/) }),
      response: { 200: z.object({ parameters: z.record(z.string(), Params) }) } },
    handler: async (req) => ({ parameters: await insuranceParameters(db, req.query.county) }),
  });

  app.put('/api/referrals/payment/parameters', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['referrals'], summary: 'Configure a county\'s parameters for a tier', body: z.strictObject({ county: z.string().regex(/^(\d{6}|\*)$/), tier: Tier, deductibleFen: z.number().int().min(0).max(100_000_000),
      reimburseBp: z.number().int().min(0).max(10000), capFen: z.number().int().min(0).max(10_000_000_000) }),
      response: { 200: z.object({ county: z.string(), tier: Tier }).passthrough() } },
    handler: async (req) => setInsuranceParameters(db, me(req), req.body.county, req.body.tier, req.body),
  });

  app.post('/api/referrals/payment/estimate', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'The resident\'s share of a chain of inpatient stays, with the deductible charged once for an in-community referral',
      body: z.strictObject({ county: z.string().regex(/^\d{6}$/), inCommunityReferral: z.boolean(), stays: z.array(z.strictObject({ tier: Tier, totalFen: z.number().int().min(0).max(10_000_000_000) })).min(1).max(10) }),
      response: { 200: z.object({ parameters: z.record(z.string(), Params), applied: Chain, separate: Chain, savedFen: z.number(), deductibleOnce: z.boolean() }) } },
    handler: async (req) => estimatePayment(db, req.body.county, req.body.stays, req.body.inCommunityReferral),
  });

  app.get('/api/referrals/sla', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'Service levels: minutes to acceptance by urgency', response: { 200: z.object({ routine: z.number(), urgent: z.number(), green_channel: z.number() }) } },
    handler: async () => getSla(db),
  });

  app.put('/api/referrals/sla', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['referrals'], summary: 'Set the service level of an urgency', body: z.strictObject({ urgency: Urgency, minutes: z.number().int().min(1).max(43200) }),
      response: { 200: z.object({ routine: z.number(), urgent: z.number(), green_channel: z.number() }) } },
    handler: async (req) => setSla(db, me(req), req.body.urgency, req.body.minutes),
  });

  app.get('/api/referrals/figures', {
    config: { access: FIGURES },
    schema: { tags: ['referrals'], summary: 'Referrals up and down by facility, township or month; share accepted; hours to acceptance and arrival; plans returned; down-referral ratio (aggregates only)',
      querystring: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100), groupBy: z.enum(['facility', 'township', 'month']).default('township') }),
      response: { 200: z.object({ items: z.array(FigureRow.extend({ key: z.string(), name: z.string() })), totals: FigureRow }) } },
    handler: async (req) => referralFigures(db, { regionPrefix: await figuresScope(db, me(req)), year: req.query.year, groupBy: req.query.groupBy }),
  });
}
