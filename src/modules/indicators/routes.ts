// Indicator routes: catalogue, values (league tables), trends, the commission's dashboard, targets,
// entered values, the residents behind a rate, on-demand computation, and exports.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { jobById } from './jobs.ts';
import { catalogue, startCompute, dashboard, editTarget, enterValue, entryUnits, addTarget, residentsBehind, trend, values, currentYear, targetsWithStatus, countyOf } from './service.ts';
import { reportDocx, targetsWorkbook, valuesWorkbook } from './export.ts';
import { today } from '../../shared/time.ts';
import {
  CatalogueEntryZ, ComputeBody, CountyQuery, DashboardAnswer, EntryBody, EntryUnitsAnswer, JobParams, JobZ, ReportQuery, ResidentsAnswer, ResidentsQuery, TargetBody, TargetEditBody, TargetsQuery, TargetZ,
  TrendAnswer, TrendQuery, ValuesAnswer, ValuesQuery,
} from './schema.ts';

const VIEWERS: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'department'];
const EDITORS: Role[] = ['sysadmin', 'officer'];
const ENTRANTS: Role[] = ['sysadmin', 'officer', 'manager'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Registers /api/indicators/*. */
export async function indicatorRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;

  app.get('/api/indicators/catalogue', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Every indicator: code, names, definition, unit, better-when, levels, window, computed or entered',
      response: { 200: z.object({ items: z.array(CatalogueEntryZ) }) } },
    handler: async () => ({ items: catalogue() }),
  });

  app.get('/api/indicators/values', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Stored values of an indicator for a period at a level (the league table), optionally the children of one unit', querystring: ValuesQuery,
      response: { 200: ValuesAnswer } },
    handler: async (req) => values(db, me(req), req.query),
  });

  app.get('/api/indicators/values.xlsx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The league table as an Excel workbook', querystring: ValuesQuery },
    handler: async (req, reply) => {
      const { items } = await values(db, me(req), req.query);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${req.query.code}-${req.query.period}-${req.query.level}.xlsx"`).send(await valuesWorkbook(req.query.code, req.query.period, req.query.level, items));
    },
  });

  app.get('/api/indicators/trend', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Monthly and yearly values of one unit with the targets held against it',
      querystring: TrendQuery, response: { 200: TrendAnswer } },
    handler: async (req) => trend(db, me(req), req.query),
  });

  app.get('/api/indicators/dashboard', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The commission\'s view: every target of the county with value, status (and its rule) and sparkline',
      querystring: CountyQuery, response: { 200: DashboardAnswer } },
    handler: async (req) => dashboard(db, me(req), req.query.county),
  });

  app.get('/api/indicators/targets.xlsx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The county\'s targets with values and status as an Excel workbook', querystring: CountyQuery },
    handler: async (req, reply) => {
      const d = await dashboard(db, me(req), req.query.county);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="targets-${d.county}.xlsx"`).send(await targetsWorkbook(d.targets, { countyName: d.countyName, day: today() }));
    },
  });

  app.get('/api/indicators/report.docx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'A year\'s monitoring report (all targets, values, status as at the year\'s end or today, notes) as a Word document',
      querystring: ReportQuery },
    handler: async (req, reply) => {
      const year = req.query.year ?? Number(currentYear());
      const d = await dashboard(db, me(req), req.query.county, year);
      const buf = await reportDocx({ countyName: d.countyName, period: String(year), computedAt: d.computedAt, targets: d.targets, issuedOn: today() });
      return reply.type(DOCX).header('content-disposition', `attachment; filename="report-${d.county}-${year}.docx"`).send(buf);
    },
  });

  app.get('/api/indicators/targets', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Targets of the county (optionally one indicator) with status', querystring: TargetsQuery,
      response: { 200: z.object({ items: z.array(TargetZ) }) } },
    handler: async (req) => ({ items: await targetsWithStatus(db, await countyOf(db, me(req)), req.query) }),
  });

  app.post('/api/indicators/targets', {
    config: { access: EDITORS },
    schema: { tags: ['indicators'], summary: 'Add a target by hand', body: TargetBody, response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await addTarget(db, me(req), req.body)),
  });

  app.put('/api/indicators/targets/:id', {
    config: { access: EDITORS },
    schema: { tags: ['indicators'], summary: 'Edit a target (send the version you read)', params: z.strictObject({ id: z.string().uuid() }),
      body: TargetEditBody, response: { 200: z.object({ id: z.string(), version: z.number() }) } },
    handler: async (req) => {
      const { version, ...t } = req.body;
      return editTarget(db, me(req), req.params.id, version, t);
    },
  });

  app.get('/api/indicators/entry-units', {
    config: { access: ENTRANTS },
    schema: { tags: ['indicators'], summary: 'The units values can be entered for',
      response: { 200: EntryUnitsAnswer } },
    handler: async (req) => entryUnits(db, me(req)),
  });

  app.post('/api/indicators/entries', {
    config: { access: ENTRANTS },
    schema: { tags: ['indicators'], summary: 'Enter the value of a non-computable indicator for a period and unit (marked entered, with who and when)',
      body: EntryBody,
      response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => enterValue(db, me(req), req.body),
  });

  app.post('/api/indicators/compute', {
    config: { access: EDITORS },
    schema: { tags: ['indicators'], summary: 'Start computing the indicators for your county (every period of the year, or one period) as a job; 202 with the job to follow, 409 while another computation runs',
      body: ComputeBody, response: { 202: JobZ } },
    handler: async (req, reply) => reply.code(202).send(await startCompute(db, me(req), req.body)),
  });

  app.get('/api/indicators/jobs/:id', {
    config: { access: EDITORS },
    schema: { tags: ['indicators'], summary: 'A computation job: state, steps done of steps, and its figures when done', params: JobParams, response: { 200: JobZ } },
    handler: async (req) => jobById(db, req.params.id),
  });

  app.get('/api/indicators/residents', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The residents behind a rate in a township, facility or team (your team\'s residents, or your region for public-health staff); audited; never for officers',
      querystring: ResidentsQuery, response: { 200: ResidentsAnswer } },
    handler: async (req) => ({ items: await residentsBehind(db, me(req), req.query) }),
  });
}
