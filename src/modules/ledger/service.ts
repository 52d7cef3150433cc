// The ledger's use cases: reading an uploaded plan, saving a corrected plan (plan, tasks, units,
// targets in one transaction), the ledger itself, the quarterly cycle (reports with attachments,
// reviews, lagging marks), supervision with reminders, department units and their aliases.
// Departments see and report only their own unit's tasks (others answer 404); the commission
// (officer) sees the plans of its region; every change is kept in plan_history and the audit log.
import { today } from '../../shared/time.ts';
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, invalid, notFound, stale, type FieldProblem } from '../../platform/errors.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { parsePlanText, type ParsedPlan } from '../plans/parse.ts';
import { decodeText, docxText } from '../plans/file.ts';
import { BY_CODE } from '../indicators/catalogue.ts';
import { replacePlanTargets, targetProgress, targetsOfTasks } from '../indicators/service.ts';
import type { Status } from '../indicators/rules.ts';
import {
  ATTACHMENTS_PER_REPORT, attachmentProblems, displayStatus, levelPrefixes, planProblems, quarterBounds, quarterOf, resolveUnit, statusFromReport,
  type TaskStatus, type UnitRecord, type UnitRole,
} from './rules.ts';

const TASK = { zh: '任务', en: 'Task' };
export const UPLOAD_MAX_BYTES = 3 * 1024 * 1024;

// ---- who sees what ----

interface Viewer { p: Principal; unitId: string | null; prefix: string | null }

/** The caller's view of the ledger: a department's unit, or the commission's region. */
export async function viewerOf(q: Queryable, p: Principal): Promise<Viewer> {
  if (p.role === 'department') {
    const [u] = await q.query<{ unit_id: string | null }>('SELECT unit_id FROM users WHERE id = $1', [p.userId]);
    // A department user not bound to a unit sees nothing rather than everything.
    return { p, unitId: u?.unit_id ?? '00000000-0000-0000-0000-000000000000', prefix: null };
  }
  return { p, unitId: null, prefix: p.role === 'sysadmin' || !p.regionCode ? null : regionPrefix(p.regionCode) };
}

// The condition (on plan_tasks t joined to plans pl) of the tasks a viewer may see, numbering its parameters from n.
function visible(v: Viewer, n: number): { sql: string; params: unknown[] } {
  if (v.unitId) return { sql: `EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $${n})`, params: [v.unitId] };
  if (v.prefix) return { sql: `pl.region_code LIKE $${n}`, params: [v.prefix + '%'] };
  return { sql: 'true', params: [] };
}

async function history(q: Queryable, p: Principal, planId: string, taskId: string | null, action: string, changes: Record<string, unknown>): Promise<void> {
  await q.query('INSERT INTO plan_history (plan_id, task_id, action, changes, user_id, username) VALUES ($1,$2,$3,$4,$5,$6)', [planId, taskId, action, JSON.stringify(changes), p.userId, p.username]);
}

// ---- import ----

/** Reads an uploaded plan (.txt, .md or .docx, base64) into its structure. */
export async function readUpload(fileName: string, contentBase64: string): Promise<ParsedPlan> {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (!['txt', 'md', 'markdown', 'text', 'docx'].includes(ext)) throw invalid([{ path: 'fileName', problem: 'use .txt, .md or .docx / 仅支持 .txt、.md、.docx' }]);
  const buf = Buffer.from(contentBase64, 'base64');
  if (!buf.length) throw invalid([{ path: 'content', problem: 'empty file / 文件为空' }]);
  if (buf.length > UPLOAD_MAX_BYTES) throw invalid([{ path: 'content', problem: 'larger than 3 MB / 超过 3 MB' }]);
  let text: string;
  if (ext === 'docx') {
    try {
      text = await docxText(buf);
    } catch {
      throw invalid([{ path: 'content', problem: 'not a readable .docx / 无法读取的 .docx 文件' }]);
    }
  } else {
    // Plain text as saved on Chinese office machines is often GB18030 (GBK) rather than UTF-8.
    const decoded = decodeText(buf);
    if (decoded === null) throw invalid([{ path: 'content', problem: 'not UTF-8 or GB18030 text / 不是 UTF-8 或 GB18030 编码的文本' }]);
    text = decoded;
  }
  const plan = parsePlanText(text);
  if (!plan.tasks.length) throw badRequest('plan.no_tasks', { zh: '未能从文件中读出任务（需有编号标题和责任单位）', en: 'No tasks found (numbered headings with responsible units are needed)' }, [{ path: 'content', problem: 'no tasks / 无任务' }]);
  return plan;
}

async function unitsOf(q: Queryable, regionCode: string | null): Promise<UnitRecord[]> {
  return q.query<UnitRecord>('SELECT id, name, aliases FROM gov_units WHERE active AND (region_code IS NULL OR $1::text IS NULL OR region_code = $1) ORDER BY name', [regionCode]);
}

function printedUnits(plan: ParsedPlan): string[] {
  return [...new Set(plan.tasks.flatMap((t) => [...t.responsibleUnits, ...t.cooperatingUnits]))];
}

/** How each printed unit of a plan resolves: an existing unit (by name or alias) or a new one. */
export async function previewUnits(q: Queryable, regionCode: string | null, plan: ParsedPlan): Promise<{ printed: string; unitId: string | null; unitName: string | null }[]> {
  const units = await unitsOf(q, regionCode);
  const names = printedUnits(plan);
  const prefixes = levelPrefixes(names);
  return names.map((printed) => {
    const u = resolveUnit(printed, units, prefixes);
    return { printed, unitId: u?.id ?? null, unitName: u?.name ?? null };
  });
}

/** Saves a corrected plan: the plan, its tasks, their units (existing ones by name or alias, new ones created) and its targets, in one transaction. */
export async function savePlan(db: Db, p: Principal, input: { regionCode: string; sourceName: string | null; plan: ParsedPlan }) {
  const v = await viewerOf(db, p);
  const fields: FieldProblem[] = planProblems(input.plan, new Set(BY_CODE.keys()));
  const [region] = await db.query<{ code: string }>('SELECT code FROM regions WHERE code = $1', [input.regionCode]);
  if (!region) fields.unshift({ path: 'regionCode', problem: 'unknown region / 未知行政区划' });
  else if (v.prefix && !input.regionCode.startsWith(v.prefix)) fields.unshift({ path: 'regionCode', problem: 'outside your region / 超出您的管辖范围' });
  if (input.plan.date && !/^\d{4}-\d{2}-\d{2}$/.test(input.plan.date)) fields.push({ path: 'plan.date', problem: 'a date YYYY-MM-DD / 日期格式' });
  if (fields.length) throw invalid(fields);
  const plan = input.plan;
  return db.tx(async (q) => {
    const [pl] = await q.query<{ id: string }>('INSERT INTO plans (title, issuer, doc_number, issued_on, region_code, source_name, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id',
      [plan.title.trim(), plan.issuer, plan.docNumber, plan.date, input.regionCode, input.sourceName, p.userId]);
    // Units: each printed name resolves to a unit of the region (name or alias); the rest are created under the printed name.
    const units = await unitsOf(q, input.regionCode);
    const names = printedUnits(plan);
    const prefixes = levelPrefixes(names);
    const unitIds = new Map<string, string>();
    const created: string[] = [];
    for (const printed of names) {
      let u = resolveUnit(printed, units, prefixes);
      if (!u) {
        // 市财政局 of another city is another unit: a name taken elsewhere gets the region's name beside it.
        const [taken] = await q.query<{ region_code: string | null }>('SELECT region_code FROM gov_units WHERE name = $1', [printed]);
        const [reg] = await q.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [input.regionCode]);
        const name = taken && taken.region_code !== input.regionCode ? `${printed}（${reg.name}）` : printed;
        const [row] = await q.query<{ id: string }>('INSERT INTO gov_units (name, region_code) VALUES ($1,$2) ON CONFLICT (name) DO UPDATE SET active = true RETURNING id', [name, input.regionCode]);
        u = { id: row.id, name, aliases: [] };
        units.push(u);
        created.push(printed);
      }
      unitIds.set(printed, u.id);
    }
    // Tasks in one statement, then their units in one statement.
    const taskRows = await q.query<{ id: string; position: number }>(
      `INSERT INTO plan_tasks (plan_id, position, path, number, title, body, deadline)
       SELECT $1, x.pos, string_to_array(x.path, chr(31)), x.number, x.title, x.body, x.deadline::date
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(pos, path, number, title, body, deadline)
       RETURNING id, position`,
      [pl.id, plan.tasks.map((_, i) => i + 1), plan.tasks.map((t) => t.path.join('\u001f')), plan.tasks.map((t) => t.number), plan.tasks.map((t) => t.title.trim()), plan.tasks.map((t) => t.text), plan.tasks.map((t) => t.deadline)]);
    const idAt = new Map(taskRows.map((r) => [r.position, r.id]));
    const tu: { task: string; unit: string; role: UnitRole; printed: string; pos: number }[] = [];
    plan.tasks.forEach((t, i) => {
      const task = idAt.get(i + 1)!;
      const seen = new Set<string>();
      let pos = 0;
      const add = (printed: string, role: UnitRole) => {
        const unit = unitIds.get(printed)!;
        if (seen.has(unit)) return;
        seen.add(unit);
        tu.push({ task, unit, role, printed, pos: pos++ });
      };
      for (const u of t.leadUnits) add(u, 'lead');
      for (const u of t.responsibleUnits) add(u, 'responsible');
      for (const u of t.cooperatingUnits) add(u, 'cooperating');
    });
    await q.query(`INSERT INTO plan_task_units (task_id, unit_id, role, printed, position) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[])`,
      [tu.map((x) => x.task), tu.map((x) => x.unit), tu.map((x) => x.role), tu.map((x) => x.printed), tu.map((x) => x.pos)]);
    // Targets: the plan's region is their locality; the indicator is the preview's (the reader matched it; the reviewer may change or clear it).
    const byPath = new Map(plan.tasks.map((t, i) => [t.path.join('/'), idAt.get(i + 1)!]));
    const tg = plan.targets;
    // The targets table is the indicators module's: it writes them.
    await replacePlanTargets(q, pl.id, {
      locality: input.regionCode, userId: p.userId,
      targets: tg.map((t) => ({
        indicator: t.indicator, comparator: t.comparator, value: Array.isArray(t.value) ? t.value[0] : t.value, valueHigh: Array.isArray(t.value) ? t.value[1] ?? null : null,
        unit: t.unit, year: t.year, taskId: t.taskPath ? byPath.get(t.taskPath.join('/')) ?? null : null, text: t.text, metric: t.metric,
      })),
    });
    await history(q, p, pl.id, null, 'plan.import', { title: plan.title, tasks: plan.tasks.length, targets: tg.length, newUnits: created, source: input.sourceName });
    await writeAudit(q, actorOf(p, p.ip), { action: 'plan.import', outcome: 'ok', recordType: 'plan', recordId: pl.id, details: { tasks: plan.tasks.length, targets: tg.length, newUnits: created.length } });
    return { id: pl.id, tasks: plan.tasks.length, targets: tg.length, newUnits: created };
  });
}

// ---- withdrawing a plan ----

/**
 * Withdraws a plan imported by mistake (the commission or a system administrator). While nobody has
 * reported on any of its tasks it is deleted — its tasks, their units links, its targets, the
 * commission's reviews, reminders only about its tasks — in one transaction; the plan's history keeps the import and a
 * 'plan.withdraw' row (title, counts, who, when), and the audit log has it too.
 *
 * Once any unit has reported (a cooperating note counts: someone outside the commission has worked on
 * it) the plan is refused with 409 rather than archived: a reported plan is not a mistaken import but
 * a ledger that departments have used, and archiving would hide their reports while leaving the plan's
 * targets alive in the indicators module (which knows nothing of an archive). Such a plan is corrected
 * task by task instead (deadline, status, title), so what departments reported stays where they put it.
 */
export async function withdrawPlan(db: Db, p: Principal, planId: string) {
  const v = await viewerOf(db, p);
  if (v.p.role !== 'officer' && v.p.role !== 'sysadmin') throw forbidden({ zh: '只有卫生健康委员会可以撤回规划', en: 'Only the health commission withdraws a plan' });
  return db.tx(async (q) => {
    const [pl] = await q.query<{ id: string; title: string; region_code: string | null }>(
      `SELECT id, title, region_code FROM plans WHERE id = $1 ${v.prefix ? 'AND region_code LIKE $2' : ''} FOR UPDATE`, v.prefix ? [planId, v.prefix + '%'] : [planId]);
    if (!pl) throw notFound({ zh: '规划', en: 'Plan' });
    // Its tasks locked first: a report in flight (which locks its task) either lands before the count below, or finds the task gone.
    await q.query('SELECT id FROM plan_tasks WHERE plan_id = $1 FOR UPDATE', [planId]);
    const [c] = await q.query<{ tasks: number; reports: number; reviews: number }>(
      `SELECT (SELECT count(*) FROM plan_tasks WHERE plan_id = $1)::int AS tasks,
              (SELECT count(*) FROM plan_task_reports r JOIN plan_tasks t ON t.id = r.task_id WHERE t.plan_id = $1)::int AS reports,
              (SELECT count(*) FROM plan_task_reviews v JOIN plan_tasks t ON t.id = v.task_id WHERE t.plan_id = $1)::int AS reviews`, [planId]);
    if (c.reports > 0) {
      throw conflict('plan.has_reports', { zh: `已有单位报送了该规划任务的进展（${c.reports} 条），不能撤回；请逐项修改任务`, en: `Units have already reported on this plan's tasks (${c.reports} reports); it cannot be withdrawn — correct its tasks instead` },
        [{ path: 'id', problem: `${c.reports} progress reports / 已有 ${c.reports} 条进展报送` }]);
    }
    const tasks = 'SELECT id FROM plan_tasks WHERE plan_id = $1';
    const { removed: targets } = await replacePlanTargets(q, planId, { locality: pl.region_code ?? '', userId: p.userId, targets: [] });
    await q.query(`DELETE FROM plan_task_reviews WHERE task_id IN (${tasks})`, [planId]);
    // Reminders name tasks by id: one only about this plan's tasks goes with them; others lose those ids.
    const gone = await q.query<{ id: string }>(`DELETE FROM plan_reminders WHERE task_ids <> '{}' AND task_ids <@ ARRAY(${tasks}) RETURNING id`, [planId]);
    await q.query(`UPDATE plan_reminders SET task_ids = ARRAY(SELECT x FROM unnest(task_ids) x WHERE x NOT IN (${tasks})) WHERE task_ids && ARRAY(${tasks})`, [planId]);
    await q.query(`DELETE FROM plan_task_units WHERE task_id IN (${tasks})`, [planId]);
    await q.query('DELETE FROM plan_tasks WHERE plan_id = $1', [planId]);
    await q.query('DELETE FROM plans WHERE id = $1', [planId]);
    const counts = { tasks: c.tasks, targets, reviews: c.reviews, reminders: gone.length };
    await history(q, p, planId, null, 'plan.withdraw', { title: pl.title, ...counts });
    await writeAudit(q, actorOf(p, p.ip), { action: 'plan.withdraw', outcome: 'ok', recordType: 'plan', recordId: planId, details: { title: pl.title, regionCode: pl.region_code, ...counts } });
    return { id: planId, ...counts };
  });
}

// ---- the ledger ----

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
  const w = visible(v, 1);
  const rows = await db.query<{ id: string; title: string; issuer: string | null; doc_number: string | null; issued_on: string | null; region_code: string | null; created_at: Date; tasks: number; done: number; overdue: number }>(
    `SELECT pl.id, pl.title, pl.issuer, pl.doc_number, pl.issued_on, pl.region_code, pl.created_at,
            count(t.id)::int AS tasks, count(t.id) FILTER (WHERE t.status = 'done')::int AS done,
            count(t.id) FILTER (WHERE t.status <> 'done' AND t.deadline < current_date)::int AS overdue
       FROM plans pl JOIN plan_tasks t ON t.plan_id = pl.id WHERE ${w.sql} GROUP BY pl.id ORDER BY pl.created_at DESC`, w.params);
  return rows.map((r) => ({ id: r.id, title: r.title, issuer: r.issuer, docNumber: r.doc_number, issuedOn: r.issued_on, regionCode: r.region_code, createdAt: r.created_at.toISOString(), tasks: r.tasks, done: r.done, overdue: r.overdue }));
}

// The latest value the indicators module has stored for each (indicator, locality), read through its
// table when it exists; its column names are read from the catalogue, so no code is shared.
async function loadTasks(q: Queryable, v: Viewer, where: string, params: unknown[]): Promise<LedgerTask[]> {
  const w = visible(v, params.length + 1);
  const rows = await q.query<{ id: string; plan_id: string; plan_title: string; position: number; path: string[]; number: string; title: string; deadline: string | null; status: 'not_started' | 'in_progress' | 'done'; percent_done: number; lagging: boolean; version: number }>(
    `SELECT t.id, t.plan_id, pl.title AS plan_title, t.position, t.path, t.number, t.title, t.deadline, t.status, t.percent_done, t.lagging, t.version
       FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id WHERE ${where} AND ${w.sql} ORDER BY pl.created_at DESC, t.position`, [...params, ...w.params]);
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [units, targets, reports] = await Promise.all([
    q.query<{ task_id: string; unit_id: string; name: string; printed: string; role: UnitRole }>(
      'SELECT tu.task_id, tu.unit_id, u.name, tu.printed, tu.role FROM plan_task_units tu JOIN gov_units u ON u.id = tu.unit_id WHERE tu.task_id = ANY($1::uuid[]) ORDER BY tu.task_id, tu.position', [ids]),
    targetsOfTasks(q, ids),
    // The latest report that is the task's progress: a cooperating unit's note is not.
    q.query<{ id: string; task_id: string; quarter: string; body: string; percent_done: number; unit_name: string; created_at: Date }>(
      `SELECT DISTINCT ON (r.task_id) r.id, r.task_id, r.quarter, r.body, r.percent_done, u.name AS unit_name, r.created_at
         FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id WHERE r.task_id = ANY($1::uuid[]) AND NOT r.cooperating ORDER BY r.task_id, r.created_at DESC`, [ids]),
  ]);
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
  const cond: string[] = ['true'];
  const params: unknown[] = [];
  if (f.planId) { params.push(f.planId); cond.push(`t.plan_id = $${params.length}`); }
  if (f.unitId) { params.push(f.unitId); cond.push(`EXISTS (SELECT 1 FROM plan_task_units fu WHERE fu.task_id = t.id AND fu.unit_id = $${params.length})`); }
  if (f.lagging !== undefined) { params.push(f.lagging); cond.push(`t.lagging = $${params.length}`); }
  if (f.status === 'overdue') cond.push("t.status <> 'done' AND t.deadline < current_date");
  else if (f.status) { params.push(f.status); cond.push(`t.status = $${params.length} AND NOT (t.status <> 'done' AND t.deadline IS NOT NULL AND t.deadline < current_date)`); }
  return loadTasks(db, v, cond.join(' AND '), params);
}

/** One task with its reports (and their attachments' names), reviews and history; 404 outside the caller's view. */
export async function taskDetail(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  const [task] = await loadTasks(db, v, 't.id = $1', [id]);
  if (!task) throw notFound(TASK);
  const [reports, files, reviews, hist, pl] = await Promise.all([
    db.query<{ id: string; quarter: string; body: string; percent_done: number | null; cooperating: boolean; unit_name: string; username: string; created_at: Date }>(
      'SELECT r.id, r.quarter, r.body, r.percent_done, r.cooperating, u.name AS unit_name, us.username, r.created_at FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id JOIN users us ON us.id = r.created_by WHERE r.task_id = $1 ORDER BY r.created_at DESC', [id]),
    db.query<{ id: string; report_id: string; file_name: string; media_type: string; size_bytes: number }>(
      'SELECT a.id, a.report_id, a.file_name, a.media_type, a.size_bytes FROM plan_report_attachments a JOIN plan_task_reports r ON r.id = a.report_id WHERE r.task_id = $1 ORDER BY a.created_at', [id]),
    db.query<{ id: string; comment: string; lagging: boolean; username: string; created_at: Date; report_id: string | null }>(
      'SELECT v.id, v.comment, v.lagging, us.username, v.created_at, v.report_id FROM plan_task_reviews v JOIN users us ON us.id = v.created_by WHERE v.task_id = $1 ORDER BY v.created_at DESC', [id]),
    db.query<{ id: number; action: string; changes: Record<string, unknown>; username: string | null; at: Date }>('SELECT id, action, changes, username, at FROM plan_history WHERE task_id = $1 ORDER BY id DESC', [id]),
    db.query<{ body: string }>('SELECT body FROM plan_tasks WHERE id = $1', [id]),
  ]);
  return {
    task, text: pl[0]?.body ?? '', canReport: await canReport(db, v, id), canNote: await canNote(db, v, id), canReview: p.role === 'officer',
    reports: reports.map((r) => ({ id: r.id, quarter: r.quarter, body: r.body, percentDone: r.percent_done, cooperating: r.cooperating, unitName: r.unit_name, username: r.username, at: r.created_at.toISOString(),
      attachments: files.filter((f) => f.report_id === r.id).map((f) => ({ id: f.id, fileName: f.file_name, mediaType: f.media_type, size: f.size_bytes })) })),
    reviews: reviews.map((r) => ({ id: r.id, comment: r.comment, lagging: r.lagging, username: r.username, at: r.created_at.toISOString(), reportId: r.report_id })),
    history: hist.map((h) => ({ id: Number(h.id), action: h.action, changes: h.changes, username: h.username, at: h.at.toISOString() })),
  };
}

async function canReport(q: Queryable, v: Viewer, taskId: string): Promise<boolean> {
  if (v.p.role !== 'department' || !v.unitId) return false;
  return (await q.query("SELECT 1 FROM plan_task_units WHERE task_id = $1 AND unit_id = $2 AND role IN ('lead','responsible')", [taskId, v.unitId])).length > 0;
}

async function canNote(q: Queryable, v: Viewer, taskId: string): Promise<boolean> {
  if (v.p.role !== 'department' || !v.unitId) return false;
  return (await q.query("SELECT 1 FROM plan_task_units WHERE task_id = $1 AND unit_id = $2 AND role = 'cooperating'", [taskId, v.unitId])).length > 0;
}

/** An attachment's bytes, for a caller who may see its task. */
export async function attachment(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  const w = visible(v, 2);
  const [a] = await db.query<{ file_name: string; media_type: string; content: Uint8Array; task_id: string }>(
    `SELECT a.file_name, a.media_type, a.content, r.task_id FROM plan_report_attachments a JOIN plan_task_reports r ON r.id = a.report_id JOIN plan_tasks t ON t.id = r.task_id JOIN plans pl ON pl.id = t.plan_id
      WHERE a.id = $1 AND ${w.sql}`, [id, ...w.params]);
  if (!a) throw notFound({ zh: '附件', en: 'Attachment' });
  return { fileName: a.file_name, mediaType: a.media_type, content: Buffer.from(a.content) };
}

export interface ReportInput { body: string; percentDone: number; done?: boolean; attachments?: { fileName: string; mediaType: string; contentBase64: string }[] }

// A report's or note's text and files, decoded, with their problems.
function reportFiles(input: { body: string; attachments?: ReportInput['attachments'] }) {
  const files = (input.attachments ?? []).map((a) => ({ ...a, bytes: Buffer.from(a.contentBase64, 'base64') }));
  const fields: FieldProblem[] = [];
  if (!input.body.trim()) fields.push({ path: 'body', problem: 'required / 必填' });
  if (files.length > ATTACHMENTS_PER_REPORT) fields.push({ path: 'attachments', problem: `at most ${ATTACHMENTS_PER_REPORT} files / 最多 ${ATTACHMENTS_PER_REPORT} 个附件` });
  files.forEach((f, i) => fields.push(...attachmentProblems({ fileName: f.fileName, mediaType: f.mediaType, size: f.bytes.length }, `attachments.${i}`)));
  return { files, fields };
}

async function saveAttachments(q: Queryable, reportId: string, files: { fileName: string; mediaType: string; bytes: Buffer }[]): Promise<void> {
  for (const f of files) {
    await q.query('INSERT INTO plan_report_attachments (report_id, file_name, media_type, size_bytes, content) VALUES ($1,$2,$3,$4,$5)', [reportId, f.fileName, f.mediaType, f.bytes.length, f.bytes]);
  }
}

/** A department reports progress on one of its own unit's tasks for the current quarter; the task's status and percent follow. */
export async function reportProgress(db: Db, p: Principal, taskId: string, input: ReportInput) {
  const v = await viewerOf(db, p);
  const { files, fields } = reportFiles(input);
  return db.tx(async (q) => {
    const w = visible(v, 2);
    const [t] = await q.query<{ plan_id: string; status: string; percent_done: number; version: number }>(
      `SELECT t.plan_id, t.status, t.percent_done, t.version FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id WHERE t.id = $1 AND ${w.sql} FOR UPDATE OF t`, [taskId, ...w.params]);
    if (!t) throw notFound(TASK);
    if (!(await canReport(q, v, taskId))) throw forbidden({ zh: '只有本任务的牵头或责任单位可以报送进展', en: 'Only the task\'s lead or responsible units report progress' });
    if (fields.length) throw invalid(fields);
    const quarter = quarterOf(today());
    const [r] = await q.query<{ id: string }>('INSERT INTO plan_task_reports (task_id, unit_id, quarter, body, percent_done, created_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id',
      [taskId, v.unitId, quarter, input.body.trim(), input.percentDone, p.userId]);
    await saveAttachments(q, r.id, files);
    const status = statusFromReport(input.percentDone, input.done ?? false);
    const percent = status === 'done' ? 100 : input.percentDone;
    await q.query('UPDATE plan_tasks SET status = $2, percent_done = $3, version = version + 1, updated_at = now() WHERE id = $1', [taskId, status, percent]);
    await history(q, p, t.plan_id, taskId, 'task.report', { quarter, percentDone: [t.percent_done, percent], status: [t.status, status], attachments: files.map((f) => f.fileName) });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.report', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { reportId: r.id, quarter, percent, files: files.length } });
    return { id: r.id, quarter, status, percentDone: percent };
  });
}

/**
 * A cooperating unit (配合单位) adds a progress note to a task it supports, for the current quarter:
 * shown among the task's reports and in its history, marked as cooperating. It changes neither the
 * task's percent done nor its status (nor its version: an edit in progress is not made stale by it);
 * the lead and responsible units' reports keep driving those.
 */
export async function addCooperatingNote(db: Db, p: Principal, taskId: string, input: { body: string; attachments?: ReportInput['attachments'] }) {
  const v = await viewerOf(db, p);
  const { files, fields } = reportFiles(input);
  return db.tx(async (q) => {
    const w = visible(v, 2);
    const [t] = await q.query<{ plan_id: string }>(`SELECT t.plan_id FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id WHERE t.id = $1 AND ${w.sql} FOR SHARE OF t`, [taskId, ...w.params]);
    if (!t) throw notFound(TASK);
    if (!(await canNote(q, v, taskId))) throw forbidden({ zh: '只有本任务的配合单位可以添加配合进展；牵头或责任单位请报送进展', en: 'Only the task\'s cooperating units add cooperation notes; lead and responsible units report progress' });
    if (fields.length) throw invalid(fields);
    const quarter = quarterOf(today());
    const [r] = await q.query<{ id: string }>('INSERT INTO plan_task_reports (task_id, unit_id, quarter, body, percent_done, cooperating, created_by) VALUES ($1,$2,$3,$4,NULL,true,$5) RETURNING id',
      [taskId, v.unitId, quarter, input.body.trim(), p.userId]);
    await saveAttachments(q, r.id, files);
    await history(q, p, t.plan_id, taskId, 'task.note', { quarter, cooperating: true, attachments: files.map((f) => f.fileName) });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.note', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { reportId: r.id, quarter, files: files.length } });
    return { id: r.id, quarter };
  });
}

/** The cooperating units' notes of a quarter on the given tasks (already filtered to those the caller sees), in the tasks' order. */
export async function cooperationNotes(db: Db, quarter: string, tasks: LedgerTask[]) {
  if (!tasks.length) return [];
  const rows = await db.query<{ task_id: string; unit_name: string; body: string }>(
    'SELECT r.task_id, u.name AS unit_name, r.body FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id WHERE r.cooperating AND r.quarter = $1 AND r.task_id = ANY($2::uuid[]) ORDER BY r.created_at',
    [quarter, tasks.map((t) => t.id)]);
  return tasks.flatMap((t) => rows.filter((r) => r.task_id === t.id).map((r) => ({ number: t.number, title: t.title, unitName: r.unit_name, body: r.body })));
}

/** The commission reviews a task: a comment, and marks it lagging (or clears the mark). */
export async function reviewTask(db: Db, p: Principal, taskId: string, input: { comment: string; lagging: boolean; reportId?: string }) {
  const v = await viewerOf(db, p);
  if (!input.comment.trim()) throw invalid([{ path: 'comment', problem: 'required / 必填' }]);
  return db.tx(async (q) => {
    const w = visible(v, 2);
    const [t] = await q.query<{ plan_id: string; lagging: boolean }>(`SELECT t.plan_id, t.lagging FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id WHERE t.id = $1 AND ${w.sql} FOR UPDATE OF t`, [taskId, ...w.params]);
    if (!t) throw notFound(TASK);
    if (input.reportId && !(await q.query('SELECT 1 FROM plan_task_reports WHERE id = $1 AND task_id = $2', [input.reportId, taskId])).length) throw invalid([{ path: 'reportId', problem: 'not a report of this task / 非本任务的报送' }]);
    const [r] = await q.query<{ id: string }>('INSERT INTO plan_task_reviews (task_id, report_id, comment, lagging, created_by) VALUES ($1,$2,$3,$4,$5) RETURNING id', [taskId, input.reportId ?? null, input.comment.trim(), input.lagging, p.userId]);
    await q.query('UPDATE plan_tasks SET lagging = $2, version = version + 1, updated_at = now() WHERE id = $1', [taskId, input.lagging]);
    await history(q, p, t.plan_id, taskId, 'task.review', { comment: input.comment.trim(), lagging: [t.lagging, input.lagging] });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.review', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { lagging: input.lagging } });
    return { id: r.id };
  });
}

/** The commission edits a task (title, deadline, status), with the version it read. */
export async function updateTask(db: Db, p: Principal, taskId: string, input: { version: number; title?: string; deadline?: string | null; status?: 'not_started' | 'in_progress' | 'done' }) {
  const v = await viewerOf(db, p);
  if (input.title !== undefined && !input.title.trim()) throw invalid([{ path: 'title', problem: 'required / 必填' }]);
  return db.tx(async (q) => {
    const w = visible(v, 2);
    const [t] = await q.query<{ plan_id: string; title: string; deadline: string | null; status: string; version: number }>(
      `SELECT t.plan_id, t.title, t.deadline, t.status, t.version FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id WHERE t.id = $1 AND ${w.sql} FOR UPDATE OF t`, [taskId, ...w.params]);
    if (!t) throw notFound(TASK);
    if (t.version !== input.version) throw stale(t.version);
    const changes: Record<string, [unknown, unknown]> = {};
    if (input.title !== undefined && input.title.trim() !== t.title) changes.title = [t.title, input.title.trim()];
    if (input.deadline !== undefined && input.deadline !== t.deadline) changes.deadline = [t.deadline, input.deadline];
    if (input.status !== undefined && input.status !== t.status) changes.status = [t.status, input.status];
    if (!Object.keys(changes).length) return { version: t.version };
    const [u] = await q.query<{ version: number }>(
      `UPDATE plan_tasks SET title = COALESCE($2, title), deadline = CASE WHEN $3::boolean THEN $4::date ELSE deadline END, status = COALESCE($5, status),
              percent_done = CASE WHEN $5 = 'done' THEN 100 ELSE percent_done END, version = version + 1, updated_at = now() WHERE id = $1 RETURNING version`,
      [taskId, changes.title ? input.title!.trim() : null, 'deadline' in changes, input.deadline ?? null, changes.status ? input.status : null]);
    await history(q, p, t.plan_id, taskId, 'task.edit', changes);
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.task_edit', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { fields: Object.keys(changes) } });
    return { version: u.version };
  });
}

// ---- supervision ----

/** For a quarter: overdue tasks, lagging tasks, and the responsible units that have not reported on each of their open tasks. */
export async function supervision(db: Db, p: Principal, quarter = quarterOf(today())) {
  const v = await viewerOf(db, p);
  const w = visible(v, 2);
  const { to } = quarterBounds(quarter);
  const overdue = await loadTasks(db, v, "t.status <> 'done' AND t.deadline < current_date", []);
  const lagging = await loadTasks(db, v, 't.lagging', []);
  const rows = await db.query<{ unit_id: string; name: string; task_id: string; number: string; title: string; plan_title: string }>(
    `SELECT u.id AS unit_id, u.name, t.id AS task_id, t.number, t.title, pl.title AS plan_title
       FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id JOIN plan_task_units tu ON tu.task_id = t.id AND tu.role IN ('lead','responsible') JOIN gov_units u ON u.id = tu.unit_id
      WHERE t.status <> 'done' AND t.created_at::date <= $1::date AND ${w.sql}
        AND NOT EXISTS (SELECT 1 FROM plan_task_reports r WHERE r.task_id = t.id AND r.unit_id = u.id AND NOT r.cooperating AND r.quarter = $${w.params.length + 2})
      ORDER BY u.name, pl.title, t.position`, [to, ...w.params, quarter]);
  const notReported = new Map<string, { unitId: string; unitName: string; tasks: { id: string; number: string; title: string; planTitle: string }[] }>();
  for (const r of rows) {
    const e = notReported.get(r.unit_id) ?? { unitId: r.unit_id, unitName: r.name, tasks: [] };
    e.tasks.push({ id: r.task_id, number: r.number, title: r.title, planTitle: r.plan_title });
    notReported.set(r.unit_id, e);
  }
  const reminders = await remindersFor(db, v, quarter);
  return { quarter, overdue, lagging, notReported: [...notReported.values()], reminders };
}

async function remindersFor(q: Queryable, v: Viewer, quarter: string | null) {
  const params: unknown[] = [];
  const cond: string[] = [];
  if (v.unitId) { params.push(v.unitId); cond.push(`m.unit_id = $${params.length}`); }
  else if (v.prefix) { params.push(v.prefix + '%'); cond.push(`(u.region_code IS NULL OR u.region_code LIKE $${params.length})`); }
  if (quarter) { params.push(quarter); cond.push(`m.quarter = $${params.length}`); }
  const rows = await q.query<{ id: string; unit_id: string; name: string; quarter: string; reason: string; task_ids: string[]; message: string; by: string; created_at: Date; acknowledged_at: Date | null }>(
    `SELECT m.id, m.unit_id, u.name, m.quarter, m.reason, m.task_ids, m.message, us.username AS by, m.created_at, m.acknowledged_at
       FROM plan_reminders m JOIN gov_units u ON u.id = m.unit_id JOIN users us ON us.id = m.created_by ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY m.created_at DESC LIMIT 200`, params);
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, unitName: r.name, quarter: r.quarter, reason: r.reason as 'overdue' | 'not_reported' | 'lagging', taskIds: r.task_ids, message: r.message, by: r.by, at: r.created_at.toISOString(), acknowledgedAt: r.acknowledged_at?.toISOString() ?? null }));
}

/** Sends reminders (督办提醒) for a quarter to the listed units — or to every unit in supervision — naming their overdue, lagging and unreported tasks. */
export async function sendReminders(db: Db, p: Principal, input: { quarter?: string; unitIds?: string[]; message?: string }) {
  const s = await supervision(db, p, input.quarter);
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
  const chosen = items.filter((i) => !want || want.has(i.unit));
  if (want) {
    const bad = [...want].filter((u) => !items.some((i) => i.unit === u));
    if (bad.length) throw invalid(bad.map((u) => ({ path: 'unitIds', problem: `unit ${u} is not in supervision this quarter / 该单位本季度无督办事项` })));
  }
  if (!chosen.length) return { sent: 0 };
  await db.tx(async (q) => {
    await q.query(`INSERT INTO plan_reminders (unit_id, quarter, reason, task_ids, message, created_by)
                   SELECT x.u, $1, x.r, string_to_array(x.t, ',')::uuid[], x.m, $2 FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS x(u, r, t, m)`,
      [s.quarter, p.userId, chosen.map((c) => c.unit), chosen.map((c) => c.reason), chosen.map((c) => c.tasks.join(',')), chosen.map((c) => (input.message?.trim() ? `${input.message.trim()}（${c.text}）` : c.text))]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.remind', outcome: 'ok', recordType: 'plan_reminder', details: { quarter: s.quarter, reminders: chosen.length } });
  });
  return { sent: chosen.length };
}

/** The caller's reminders (a department: its unit's). */
export async function listReminders(db: Db, p: Principal) {
  return remindersFor(db, await viewerOf(db, p), null);
}

/** A department acknowledges a reminder to its unit. */
export async function acknowledgeReminder(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  await db.tx(async (q) => {
    const rows = await q.query('UPDATE plan_reminders SET acknowledged_by = $3, acknowledged_at = now() WHERE id = $1 AND unit_id = $2 AND acknowledged_at IS NULL RETURNING id', [id, v.unitId, p.userId]);
    if (!rows.length) throw notFound({ zh: '提醒', en: 'Reminder' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.reminder_ack', outcome: 'ok', recordType: 'plan_reminder', recordId: id });
  });
}

// ---- units ----

/** The unit a name or alias names (compared canonically: 区医保局 finds 区医疗保障局), within a region where given. */
export async function findUnit(q: Queryable, name: string, regionCode: string | null): Promise<UnitRecord | null> {
  const units = await q.query<UnitRecord>('SELECT id, name, aliases FROM gov_units WHERE active AND ($1::text IS NULL OR region_code IS NULL OR region_code LIKE $1 || \'%\')', [regionCode ? regionPrefix(regionCode) : null]);
  return resolveUnit(name.trim(), units);
}

/** Departments (units) of the caller's region with their aliases and task counts. */
export async function listUnits(db: Db, p: Principal) {
  const v = await viewerOf(db, p);
  const rows = await db.query<{ id: string; name: string; aliases: string[]; region_code: string | null; tasks: number; users: number }>(
    `SELECT u.id, u.name, u.aliases, u.region_code, (SELECT count(*) FROM plan_task_units tu WHERE tu.unit_id = u.id)::int AS tasks, (SELECT count(*) FROM users us WHERE us.unit_id = u.id)::int AS users
       FROM gov_units u WHERE u.active ${v.unitId ? 'AND u.id = $1' : v.prefix ? 'AND (u.region_code IS NULL OR u.region_code LIKE $1)' : ''} ORDER BY u.name`,
    v.unitId ? [v.unitId] : v.prefix ? [v.prefix + '%'] : []);
  return rows.map((r) => ({ id: r.id, name: r.name, aliases: r.aliases, regionCode: r.region_code, tasks: r.tasks, users: r.users }));
}

/** Creates a unit, or sets a unit's aliases (each alias may name only one unit). */
export async function saveUnit(db: Db, p: Principal, id: string | null, input: { name?: string; aliases: string[]; regionCode?: string | null }) {
  const v = await viewerOf(db, p);
  const aliases = [...new Set(input.aliases.map((a) => a.trim()).filter(Boolean))];
  return db.tx(async (q) => {
    const clash = await q.query<{ name: string; alias: string }>('SELECT name, a AS alias FROM gov_units, unnest(aliases || name) a WHERE a = ANY($1::text[]) AND id IS DISTINCT FROM $2', [aliases, id]);
    if (clash.length) throw conflict('unit.alias_taken', { zh: '别名已属于其他单位', en: 'An alias already names another unit' }, clash.map((c) => ({ path: 'aliases', problem: `${c.alias} → ${c.name}` })));
    if (!id) {
      if (!input.name?.trim()) throw invalid([{ path: 'name', problem: 'required / 必填' }]);
      const region = input.regionCode ?? p.regionCode;
      if (v.prefix && (!region || !region.startsWith(v.prefix))) throw invalid([{ path: 'regionCode', problem: 'outside your region / 超出您的管辖范围' }]);
      const dup = await q.query('SELECT 1 FROM gov_units WHERE name = $1', [input.name.trim()]);
      if (dup.length) throw conflict('unit.name_taken', { zh: '单位已存在', en: 'A unit of that name exists' }, [{ path: 'name', problem: 'taken / 已存在' }]);
      const [u] = await q.query<{ id: string }>('INSERT INTO gov_units (name, aliases, region_code) VALUES ($1,$2,$3) RETURNING id', [input.name.trim(), aliases, region ?? null]);
      await writeAudit(q, actorOf(p, p.ip), { action: 'unit.create', outcome: 'ok', recordType: 'gov_unit', recordId: u.id, details: { name: input.name.trim(), aliases } });
      return { id: u.id };
    }
    const rows = await q.query<{ id: string; before: string[] }>(
      `UPDATE gov_units u SET aliases = $2 FROM (SELECT aliases AS before FROM gov_units WHERE id = $1) o WHERE u.id = $1 ${v.prefix ? 'AND (u.region_code IS NULL OR u.region_code LIKE $3)' : ''} RETURNING u.id, o.before`,
      v.prefix ? [id, aliases, v.prefix + '%'] : [id, aliases]);
    if (!rows.length) throw notFound({ zh: '单位', en: 'Unit' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'unit.aliases', outcome: 'ok', recordType: 'gov_unit', recordId: id, details: { before: rows[0].before, after: aliases } });
    return { id };
  });
}
