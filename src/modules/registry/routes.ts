// Registry HTTP routes: thin — schema, access, scope, call the service.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { actorOf } from '../../platform/auth.ts';
import type { FastifyRequest } from 'fastify';
import { DUPLICATE_REVIEWERS, INDEX_READERS as INDEX_READER_ROLES, POPULATION_EDITORS, REGION_IMPORTERS, RESIDENT_REGISTRARS, STAFF as STAFF_ROLES, type Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { importRegions, regionChildren, regionPath, setPopulation } from './regions.ts';
import { addMember, createCommunity, createFacility, getCommunity, getFacility, listCommunities, listFacilities, removeMember, updateFacility } from './facilities.ts';
import { addPosting, createWorker, getWorker, listWorkers } from './workers.ts';
import { createResident, getResident, listDuplicates, markDistinct, mergeResidents, recordDeath, revealResident, searchResidents, undoMerge, updateResident } from './residents.ts';
import { CommunityOut, CommunitySummaryOut, DuplicateCandidateOut, DuplicatePairOut, FacilityIn, FacilityOut, Paging, PostingIn, RegionNodeOut, ResidentIn, ResidentOut, WorkerIn, WorkerOut, pageOf } from './schema.ts';
import { FACILITY_KINDS, TIERS, WORKER_TYPES } from './rules.ts';
import { DateStr } from '../../shared/time.ts';

// The role lists of src/shared/roles.ts (the web's menu uses the same): managers see no resident.
const STAFF: Role[] = [...STAFF_ROLES];
const INDEX_READERS: Role[] = [...INDEX_READER_ROLES];
const REGISTRARS: Role[] = [...RESIDENT_REGISTRARS];
const REVIEWERS: Role[] = [...DUPLICATE_REVIEWERS];
const ADMINS: Role[] = ['sysadmin', 'officer'];
const Ok = z.object({ ok: z.literal(true) });
const Uuid = z.string().uuid();

/** Registers the registry routes. */
export async function registryRoutes(app: ZodApp, ctx: AppContext) {
  const { db, keys } = ctx;
  const scope = (req: FastifyRequest) => scopePrefix(db, me(req));
  const actor = (req: FastifyRequest) => actorOf(me(req), req.ip);

  // ---- regions ----
  app.get('/api/regions', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'Children of a region (or the top level), with population', querystring: z.strictObject({ parent: z.string().regex(/^\d{2,12}$/).optional() }), response: { 200: z.object({ items: z.array(RegionNodeOut) }) } },
    handler: async (req) => ({ items: await regionChildren(db, req.query.parent ?? null, await scope(req)) }),
  });
  app.get('/api/regions/:code/path', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'A region and its ancestors', params: z.object({ code: z.string().regex(/^\d{2,12}$/) }), response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })) }) } },
    handler: async (req) => ({ items: await regionPath(db, req.params.code) }),
  });
  app.put('/api/regions/:code/population', {
    config: { access: [...POPULATION_EDITORS] },
    schema: { tags: ['registry'], summary: 'Set a region\'s permanent population for a year', params: z.object({ code: z.string().regex(/^\d{2,12}$/) }), body: z.strictObject({ year: z.number().int().min(1950).max(2100), population: z.number().int().min(0).max(200_000_000) }), response: { 200: Ok } },
    handler: async (req) => {
      await setPopulation(db, actor(req), req.params.code, req.body.year, req.body.population);
      return { ok: true as const };
    },
  });
  app.post('/api/regions/import', {
    config: { access: [...REGION_IMPORTERS] },
    schema: { tags: ['registry'], summary: 'Import regions from CSV text (code,name,parent_code[,level]); all or nothing', body: z.strictObject({ csv: z.string().min(1).max(4_000_000) }), response: { 200: z.object({ imported: z.number() }) } },
    handler: async (req) => importRegions(db, actor(req), req.body.csv),
  });

  // ---- facilities ----
  app.get('/api/facilities', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'List facilities in your scope', querystring: z.strictObject({ tier: z.enum(TIERS).optional(), kind: z.enum(FACILITY_KINDS).optional(), q: z.string().max(50).optional(), ...Paging }), response: { 200: z.object({ items: z.array(FacilityOut), total: z.number() }) } },
    handler: async (req) => listFacilities(db, { within: await scope(req), tier: req.query.tier, kind: req.query.kind, q: req.query.q, ...pageOf(req.query) }),
  });
  app.get('/api/facilities/:code', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'One facility', params: z.object({ code: z.string().max(32) }), response: { 200: z.object({ facility: FacilityOut }) } },
    handler: async (req) => ({ facility: await getFacility(db, req.params.code, await scope(req)) }),
  });
  app.post('/api/facilities', {
    config: { access: ADMINS },
    schema: { tags: ['registry'], summary: 'Register a facility', body: FacilityIn, response: { 201: z.object({ facility: FacilityOut }) } },
    handler: async (req, reply) => reply.code(201).send({ facility: await createFacility(db, actor(req), req.body) }),
  });
  app.put('/api/facilities/:code', {
    config: { access: [...ADMINS, 'manager'] },
    schema: { tags: ['registry'], summary: 'Update a facility (optimistic: send the version you read)', params: z.object({ code: z.string().max(32) }), body: FacilityIn.extend({ version: z.number().int() }), response: { 200: z.object({ facility: FacilityOut }) } },
    handler: async (req) => {
      const { version, ...input } = req.body;
      return { facility: await updateFacility(db, actor(req), req.params.code, version, input, await scope(req)) };
    },
  });

  // ---- communities ----
  app.get('/api/communities', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'Medical communities in your scope', response: { 200: z.object({ items: z.array(CommunitySummaryOut) }) } },
    handler: async (req) => ({ items: await listCommunities(db, await scope(req)) }),
  });
  app.get('/api/communities/:id', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'A community with its members', params: z.object({ id: Uuid }), response: { 200: z.object({ community: CommunityOut }) } },
    handler: async (req) => ({ community: await getCommunity(db, req.params.id, await scope(req)) }),
  });
  app.post('/api/communities', {
    config: { access: ADMINS },
    schema: { tags: ['registry'], summary: 'Create a medical community', body: z.strictObject({ name: z.string().min(2).max(100), kind: z.enum(['county_community', 'city_group']), tight: z.boolean().default(true), leadFacilityCode: z.string().max(32), regionCode: z.string().regex(/^\d{2,12}$/), joinedOn: DateStr }), response: { 201: z.object({ community: CommunityOut }) } },
    handler: async (req, reply) => reply.code(201).send({ community: await createCommunity(db, actor(req), req.body) }),
  });
  app.post('/api/communities/:id/members', {
    config: { access: [...ADMINS, 'manager'] },
    schema: { tags: ['registry'], summary: 'Add a member facility', params: z.object({ id: Uuid }), body: z.strictObject({ facilityCode: z.string().max(32), joinedOn: DateStr }), response: { 200: z.object({ community: CommunityOut }) } },
    handler: async (req) => ({ community: await addMember(db, actor(req), req.params.id, req.body.facilityCode, req.body.joinedOn, await scope(req)) }),
  });
  app.post('/api/communities/:id/members/:code/leave', {
    config: { access: [...ADMINS, 'manager'] },
    schema: { tags: ['registry'], summary: 'Record that a member left', params: z.object({ id: Uuid, code: z.string().max(32) }), body: z.strictObject({ leftOn: DateStr }), response: { 200: z.object({ community: CommunityOut }) } },
    handler: async (req) => ({ community: await removeMember(db, actor(req), req.params.id, req.params.code, req.body.leftOn, await scope(req)) }),
  });

  // ---- workers ----
  app.get('/api/workers', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'Health workers in your scope', querystring: z.strictObject({ facilityCode: z.string().max(32).optional(), workerType: z.enum(WORKER_TYPES).optional(), q: z.string().max(50).optional(), ...Paging }), response: { 200: z.object({ items: z.array(WorkerOut), total: z.number() }) } },
    handler: async (req) => listWorkers(db, { within: await scope(req), facilityCode: req.query.facilityCode, workerType: req.query.workerType, q: req.query.q, ...pageOf(req.query) }),
  });
  app.get('/api/workers/:id', {
    config: { access: STAFF },
    schema: { tags: ['registry'], summary: 'One health worker with postings', params: z.object({ id: Uuid }), response: { 200: z.object({ worker: WorkerOut }) } },
    handler: async (req) => ({ worker: await getWorker(db, req.params.id, await scope(req)) }),
  });
  app.post('/api/workers', {
    config: { access: [...ADMINS, 'manager'] },
    schema: { tags: ['registry'], summary: 'Register a health worker', body: WorkerIn, response: { 201: z.object({ worker: WorkerOut }) } },
    handler: async (req, reply) => reply.code(201).send({ worker: await createWorker(db, actor(req), req.body) }),
  });
  app.post('/api/workers/:id/postings', {
    config: { access: [...ADMINS, 'manager'] },
    schema: { tags: ['registry'], summary: 'Add a posting or practice site', params: z.object({ id: Uuid }), body: PostingIn, response: { 200: z.object({ worker: WorkerOut }) } },
    handler: async (req) => ({ worker: await addPosting(db, actor(req), req.params.id, req.body, await scope(req)) }),
  });

  // ---- residents (master index) ----
  app.get('/api/residents', {
    config: { access: INDEX_READERS },
    schema: { tags: ['registry'], summary: 'Search residents in your scope (name, pinyin, initials, ID number, phone); masked', querystring: z.strictObject({ q: z.string().max(50).optional(), villageCode: z.string().regex(/^\d{6,12}$/).optional(), ...Paging }), response: { 200: z.object({ items: z.array(ResidentOut), total: z.number() }) } },
    handler: async (req) => searchResidents(db, keys, actor(req), await scope(req), { q: req.query.q, villageCode: req.query.villageCode, ...pageOf(req.query) }),
  });
  app.post('/api/residents', {
    config: { access: REGISTRARS },
    schema: { tags: ['registry'], summary: 'Register a resident (refused when the ID exists; probable duplicates flagged)', body: ResidentIn, response: { 201: z.object({ resident: ResidentOut, possibleDuplicates: z.array(DuplicateCandidateOut) }) } },
    handler: async (req, reply) => reply.code(201).send(await createResident(db, keys, actor(req), req.body, await scope(req))),
  });
  app.get('/api/residents/:id', {
    config: { access: INDEX_READERS },
    schema: { tags: ['registry'], summary: 'One resident of the index (masked); audited', params: z.object({ id: Uuid }), response: { 200: z.object({ resident: ResidentOut }) } },
    handler: async (req) => ({ resident: await getResident(db, keys, actor(req), req.params.id, await scope(req), 'registry_scope') }),
  });
  app.put('/api/residents/:id', {
    config: { access: REGISTRARS },
    schema: { tags: ['registry'], summary: 'Update demographics (optimistic: send the version you read)', params: z.object({ id: Uuid }), body: ResidentIn.extend({ version: z.number().int() }), response: { 200: z.object({ resident: ResidentOut }) } },
    handler: async (req) => {
      const { version, ...input } = req.body;
      return { resident: await updateResident(db, keys, actor(req), req.params.id, version, input, await scope(req)) };
    },
  });
  app.post('/api/residents/:id/reveal', {
    config: { access: INDEX_READERS },
    schema: { tags: ['registry'], summary: 'Reveal the full ID number and phone (audited, with a reason)', params: z.object({ id: Uuid }), body: z.strictObject({ reason: z.string().min(2).max(200) }), response: { 200: z.object({ idNumber: z.string(), phone: z.string().nullable() }) } },
    handler: async (req) => revealResident(db, keys, actor(req), req.params.id, await scope(req), req.body.reason),
  });
  app.post('/api/residents/:id/death', {
    config: { access: REGISTRARS },
    schema: { tags: ['registry'], summary: 'Record a death', params: z.object({ id: Uuid }), body: z.strictObject({ deathDate: DateStr }), response: { 200: Ok } },
    handler: async (req) => {
      await recordDeath(db, actor(req), req.params.id, req.body.deathDate, await scope(req));
      return { ok: true as const };
    },
  });
  app.get('/api/resident-duplicates', {
    config: { access: REVIEWERS },
    schema: { tags: ['registry'], summary: 'Open probable-duplicate pairs in your scope', response: { 200: z.object({ items: z.array(DuplicatePairOut) }) } },
    handler: async (req) => ({ items: await listDuplicates(db, keys, actor(req), await scope(req)) }),
  });
  app.post('/api/resident-duplicates/:id/merge', {
    config: { access: REVIEWERS },
    schema: { tags: ['registry'], summary: 'Merge a flagged pair into the survivor', params: z.object({ id: Uuid }), body: z.strictObject({ survivorId: Uuid, mergedId: Uuid }), response: { 200: z.object({ mergeId: z.string(), moved: z.record(z.string(), z.number()) }) } },
    handler: async (req) => mergeResidents(db, actor(req), req.body.survivorId, req.body.mergedId, await scope(req), req.params.id),
  });
  app.post('/api/resident-duplicates/:id/distinct', {
    config: { access: REVIEWERS },
    schema: { tags: ['registry'], summary: 'Mark a flagged pair as two people', params: z.object({ id: Uuid }), response: { 200: Ok } },
    handler: async (req) => {
      await markDistinct(db, actor(req), req.params.id, await scope(req));
      return { ok: true as const };
    },
  });
  app.post('/api/resident-merges/:id/undo', {
    config: { access: REVIEWERS },
    schema: { tags: ['registry'], summary: 'Undo a merge', params: z.object({ id: Uuid }), response: { 200: Ok } },
    handler: async (req) => {
      await undoMerge(db, actor(req), req.params.id, await scope(req));
      return { ok: true as const };
    },
  });
}
