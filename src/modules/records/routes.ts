// Health-record routes: thin — schema, access, call the service.
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import {
  breakGlass, breakGlassForReview, editDiagnosis, giveConsent, myAccessLog, myConsents, myResidentId, recordEncounter, recordObservationBatch,
  reviewBreakGlass, summary, timeline, trends, versions, withdrawConsent,
} from './service.ts';
import { issueActivationCode, setResidentPassword } from './accounts.ts';
import { searchIcd10 } from './reference.ts';
import { DateStr } from '../../shared/time.ts';

const READERS: Role[] = ['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health', 'resident'];
const WRITERS: Role[] = ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'public_health'];
const REGISTRARS: Role[] = ['sysadmin', 'doctor', 'nurse', 'public_health', 'village_doctor'];
const Uuid = z.string().uuid();
const Ok = z.object({ ok: z.literal(true) });
const Timestamp = z.string().datetime({ offset: true });

const ObservationIn = z.strictObject({ code: z.string().min(1).max(20), value: z.number().finite(), unit: z.string().min(1).max(20) });
const EncounterIn = z.strictObject({
  sourceSystem: z.string().min(1).max(50).optional(),
  sourceId: z.string().min(1).max(100).optional(),
  residentId: Uuid,
  kind: z.enum(['outpatient', 'emergency', 'inpatient', 'home_visit', 'follow_up', 'health_check', 'remote_consultation']),
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
});

const BasisEnum = z.enum(['self', 'contract', 'referral', 'encounter', 'consent', 'break_glass', 'public_health']);
const SummaryOut = z.object({
  basis: BasisEnum, part: z.enum(['all', 'public_health']),
  resident: z.object({ id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), birthDate: z.string(), age: z.number(), deathDate: z.string().nullable(), idNumberMasked: z.string(), villageName: z.string(), townshipName: z.string().nullable(), priorityGroups: z.array(z.string()) }),
  activeProblems: z.array(z.object({ icd10: z.string(), nameZh: z.string(), nameEn: z.string(), onsetDate: z.string().nullable(), confirmed: z.boolean() })),
  medications: z.array(z.object({ drugName: z.string(), strength: z.string().nullable(), dose: z.string().nullable(), frequency: z.string().nullable(), days: z.number().nullable(), prescribedAt: z.string(), antibacterialClass: z.string().nullable() })),
  allergies: z.array(z.object({ substance: z.string(), reaction: z.string().nullable(), severity: z.string().nullable() })),
  lastVitals: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), value: z.number(), unit: z.string(), flag: z.string().nullable(), observedAt: z.string() })),
  contract: z.object({ teamName: z.string(), facilityName: z.string(), startsOn: z.string(), endsOn: z.string(), status: z.string() }).nullable(),
  programmes: z.array(z.string()),
});
const TimelineOut = z.object({
  basis: BasisEnum, part: z.enum(['all', 'public_health']), nextBefore: z.string().nullable(),
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
const TrendsOut = z.object({ basis: BasisEnum, series: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), unit: z.string(), points: z.array(z.object({ at: z.string(), value: z.number() })) })) });

/** Registers the record routes. */
export async function recordRoutes(app: ZodApp, ctx: AppContext) {
  const { db, config } = ctx;
  const o = { encounterDays: config.encounterAccessDays };
  const scope = (req: FastifyRequest) => scopePrefix(db, me(req));
  const Resident = z.object({ residentId: Uuid });

  app.get('/api/records/:residentId/summary', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'The one-screen summary of a resident\'s record (needs a legal basis; audited)', params: Resident, response: { 200: SummaryOut } },
    handler: async (req) => summary(db, ctx.keys, me(req), req.params.residentId, o),
  });
  app.get('/api/records/:residentId/timeline', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'The lifelong timeline across facilities, newest first (audited)', params: Resident, querystring: z.strictObject({ before: Timestamp.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: TimelineOut } },
    handler: async (req) => timeline(db, me(req), req.params.residentId, o, req.query),
  });
  app.get('/api/records/:residentId/trends', {
    config: { access: READERS },
    schema: { tags: ['records'], summary: 'Observation series for charts (audited)', params: Resident, querystring: z.strictObject({ codes: z.string().regex(/^[\w.-]+(,[\w.-]+){0,9}$/) }), response: { 200: TrendsOut } },
    handler: async (req) => trends(db, me(req), req.params.residentId, o, req.query.codes.split(',')),
  });
  app.post('/api/records/encounters', {
    config: { access: WRITERS },
    schema: { tags: ['records'], summary: 'Record an encounter with its diagnoses, observations, prescriptions …; idempotent on (sourceSystem, sourceId)', body: EncounterIn, response: { 200: z.object({ id: z.string(), created: z.boolean() }) } },
    handler: async (req) => recordEncounter(db, me(req), req.body),
  });
  app.post('/api/records/observations/batch', {
    config: { access: WRITERS },
    schema: {
      tags: ['records'], summary: 'A batch of observations (up to 5000), all or nothing, idempotent on the sender\'s ids',
      body: z.strictObject({ sourceSystem: z.string().min(1).max(50), items: z.array(ObservationIn.extend({ residentId: Uuid, sourceId: z.string().min(1).max(100), observedAt: Timestamp })).min(1).max(5000) }),
      response: { 200: z.object({ received: z.number(), stored: z.number(), alreadyPresent: z.number() }) },
    },
    handler: async (req) => recordObservationBatch(db, me(req), req.body.sourceSystem, req.body.items),
  });
  app.put('/api/records/diagnoses/:id', {
    config: { access: ['doctor', 'village_doctor'] },
    schema: { tags: ['records'], summary: 'Edit a diagnosis (optimistic: send the version you read)', params: z.object({ id: Uuid }), body: z.strictObject({ version: z.number().int(), status: z.enum(['active', 'resolved']).optional(), confirmed: z.boolean().optional(), onsetDate: DateStr.nullable().optional() }),
      response: { 200: z.object({ id: z.string(), version: z.number(), status: z.string(), confirmed: z.boolean(), onsetDate: z.string().nullable() }) } },
    handler: async (req) => {
      const { version, ...change } = req.body;
      return editDiagnosis(db, me(req), o, req.params.id, version, change);
    },
  });
  app.get('/api/records/diagnoses/:id/versions', {
    config: { access: ['doctor', 'village_doctor', 'nurse'] },
    schema: { tags: ['records'], summary: 'Previous versions of a diagnosis', params: z.object({ id: Uuid }), response: { 200: z.object({ items: z.array(z.object({ version: z.number(), data: z.unknown(), changedAt: z.string(), changedBy: z.string().nullable() })) }) } },
    handler: async (req) => ({ items: await versions(db, me(req), o, 'diagnoses', req.params.id) }),
  });
  app.post('/api/records/:residentId/break-glass', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'coordinator'] },
    schema: { tags: ['records'], summary: 'Emergency access for 4 hours with a reason; flagged for review', params: Resident, body: z.strictObject({ reason: z.string().min(4).max(500) }), response: { 200: z.object({ expiresAt: z.string() }) } },
    handler: async (req) => breakGlass(db, me(req), req.params.residentId, req.body.reason),
  });
  app.get('/api/break-glass', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['records'], summary: 'Break-glass accesses awaiting review', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), reason: z.string(), grantedAt: z.string(), expiresAt: z.string(), username: z.string(), displayName: z.string(), facility: z.string().nullable(), residentName: z.string() })) }) } },
    handler: async (req) => ({ items: await breakGlassForReview(db, me(req), await scope(req)) }),
  });
  app.post('/api/break-glass/:id/review', {
    config: { access: ['sysadmin', 'manager'] },
    schema: { tags: ['records'], summary: 'Mark a break-glass access as reviewed', params: z.object({ id: Uuid }), body: z.strictObject({ note: z.string().min(1).max(500) }), response: { 200: Ok } },
    handler: async (req) => {
      await reviewBreakGlass(db, me(req), req.params.id, req.body.note, await scope(req));
      return { ok: true as const };
    },
  });

  app.get('/api/icd10', {
    config: { access: ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'public_health', 'coordinator'] },
    schema: { tags: ['records'], summary: 'Search ICD-10 codes by code or name', querystring: z.strictObject({ q: z.string().min(1).max(30) }),
      response: { 200: z.object({ items: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), category: z.string() })) }) } },
    handler: async (req) => ({ items: await searchIcd10(db, req.query.q) }),
  });

  // ---- the resident's own pages ----
  app.get('/api/me/record', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'The signed-in resident\'s own record id', response: { 200: z.object({ residentId: z.string() }) } },
    handler: async (req) => ({ residentId: await myResidentId(db, me(req)) }),
  });
  app.get('/api/me/access-log', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Every access to my record: who, from which facility, when, on what basis', response: { 200: z.object({ items: z.array(z.object({ at: z.string(), action: z.string(), basis: z.string().nullable(), who: z.string(), role: z.string().nullable(), facility: z.string().nullable() })) }) } },
    handler: async (req) => ({ items: await myAccessLog(db, me(req)) }),
  });
  app.get('/api/me/consents', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'My consents', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), startsOn: z.string(), endsOn: z.string(), withdrawnAt: z.string().nullable(), workerName: z.string().nullable(), facilityName: z.string().nullable(), active: z.boolean() })) }) } },
    handler: async (req) => ({ items: await myConsents(db, me(req)) }),
  });
  app.post('/api/me/consents', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Consent to a facility or a worker opening my record until a date', body: z.strictObject({ facilityCode: z.string().max(32).optional(), workerId: Uuid.optional(), endsOn: DateStr }), response: { 200: z.object({ id: z.string() }) } },
    handler: async (req) => giveConsent(db, me(req), { facilityCode: req.body.facilityCode, workerId: req.body.workerId }, req.body.endsOn),
  });
  app.post('/api/me/consents/:id/withdraw', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Withdraw a consent', params: z.object({ id: Uuid }), response: { 200: Ok } },
    handler: async (req) => {
      await withdrawConsent(db, me(req), req.params.id);
      return { ok: true as const };
    },
  });

  // ---- residents' accounts, set up at the facility ----
  app.post('/api/residents/:id/account', {
    config: { access: REGISTRARS },
    schema: { tags: ['registry'], summary: 'Set a resident\'s sign-in password at the facility', params: z.object({ id: Uuid }), body: z.strictObject({ password: z.string().min(1).max(200) }), response: { 200: Ok } },
    handler: async (req) => {
      await setResidentPassword(db, me(req), req.params.id, req.body.password, await scope(req));
      return { ok: true as const };
    },
  });
  app.post('/api/residents/:id/activation-code', {
    config: { access: REGISTRARS },
    schema: { tags: ['registry'], summary: 'Issue a one-time code (24 h) for the resident to set their own password', params: z.object({ id: Uuid }), response: { 200: z.object({ code: z.string(), expiresAt: z.string() }) } },
    handler: async (req) => issueActivationCode(db, me(req), req.params.id, await scope(req)),
  });
}
