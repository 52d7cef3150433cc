// Public-health routes: thin — schema, access, one call to the service.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { COVERAGE_READERS, ELDERLY_RATE_READERS, ELDERLY_STAFF, IMMUNISATION_STAFF, RECORD_READERS, SCHEDULE_READERS } from '../../shared/roles.ts';
import { elderlyDueList, elderlyOfResident, elderlyRate, elderlyRateByTownship, recordElderlyService, childCard, coverage, coverageByTownship, dueList, lots, receiveLot, recordVaccination, schedule } from './service.ts';
import { ElderlyDueOut, ElderlyDueQuery, ElderlyRateOut, ElderlyRateQuery, ElderlyResidentOut, ElderlyServiceIn, ElderlyServiceOut, ElderlyTownshipRateOut, ElderlyTownshipRateQuery, ChildCardOut, CoverageOut, CoverageQuery, DueListOut, DueListQuery, LotsOut, LotsQuery, ReceiveLotIn, ResidentParams, ScheduleOut, TownshipCoverageOut, TownshipCoverageQuery, VaccinationIn, VaccinationOut } from './schema.ts';
import { z } from 'zod';

/** Registers /api/publichealth/*. */
export async function publicHealthRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };

  app.get('/api/publichealth/immunisation/schedule', {
    config: { access: SCHEDULE_READERS },
    schema: { tags: ['publichealth'], summary: 'The national immunisation schedule, each version with its start day and source', response: { 200: ScheduleOut } },
    handler: async () => schedule(),
  });
  app.get('/api/publichealth/immunisation/children/:residentId', {
    config: { access: RECORD_READERS },
    schema: { tags: ['publichealth'], summary: 'A child\'s vaccination card: doses given (with lot and vaccinator), due, overdue, planned, and those not counted (needs a basis)', params: ResidentParams, response: { 200: ChildCardOut } },
    handler: async (req) => childCard(db, me(req), o, req.params.residentId),
  });
  app.get('/api/publichealth/immunisation/due', {
    config: { access: IMMUNISATION_STAFF },
    schema: { tags: ['publichealth'], summary: 'My clinic\'s due list for a day: children under 7 of its area with a dose due or overdue, latest first', querystring: DueListQuery, response: { 200: DueListOut } },
    handler: async (req) => dueList(db, me(req), req.query),
  });
  app.get('/api/publichealth/immunisation/lots', {
    config: { access: IMMUNISATION_STAFF },
    schema: { tags: ['publichealth'], summary: 'My clinic\'s vaccine lots with stock (all=yes: every lot), soonest expiry first', querystring: LotsQuery, response: { 200: LotsOut } },
    handler: async (req) => lots(db, me(req), req.query.all === 'yes'),
  });
  app.post('/api/publichealth/immunisation/lots', {
    config: { access: IMMUNISATION_STAFF },
    schema: { tags: ['publichealth'], summary: 'Receive doses of a lot into my clinic\'s stock (an expired lot refused)', body: ReceiveLotIn, response: { 200: z.object({ id: z.string(), quantity: z.number() }) } },
    handler: async (req) => receiveLot(db, me(req), req.body),
  });
  app.post('/api/publichealth/immunisation/vaccinations', {
    config: { access: IMMUNISATION_STAFF },
    schema: { tags: ['publichealth'], summary: 'Record a dose given at my clinic: due now, from an unexpired lot of mine with stock; one dose taken from the lot; answers the child\'s card', body: VaccinationIn, response: { 200: VaccinationOut } },
    handler: async (req) => recordVaccination(db, me(req), o, req.body),
  });
  app.get('/api/publichealth/immunisation/coverage', {
    config: { access: IMMUNISATION_STAFF },
    schema: { tags: ['publichealth'], summary: 'Coverage (接种率) and timeliness by vaccine and dose over my clinic\'s children under 7 on a day', querystring: CoverageQuery, response: { 200: CoverageOut } },
    handler: async (req) => coverage(db, me(req), req.query),
  });
  app.get('/api/publichealth/immunisation/coverage/townships', {
    config: { access: COVERAGE_READERS },
    schema: { tags: ['publichealth'], summary: 'Coverage and timeliness by vaccine and dose for each township of my region (children under 7 living there), with the region\'s total', querystring: TownshipCoverageQuery, response: { 200: TownshipCoverageOut } },
    handler: async (req) => coverageByTownship(db, me(req), req.query),
  });
  app.get('/api/publichealth/elderly/due', {
    config: { access: ELDERLY_STAFF },
    schema: { tags: ['publichealth'], summary: 'My facility\'s residents 65+ (a township centre: its township; a village clinic: its village) with the year\'s annual health-management service done, due or overdue (from 1 October), overdue first', querystring: ElderlyDueQuery, response: { 200: ElderlyDueOut } },
    handler: async (req) => elderlyDueList(db, me(req), req.query),
  });
  app.post('/api/publichealth/elderly/services', {
    config: { access: ELDERLY_STAFF },
    schema: { tags: ['publichealth'], summary: 'Record an elderly annual service (the 健康体检表: symptoms, general condition, self-care table, lifestyle, organ function, examination, tests, evaluation, guidance) at my facility, with a basis for the resident: saved as typed, every field out of range refused by name and nothing saved; answers the self-care band, BMI and whether it is complete', body: ElderlyServiceIn, response: { 200: ElderlyServiceOut } },
    handler: async (req) => recordElderlyService(db, me(req), o, req.body),
  });
  app.get('/api/publichealth/elderly/residents/:residentId', {
    config: { access: ELDERLY_STAFF },
    schema: { tags: ['publichealth'], summary: 'A resident\'s elderly annual services with their forms, newest first, and this year\'s status (needs a basis, else 404; audited)', params: ResidentParams, response: { 200: ElderlyResidentOut } },
    handler: async (req) => elderlyOfResident(db, me(req), o, req.params.residentId),
  });
  app.get('/api/publichealth/elderly/rate', {
    config: { access: ELDERLY_STAFF },
    schema: { tags: ['publichealth'], summary: '老年人健康管理率 of my facility\'s area for a year: permanent residents 65+ with a complete service in the year ÷ permanent residents 65+ (migration 041 elderly_managed_on, as the indicator)', querystring: ElderlyRateQuery, response: { 200: ElderlyRateOut } },
    handler: async (req) => elderlyRate(db, me(req), req.query),
  });
  app.get('/api/publichealth/elderly/rate/townships', {
    config: { access: ELDERLY_RATE_READERS },
    schema: { tags: ['publichealth'], summary: '老年人健康管理率 for each township of my region (or the county named, for an administrator), with the region\'s total and the definition: aggregates only', querystring: ElderlyTownshipRateQuery, response: { 200: ElderlyTownshipRateOut } },
    handler: async (req) => elderlyRateByTownship(db, me(req), req.query),
  });
}
