// Plan import and the reform task ledger: thin routes over the service.
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import type { Role } from '../../shared/roles.ts';
import {
  acknowledgeReminder, addCooperatingNote, attachment, bulletin, ledgerExport, ledgerPage, listPlans, listReminders, listUnits, parseUpload, reportProgress, reviewTask, savePlan, saveUnit,
  sendReminders, supervision, taskDetail, updateTask, withdrawPlan,
} from './service.ts';
import {
  AliasesBody, BulletinQuery, IdParams, LedgerTaskSchema, NoteBody, Ok, ParseBody, ParsedPlanSchema, PlanQuery, QuarterQuery, Reminder, RemindBody, ReportBody, ReviewBody, SavePlanBody, SectionsZ, TaskPatch, TaskQuery, UnitBody, UnitWithoutAccountZ,
} from './schema.ts';

const COMMISSION: Role[] = ['officer'];
const LEDGER: Role[] = ['officer', 'department'];
/** Sends a file answer (an attachment, an export) with its type and download name. */
function sendFile(reply: FastifyReply, f: { fileName: string; mediaType: string; content: Buffer }, nosniff = false) {
  if (nosniff) reply.header('x-content-type-options', 'nosniff');
  return reply.type(f.mediaType).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.fileName)}`).send(f.content);
}

/** Registers /api/plans/* (import) and /api/ledger/* (the ledger and its quarterly cycle). */
export async function ledgerRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;

  app.post('/api/plans/parse', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Read an uploaded plan (.txt, .md, .docx as base64) into its structure, with how each printed unit resolves (a preview to correct before saving)',
      body: ParseBody,
      response: { 200: z.object({ plan: ParsedPlanSchema, sections: SectionsZ, units: z.array(z.object({ printed: z.string(), unitId: z.string().nullable(), unitName: z.string().nullable() })) }) } },
    handler: async (req) => parseUpload(db, me(req), req.body),
  });

  app.post('/api/plans', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Save a (corrected) plan: the plan, its tasks, their units and its targets, in one transaction',
      body: SavePlanBody,
      response: { 201: z.object({ id: z.string(), tasks: z.number(), targets: z.number(), newUnits: z.array(z.string()) }) } },
    handler: async (req, reply) => reply.code(201).send(await savePlan(db, me(req), { regionCode: req.body.regionCode, sourceName: req.body.sourceName ?? null, plan: req.body.plan, sections: req.body.sections })),
  });

  app.delete('/api/plans/:id', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Withdraw a plan imported by mistake: deleted with its tasks, units links and targets while nobody has reported on it (else 409); kept in the plan history and the audit log',
      params: IdParams, response: { 200: z.object({ id: z.string(), tasks: z.number(), targets: z.number(), reviews: z.number(), reminders: z.number() }) } },
    handler: async (req) => withdrawPlan(db, me(req), req.params.id),
  });

  app.get('/api/ledger/plans', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Plans with tasks you may see, with counts done and overdue',
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), title: z.string(), issuer: z.string().nullable(), docNumber: z.string().nullable(), issuedOn: z.string().nullable(), regionCode: z.string().nullable(), createdAt: z.string(), tasks: z.number(), done: z.number(), overdue: z.number() })) }) } },
    handler: async (req) => ({ items: await listPlans(db, me(req)) }),
  });

  app.get('/api/ledger/tasks', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'The ledger: tasks with status (overdue derived), owner units, deadline, linked targets and their current values, latest progress',
      querystring: TaskQuery, response: { 200: z.object({ items: z.array(LedgerTaskSchema), quarter: z.string() }) } },
    handler: async (req) => ledgerPage(db, me(req), req.query),
  });

  app.get('/api/ledger/tasks/:id', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'One task: reports with attachments, reviews, the history of every change', params: IdParams,
      response: { 200: z.object({ task: LedgerTaskSchema, text: z.string(), canReport: z.boolean(), canNote: z.boolean(), canReview: z.boolean(),
        reports: z.array(z.object({ id: z.string(), quarter: z.string(), body: z.string(), percentDone: z.number().nullable(), cooperating: z.boolean(), unitName: z.string(), username: z.string(), at: z.string(), attachments: z.array(z.object({ id: z.string(), fileName: z.string(), mediaType: z.string(), size: z.number() })) })),
        reviews: z.array(z.object({ id: z.string(), comment: z.string(), lagging: z.boolean(), username: z.string(), at: z.string(), reportId: z.string().nullable() })),
        history: z.array(z.object({ id: z.number(), action: z.string(), changes: z.record(z.string(), z.unknown()), username: z.string().nullable(), at: z.string() })) }) } },
    handler: async (req) => taskDetail(db, me(req), req.params.id),
  });

  app.patch('/api/ledger/tasks/:id', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Edit a task (title, deadline, status) with the version read', params: IdParams,
      body: TaskPatch,
      response: { 200: z.object({ version: z.number() }) } },
    handler: async (req) => updateTask(db, me(req), req.params.id, req.body),
  });

  app.post('/api/ledger/tasks/:id/reports', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'Report progress on your own unit\'s task for this quarter (text, percent done, attachments ≤ 2 MB each, ≤ 5)', params: IdParams,
      body: ReportBody,
      response: { 201: z.object({ id: z.string(), quarter: z.string(), status: z.enum(['in_progress', 'done']), percentDone: z.number() }) } },
    handler: async (req, reply) => reply.code(201).send(await reportProgress(db, me(req), req.params.id, req.body)),
  });

  app.post('/api/ledger/tasks/:id/notes', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'A cooperating unit\'s progress note on a task it supports (配合进展): shown with the reports and in the history; changes neither percent done nor status', params: IdParams,
      body: NoteBody,
      response: { 201: z.object({ id: z.string(), quarter: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await addCooperatingNote(db, me(req), req.params.id, req.body)),
  });

  app.post('/api/ledger/tasks/:id/reviews', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Review a task: comment, mark or clear lagging', params: IdParams,
      body: ReviewBody, response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await reviewTask(db, me(req), req.params.id, req.body)),
  });

  app.get('/api/ledger/attachments/:id', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Download a report attachment', params: IdParams },
    handler: async (req, reply) => sendFile(reply, await attachment(db, me(req), req.params.id), true),
  });

  app.get('/api/ledger/supervision', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Supervision (督查) for a quarter, of every plan or one: overdue and lagging tasks, units that have not reported (and whether they have a sign-in), units without one, reminders sent', querystring: QuarterQuery,
      response: { 200: z.object({ quarter: z.string(), planId: z.string().nullable(), overdue: z.array(LedgerTaskSchema), lagging: z.array(LedgerTaskSchema),
        notReported: z.array(z.object({ unitId: z.string(), unitName: z.string(), hasAccount: z.boolean(), tasks: z.array(z.object({ id: z.string(), number: z.string(), title: z.string(), planTitle: z.string() })) })),
        needAccount: z.array(UnitWithoutAccountZ), reminders: z.array(Reminder) }) } },
    handler: async (req) => supervision(db, me(req), req.query.quarter, req.query.planId),
  });

  app.post('/api/ledger/reminders', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'Send reminders for a quarter (of every plan or one) to the listed units (or every unit in supervision) that have a sign-in; the others are answered as needing an account',
      body: RemindBody, response: { 201: z.object({ sent: z.number(), units: z.number(), needAccount: z.array(UnitWithoutAccountZ) }) } },
    handler: async (req, reply) => reply.code(201).send(await sendReminders(db, me(req), req.body)),
  });

  app.get('/api/ledger/reminders', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'Reminders (a department: to its own unit)', response: { 200: z.object({ items: z.array(Reminder) }) } },
    handler: async (req) => ({ items: await listReminders(db, me(req)) }),
  });

  app.post('/api/ledger/reminders/:id/ack', {
    config: { access: ['department'] },
    schema: { tags: ['ledger'], summary: 'Acknowledge a reminder to your unit', params: IdParams, body: z.strictObject({}).optional(), response: { 200: Ok } },
    handler: async (req) => acknowledgeReminder(db, me(req), req.params.id),
  });

  app.get('/api/ledger/units', {
    config: { access: ['officer', 'department', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Departments (units) with their aliases', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), aliases: z.array(z.string()), regionCode: z.string().nullable(), tasks: z.number(), users: z.number() })) }) } },
    handler: async (req) => ({ items: await listUnits(db, me(req)) }),
  });

  app.post('/api/ledger/units', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Create a department (unit) with its aliases',
      body: UnitBody, response: { 201: z.object({ id: z.string() }) } },
    handler: async (req, reply) => reply.code(201).send(await saveUnit(db, me(req), null, req.body)),
  });

  app.put('/api/ledger/units/:id/aliases', {
    config: { access: ['officer', 'sysadmin'] },
    schema: { tags: ['ledger'], summary: 'Set a unit\'s aliases (the names plans print for it)', params: IdParams,
      body: AliasesBody, response: { 200: z.object({ id: z.string() }) } },
    handler: async (req) => saveUnit(db, me(req), req.params.id, req.body),
  });

  app.get('/api/ledger/export.xlsx', {
    config: { access: LEDGER },
    schema: { tags: ['ledger'], summary: 'The ledger as Excel in the columns of the plans\' appended ledgers (序号, 重点工作, 责任部门, 配合部门, 时限要求, status, latest progress)',
      querystring: PlanQuery },
    handler: async (req, reply) => sendFile(reply, await ledgerExport(db, me(req), req.query.planId)),
  });

  app.get('/api/ledger/bulletin.docx', {
    config: { access: COMMISSION },
    schema: { tags: ['ledger'], summary: 'The quarterly progress report (通报) as Word', querystring: BulletinQuery },
    handler: async (req, reply) => sendFile(reply, await bulletin(db, me(req), req.query)),
  });
}
