// Referral routes: drafts, the state machine's transitions, inboxes, tasks, the payment calculator and figures.
import { z } from 'zod';
import type { Db } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import {
  accept, arrive, cancel, complete, completeTask, createReferral, decline, estimatePayment, expireOverdue, figuresScope, getReferral, getSla, inbox, insuranceParameters, listTasks, referralFigures, send,
  setInsuranceParameters, setSla, summaryPreview, targets, updateDraft,
} from './service.ts';
import {
  ActBody, ActParams, ActResult, County, Created, CreateBody, EditBody, Estimate, EstimateBody, FigureQuery, Figures, IdStatus, InboxItem, InboxQuery, Params, ParamsBody, ReferralOut, SlaBody, SlaOut, Summary,
  SummaryQuery, Target, Task, TaskDoneBody, TaskQuery, Tier, Uuid, type ActInput, type TransitionAction,
} from './schema.ts';

const SENDERS: Role[] = ['doctor', 'village_doctor', 'nurse'];
const HANDLERS: Role[] = ['doctor', 'village_doctor', 'nurse', 'coordinator'];
const FIGURES: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'coordinator', 'public_health'];
/** Each action of POST /api/referrals/:id/:action and its use case. */
const TRANSITIONS: Record<TransitionAction, (db: Db, p: Principal, id: string, input: ActInput) => Promise<ActResult>> = { send, accept, decline, arrive, complete, cancel };

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
    schema: { tags: ['referrals'], summary: 'Facilities a referral may go to, the community\'s first, with the direction', response: { 200: z.object({ items: z.array(Target) }) } },
    handler: async (req) => ({ items: await targets(db, me(req)) }),
  });

  app.get('/api/referrals/summary-preview', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'The clinical summary the record gives now (audited read)', querystring: SummaryQuery, response: { 200: Summary } },
    handler: async (req) => summaryPreview(db, me(req), o, req.query.residentId, req.query.reasonCode),
  });

  app.post('/api/referrals', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'Draft a referral; the summary is assembled from the record', body: CreateBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send(await createReferral(db, me(req), o, req.body)),
  });

  app.patch('/api/referrals/:id', {
    config: { access: SENDERS },
    schema: { tags: ['referrals'], summary: 'Edit a draft before sending (summary text, reason, target, plan)', params: Uuid, body: EditBody, response: { 200: z.object({ id: z.string(), version: z.number() }) } },
    handler: async (req) => updateDraft(db, me(req), req.params.id, req.body),
  });

  app.get('/api/referrals/inbox', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'What awaits your facility (incoming) or what it sent (outgoing), with timers against the service level', querystring: InboxQuery,
      response: { 200: z.object({ items: z.array(InboxItem) }) } },
    handler: async (req) => ({ items: await inbox(db, me(req), req.query.box, req.query.status) }),
  });

  app.get('/api/referrals/tasks', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'Follow-up tasks from down-referrals for your family-doctor team', querystring: TaskQuery, response: { 200: z.object({ items: z.array(Task) }) } },
    handler: async (req) => ({ items: await listTasks(db, me(req), req.query.all === 'true') }),
  });

  app.post('/api/referrals/tasks/:id/done', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'Mark a follow-up task done', params: Uuid, body: TaskDoneBody, response: { 200: IdStatus } },
    handler: async (req) => completeTask(db, me(req), req.params.id, req.body.note ?? null),
  });

  app.get('/api/referrals/:id', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'One referral with its summary, events, booking and bed (audited read)', params: Uuid, response: { 200: ReferralOut } },
    handler: async (req) => getReferral(db, me(req), req.params.id),
  });

  app.post('/api/referrals/:id/:action', {
    config: { access: HANDLERS },
    schema: { tags: ['referrals'], summary: 'send | accept | decline | arrive | complete | cancel (the state machine; refusals carry stable codes)', params: ActParams, body: ActBody, response: { 200: ActResult } },
    handler: async (req) => TRANSITIONS[req.params.action](db, me(req), req.params.id, req.body),
  });

  app.get('/api/referrals/payment/parameters', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'The configured insurance parameters (fen, basis points) of a county', querystring: z.strictObject({ county: County }),
      response: { 200: z.object({ parameters: z.record(z.string(), Params) }) } },
    handler: async (req) => ({ parameters: await insuranceParameters(db, req.query.county) }),
  });

  app.put('/api/referrals/payment/parameters', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['referrals'], summary: 'Configure a county\'s parameters for a tier', body: ParamsBody, response: { 200: z.object({ county: z.string(), tier: Tier }).passthrough() } },
    handler: async (req) => setInsuranceParameters(db, me(req), req.body.county, req.body.tier, req.body),
  });

  app.post('/api/referrals/payment/estimate', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'The resident\'s share of a chain of inpatient stays, with the deductible charged once for an in-community referral', body: EstimateBody, response: { 200: Estimate } },
    handler: async (req) => estimatePayment(db, req.body.county, req.body.stays, req.body.inCommunityReferral),
  });

  app.get('/api/referrals/sla', {
    config: { access: 'signed-in' },
    schema: { tags: ['referrals'], summary: 'Service levels: minutes to acceptance by urgency', response: { 200: SlaOut } },
    handler: async () => getSla(db),
  });

  app.put('/api/referrals/sla', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['referrals'], summary: 'Set the service level of an urgency', body: SlaBody, response: { 200: SlaOut } },
    handler: async (req) => setSla(db, me(req), req.body.urgency, req.body.minutes),
  });

  app.get('/api/referrals/figures', {
    config: { access: FIGURES },
    schema: { tags: ['referrals'], summary: 'Referrals up and down by facility, township or month; share accepted; hours to acceptance and arrival; plans returned; down-referral ratio (aggregates only)',
      querystring: FigureQuery, response: { 200: Figures } },
    handler: async (req) => referralFigures(db, { regionPrefix: await figuresScope(db, me(req)), year: req.query.year, groupBy: req.query.groupBy }),
  });
}
