// The commission's side of the quarterly cycle: reviews (comment, lagging mark), supervision of a
// quarter (overdue, lagging, units that have not reported) and reminders (督办提醒) with their acknowledgement.
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { today } from '../../shared/time.ts';
import { quarterBounds, quarterOf } from './rules.ts';
import { acknowledge, insertReminders, insertReview, isReportOfTask, lockTaskSeen, regionName, remindersSeen, setTaskLagging, unitsWithAccounts, unreported } from './store.ts';
import { issuingUnit } from '../indicators/service.ts';
import { listTasks, loadTasks, type LedgerTask } from './tasks.ts';
import { cooperationNotes } from './reports.ts';
import { bulletinDocument } from './export.ts';
import type { BulletinInput, RemindInput, ReviewInput } from './schema.ts';
import { history, seen, TASK, viewerOf, type Viewer } from './viewer.ts';

/** The commission reviews a task: a comment, and marks it lagging (or clears the mark). */
export async function reviewTask(db: Db, p: Principal, taskId: string, input: ReviewInput) {
  const v = await viewerOf(db, p);
  if (!input.comment.trim()) throw invalid([{ path: 'comment', problem: 'required / 必填' }]);
  return db.tx(async (q) => {
    const t = await lockTaskSeen(q, taskId, seen(v));
    if (!t) throw notFound(TASK);
    if (input.reportId && !(await isReportOfTask(q, input.reportId, taskId))) throw invalid([{ path: 'reportId', problem: 'not a report of this task / 非本任务的报送' }]);
    const r = { id: await insertReview(q, { taskId, reportId: input.reportId ?? null, comment: input.comment.trim(), lagging: input.lagging, userId: p.userId }) };
    await setTaskLagging(q, taskId, input.lagging);
    await history(q, p, t.plan_id, taskId, 'task.review', { comment: input.comment.trim(), lagging: [t.lagging, input.lagging] });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.review', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { lagging: input.lagging } });
    return { id: r.id };
  });
}

/** A unit named in supervision that has no department sign-in: nobody there can read a reminder or report, so it needs an account first. */
export interface UnitWithoutAccount { unitId: string; unitName: string }

/**
 * For a quarter (and one plan, when asked): overdue tasks, lagging tasks, the responsible units that have not reported on
 * each of their open tasks (each marked whether it has a sign-in), the units in supervision without one, and reminders sent.
 */
export async function supervision(db: Db, p: Principal, quarter = quarterOf(today()), planId?: string) {
  const v = await viewerOf(db, p);
  const { to } = quarterBounds(quarter);
  const overdue = await loadTasks(db, v, { status: 'overdue', planId });
  const lagging = await loadTasks(db, v, { lagging: true, planId });
  const rows = await unreported(db, seen(v), to, quarter, planId ?? null);
  const names = new Map<string, string>();
  for (const t of [...overdue, ...lagging]) for (const u of t.units) if (u.role !== 'cooperating') names.set(u.unitId, u.name);
  for (const r of rows) names.set(r.unit_id, r.name);
  const withAccount = new Set(await unitsWithAccounts(db, [...names.keys()]));
  const notReported = new Map<string, { unitId: string; unitName: string; hasAccount: boolean; tasks: { id: string; number: string; title: string; planTitle: string }[] }>();
  for (const r of rows) {
    const e = notReported.get(r.unit_id) ?? { unitId: r.unit_id, unitName: r.name, hasAccount: withAccount.has(r.unit_id), tasks: [] };
    e.tasks.push({ id: r.task_id, number: r.number, title: r.title, planTitle: r.plan_title });
    notReported.set(r.unit_id, e);
  }
  const needAccount: UnitWithoutAccount[] = [...names].filter(([id]) => !withAccount.has(id)).map(([unitId, unitName]) => ({ unitId, unitName })).sort((a, b) => a.unitName.localeCompare(b.unitName, 'zh'));
  let reminders = await remindersFor(db, v, quarter);
  if (planId) {
    const ids = new Set((await loadTasks(db, v, { planId })).map((t) => t.id));
    reminders = reminders.filter((r) => r.taskIds.some((id) => ids.has(id)));
  }
  return { quarter, planId: planId ?? null, overdue, lagging, notReported: [...notReported.values()], needAccount, reminders };
}

async function remindersFor(q: Queryable, v: Viewer, quarter: string | null) {
  const rows = await remindersSeen(q, seen(v), quarter);
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, unitName: r.name, quarter: r.quarter, reason: r.reason as 'overdue' | 'not_reported' | 'lagging', taskIds: r.task_ids, message: r.message, by: r.by, at: r.created_at.toISOString(), acknowledgedAt: r.acknowledged_at?.toISOString() ?? null }));
}

/**
 * Sends reminders (督办提醒) for a quarter (and one plan, when asked) to the listed units — or to every unit in
 * supervision — naming their overdue, lagging and unreported tasks. Only units with a department sign-in get one:
 * the others are answered as needing an account (nobody there could read it), never counted as reminded.
 */
export async function sendReminders(db: Db, p: Principal, input: RemindInput) {
  const s = await supervision(db, p, input.quarter, input.planId);
  const want = input.unitIds ? new Set(input.unitIds) : null;
  const items: { unit: string; reason: 'overdue' | 'not_reported' | 'lagging'; tasks: string[]; text: string }[] = [];
  const byUnit = (tasks: LedgerTask[], reason: 'overdue' | 'lagging', word: string) => {
    const m = new Map<string, string[]>();
    for (const t of tasks) for (const u of t.units) if (u.role !== 'cooperating') m.set(u.unitId, [...(m.get(u.unitId) ?? []), t.id]);
    for (const [unit, ids] of m) items.push({ unit, reason, tasks: ids, text: `${word}${ids.length}项，请抓紧推进并报送进展。` });
  };
  byUnit(s.overdue, 'overdue', '您单位牵头或负责的任务已逾期');
  byUnit(s.lagging.filter((t) => !s.overdue.some((o) => o.id === t.id)), 'lagging', '您单位负责的任务被标记为进展滞后');
  for (const u of s.notReported) items.push({ unit: u.unitId, reason: 'not_reported', tasks: u.tasks.map((t) => t.id), text: `${s.quarter}尚有${u.tasks.length}项任务未报送进展，请于季度末前报送。` });
  if (want) {
    const bad = [...want].filter((u) => !items.some((i) => i.unit === u));
    if (bad.length) throw invalid(bad.map((u) => ({ path: 'unitIds', problem: `unit ${u} is not in supervision this quarter / 该单位本季度无督办事项` })));
  }
  const without = new Set(s.needAccount.map((u) => u.unitId));
  const asked = items.filter((i) => !want || want.has(i.unit));
  const chosen = asked.filter((i) => !without.has(i.unit));
  const needAccount = s.needAccount.filter((u) => asked.some((i) => i.unit === u.unitId));
  const units = new Set(chosen.map((c) => c.unit)).size;
  if (!chosen.length) return { sent: 0, units: 0, needAccount };
  await db.tx(async (q) => {
    await insertReminders(q, s.quarter, p.userId, chosen.map((c) => ({ unit: c.unit, reason: c.reason, tasks: c.tasks, message: input.message?.trim() ? `${input.message.trim()}（${c.text}）` : c.text })));
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.remind', outcome: 'ok', recordType: 'plan_reminder', details: { quarter: s.quarter, planId: input.planId ?? null, reminders: chosen.length, units, needAccount: needAccount.length } });
  });
  return { sent: chosen.length, units, needAccount };
}

/** The caller's reminders (a department: its unit's). */
export async function listReminders(db: Db, p: Principal) {
  return remindersFor(db, await viewerOf(db, p), null);
}

/** A department acknowledges a reminder to its unit. */
export async function acknowledgeReminder(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  await db.tx(async (q) => {
    if (!(await acknowledge(q, id, v.unitId, p.userId))) throw notFound({ zh: '提醒', en: 'Reminder' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.reminder_ack', outcome: 'ok', recordType: 'plan_reminder', recordId: id });
  });
  return { ok: true as const };
}

/** The quarterly progress report (通报) of one plan or every plan the caller sees, as a Word document. */
export async function bulletin(db: Db, p: Principal, input: BulletinInput) {
  const quarter = input.quarter ?? quarterOf(today());
  const tasks = await listTasks(db, p, { planId: input.planId });
  if (input.planId && !tasks.length) throw invalid([{ path: 'query.planId', problem: 'no such plan / 无此规划' }]);
  const s = await supervision(db, p, quarter, input.planId);
  const ids = new Set(tasks.map((t) => t.id));
  const notReported = s.notReported.map((u) => ({ ...u, tasks: u.tasks.filter((t) => ids.has(t.id)) })).filter((u) => u.tasks.length);
  const region = p.regionCode ? await regionName(db, p.regionCode) : undefined;
  const content = await bulletinDocument({ planTitle: input.planId ? tasks[0].planTitle : null, quarter, tasks, notReported, issuedOn: today(), issuingUnit: region ? issuingUnit(region) : '卫生健康行政部门',
    cooperation: await cooperationNotes(db, quarter, tasks) });
  return { fileName: `${quarter}${input.planId ? tasks[0].planTitle : ''}通报.docx`, mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content };
}
