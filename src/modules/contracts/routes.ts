// Family-doctor contract routes.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { contractFulfilment, contractRates, createPackage, createTeam, endContract, listPackages, listTeams, renewContract, signContract, updatePackage } from './service.ts';
import { RATE_ATTRIBUTION, RATE_DEFINITIONS, SERVICE_LABELS } from './rules.ts';
import { periodRange } from '../../shared/period.ts';
import { PRIORITY_GROUP_LABELS } from '../registry/rules.ts';
import { DateStr, addDays, today } from '../../shared/time.ts';

const SIGNERS: Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health', 'sysadmin'];
const STAFF: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator'];
const Item = z.strictObject({ service: z.string().min(1).max(30), name: z.string().max(50), frequency: z.string().max(20) });
const PackageFields = { name: z.string().min(2).max(50), kind: z.enum(['basic', 'personalised']), priceFen: z.number().int(), payer: z.enum(['insurance', 'public_health', 'resident', 'mixed']), items: z.array(Item).max(30) };
const PackageOut = z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.enum(['basic', 'personalised']), priceFen: z.number(), payer: z.enum(['insurance', 'public_health', 'resident', 'mixed']),
  items: z.array(z.object({ service: z.string(), name: z.string(), frequency: z.string() })), active: z.boolean(), version: z.number() });
const Signed = z.object({ id: z.string(), startsOn: z.string(), endsOn: z.string(), status: z.string() });

/** Registers /api/contracts/*. */
export async function contractRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  app.get('/api/contracts/teams', {
    config: { access: STAFF },
    schema: { tags: ['contracts'], summary: 'Family-doctor teams in your scope', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), facilityCode: z.string(), facilityName: z.string(),
      members: z.array(z.object({ workerId: z.string(), name: z.string(), role: z.string() })) })) }) } },
    handler: async (req) => ({ items: await listTeams(db, await scopePrefix(db, me(req))) }),
  });
  app.post('/api/contracts/teams', {
    config: { access: ['sysadmin', 'manager', 'doctor'] },
    schema: { tags: ['contracts'], summary: 'Create a family-doctor team (one lead GP, members, the villages it serves)',
      body: z.strictObject({ name: z.string().min(2).max(50), facilityCode: z.string().max(32),
        members: z.array(z.strictObject({ workerId: z.string().uuid(), role: z.enum(['lead_gp', 'gp', 'nurse', 'public_health', 'village_doctor', 'specialist']) })).min(1).max(30),
        villageCodes: z.array(z.string().regex(/^\d{12}$/)).max(100) }),
      response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await createTeam(db, me(req), req.body, await scopePrefix(db, me(req)))),
  });
  app.post('/api/contracts', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Sign a one-year contract (one current contract per resident)',
      body: z.strictObject({ residentId: z.string().uuid(), teamId: z.string().uuid(), packageCodes: z.array(z.string().max(20)).min(1).max(10), startsOn: DateStr, signedHow: z.enum(['on_site', 'at_home', 'online']) }),
      response: { 201: Signed } },
    handler: async (req, reply) => reply.code(201).send(await signContract(db, me(req), req.body, await scopePrefix(db, me(req)))),
  });
  app.post('/api/contracts/:id/renew', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'Renew: a new year from the day after the current one ends, linked to it', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ packageCodes: z.array(z.string().max(20)).min(1).max(10).optional() }), response: { 201: Signed } },
    handler: async (req, reply) => reply.code(201).send(await renewContract(db, me(req), req.params.id, await scopePrefix(db, me(req)), req.body.packageCodes)),
  });
  app.post('/api/contracts/:id/end', {
    config: { access: SIGNERS },
    schema: { tags: ['contracts'], summary: 'End a contract with a reason', params: z.object({ id: z.string().uuid() }), body: z.strictObject({ reason: z.string().min(2).max(200) }), response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await endContract(db, me(req), req.params.id, req.body.reason, await scopePrefix(db, me(req)));
      return { ok: true as const };
    },
  });
  app.get('/api/contracts/:id/fulfilment', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health', 'manager', 'sysadmin'] },
    schema: { tags: ['contracts'], summary: 'Fulfilment to date: each package item due against services recorded anywhere', params: z.object({ id: z.string().uuid() }),
      response: { 200: z.object({ fulfilled: z.boolean(), items: z.array(z.object({ service: z.string(), name: z.string(), frequency: z.string(), due: z.number(), delivered: z.number(), ok: z.boolean() })) }) } },
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
    schema: { tags: ['contracts'], summary: 'Create a service package (frequencies "N次/年" or "按需")', body: z.strictObject({ code: z.string().max(20), ...PackageFields, active: z.boolean().optional() }), response: { 201: PackageOut } },
    handler: async (req, reply) => reply.code(201).send(await createPackage(db, me(req), req.body)),
  });
  app.put('/api/contracts/packages/:id', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['contracts'], summary: 'Edit a service package (optimistic: send the version you read)', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ ...PackageFields, active: z.boolean(), version: z.number().int() }), response: { 200: PackageOut } },
    handler: async (req) => updatePackage(db, me(req), req.params.id, req.body),
  });
  app.get('/api/contracts/rates', {
    config: { access: STAFF },
    schema: { tags: ['contracts'], summary: '签约率, 重点人群签约率 (per priority group), 履约率, 续约率 by team, township, community or county over a month, quarter, year or the year to date, with their definitions',
      querystring: z.strictObject({ level: z.enum(['team', 'township', 'community', 'county']).default('township'), period: z.enum(['month', 'quarter', 'year', 'ytd']).default('ytd'), on: DateStr.optional(), asOf: DateStr.optional() }),
      response: { 200: z.object({ level: z.string(), period: z.string(), from: z.string(), to: z.string(), definitions: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
        groupLabels: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
        items: z.array(z.object({
          code: z.string(), name: z.string(), population: z.number(), contracted: z.number(), priorityPopulation: z.number(), priorityContracted: z.number(), fulfilled: z.number(), previousCycle: z.number(), renewed: z.number(),
          coverage: z.number().nullable(), priorityCoverage: z.number().nullable(), fulfilmentRate: z.number().nullable(), renewalRate: z.number().nullable(),
          groups: z.array(z.object({ group: z.string(), population: z.number(), contracted: z.number(), rate: z.number().nullable() })) })) }) } },
    handler: async (req) => {
      const q = req.query;
      // asOf (kept for older callers): the rates on that day, renewal over the year before it.
      const { from, to } = q.asOf ? { from: addDays(q.asOf, -364), to: q.asOf } : periodRange(q.period, q.on ?? today());
      return { level: q.level, period: q.asOf ? 'asOf' : q.period, from, to, definitions: { ...RATE_DEFINITIONS, attribution: RATE_ATTRIBUTION }, groupLabels: PRIORITY_GROUP_LABELS,
        items: await contractRates(db, await scopePrefix(db, me(req)), { level: q.level, from, to }) };
    },
  });
}
