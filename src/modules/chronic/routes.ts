// Chronic-disease programme routes.
import { z } from 'zod';
import { csvField } from '../../shared/spreadsheet.ts';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import type { Queryable } from '../../platform/db.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { followUpDefaults, programmeRates, rateResidents, recordFollowUp, recordScreening, screeningList, worklist } from './service.ts';
import { countingOf, DEFAULT_CONFIG, periodRange, PROGRAMME_RATE_DEFINITIONS, type PeriodKind } from './rules.ts';
import {
  FollowUpDefaultsOut, FollowUpDefaultsQuery, FollowUpIn, FollowUpOut, RateResidentsOut, RateResidentsQuery, RatesOut, RatesQuery, ScreeningIn, ScreeningListOut, ScreeningListQuery, ScreeningOut,
  WorklistCsvQuery, WorklistOut, WorklistQuery, type WorklistRow,
} from './schema.ts';
import { today } from '../../shared/time.ts';
/** The period a rates query asks for: its kind anchored on a day (default today); a bare year means that calendar year (to date when current). */
function resolvePeriod(x: { period?: PeriodKind; on?: string; year?: number }): { from: string; to: string; period: PeriodKind } {
  const day = today();
  if (x.year && !x.on && !x.period) return { ...periodRange(String(x.year) === day.slice(0, 4) ? 'ytd' : 'year', String(x.year) === day.slice(0, 4) ? day : `${x.year}-12-31`), period: 'year' };
  const period = x.period ?? 'ytd';
  return { ...periodRange(period, x.on ?? (x.year ? `${x.year}-12-31` : day)), period };
}

const CLINICIANS: Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health'];

/** The worklist as CSV text (with a BOM, so that spreadsheets read it as UTF-8). */
function worklistCsv(items: WorklistRow[]): string {
  const STATUS = { overdue: '逾期', due_this_week: '本周到期', never_seen: '从未服务', scheduled: '已安排' } as const;
  const CLASS = { controlled: '控制满意', uncontrolled: '控制不满意', adverse_reaction: '不良反应', complication: '并发症' } as const;
  const lines = ['姓名,性别,年龄,村,项目,服务项目,频次,应提供,已提供,上次随访,上次分类,收缩压,舒张压,空腹血糖,应服务日期,状态,待确诊',
    ...items.map((r) => [r.name, r.sex === 'M' ? '男' : '女', r.age, r.villageName, r.programme === 'hypertension' ? '高血压' : r.programme === 'diabetes' ? '糖尿病' : r.kind === 'elderly' ? '老年人健康管理' : '签约服务包',
      r.serviceName ?? (r.kind === 'elderly' ? '年度健康管理服务' : r.programme === 'hypertension' ? '高血压随访' : '糖尿病随访'), r.frequency ?? (r.kind === 'elderly' ? '1次/年' : null), r.owed, r.delivered, r.lastVisit, r.lastClass ? CLASS[r.lastClass] : null, r.lastSbp, r.lastDbp, r.lastGlucose,
      r.nextDue, STATUS[r.status], r.provisional ? '是' : ''].map(csvField).join(','))];
  return '\uFEFF' + lines.join('\n') + '\n';
}

/** The drill-down query as the service takes it: a unit (a township by its code, or a level and code) over the resolved period. */
function rateResidentsQuery(q: z.infer<typeof RateResidentsQuery>) {
  const { from, to } = resolvePeriod(q);
  return { programme: q.programme, measure: q.measure, level: q.township ? 'township' as const : q.level!, code: q.township ?? q.code!, from, to };
}

/** The rates answer: the period, its counting rules and definitions beside the numbers. */
async function rates(db: Queryable, within: string | null, q: z.infer<typeof RatesQuery>): Promise<z.infer<typeof RatesOut>> {
  const { from, to, period } = resolvePeriod(q);
  const prevalence = q.prevalence ?? DEFAULT_CONFIG.prevalence[q.programme];
  const cfg = { ...DEFAULT_CONFIG, prevalence: { ...DEFAULT_CONFIG.prevalence, [q.programme]: prevalence } };
  const c = countingOf(to, today());
  return { level: q.level, period, from, to, countedFrom: c.countedFrom, standardTo: c.standardTo, requiredFollowUps: c.requiredFollowUps, standardMeasurable: c.standardMeasurable, prevalence, definitions: PROGRAMME_RATE_DEFINITIONS,
    items: await programmeRates(db, within, q.programme, { level: q.level, from, to }, cfg) };
}

/** Registers /api/chronic/*. */
export async function chronicRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };

  app.get('/api/chronic/followups/last', {
    config: { access: CLINICIANS },
    schema: { tags: ['chronic'], summary: 'The previous follow-up (defaults for the form)', querystring: FollowUpDefaultsQuery, response: { 200: FollowUpDefaultsOut } },
    handler: async (req) => followUpDefaults(db, me(req), o, req.query.residentId, req.query.programme),
  });

  app.post('/api/chronic/followups', {
    config: { access: CLINICIANS },
    schema: { tags: ['chronic'], summary: 'Record a follow-up; its class, next date and any referral are computed by the norm\'s rules', body: FollowUpIn, response: { 200: FollowUpOut } },
    handler: async (req) => recordFollowUp(db, ctx.keys, me(req), o, req.body),
  });

  app.get('/api/chronic/worklist', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The family-doctor team\'s worklist: programme follow-ups and contract package services overdue, due this week, never seen; riskiest first', querystring: WorklistQuery, response: { 200: WorklistOut } },
    handler: async (req) => worklist(db, me(req), req.query),
  });

  app.get('/api/chronic/worklist.csv', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The worklist as CSV (for printing or a spreadsheet)', querystring: WorklistCsvQuery },
    handler: async (req, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="worklist.csv"')
      .send(worklistCsv((await worklist(db, me(req), { status: req.query.status, sort: req.query.sort, limit: 100000 })).items)),
  });

  app.get('/api/chronic/screening', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'Residents 35+ to screen: no blood-pressure reading this year, or one or two high readings awaiting the recheck on other days', querystring: ScreeningListQuery, response: { 200: ScreeningListOut } },
    handler: async (req) => screeningList(db, me(req), req.query.limit),
  });

  app.post('/api/chronic/screening/readings', {
    config: { access: CLINICIANS },
    schema: { tags: ['chronic'], summary: 'Record a screening blood pressure; three high readings on different days enrol provisionally and draft a referral to confirm', body: ScreeningIn, response: { 200: ScreeningOut } },
    handler: async (req) => recordScreening(db, ctx.keys, me(req), o, req.body),
  });

  app.get('/api/chronic/rates/residents', {
    config: { access: ['doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'The residents behind a unit\'s rate (your team\'s patients, or your region for public-health staff); audited', querystring: RateResidentsQuery, response: { 200: RateResidentsOut } },
    handler: async (req) => ({ items: await rateResidents(db, me(req), rateResidentsQuery(req.query)) }),
  });

  app.get('/api/chronic/rates', {
    config: { access: ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'village_doctor', 'public_health'] },
    schema: { tags: ['chronic'], summary: 'Programme rates (健康管理率, 规范管理率, 控制率) by team, township, community or county for a month, quarter, year or the year to date; aggregates only', querystring: RatesQuery, response: { 200: RatesOut } },
    handler: async (req) => rates(db, await scopePrefix(db, me(req)), req.query),
  });
}
