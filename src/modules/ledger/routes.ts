// Plan import and the reform task ledger: thin routes over the service.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { invalid } from '../../platform/errors.ts';
import type { Role } from '../../shared/roles.ts';
import {
  acknowledgeReminder, addCooperatingNote, attachment, cooperationNotes, listPlans, listReminders, listTasks, listUnits, previewUnits, readUpload, reportProgress, reviewTask, savePlan, saveUnit,
  sendReminders, supervision, taskDetail, updateTask, withdrawPlan,
} from './service.ts';
import { bulletinDocument, ledgerWorkbook } from './export.ts';
import { quarterOf } from './rules.ts';
import { today } from '../../shared/time.ts';

const COMMISSION: Role[] = ['officer'];
const LEDGER: Role[] = ['officer', 'department'];
const Quarter = z.string().regex(/^\d{4}Q[1-4]$/, 'a quarter such as 2025Q3 / 季度格式如 2025Q3');
const DateStr = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Comparator = z.enum(['>=', '<=', '=', '>', '<', 'range']);

export const ParsedPlanSchema = z.strictObject({
  title: z.string().max(200),
  issuer: z.string().max(100).nullable(),
  docNumber: z.string().max(60).nullable(),
  date: DateStr.nullable(),
  tasks: z.array(z.strictObject({
    path: z.array(z.string().max(20)).min(1).max(6), number: z.string().max(20), title: z.string().max(300), text: z.string().max(20000),
    leadUnits: z.array(z.string().max(60)).max(40), responsibleUnits: z.array(z.string().max(60)).max(40), cooperatingUnits: z.array(z.string().max(60)).max(40),
    deadline: DateStr.nullable(),
  })).max(500),
  targets: z.array(z.strictObject({
    taskPath: z.array(z.string().max(20)).max(6).nullable(), text: z.string().max(500), metric: z.string().max(200).nullable(), comparator: Comparator,
    value: z.union([z.number(), z.array(z.number()).min(1).max(2)]), unit: z.string().max(20), year: z.number().int().nullable(), indicator: z.string().max(80).nullable(),
  })).max(1000),
});

const Unit = z.object({ unitId: z.string(), name: z.string(), printed: z.string(), role: z.enum(['lead', 'responsible', 'cooperating']) });
const Target = z.object({ id: z.string(), metric: z.string().nullable(), text: z.string(), comparator: z.string(), value: z.number(), valueHigh: z.number().nullable(), unit: z.string(), year: z.number().nullable(),
  indicatorCode: z.string().nullable(), current: z.object({ value: z.number(), period: z.string().nullable(), status: z.enum(['met', 'on_track', 'at_risk', 'off_track', 'no_data']), reason: z.string() }).nullable() });
const Status = z.enum(['not_started', 'in_progress', 'done', 'overdue']);
export const LedgerTaskSchema = z.object({
  id: z.string(), planId: z.string(), planTitle: z.string(), position: z.number(), path: z.array(z.string()), number: z.string(), title: z.string(), deadline: z.string().nullable(),
  status: Status, storedStatus: z.enum(['not_started', 'in_progress', 'done']), percentDone: z.number(), lagging: z.boolean(), version: z.number(),
  units: z.array(Unit), targets: z.array(Target),
  latestReport: z.object({ id: z.string(), quarter: z.string(), body: z.string(), percentDone: z.number(), unitName: z.string(), at: z.string() }).nullable(),
});
const Reminder = z.object({ id: z.string(), unitId: z.string(), unitName: z.string(), quarter: z.string(), reason: z.enum(['overdue', 'not_reported', 'lagging']), taskIds: z.array(z.string()), message: z.string(), by: z.string(), at: z.string(), acknowledgedAt: z.string().nullable() });
const Ok = z.object({ ok: z.literal(true) });

/** Registers /api/plans/* (import) and /api/ledger/* (the ledger and its quarterly cycle). */
export async function ledgerRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;

  app.post('/api/plans/parse', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Read an uploaded plan (.txt, .md, .docx as base64) into its structure, with how each printed unit resolves (a preview to correct before saving)',
      body: z.strictObject({ fileName: z.string().min(1).max(200), contentBase64: z.string().min(1).max(4_500_000), regionCode: z.string().max(12).optional() }),
      response: { 200: z.object({ plan: ParsedPlanSchema, units: z.array(z.object({ printed: z.string(), unitId: z.string().nullable(), unitName: z.string().nullable() })) }) } },
    handler: async (req) => {
      const plan = await readUpload(req.body.fileName, req.body.contentBase64);
      return { plan, units: await previewUnits(db, req.body.regionCode ?? me(req).regionCode, plan) };
    },
  });

  app.post('/api/plans', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Save a (corrected) plan: the plan, its tasks, their units and its targets, in one transaction',
      body: z.strictObject({ regionCode: z.string().min(2).max(12), sourceName: z.string().max(200).nullable().optional(), plan: ParsedPlanSchema }),
      response: { 201: z.object({ id: z.string(), tasks: z.number(), targets: z.number(), newUnits: z.array(z.string()) }) } },
    handler: async (req, reply) => reply.code(201).send(await savePlan(db, me(req), { regionCode: req.body.regionCode, sourceName: req.body.sourceName ?? null, plan: req.body.plan })),
  });

  app.delete('/api/plans/:id', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Withdraw a plan imported by mistake: deleted with its tasks, units links and targets while nobody has reported on it (else 409); kept in the plan history and the audit log',
      params: z.object({ id: z.string().uuid() }), response: { 200: z.object({ id: z.string(), tasks: z.number(), targets: z.number(), reviews: z.number(), reminders: z.number() }) } },
    handler: async (req) => withdrawPlan(db, me(req), req.params.id),
  });

  app.get('/api/ledger/plans', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Plans with tasks you may see, with counts done and overdue',
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), issuer: z.string().nullable(), docNumber: z.string().nullable(), issuedOn: z.string().nullable(), regionCode: z.string().nullable(), createdAt: z.string(), tasks: z.number(), done: z.number(), overdue: z.number() })) }) } },
    handler: async (req) => ({ items: await listPlans(db, me(req)) }),
  });

  const TaskQuery = z.strictObject({ planId: z.string().uuid().optional(), status: Status.optional(), unitId: z.string().uuid().optional(), lagging: z.enum(['true', 'false']).optional() });
  app.get('/api/ledger/tasks', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'The ledger: tasks with status (overdue derived), owner units, deadline, linked targets and their current values, latest progress',
      querystring: TaskQuery, response: { 200: z.object({ items: z.array(LedgerTaskSchema), quarter: z.string() }) } },
    handler: async (req) => ({ items: await listTasks(db, me(req), { ...req.query, lagging: req.query.lagging === undefined ? undefined : req.query.lagging === 'true' }), quarter: quarterOf(today()) }),
  });

  app.get('/api/ledger/tasks/:id', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'One task: reports with attachments, reviews, the history of every change', params: z.object({ id: z.string().uuid() }),
      response: { 200: z.object({ task: LedgerTaskSchema, text: z.string(), canReport: z.boolean(), canNote: z.boolean(), canReview: z.boolean(),
        reports: z.array(z.object({ id: z.string(), quarter: z.string(), body: z.string(), percentDone: z.number().nullable(), cooperating: z.boolean(), unitName: z.string(), username: z.string(), at: z.string(), attachments: z.array(z.object({ id: z.string(), fileName: z.string(), mediaType: z.string(), size: z.number() })) })),
        reviews: z.array(z.object({ id: z.string(), comment: z.string(), lagging: z.boolean(), username: z.string(), at: z.string(), reportId: z.string().nullable() })),
        history: z.array(z.object({ id: z.number(), action: z.string(), changes: z.record(z.string(), z.unknown()), username: z.string().nullable(), at: z.string() })) }) } },
    handler: async (req) => taskDetail(db, me(req), req.params.id),
  });

  app.patch('/api/ledger/tasks/:id', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Edit a task (title, deadline, status) with the version read', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ version: z.number().int(), title: z.string().max(300).optional(), deadline: DateStr.nullable().optional(), status: z.enum(['not_started', 'in_progress', 'done']).optional() }),
      response: { 200: z.object({ version: z.number() }) } },
    handler: async (req) => updateTask(db, me(req), req.params.id, req.body),
  });

  app.post('/api/ledger/tasks/:id/reports', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'Report progress on your own unit\'s task for this quarter (text, percent done, attachments ≤ 2 MB each, ≤ 5)', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ body: z.string().max(5000), percentDone: z.number().int().min(0).max(100), done: z.boolean().optional(),
        attachments: z.array(z.strictObject({ fileName: z.string().max(200), mediaType: z.string().max(120), contentBase64: z.string().max(2_900_000) })).max(10).optional() }),
      response: { 201: z.object({ id: z.string(), quarter: z.string(), status: z.enum(['in_progress', 'done']), percentDone: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await reportProgress(db, me(req), req.params.id, req.body)),
  });

  app.post('/api/ledger/tasks/:id/notes', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'A cooperating unit\'s progress note on a task it supports (配合进展): shown with the reports and in the history; changes neither percent done nor status', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ body: z.string().max(5000),
        attachments: z.array(z.strictObject({ fileName: z.string().max(200), mediaType: z.string().max(120), contentBase64: z.string().max(2_900_000) })).max(10).optional() }),
      response: { 201: z.object({ id: z.string(), quarter: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await addCooperatingNote(db, me(req), req.params.id, req.body)),
  });

  app.post('/api/ledger/tasks/:id/reviews', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Review a task: comment, mark or clear lagging', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ comment: z.string().max(2000), lagging: z.boolean(), reportId: z.string().uuid().optional() }), response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await reviewTask(db, me(req), req.params.id, req.body)),
  });

  app.get('/api/ledger/attachments/:id', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Download a report attachment', params: z.object({ id: z.string().uuid() }) },
    handler: async (req, reply) => {
      const a = await attachment(db, me(req), req.params.id);
      return reply.type(a.mediaType).header('x-content-type-options', 'nosniff').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.fileName)}`).send(a.content);
    },
  });

  app.get('/api/ledger/supervision', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Supervision (督查) for a quarter: overdue and lagging tasks, units that have not reported, reminders sent', querystring: z.strictObject({ quarter: Quarter.optional() }),
      response: { 200: z.object({ quarter: z.string(), overdue: z.array(LedgerTaskSchema), lagging: z.array(LedgerTaskSchema),
        notReported: z.array(z.object({ unitId: z.string(), unitName: z.string(), tasks: z.array(z.object({ id: z.string(), number: z.string(), title: z.string(), planTitle: z.string() })) })), reminders: z.array(Reminder) }) } },
    handler: async (req) => supervision(db, me(req), req.query.quarter),
  });

  app.post('/api/ledger/reminders', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Send reminders for a quarter to the listed units (or every unit in supervision)',
      body: z.strictObject({ quarter: Quarter.optional(), unitIds: z.array(z.string().uuid()).min(1).max(200).optional(), message: z.string().max(500).optional() }), response: { 201: z.object({ sent: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await sendReminders(db, me(req), req.body)),
  });

  app.get('/api/ledger/reminders', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Reminders (a department: to its own unit)', response: { 200: z.object({ items: z.array(Reminder) }) } },
    handler: async (req) => ({ items: await listReminders(db, me(req)) }),
  });

  app.post('/api/ledger/reminders/:id/ack', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'Acknowledge a reminder to your unit', params: z.object({ id: z.string().uuid() }), body: z.strictObject({}).optional(), response: { 200: Ok } },
    handler: async (req) => {
      await acknowledgeReminder(db, me(req), req.params.id);
      return { ok: true as const };
    },
  });

  app.get('/api/ledger/units', {
    config: { access: ['officer', 'department', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Departments (units) with their aliases', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), aliases: z.array(z.string()), regionCode: z.string().nullable(), tasks: z.number(), users: z.number() })) }) } },
    handler: async (req) => ({ items: await listUnits(db, me(req)) }),
  });

  app.post('/api/ledger/units', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Create a department (unit) with its aliases',
      body: z.strictObject({ name: z.string().min(2).max(60), aliases: z.array(z.string().max(60)).max(20), regionCode: z.string().max(12).nullable().optional() }), response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await saveUnit(db, me(req), null, req.body)),
  });

  app.put('/api/ledger/units/:id/aliases', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Set a unit\'s aliases (the names plans print for it)', params: z.object({ id: z.string().uuid() }),
      body: z.strictObject({ aliases: z.array(z.string().max(60)).max(20) }), response: { 200: z.object({ id: z.string() }) } },
    handler: async (req) => saveUnit(db, me(req), req.params.id, req.body),
  });

  app.get('/api/ledger/export.xlsx', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'The ledger as Excel in the columns of the plans\' appended ledgers (序号, 重点工作, 责任部门, 配合部门, 时限要求, status, latest progress)',
      querystring: z.strictObject({ planId: z.string().uuid().optional() }) },
    handler: async (req, reply) => {
      const tasks = await listTasks(db, me(req), { planId: req.query.planId });
      const title = req.query.planId && tasks[0] ? tasks[0].planTitle : '重点工作任务';
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${title}台账.xlsx`)}`)
        .send(await ledgerWorkbook(title, tasks));
    },
  });

  app.get('/api/ledger/bulletin.docx', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'The quarterly progress report (通报) as Word', querystring: z.strictObject({ planId: z.string().uuid().optional(), quarter: Quarter.optional() }) },
    handler: async (req, reply) => {
      const p = me(req);
      const quarter = req.query.quarter ?? quarterOf(today());
      const tasks = await listTasks(db, p, { planId: req.query.planId });
      if (req.query.planId && !tasks.length) throw invalid([{ path: 'query.planId', problem: 'no such plan / 无此规划' }]);
      const s = await supervision(db, p, quarter);
      const ids = new Set(tasks.map((t) => t.id));
      const notReported = s.notReported.map((u) => ({ ...u, tasks: u.tasks.filter((t) => ids.has(t.id)) })).filter((u) => u.tasks.length);
      const title = req.query.planId ? tasks[0].planTitle : '重点工作任务';
      return reply.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${quarter}通报.docx`)}`)
        .send(await bulletinDocument({ title, quarter, tasks, notReported, issuedOn: today(), cooperation: await cooperationNotes(db, quarter, tasks) }));
    },
  });
}
