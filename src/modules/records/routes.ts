// Health-record routes: thin — schema, access, call the service.
import type { FastifyRequest } from 'fastify';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { PrincipalRole, Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import {
  breakGlass, breakGlassForReview, editDiagnosis, giveConsent, myAccessLog, myConsents, myResidentId, recordEncounter, recordObservationBatch,
  reviewBreakGlass, summary, timeline, trends, versions, withdrawConsent,
} from './service.ts';
import { searchIcd10 } from './reference.ts';
import { issuePresenceCode } from './basis.ts';
import {
  AccessLogOut, BreakGlassIn, BreakGlassOut, BreakGlassReviewIn, BreakGlassReviewList, ConsentIn, ConsentsOut, DiagnosisEdit, DiagnosisOut, EncounterIn, EncounterOut, Icd10Out, Icd10Query, IdOut,
  IdParams, MyRecordOut, ObservationBatchIn, PresenceCodeOut, ObservationBatchOut, Ok, ResidentParams, SummaryOut, TimelineOut, TimelineQuery, TrendsOut, TrendsQuery, VersionsOut,
} from './schema.ts';

const READERS: Role[] = ['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health', 'resident'];
const WRITERS: Role[] = ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'public_health'];
/** Who posts encounters and observation batches: the writers and the facilities' registered systems (HIS/LIS, Bearer token). */
const SENDERS: PrincipalRole[] = [...WRITERS, 'system'];
const ok = async (work: Promise<unknown>) => {
  await work;
  return { ok: true as const };
};

/** Registers the record routes. */
export async function recordRoutes(app: ZodApp, ctx: AppContext) {
  const { db, config } = ctx;
  const o = { encounterDays: config.encounterAccessDays };
  const scope = (req: FastifyRequest) => scopePrefix(db, me(req));

  app.get('/api/records/:residentId/summary', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'The one-screen summary of a resident\'s record (needs a legal basis; audited)', params: ResidentParams, response: { 200: SummaryOut } },
    handler: async (req) => summary(db, ctx.keys, me(req), req.params.residentId, o),
  });
  app.get('/api/records/:residentId/timeline', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'The lifelong timeline across facilities, newest first (audited)', params: ResidentParams, querystring: TimelineQuery, response: { 200: TimelineOut } },
    handler: async (req) => timeline(db, me(req), req.params.residentId, o, req.query),
  });
  app.get('/api/records/:residentId/trends', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'Observation series for charts (audited)', params: ResidentParams, querystring: TrendsQuery, response: { 200: TrendsOut } },
    handler: async (req) => trends(db, me(req), req.params.residentId, o, req.query.codes.split(',')),
  });
  app.post('/api/records/encounters', {
    config: { access: SENDERS },
    schema: { tags: ['records'], summary: 'Record an encounter with its diagnoses, observations, prescriptions …; needs a basis, or opens one with proof of the resident\'s presence (starting today); idempotent on (sourceSystem, sourceId) per sender', body: EncounterIn, response: { 200: EncounterOut } },
    handler: async (req) => recordEncounter(db, ctx.keys, me(req), o, req.body),
  });
  app.post('/api/records/observations/batch', {
    config: { access: SENDERS },
    schema: { tags: ['records'], summary: 'A batch of observations (up to 5000), all or nothing, each resident only with a basis; idempotent on the sender\'s ids', body: ObservationBatchIn, response: { 200: ObservationBatchOut } },
    handler: async (req) => recordObservationBatch(db, me(req), o, req.body.sourceSystem, req.body.items),
  });
  app.put('/api/records/diagnoses/:id', {
    config: { access: ['doctor', 'village_doctor'] },
    schema: { tags: ['records'], summary: 'Edit a diagnosis (optimistic: send the version you read)', params: IdParams, body: DiagnosisEdit, response: { 200: DiagnosisOut } },
    handler: async (req) => editDiagnosis(db, me(req), o, req.params.id, req.body.version, { status: req.body.status, confirmed: req.body.confirmed, onsetDate: req.body.onsetDate }),
  });
  app.get('/api/records/diagnoses/:id/versions', {
    config: { access: ['doctor', 'village_doctor', 'nurse'] },
    schema: { tags: ['records'], summary: 'Previous versions of a diagnosis', params: IdParams, response: { 200: VersionsOut } },
    handler: async (req) => ({ items: await versions(db, me(req), o, 'diagnoses', req.params.id) }),
  });
  app.post('/api/records/:residentId/break-glass', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'coordinator'] },
    schema: { tags: ['records'], summary: 'Emergency access for 4 hours with a reason; flagged for review', params: ResidentParams, body: BreakGlassIn, response: { 200: BreakGlassOut } },
    handler: async (req) => breakGlass(db, me(req), req.params.residentId, req.body.reason),
  });
  app.get('/api/break-glass', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['records'], summary: 'Break-glass accesses awaiting review', response: { 200: BreakGlassReviewList } },
    handler: async (req) => ({ items: await breakGlassForReview(db, me(req), await scope(req)) }),
  });
  app.post('/api/break-glass/:id/review', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['records'], summary: 'Mark a break-glass access as reviewed', params: IdParams, body: BreakGlassReviewIn, response: { 200: Ok } },
    handler: async (req) => ok(reviewBreakGlass(db, me(req), req.params.id, req.body.note, await scope(req))),
  });

  app.get('/api/icd10', {
    config: { access: ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'public_health', 'coordinator'] },
    schema: { tags: ['records'], summary: 'Search ICD-10 codes by code or name', querystring: Icd10Query, response: { 200: Icd10Out } },
    handler: async (req) => ({ items: await searchIcd10(db, req.query.q) }),
  });

  // ---- the resident's own pages ----
  app.get('/api/me/record', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'The signed-in resident\'s own record id', response: { 200: MyRecordOut } },
    handler: async (req) => ({ residentId: await myResidentId(db, me(req)) }),
  });
  app.get('/api/me/access-log', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Every access to my record: who, from which facility, when, on what basis', response: { 200: AccessLogOut } },
    handler: async (req) => ({ items: await myAccessLog(db, me(req)) }),
  });
  app.get('/api/me/consents', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'My consents', response: { 200: ConsentsOut } },
    handler: async (req) => ({ items: await myConsents(db, me(req)) }),
  });
  app.post('/api/me/consents', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Consent to a facility or a worker opening my record until a date', body: ConsentIn, response: { 200: IdOut } },
    handler: async (req) => giveConsent(db, me(req), req.body),
  });
  app.post('/api/me/presence-code', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'A one-time code (10 minutes) to show a health worker, proving I am present so that they may open my record', response: { 200: PresenceCodeOut } },
    handler: async (req) => issuePresenceCode(db, ctx.keys, me(req)),
  });
  app.post('/api/me/consents/:id/withdraw', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Withdraw a consent', params: IdParams, response: { 200: Ok } },
    handler: async (req) => ok(withdrawConsent(db, me(req), req.params.id)),
  });
}
