// Chronic-disease programme routes.
import { z } from 'zod';
import { csvLine } from '../../shared/spreadsheet.ts';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { followUpDefaults, programmeRates, rateResidents, recordFollowUp, recordScreening, screeningList, worklist } from './service.ts';
import { countedFrom, DEFAULT_CONFIG, periodRange, PROGRAMME_RATE_DEFINITIONS, requiredFollowUps, SYMPTOMS, type PeriodKind } from './rules.ts';
import { DateStr, today } from '../../shared/time.ts';

const Level = z.enum(['team', 'township', 'community', 'county']);
const Period = z.enum(['month', 'quarter', 'year', 'ytd']);
/** The period a rates query asks for: its kind anchored on a day (default today); a bare year means that calendar year (to date when current). */
function resolvePeriod(x: { period?: PeriodKind; on?: string; year?: number }): { from: string; to: string; period: PeriodKind } {
  const day = today();
  if (x.year && !x.on && !x.period) return { ...periodRange(String(x.year) === day.slice(0, 4) ? 'ytd' : 'year', String(x.year) === day.slice(0, 4) ? day : `${x.year}-12-31`), period: 'year' };
  const period = x.period ?? 'ytd';
  return { ...periodRange(period, x.on ?? (x.year ? `${x.year}-12-31` : day)), period };
}

const CLINICIANS: Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health'];
const Programme = z.enum(['hypertension', 'diabetes']);
const VisitClass = z.enum(['controlled', 'uncontrolled', 'adverse_reaction', 'complication']);
const WorklistRow = z.object({
  residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageName: z.string(), programme: Programme.nullable(), lastVisit: z.string().nullable(),
  lastClass: VisitClass.nullable(), lastSbp: z.number().nullable(), lastDbp: z.number().nullable(), lastGlucose: z.number().nullable(), nextDue: z.string().nullable(),
  status: z.enum(['overdue', 'due_this_week', 'never_seen', 'scheduled']),
  kind: z.enum(['chronic', 'package']), service: z.string().nullable(), serviceName: z.string().nullable(), frequency: z.string().nullable(), owed: z.number().nullable(), delivered: z.number().nullable(),
  provisional: z.boolean(), riskClass: VisitClass.nullable(),
});
const Sort = z.enum(['risk', 'due', 'name']);

/** Registers /api/chronic/*. */
export async function chronicRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };

  app.get('/api/chronic/followups/last', {
    config: { access: CLINICIANS },
    schema: { tags: ['chronic'], summary: 'The previous follow-up (defaults for the form)', querystring: z.strictObject({ residentId: z.string().uuid(), programme: Programme }),
      response: { 200: z.object({ last: z.object({ visitDate: z.string(), visitClass: VisitClass, sbp: z.number().nullable(), dbp: z.number().nullable(), heartRate: z.number().nullable(), weightKg: z.number().nullable(),
        heightCm: z.number().nullable(), fastingGlucose: z.number().nullable(), adherence: z.string().nullable(), medication: z.string().nullable(), nextVisitDate: z.string() }).nullable(),
        resident: z.object({ name: z.string(), age: z.number(), sex: z.enum(['M', 'F']) }) }) } },
    handler: async (req) => followUpDefaults(db, me(req), o, req.query.residentId, req.query.programme),
  });

  app.post('/api/chronic/followups', {
    config: { access: CLINICIANS },
    schema: {
      tags: ['chronic'], summary: 'Record a follow-up; its class, next date and any referral are computed by the norm\'s rules',
      body: z.strictObject({
        residentId: z.string().uuid(), programme: Programme, visitDate: DateStr, visitMode: z.enum(['clinic', 'home', 'phone']).optional(),
        symptoms: z.array(z.enum(Object.keys(SYMPTOMS) as [keyof typeof SYMPTOMS, ...(keyof typeof SYMPTOMS)[]])).max(12).optional(),
        sbp: z.number().int().nullable().optional(), dbp: z.number().int().nullable().optional(), heartRate: z.number().int().nullable().optional(),
        weightKg: z.number().nullable().optional(), heightCm: z.number().nullable().optional(), fastingGlucose: z.number().nullable().optional(), temperature: z.number().nullable().optional(),
        lifestyle: z.record(z.string(), z.union([z.string().max(50), z.number(), z.null()])).optional(), adherence: z.enum(['regular', 'intermittent', 'none']).nullable().optional(),
        adverseReaction: z.boolean().optional(), adverseUncontrollable: z.boolean().optional(), newComplication: z.boolean().optional(), complicationWorse: z.boolean().optional(),
        medication: z.string().max(500).nullable().optional(),
      }),
      response: { 200: z.object({ id: z.string(), class: VisitClass, emergency: z.boolean(), emergencyReasons: z.array(z.string()), nextVisitDate: z.string(),
        referral: z.object({ urgency: z.enum(['urgent', 'routine']), reason: z.string() }).nullable(), referralId: z.string().nullable(), previousClass: VisitClass.nullable() }) },
    },
    handler: async (req) => recordFollowUp(db, me(req), o, req.body),
  });

  app.get('/api/chronic/worklist', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The family-doctor team\'s worklist: programme follow-ups and contract package services overdue, due this week, never seen; riskiest first',
      querystring: z.strictObject({ status: z.enum(['overdue', 'due_this_week', 'never_seen', 'scheduled']).optional(), limit: z.coerce.number().int().min(1).max(5000).default(200), sort: Sort.default('risk') }),
      response: { 200: z.object({ items: z.array(WorklistRow), total: z.number() }) } },
    handler: async (req) => worklist(db, me(req), req.query),
  });

  app.get('/api/chronic/worklist.csv', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The worklist as CSV (for printing or a spreadsheet)', querystring: z.strictObject({ status: z.enum(['overdue', 'due_this_week', 'never_seen', 'scheduled']).optional(), sort: Sort.default('risk') }) },
    handler: async (req, reply) => {
      const { items } = await worklist(db, me(req), { status: req.query.status, sort: req.query.sort, limit: 100000 });
      const STATUS = { overdue: '逾期', due_this_week: '本周到期', never_seen: '从未服务', scheduled: '已安排' } as const;
      const CLASS = { controlled: '控制满意', uncontrolled: '控制不满意', adverse_reaction: '不良反应', complication: '并发症' } as const;
      const lines = ['姓名,性别,年龄,村,项目,服务项目,频次,应提供,已提供,上次随访,上次分类,收缩压,舒张压,空腹血糖,应服务日期,状态,待确诊',
        ...items.map((r) => csvLine([r.name, r.sex === 'M' ? '男' : '女', r.age, r.villageName, r.programme === 'hypertension' ? '高血压' : r.programme === 'diabetes' ? '糖尿病' : '签约服务包',
          r.serviceName ?? (r.programme === 'hypertension' ? '高血压随访' : '糖尿病随访'), r.frequency, r.owed, r.delivered, r.lastVisit, r.lastClass ? CLASS[r.lastClass] : null, r.lastSbp, r.lastDbp, r.lastGlucose,
          r.nextDue, STATUS[r.status], r.provisional ? '是' : '']))];
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="worklist.csv"').send('\uFEFF' + lines.join('\n') + '\n');
    },
  });

  app.get('/api/chronic/screening', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'Residents 35+ to screen: no blood-pressure reading this year, or one or two high readings awaiting the recheck on other days', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(5000).default(200) }),
      response: { 200: z.object({ total: z.number(), items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageName: z.string(), lastReading: z.string().nullable(), reason: z.enum(['no_reading', 'recheck']), highDays: z.number() })) }) } },
    handler: async (req) => screeningList(db, me(req), req.query.limit),
  });

  app.post('/api/chronic/screening/readings', {
    config: { access: CLINICIANS },
    schema: { tags: ['chronic'], summary: 'Record a screening blood pressure; three high readings on different days enrol provisionally and draft a referral to confirm',
      body: z.strictObject({ residentId: z.string().uuid(), date: DateStr, sbp: z.number().int(), dbp: z.number().int() }),
      response: { 200: z.object({ status: z.enum(['none', 'high_risk', 'recheck', 'suspected']), highDays: z.number(), enrolmentId: z.string().nullable(), referralId: z.string().nullable(), followUpDue: z.string().nullable() }) } },
    handler: async (req) => recordScreening(db, me(req), o, req.body),
  });

  app.get('/api/chronic/rates/residents', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The residents behind a unit\'s rate (your team\'s patients, or your region for public-health staff); audited',
      querystring: z.strictObject({ programme: Programme, measure: z.enum(['managed', 'standard', 'controlled', 'not_controlled']),
        level: Level.optional(), code: z.string().min(1).max(64).optional(), township: z.string().regex(/^\d{12}$/).optional(),
        period: Period.optional(), on: DateStr.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() })
        .refine((x) => !!x.township || (!!x.level && !!x.code), { message: 'give level and code (or township) / 须给出层级和单位代码', path: ['code'] }),
      response: { 200: z.object({ items: z.array(z.object({ residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), villageName: z.string(), followUps: z.number(), lastVisit: z.string(), lastOnTarget: z.boolean() })) }) } },
    handler: async (req) => {
      const q = req.query;
      const { from, to } = resolvePeriod(q);
      return { items: await rateResidents(db, me(req), { programme: q.programme, measure: q.measure, level: q.township ? 'township' : q.level!, code: q.township ?? q.code!, from, to }) };
    },
  });

  app.get('/api/chronic/rates', {
    config: { access: ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'Programme rates (健康管理率, 规范管理率, 控制率) by team, township, community or county for a month, quarter, year or the year to date; aggregates only',
      querystring: z.strictObject({ programme: Programme, level: Level.default('township'), period: Period.optional(), on: DateStr.optional(), year: z.coerce.number().int().min(2000).max(2100).optional(),
        prevalence: z.coerce.number().gt(0).lt(1).optional() }),
      response: { 200: z.object({ level: Level, period: Period, from: z.string(), to: z.string(), countedFrom: z.string(), requiredFollowUps: z.number(), prevalence: z.number(),
        definitions: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
        items: z.array(z.object({ code: z.string(), name: z.string(), adults35: z.number(), estimated: z.number(), managed: z.number(), standard: z.number(), controlled: z.number(),
          managementRate: z.number().nullable(), standardRate: z.number().nullable(), controlRate: z.number().nullable() })) }) } },
    handler: async (req) => {
      const q = req.query;
      const { from, to, period } = resolvePeriod(q);
      const prevalence = q.prevalence ?? DEFAULT_CONFIG.prevalence[q.programme];
      const cfg = { ...DEFAULT_CONFIG, prevalence: { ...DEFAULT_CONFIG.prevalence, [q.programme]: prevalence } };
      return { level: q.level, period, from, to, countedFrom: countedFrom(to), requiredFollowUps: requiredFollowUps(countedFrom(to), to), prevalence, definitions: PROGRAMME_RATE_DEFINITIONS,
        items: await programmeRates(db, await scopePrefix(db, me(req)), q.programme, { level: q.level, from, to }, cfg) };
    },
  });
}
