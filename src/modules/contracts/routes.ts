// Family-doctor contract routes.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { CONTRACT_SIGNERS, STAFF } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { contractFulfilment, contractRates, createPackage, createTeam, endContract, listPackages, listTeams, renewContract, signContract, updatePackage } from './service.ts';
import { RATE_ATTRIBUTION, RATE_DEFINITIONS, SERVICE_LABELS } from './rules.ts';
import { periodRange } from '../../shared/period.ts';
import { PRIORITY_GROUP_LABELS } from '../registry/rules.ts';
import { addDays, today } from '../../shared/time.ts';
import { confirmRequest, declineRequest, teamRequests } from './requests.ts';
import { CreatePackageBody, DeclineBody, EndBody, Fulfilment, PackageOut, Rates, RatesQuery, RenewBody, RequestsQuery, SignBody, Signed, TeamBody, TeamRequestOut, TeamOut, UpdatePackageBody, Uuid } from './schema.ts';

const SIGNERS = [...CONTRACT_SIGNERS];

/** Registers /api/contracts/*. */
export async function contractRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  app.get('/api/contracts/teams', {
    config: { access: STAFF },
    schema: { tags: ['contracts'], summary: 'Family-doctor teams in your scope', response: { 200: z.object({ items: z.array(TeamOut) }) } },
    handler: async (req) => ({ items: await listTeams(db, await scopePrefix(db, me(req))) }),
  });
  app.post('/api/contracts/teams', {
    config: { access: ['sysadmin', 'manager', 'doctor'] },
    schema: { tags: ['contracts'], summary: 'Create a family-doctor team (one lead GP, members, the villages it serves)',
      body: TeamBody,
      response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await createTeam(db, me(req), req.body, await scopePrefix(db, me(req)))),
  });
  app.post('/api/contracts', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Sign a one-year contract (one current contract per resident)',
      body: SignBody,
      response: { 201: Signed } },
    handler: async (req, reply) => reply.code(201).send(await signContract(db, me(req), req.body, await scopePrefix(db, me(req)))),
  });
  app.get('/api/contracts/requests', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Residents\' online requests to your teams (open ones; open=false adds the last 30 days\' decided ones); each resident listed is in their access log',
      querystring: RequestsQuery, response: { 200: z.object({ items: z.array(TeamRequestOut) }) } },
    handler: async (req) => ({ items: await teamRequests(db, me(req), await scopePrefix(db, me(req)), req.query.open === 'true') }),
  });
  app.post('/api/contracts/requests/:id/confirm', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Confirm a resident\'s online request: the contract (or its renewal) is signed, online, in the same transaction', params: Uuid,
      response: { 201: Signed } },
    handler: async (req, reply) => reply.code(201).send(await confirmRequest(db, me(req), req.params.id, await scopePrefix(db, me(req)))),
  });
  app.post('/api/contracts/requests/:id/decline', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Decline a resident\'s online request with a reason the resident reads', params: Uuid, body: DeclineBody,
      response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await declineRequest(db, me(req), req.params.id, req.body.reason, await scopePrefix(db, me(req)));
      return { ok: true as const };
    },
  });
  app.post('/api/contracts/:id/renew', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Renew: a new year from the day after the current one ends, linked to it', params: Uuid,
      body: RenewBody, response: { 201: Signed } },
    handler: async (req, reply) => reply.code(201).send(await renewContract(db, me(req), req.params.id, await scopePrefix(db, me(req)), req.body.packageCodes)),
  });
  app.post('/api/contracts/:id/end', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'End a contract with a reason', params: Uuid, body: EndBody, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await endContract(db, me(req), req.params.id, req.body.reason, await scopePrefix(db, me(req)));
      return { ok: true as const };
    },
  });
  app.get('/api/contracts/:id/fulfilment', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health', 'manager', 'sysadmin'] },
    schema: { tags: ['contracts'], summary: 'Fulfilment to date: each package item due against services recorded anywhere', params: Uuid,
      response: { 200: Fulfilment } },
    handler: async (req) => contractFulfilment(db, req.params.id),
  });
  app.get('/api/contracts/packages', {
    config: { access: STAFF },
    schema: { tags: ['contracts'], summary: 'Service packages (basic and personalised): items with their frequency, price in fen, who pays; and the services an item may promise',
      response: { 200: z.object({ items: z.array(PackageOut), services: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })) }) } },
    handler: async () => ({ items: await listPackages(db), services: SERVICE_LABELS }),
  });
  app.post('/api/contracts/packages', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['contracts'], summary: 'Create a service package (frequencies "N次/年" or "按需")', body: CreatePackageBody, response: { 201: PackageOut } },
    handler: async (req, reply) => reply.code(201).send(await createPackage(db, me(req), req.body)),
  });
  app.put('/api/contracts/packages/:id', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['contracts'], summary: 'Edit a service package (optimistic: send the version you read)', params: Uuid,
      body: UpdatePackageBody, response: { 200: PackageOut } },
    handler: async (req) => updatePackage(db, me(req), req.params.id, req.body),
  });
  app.get('/api/contracts/rates', {
    config: { access: STAFF },
    schema: { tags: ['contracts'], summary: '签约率, 重点人群签约率 (per priority group), 履约率, 续约率 by team, township, community or county over a month, quarter, year or the year to date, with their definitions',
      querystring: RatesQuery, response: { 200: Rates } },
    handler: async (req) => {
      const q = req.query;
      // asOf (kept for older callers): the rates on that day, renewal over the year before it.
      const { from, to } = q.asOf ? { from: addDays(q.asOf, -364), to: q.asOf } : periodRange(q.period, q.on ?? today());
      return { level: q.level, period: q.asOf ? 'asOf' : q.period, from, to, definitions: { ...RATE_DEFINITIONS, attribution: RATE_ATTRIBUTION }, groupLabels: PRIORITY_GROUP_LABELS,
        items: await contractRates(db, await scopePrefix(db, me(req)), { level: q.level, from, to }) };
    },
  });
}
