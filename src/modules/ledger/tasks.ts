// The ledger itself: the plans and tasks a caller sees (with their units, targets and latest report),
// one task in full (reports, attachments, reviews, history), and the commission's edits of a task.
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { invalid, notFound, stale } from '../../platform/errors.ts';
import { today } from '../../shared/time.ts';
import { targetProgress, targetsOfTasks } from '../indicators/service.ts';
import type { Status } from '../indicators/rules.ts';
import { displayStatus, quarterOf, type TaskStatus, type UnitRole } from './rules.ts';
import { ledgerWorkbook } from './export.ts';
import type { TaskPatchInput, TaskQueryInput } from './schema.ts';
import {
  attachmentsOfTask, historyOfTask, latestReports, lockTaskSeen, plansSeen, reportsOfTask, reviewsOfTask, sectionsOfPlans, taskBody, tasksSeen, unitRoles, unitsOfTasks, updateTaskFields, type TaskFilterRow,
} from './store.ts';
import { history, seen, TASK, viewerOf, type Viewer } from './viewer.ts';

export interface LedgerTarget { id: string; metric: string | null; text: string; comparator: string; value: number; valueHigh: number | null; unit: string; year: number | null; indicatorCode: string | null; current: { value: number; period: string | null; status: Status; reason: string } | null }
export interface LedgerUnit { unitId: string; name: string; printed: string; role: UnitRole }
export interface LedgerTask {
  id: string; planId: string; planTitle: string; position: number; path: string[]; number: string; title: string; deadline: string | null;
  status: TaskStatus; storedStatus: 'not_started' | 'in_progress' | 'done'; percentDone: number; lagging: boolean; version: number;
  units: LedgerUnit[]; targets: LedgerTarget[];
  latestReport: { id: string; quarter: string; body: string; percentDone: number; unitName: string; at: string } | null;
}

/** The plans the caller may see, with task counts by status. */
export async function listPlans(db: Db, p: Principal) {
  const v = await viewerOf(db, p);
  const rows = await plansSeen(db, seen(v));
  return rows.map((r) => ({ id: r.id, title: r.title, issuer: r.issuer, docNumber: r.doc_number, issuedOn: r.issued_on, regionCode: r.region_code, createdAt: r.created_at.toISOString(), tasks: r.tasks, done: r.done, overdue: r.overdue }));
}

/** The tasks the viewer sees that pass the filter, with their units, targets (and their current values) and latest report. */
export async function loadTasks(q: Queryable, v: Viewer, f: TaskFilterRow): Promise<LedgerTask[]> {
  const rows = await tasksSeen(q, seen(v), f);
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [units, targets, reports] = await Promise.all([unitsOfTasks(q, ids), targetsOfTasks(q, ids), latestReports(q, ids)]);
  const values = await targetProgress(q, targets.map((t) => t.id));
  const day = today();
  return rows.map((r) => {
    const rep = reports.find((x) => x.task_id === r.id);
    return {
      id: r.id, planId: r.plan_id, planTitle: r.plan_title, position: r.position, path: r.path, number: r.number, title: r.title, deadline: r.deadline,
      status: displayStatus(r.status, r.deadline, day), storedStatus: r.status, percentDone: r.percent_done, lagging: r.lagging, version: r.version,
      units: units.filter((u) => u.task_id === r.id).map((u) => ({ unitId: u.unit_id, name: u.name, printed: u.printed, role: u.role })),
      targets: targets.filter((t) => t.task_id === r.id).map((t) => ({ id: t.id, metric: t.metric, text: t.text, comparator: t.comparator, value: t.value, valueHigh: t.value_high, unit: t.unit, year: t.due_year, indicatorCode: t.indicator_code,
        current: values.get(t.id) ?? null })),
      latestReport: rep ? { id: rep.id, quarter: rep.quarter, body: rep.body, percentDone: rep.percent_done, unitName: rep.unit_name, at: rep.created_at.toISOString() } : null,
    };
  });
}

export interface TaskFilter { planId?: string; status?: TaskStatus; unitId?: string; lagging?: boolean }

/** The ledger: the tasks the caller may see, filtered. */
export async function listTasks(db: Db, p: Principal, f: TaskFilter): Promise<LedgerTask[]> {
  const v = await viewerOf(db, p);
  return loadTasks(db, v, { planId: f.planId, unitId: f.unitId, lagging: f.lagging, status: f.status });
}

/** One task with its reports (and their attachments' names), reviews and history; 404 outside the caller's view. */
export async function taskDetail(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  const [task] = await loadTasks(db, v, { id });
  if (!task) throw notFound(TASK);
  const [reports, files, reviews, hist, body] = await Promise.all([reportsOfTask(db, id), attachmentsOfTask(db, id), reviewsOfTask(db, id), historyOfTask(db, id), taskBody(db, id)]);
  return {
    task, text: body ?? '', canReport: await canReport(db, v, id), canNote: await canNote(db, v, id), canReview: p.role === 'officer',
    reports: reports.map((r) => ({ id: r.id, quarter: r.quarter, body: r.body, percentDone: r.percent_done, cooperating: r.cooperating, unitName: r.unit_name, username: r.username, at: r.created_at.toISOString(),
      attachments: files.filter((f) => f.report_id === r.id).map((f) => ({ id: f.id, fileName: f.file_name, mediaType: f.media_type, size: f.size_bytes })) })),
    reviews: reviews.map((r) => ({ id: r.id, comment: r.comment, lagging: r.lagging, username: r.username, at: r.created_at.toISOString(), reportId: r.report_id })),
    history: hist.map((h) => ({ id: Number(h.id), action: h.action, changes: h.changes, username: h.username, at: h.at.toISOString() })),
  };
}

/** Whether the viewer (a department) is a lead or responsible unit of the task: it reports progress. */
export async function canReport(q: Queryable, v: Viewer, taskId: string): Promise<boolean> {
  if (v.p.role !== 'department' || !v.unitId) return false;
  return (await unitRoles(q, taskId, v.unitId)).some((r) => r === 'lead' || r === 'responsible');
}

/** Whether the viewer (a department) is a cooperating unit of the task: it adds notes. */
export async function canNote(q: Queryable, v: Viewer, taskId: string): Promise<boolean> {
  if (v.p.role !== 'department' || !v.unitId) return false;
  return (await unitRoles(q, taskId, v.unitId)).includes('cooperating');
}

/** The commission edits a task (title, deadline, status), with the version it read. */
export async function updateTask(db: Db, p: Principal, taskId: string, input: TaskPatchInput) {
  const v = await viewerOf(db, p);
  if (input.title !== undefined && !input.title.trim()) throw invalid([{ path: 'title', problem: 'required / 必填' }]);
  return db.tx(async (q) => {
    const t = await lockTaskSeen(q, taskId, seen(v));
    if (!t) throw notFound(TASK);
    if (t.version !== input.version) throw stale(t.version);
    const changes: Record<string, [unknown, unknown]> = {};
    if (input.title !== undefined && input.title.trim() !== t.title) changes.title = [t.title, input.title.trim()];
    if (input.deadline !== undefined && input.deadline !== t.deadline) changes.deadline = [t.deadline, input.deadline];
    if (input.status !== undefined && input.status !== t.status) changes.status = [t.status, input.status];
    if (!Object.keys(changes).length) return { version: t.version };
    const version = await updateTaskFields(q, taskId, { title: changes.title ? input.title!.trim() : null, setDeadline: 'deadline' in changes, deadline: input.deadline ?? null, status: changes.status ? input.status! : null });
    await history(q, p, t.plan_id, taskId, 'task.edit', changes);
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.task_edit', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { fields: Object.keys(changes) } });
    return { version };
  });
}

/** The ledger page: the tasks asked for and the current quarter. */
export async function ledgerPage(db: Db, p: Principal, q: TaskQueryInput) {
  const items = await listTasks(db, p, { ...q, lagging: q.lagging === undefined ? undefined : q.lagging === 'true' });
  return { items, quarter: quarterOf(today()) };
}

/** The ledger (one plan's, or every plan the caller sees) as an Excel workbook. */
export async function ledgerExport(db: Db, p: Principal, planId: string | undefined) {
  const tasks = await listTasks(db, p, { planId });
  const title = planId && tasks[0] ? tasks[0].planTitle : '重点工作任务';
  const sections = new Map((await sectionsOfPlans(db, [...new Set(tasks.map((t) => t.planId))])).map((r) => [r.id, r.sections]));
  return { fileName: `${title}台账.xlsx`, mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: await ledgerWorkbook(title, tasks, sections, today()) };
}
