// Indicator routes: catalogue, values (league tables), trends, the commission's dashboard, targets,
// entered values, the residents behind a rate, on-demand computation, and exports.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { catalogue, computeNow, dashboard, editTarget, enterValue, entryUnits, addTarget, residentsBehind, trend, values, currentYear, targetsWithStatus, countyOf } from './service.ts';
import { reportDocx, targetsWorkbook, valuesWorkbook } from './export.ts';
import { CATALOGUE } from './catalogue.ts';

const VIEWERS: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'department'];
const EDITORS: Role[] = ['sysadmin', 'officer'];
const ENTRANTS: Role[] = ['sysadmin', 'officer', 'manager'];
const Code = z.enum(CATALOGUE.map((d) => d.code) as [string, ...string[]]);
const Level = z.enum(['county', 'township', 'community', 'facility', 'team']);
const Period = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/, 'YYYY, YYYY-Qn or YYYY-MM');
const Bi = z.object({ zh: z.string(), en: z.string() });
const Comparator = z.enum(['>=', '<=', '=', '>', '<', 'range']);
const StatusE = z.enum(['met', 'on_track', 'at_risk', 'off_track', 'no_data']);
const ValueRowZ = z.object({ level: Level, unitId: z.string(), name: z.string(), value: z.number().nullable(), numerator: z.number().nullable(), denominator: z.number().nullable(),
  source: z.enum(['computed', 'entered']), at: z.string(), enteredBy: z.string().nullable(), note: z.string().nullable() });
const TargetZ = z.object({
  id: z.string(), indicatorCode: z.string().nullable(), indicatorName: Bi.nullable(), localityCode: z.string(), localityName: z.string(), comparator: Comparator, value: z.number(), valueHigh: z.number().nullable(),
  unit: z.string(), dueYear: z.number().nullable(), planId: z.string().nullable(), planTitle: z.string().nullable(), taskId: z.string().nullable(), taskTitle: z.string().nullable(), text: z.string(), metric: z.string().nullable(), note: z.string().nullable(), version: z.number(),
  current: z.number().nullable(), period: z.string().nullable(), status: StatusE, projected: z.number().nullable(), reason: z.string(), sparkline: z.array(z.number().nullable()), source: z.enum(['computed', 'entered']).nullable(),
});
const TargetBody = z.strictObject({
  indicatorCode: z.string().max(64), localityCode: z.string().regex(/^\d{6}(\d{6})?$/), comparator: Comparator, value: z.number().finite(), valueHigh: z.number().finite().nullable().optional(),
  unit: z.string().min(1).max(20), dueYear: z.number().int().min(2000).max(2100), text: z.string().max(1000).optional(), note: z.string().max(1000).nullable().optional(),
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const ValuesQuery = z.strictObject({ code: Code, period: Period, level: Level, parent: z.string().max(64).optional(), county: z.string().regex(/^\d{6}$/).optional() });

/** Registers /api/indicators/*. */
export async function indicatorRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;

  app.get('/api/indicators/catalogue', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Every indicator: code, names, definition, unit, better-when, levels, window, computed or entered',
      response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: Bi, definition: Bi, unit: z.string(), unitLabel: Bi, betterWhen: z.enum(['higher', 'lower']), levels: z.array(Level),
        window: z.string(), source: z.enum(['computed', 'entered']), group: z.string(), drillToResidents: z.boolean() })) }) } },
    handler: async () => ({ items: catalogue() }),
  });

  app.get('/api/indicators/values', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Stored values of an indicator for a period at a level (the league table), optionally the children of one unit', querystring: ValuesQuery,
      response: { 200: z.object({ county: z.string(), items: z.array(ValueRowZ) }) } },
    handler: async (req) => values(db, me(req), req.query),
  });

  app.get('/api/indicators/values.xlsx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The league table as an Excel workbook', querystring: ValuesQuery },
    handler: async (req, reply) => {
      const { items } = await values(db, me(req), req.query);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${req.query.code}-${req.query.period}-${req.query.level}.xlsx"`).send(await valuesWorkbook(req.query.code, req.query.period, items));
    },
  });

  app.get('/api/indicators/trend', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Monthly and yearly values of one unit with the targets held against it',
      querystring: z.strictObject({ code: Code, level: Level, unit: z.string().max(64), months: z.coerce.number().int().min(1).max(120).default(24), county: z.string().regex(/^\d{6}$/).optional() }),
      response: { 200: z.object({ months: z.array(z.object({ period: z.string(), value: z.number().nullable() })), years: z.array(z.object({ period: z.string(), value: z.number().nullable() })), targets: z.array(TargetZ) }) } },
    handler: async (req) => trend(db, me(req), req.query),
  });

  app.get('/api/indicators/dashboard', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The commission\'s view: every target of the county with value, status (and its rule) and sparkline',
      querystring: z.strictObject({ county: z.string().regex(/^\d{6}$/).optional() }),
      response: { 200: z.object({ county: z.string(), countyName: z.string(), computedAt: z.string().nullable(), rule: Bi, targets: z.array(TargetZ) }) } },
    handler: async (req) => dashboard(db, me(req), req.query.county),
  });

  app.get('/api/indicators/targets.xlsx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The county\'s targets with values and status as an Excel workbook', querystring: z.strictObject({ county: z.string().regex(/^\d{6}$/).optional() }) },
    handler: async (req, reply) => {
      const d = await dashboard(db, me(req), req.query.county);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="targets-${d.county}.xlsx"`).send(await targetsWorkbook(d.targets));
    },
  });

  app.get('/api/indicators/report.docx', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'A year\'s monitoring report (all targets, values, status as at the year\'s end or today, notes) as a Word document',
      querystring: z.strictObject({ county: z.string().regex(/^\d{6}$/).optional(), year: z.coerce.number().int().min(2000).max(2100).optional() }) },
    handler: async (req, reply) => {
      const year = req.query.year ?? Number(currentYear());
      const d = await dashboard(db, me(req), req.query.county, year);
      const buf = await reportDocx({ countyName: d.countyName, period: String(year), computedAt: d.computedAt, targets: d.targets });
      return reply.type(DOCX).header('content-disposition', `attachment; filename="report-${d.county}-${year}.docx"`).send(buf);
    },
  });

  app.get('/api/indicators/targets', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'Targets of the county (optionally one indicator) with status', querystring: z.strictObject({ code: Code.optional(), locality: z.string().max(12).optional() }),
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
      body: TargetBody.extend({ version: z.number().int().min(1) }), response: { 200: z.object({ id: z.string(), version: z.number() }) } },
    handler: async (req) => {
      const { version, ...t } = req.body;
      return editTarget(db, me(req), req.params.id, version, t);
    },
  });

  app.get('/api/indicators/entry-units', {
    config: { access: ENTRANTS },
    schema: { tags: ['indicators'], summary: 'The units values can be entered for',
      response: { 200: z.object({ county: z.array(z.object({ id: z.string(), name: z.string() })), township: z.array(z.object({ id: z.string(), name: z.string() })), facility: z.array(z.object({ id: z.string(), name: z.string() })) }) } },
    handler: async (req) => entryUnits(db, me(req)),
  });

  app.post('/api/indicators/entries', {
    config: { access: ENTRANTS },
    schema: { tags: ['indicators'], summary: 'Enter the value of a non-computable indicator for a period and unit (marked entered, with who and when)',
      body: z.strictObject({ code: Code, period: Period, level: Level, unitId: z.string().max(64), value: z.number().finite(), note: z.string().max(1000).nullable().optional() }),
      response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => enterValue(db, me(req), req.body),
  });

  app.post('/api/indicators/compute', {
    config: { access: EDITORS },
    schema: { tags: ['indicators'], summary: 'Compute the indicators now for your county (every period of the year, or one period)',
      body: z.strictObject({ period: Period.optional(), year: z.number().int().min(2000).max(2100).optional(), codes: z.array(z.string().max(64)).max(100).optional() }),
      response: { 200: z.object({ county: z.string(), indicators: z.number(), periods: z.number(), values: z.number(), ms: z.number() }) } },
    handler: async (req) => computeNow(db, me(req), req.body),
  });

  app.get('/api/indicators/residents', {
    config: { access: VIEWERS },
    schema: { tags: ['indicators'], summary: 'The residents behind a rate in a township, facility or team (your team\'s residents, or your region for public-health staff); audited; never for officers',
      querystring: z.strictObject({ code: Code, period: Period, level: z.enum(['township', 'facility', 'team']), unit: z.string().max(64), part: z.enum(['numerator', 'not_numerator', 'denominator']).default('denominator') }),
      response: { 200: z.object({ items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageName: z.string(), inNumerator: z.boolean() })) }) } },
    handler: async (req) => ({ items: await residentsBehind(db, me(req), req.query) }),
  });
}
