// The ledger's SQL: plans, tasks and their units, reports with attachments and cooperating notes,
// reviews, reminders, history, department units. Typed rows in and out; every statement a literal.
// What a caller may see is a pair of parameters on every read of tasks (`Seen`): a department's unit
// (its tasks only), or a region prefix (the commission's plans), or neither (a system administrator).
import type { Queryable } from '../../platform/db.ts';
import type { PlanSection, UnitRecord, UnitRole } from './rules.ts';

/** Who sees which tasks: a unit id (a department), a LIKE pattern of plan regions (the commission), or neither. */
export interface Seen { unitId: string | null; regionLike: string | null }

// ---- users and regions (read) ----

/** The unit a department user is bound to. */
export async function unitOfUser(q: Queryable, userId: string): Promise<string | null> {
  return (await q.query<{ unit_id: string | null }>('SELECT unit_id FROM users WHERE id = $1', [userId]))[0]?.unit_id ?? null;
}

/** A region's name, or undefined when there is no such region. */
export async function regionName(q: Queryable, code: string): Promise<string | undefined> {
  return (await q.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [code]))[0]?.name;
}

// ---- history ----

export async function insertHistory(q: Queryable, h: { planId: string; taskId: string | null; action: string; changes: Record<string, unknown>; userId: string; username: string }): Promise<void> {
  await q.query('INSERT INTO plan_history (plan_id, task_id, action, changes, user_id, username) VALUES ($1,$2,$3,$4,$5,$6)', [h.planId, h.taskId, h.action, JSON.stringify(h.changes), h.userId, h.username]);
}

// ---- units ----

/** Active units of a region (and those of no region); every active unit when the region is null. */
export async function activeUnits(q: Queryable, regionCode: string | null): Promise<UnitRecord[]> {
  return q.query<UnitRecord>('SELECT id, name, aliases FROM gov_units WHERE active AND (region_code IS NULL OR $1::text IS NULL OR region_code = $1) ORDER BY name', [regionCode]);
}

/** Active units under a region prefix (and those of no region); every active unit when the prefix is null. */
export async function activeUnitsUnder(q: Queryable, prefix: string | null): Promise<UnitRecord[]> {
  return q.query<UnitRecord>('SELECT id, name, aliases FROM gov_units WHERE active AND ($1::text IS NULL OR region_code IS NULL OR region_code LIKE $1 || \'%\')', [prefix]);
}

/** The region of the unit of that exact name, if one exists. */
export async function unitNamed(q: Queryable, name: string): Promise<{ region_code: string | null } | undefined> {
  return (await q.query<{ region_code: string | null }>('SELECT region_code FROM gov_units WHERE name = $1', [name]))[0];
}

/** Creates a unit of a region (or reactivates the one of that name). */
export async function upsertUnit(q: Queryable, name: string, regionCode: string): Promise<string> {
  const [row] = await q.query<{ id: string }>('INSERT INTO gov_units (name, region_code) VALUES ($1,$2) ON CONFLICT (name) DO UPDATE SET active = true RETURNING id', [name, regionCode]);
  return row.id;
}

/** Creates units with their aliases, leaving any of the same name as they are (the demo county's departments). */
export async function insertUnitsIfMissing(q: Queryable, regionCode: string, units: { name: string; aliases: string[] }[]): Promise<void> {
  await q.query(`INSERT INTO gov_units (name, aliases, region_code) SELECT x.n, string_to_array(x.a, '|'), $1 FROM unnest($2::text[], $3::text[]) AS x(n, a) ON CONFLICT (name) DO NOTHING`,
    [regionCode, units.map((u) => u.name), units.map((u) => u.aliases.join('|'))]);
}

export interface UnitListRow { id: string; name: string; aliases: string[]; region_code: string | null; tasks: number; users: number }

/** The units a viewer sees (a department: its own), with their task and user counts. */
export async function unitsSeen(q: Queryable, s: Seen): Promise<UnitListRow[]> {
  return q.query<UnitListRow>(
    `SELECT u.id, u.name, u.aliases, u.region_code, (SELECT count(*) FROM plan_task_units tu WHERE tu.unit_id = u.id)::int AS tasks, (SELECT count(*) FROM users us WHERE us.unit_id = u.id)::int AS users
       FROM gov_units u WHERE u.active AND ($1::uuid IS NULL OR u.id = $1) AND ($2::text IS NULL OR u.region_code IS NULL OR u.region_code LIKE $2) ORDER BY u.name`, [s.unitId, s.regionLike]);
}

/** Names or aliases among `aliases` that already name a unit other than `id`. */
export async function aliasClashes(q: Queryable, aliases: string[], id: string | null): Promise<{ name: string; alias: string }[]> {
  return q.query<{ name: string; alias: string }>('SELECT name, a AS alias FROM gov_units, unnest(aliases || name) a WHERE a = ANY($1::text[]) AND id IS DISTINCT FROM $2', [aliases, id]);
}

/** Creates a unit with its aliases. */
export async function insertUnit(q: Queryable, name: string, aliases: string[], regionCode: string | null): Promise<string> {
  return (await q.query<{ id: string }>('INSERT INTO gov_units (name, aliases, region_code) VALUES ($1,$2,$3) RETURNING id', [name, aliases, regionCode]))[0].id;
}

/** Sets a unit's aliases (within a region pattern, when given); returns the aliases before, or undefined when no such unit is seen. */
export async function setAliases(q: Queryable, id: string, aliases: string[], regionLike: string | null): Promise<string[] | undefined> {
  const rows = await q.query<{ before: string[] }>(
    `UPDATE gov_units u SET aliases = $2 FROM (SELECT aliases AS before FROM gov_units WHERE id = $1) o WHERE u.id = $1 AND ($3::text IS NULL OR u.region_code IS NULL OR u.region_code LIKE $3) RETURNING o.before`,
    [id, aliases, regionLike]);
  return rows[0]?.before;
}

// ---- plans and tasks ----

export async function insertPlan(q: Queryable, p: { title: string; issuer: string | null; docNumber: string | null; issuedOn: string | null; regionCode: string; sourceName: string | null; userId: string; sections: PlanSection[] }): Promise<string> {
  const [pl] = await q.query<{ id: string }>('INSERT INTO plans (title, issuer, doc_number, issued_on, region_code, source_name, created_by, sections) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb) RETURNING id',
    [p.title, p.issuer, p.docNumber, p.issuedOn, p.regionCode, p.sourceName, p.userId, JSON.stringify(p.sections)]);
  return pl.id;
}

/** The section headings of the given plans (their titles above the tasks). */
export async function sectionsOfPlans(q: Queryable, ids: string[]): Promise<{ id: string; sections: PlanSection[] }[]> {
  return q.query<{ id: string; sections: PlanSection[] }>('SELECT id, sections FROM plans WHERE id = ANY($1::uuid[])', [ids]);
}

export interface TaskWrite { position: number; path: string[]; number: string; title: string; body: string; deadline: string | null }

/** A plan's tasks in one statement; returns their ids by position. */
export async function insertTasks(q: Queryable, planId: string, tasks: TaskWrite[]): Promise<{ id: string; position: number }[]> {
  return q.query<{ id: string; position: number }>(
    `INSERT INTO plan_tasks (plan_id, position, path, number, title, body, deadline)
     SELECT $1, x.pos, string_to_array(x.path, chr(31)), x.number, x.title, x.body, x.deadline::date
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(pos, path, number, title, body, deadline)
     RETURNING id, position`,
    [planId, tasks.map((t) => t.position), tasks.map((t) => t.path.join('\u001f')), tasks.map((t) => t.number), tasks.map((t) => t.title), tasks.map((t) => t.body), tasks.map((t) => t.deadline)]);
}

export interface TaskUnitWrite { task: string; unit: string; role: UnitRole; printed: string; pos: number }

/** The units of tasks in one statement. */
export async function insertTaskUnits(q: Queryable, rows: TaskUnitWrite[]): Promise<void> {
  await q.query(`INSERT INTO plan_task_units (task_id, unit_id, role, printed, position) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[])`,
    [rows.map((x) => x.task), rows.map((x) => x.unit), rows.map((x) => x.role), rows.map((x) => x.printed), rows.map((x) => x.pos)]);
}

/** A plan within a region pattern (when given), locked. */
export async function lockPlan(q: Queryable, planId: string, regionLike: string | null): Promise<{ id: string; title: string; region_code: string | null } | undefined> {
  return (await q.query<{ id: string; title: string; region_code: string | null }>(
    'SELECT id, title, region_code FROM plans WHERE id = $1 AND ($2::text IS NULL OR region_code LIKE $2) FOR UPDATE', [planId, regionLike]))[0];
}

/** Locks a plan's tasks (a report in flight either lands before a count, or finds its task gone). */
export async function lockPlanTasks(q: Queryable, planId: string): Promise<void> {
  await q.query('SELECT id FROM plan_tasks WHERE plan_id = $1 FOR UPDATE', [planId]);
}

/** A plan's tasks, the reports on them, and the commission's reviews of them. */
export async function planCounts(q: Queryable, planId: string): Promise<{ tasks: number; reports: number; reviews: number }> {
  const [c] = await q.query<{ tasks: number; reports: number; reviews: number }>(
    `SELECT (SELECT count(*) FROM plan_tasks WHERE plan_id = $1)::int AS tasks,
            (SELECT count(*) FROM plan_task_reports r JOIN plan_tasks t ON t.id = r.task_id WHERE t.plan_id = $1)::int AS reports,
            (SELECT count(*) FROM plan_task_reviews v JOIN plan_tasks t ON t.id = v.task_id WHERE t.plan_id = $1)::int AS reviews`, [planId]);
  return c;
}

/** Deletes a plan with its reviews, task units and tasks; reminders only about its tasks go, others lose those ids. Returns the reminders deleted. */
export async function deletePlan(q: Queryable, planId: string): Promise<number> {
  await q.query('DELETE FROM plan_task_reviews WHERE task_id IN (SELECT id FROM plan_tasks WHERE plan_id = $1)', [planId]);
  const gone = await q.query<{ id: string }>(`DELETE FROM plan_reminders WHERE task_ids <> '{}' AND task_ids <@ ARRAY(SELECT id FROM plan_tasks WHERE plan_id = $1) RETURNING id`, [planId]);
  await q.query(`UPDATE plan_reminders SET task_ids = ARRAY(SELECT x FROM unnest(task_ids) x WHERE x NOT IN (SELECT id FROM plan_tasks WHERE plan_id = $1))
                  WHERE task_ids && ARRAY(SELECT id FROM plan_tasks WHERE plan_id = $1)`, [planId]);
  await q.query('DELETE FROM plan_task_units WHERE task_id IN (SELECT id FROM plan_tasks WHERE plan_id = $1)', [planId]);
  await q.query('DELETE FROM plan_tasks WHERE plan_id = $1', [planId]);
  await q.query('DELETE FROM plans WHERE id = $1', [planId]);
  return gone.length;
}

export interface PlanListRow { id: string; title: string; issuer: string | null; doc_number: string | null; issued_on: string | null; region_code: string | null; created_at: Date; tasks: number; done: number; overdue: number }

/** The plans with tasks the viewer sees, with counts by status. */
export async function plansSeen(q: Queryable, s: Seen): Promise<PlanListRow[]> {
  return q.query<PlanListRow>(
    `SELECT pl.id, pl.title, pl.issuer, pl.doc_number, pl.issued_on, pl.region_code, pl.created_at,
            count(t.id)::int AS tasks, count(t.id) FILTER (WHERE t.status = 'done')::int AS done,
            count(t.id) FILTER (WHERE t.status <> 'done' AND t.deadline < current_date)::int AS overdue
       FROM plans pl JOIN plan_tasks t ON t.plan_id = pl.id
      WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $1)) AND ($2::text IS NULL OR pl.region_code LIKE $2)
      GROUP BY pl.id ORDER BY pl.created_at DESC`, [s.unitId, s.regionLike]);
}

export interface TaskRow { id: string; plan_id: string; plan_title: string; position: number; path: string[]; number: string; title: string; deadline: string | null; status: 'not_started' | 'in_progress' | 'done'; percent_done: number; lagging: boolean; version: number }

/** Which tasks: one by id, a plan's, a unit's, lagging or not, by status ('overdue': open past its deadline). */
export interface TaskFilterRow { id?: string; planId?: string; unitId?: string; lagging?: boolean; status?: 'not_started' | 'in_progress' | 'done' | 'overdue' }

/** The tasks the viewer sees that pass the filter, newest plan first, in plan order. */
export async function tasksSeen(q: Queryable, s: Seen, f: TaskFilterRow): Promise<TaskRow[]> {
  return q.query<TaskRow>(
    `SELECT t.id, t.plan_id, pl.title AS plan_title, t.position, t.path, t.number, t.title, t.deadline, t.status, t.percent_done, t.lagging, t.version
       FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id
      WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $1)) AND ($2::text IS NULL OR pl.region_code LIKE $2)
        AND ($3::uuid IS NULL OR t.id = $3) AND ($4::uuid IS NULL OR t.plan_id = $4)
        AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units fu WHERE fu.task_id = t.id AND fu.unit_id = $5))
        AND ($6::boolean IS NULL OR t.lagging = $6)
        AND CASE WHEN $7::text IS NULL THEN true
                 WHEN $7 = 'overdue' THEN t.status <> 'done' AND t.deadline < current_date
                 ELSE t.status = $7 AND NOT (t.status <> 'done' AND t.deadline IS NOT NULL AND t.deadline < current_date) END
      ORDER BY pl.created_at DESC, t.position`,
    [s.unitId, s.regionLike, f.id ?? null, f.planId ?? null, f.unitId ?? null, f.lagging ?? null, f.status ?? null]);
}

export interface TaskUnitRow { task_id: string; unit_id: string; name: string; printed: string; role: UnitRole }

export async function unitsOfTasks(q: Queryable, ids: string[]): Promise<TaskUnitRow[]> {
  return q.query<TaskUnitRow>('SELECT tu.task_id, tu.unit_id, u.name, tu.printed, tu.role FROM plan_task_units tu JOIN gov_units u ON u.id = tu.unit_id WHERE tu.task_id = ANY($1::uuid[]) ORDER BY tu.task_id, tu.position', [ids]);
}

export interface LatestReportRow { id: string; task_id: string; quarter: string; body: string; percent_done: number; unit_name: string; created_at: Date }

/** The latest report of each task that is its progress (a cooperating unit's note is not). */
export async function latestReports(q: Queryable, ids: string[]): Promise<LatestReportRow[]> {
  return q.query<LatestReportRow>(
    `SELECT DISTINCT ON (r.task_id) r.id, r.task_id, r.quarter, r.body, r.percent_done, u.name AS unit_name, r.created_at
       FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id WHERE r.task_id = ANY($1::uuid[]) AND NOT r.cooperating ORDER BY r.task_id, r.created_at DESC`, [ids]);
}

export interface LockedTaskRow { plan_id: string; title: string; deadline: string | null; status: 'not_started' | 'in_progress' | 'done'; percent_done: number; lagging: boolean; version: number }

/** A task the viewer sees, locked for an edit, a report or a review. */
export async function lockTaskSeen(q: Queryable, taskId: string, s: Seen): Promise<LockedTaskRow | undefined> {
  return (await q.query<LockedTaskRow>(
    `SELECT t.plan_id, t.title, t.deadline, t.status, t.percent_done, t.lagging, t.version FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id
      WHERE t.id = $1 AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $2)) AND ($3::text IS NULL OR pl.region_code LIKE $3)
      FOR UPDATE OF t`, [taskId, s.unitId, s.regionLike]))[0];
}

/** A task the viewer sees, share-locked (a cooperating note changes nothing of the task, yet must not land on a task being deleted). */
export async function shareTaskSeen(q: Queryable, taskId: string, s: Seen): Promise<{ plan_id: string } | undefined> {
  return (await q.query<{ plan_id: string }>(
    `SELECT t.plan_id FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id
      WHERE t.id = $1 AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $2)) AND ($3::text IS NULL OR pl.region_code LIKE $3)
      FOR SHARE OF t`, [taskId, s.unitId, s.regionLike]))[0];
}

/** The roles a unit holds on a task. */
export async function unitRoles(q: Queryable, taskId: string, unitId: string): Promise<UnitRole[]> {
  return (await q.query<{ role: UnitRole }>('SELECT role FROM plan_task_units WHERE task_id = $1 AND unit_id = $2', [taskId, unitId])).map((r) => r.role);
}

export async function setTaskProgress(q: Queryable, taskId: string, status: string, percent: number): Promise<void> {
  await q.query('UPDATE plan_tasks SET status = $2, percent_done = $3, version = version + 1, updated_at = now() WHERE id = $1', [taskId, status, percent]);
}

export async function setTaskLagging(q: Queryable, taskId: string, lagging: boolean): Promise<void> {
  await q.query('UPDATE plan_tasks SET lagging = $2, version = version + 1, updated_at = now() WHERE id = $1', [taskId, lagging]);
}

/** Edits a task's title, deadline and status (null: unchanged; the deadline when `setDeadline`); returns the new version. */
export async function updateTaskFields(q: Queryable, taskId: string, o: { title: string | null; setDeadline: boolean; deadline: string | null; status: string | null }): Promise<number> {
  const [u] = await q.query<{ version: number }>(
    `UPDATE plan_tasks SET title = COALESCE($2, title), deadline = CASE WHEN $3::boolean THEN $4::date ELSE deadline END, status = COALESCE($5, status),
            percent_done = CASE WHEN $5 = 'done' THEN 100 ELSE percent_done END, version = version + 1, updated_at = now() WHERE id = $1 RETURNING version`,
    [taskId, o.title, o.setDeadline, o.deadline, o.status]);
  return u.version;
}

export async function taskBody(q: Queryable, id: string): Promise<string | undefined> {
  return (await q.query<{ body: string }>('SELECT body FROM plan_tasks WHERE id = $1', [id]))[0]?.body;
}

// ---- reports, attachments, notes ----

export interface ReportRow { id: string; quarter: string; body: string; percent_done: number | null; cooperating: boolean; unit_name: string; username: string; created_at: Date }

export async function reportsOfTask(q: Queryable, taskId: string): Promise<ReportRow[]> {
  return q.query<ReportRow>(
    'SELECT r.id, r.quarter, r.body, r.percent_done, r.cooperating, u.name AS unit_name, us.username, r.created_at FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id JOIN users us ON us.id = r.created_by WHERE r.task_id = $1 ORDER BY r.created_at DESC', [taskId]);
}

export interface AttachmentRow { id: string; report_id: string; file_name: string; media_type: string; size_bytes: number }

export async function attachmentsOfTask(q: Queryable, taskId: string): Promise<AttachmentRow[]> {
  return q.query<AttachmentRow>(
    'SELECT a.id, a.report_id, a.file_name, a.media_type, a.size_bytes FROM plan_report_attachments a JOIN plan_task_reports r ON r.id = a.report_id WHERE r.task_id = $1 ORDER BY a.created_at', [taskId]);
}

/** An attachment's bytes, when the viewer sees its task. */
export async function attachmentSeen(q: Queryable, id: string, s: Seen): Promise<{ file_name: string; media_type: string; content: Uint8Array; task_id: string } | undefined> {
  return (await q.query<{ file_name: string; media_type: string; content: Uint8Array; task_id: string }>(
    `SELECT a.file_name, a.media_type, a.content, r.task_id FROM plan_report_attachments a JOIN plan_task_reports r ON r.id = a.report_id JOIN plan_tasks t ON t.id = r.task_id JOIN plans pl ON pl.id = t.plan_id
      WHERE a.id = $1 AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $2)) AND ($3::text IS NULL OR pl.region_code LIKE $3)`,
    [id, s.unitId, s.regionLike]))[0];
}

export async function insertAttachment(q: Queryable, reportId: string, f: { fileName: string; mediaType: string; bytes: Buffer }): Promise<void> {
  await q.query('INSERT INTO plan_report_attachments (report_id, file_name, media_type, size_bytes, content) VALUES ($1,$2,$3,$4,$5)', [reportId, f.fileName, f.mediaType, f.bytes.length, f.bytes]);
}

/** A report (percent given) or a cooperating unit's note (percent null, cooperating). */
export async function insertReport(q: Queryable, r: { taskId: string; unitId: string | null; quarter: string; body: string; percentDone: number | null; cooperating: boolean; userId: string }): Promise<string> {
  const [row] = await q.query<{ id: string }>('INSERT INTO plan_task_reports (task_id, unit_id, quarter, body, percent_done, cooperating, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id',
    [r.taskId, r.unitId, r.quarter, r.body, r.percentDone, r.cooperating, r.userId]);
  return row.id;
}

/** The cooperating units' notes of a quarter on the given tasks. */
export async function notesOfQuarter(q: Queryable, quarter: string, taskIds: string[]): Promise<{ task_id: string; unit_name: string; body: string }[]> {
  return q.query<{ task_id: string; unit_name: string; body: string }>(
    'SELECT r.task_id, u.name AS unit_name, r.body FROM plan_task_reports r JOIN gov_units u ON u.id = r.unit_id WHERE r.cooperating AND r.quarter = $1 AND r.task_id = ANY($2::uuid[]) ORDER BY r.created_at',
    [quarter, taskIds]);
}

export async function isReportOfTask(q: Queryable, reportId: string, taskId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM plan_task_reports WHERE id = $1 AND task_id = $2', [reportId, taskId])).length > 0;
}

// ---- reviews, supervision, reminders ----

export interface ReviewRow { id: string; comment: string; lagging: boolean; username: string; created_at: Date; report_id: string | null }

export async function reviewsOfTask(q: Queryable, taskId: string): Promise<ReviewRow[]> {
  return q.query<ReviewRow>(
    'SELECT v.id, v.comment, v.lagging, us.username, v.created_at, v.report_id FROM plan_task_reviews v JOIN users us ON us.id = v.created_by WHERE v.task_id = $1 ORDER BY v.created_at DESC', [taskId]);
}

export async function insertReview(q: Queryable, r: { taskId: string; reportId: string | null; comment: string; lagging: boolean; userId: string }): Promise<string> {
  return (await q.query<{ id: string }>('INSERT INTO plan_task_reviews (task_id, report_id, comment, lagging, created_by) VALUES ($1,$2,$3,$4,$5) RETURNING id',
    [r.taskId, r.reportId, r.comment, r.lagging, r.userId]))[0].id;
}

export interface HistoryRow { id: number; action: string; changes: Record<string, unknown>; username: string | null; at: Date }

export async function historyOfTask(q: Queryable, taskId: string): Promise<HistoryRow[]> {
  return q.query<HistoryRow>('SELECT id, action, changes, username, at FROM plan_history WHERE task_id = $1 ORDER BY id DESC', [taskId]);
}

export interface UnreportedRow { unit_id: string; name: string; task_id: string; number: string; title: string; plan_title: string }

/** Lead and responsible units of open tasks (created by the quarter's end) the viewer sees that have not reported in the quarter. */
export async function unreported(q: Queryable, s: Seen, quarterEnd: string, quarter: string, planId: string | null): Promise<UnreportedRow[]> {
  return q.query<UnreportedRow>(
    `SELECT u.id AS unit_id, u.name, t.id AS task_id, t.number, t.title, pl.title AS plan_title
       FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id JOIN plan_task_units tu ON tu.task_id = t.id AND tu.role IN ('lead','responsible') JOIN gov_units u ON u.id = tu.unit_id
      WHERE t.status <> 'done' AND t.created_at::date <= $1::date
        AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_task_units vu WHERE vu.task_id = t.id AND vu.unit_id = $2)) AND ($3::text IS NULL OR pl.region_code LIKE $3)
        AND NOT EXISTS (SELECT 1 FROM plan_task_reports r WHERE r.task_id = t.id AND r.unit_id = u.id AND NOT r.cooperating AND r.quarter = $4)
        AND ($5::uuid IS NULL OR t.plan_id = $5)
      ORDER BY u.name, pl.title, t.position`, [quarterEnd, s.unitId, s.regionLike, quarter, planId]);
}

/** Of the given units, those with a department sign-in bound to them (someone who can read a reminder and report). */
export async function unitsWithAccounts(q: Queryable, unitIds: string[]): Promise<string[]> {
  return (await q.query<{ unit_id: string }>("SELECT DISTINCT unit_id FROM users WHERE unit_id = ANY($1::uuid[]) AND role = 'department' AND NOT disabled", [unitIds])).map((r) => r.unit_id);
}

export interface ReminderRow { id: string; unit_id: string; name: string; quarter: string; reason: string; task_ids: string[]; message: string; by: string; created_at: Date; acknowledged_at: Date | null }

/** Reminders the viewer sees (a department: to its unit; the commission: to its region's units), of one quarter or all, newest first. */
export async function remindersSeen(q: Queryable, s: Seen, quarter: string | null): Promise<ReminderRow[]> {
  return q.query<ReminderRow>(
    `SELECT m.id, m.unit_id, u.name, m.quarter, m.reason, m.task_ids, m.message, us.username AS by, m.created_at, m.acknowledged_at
       FROM plan_reminders m JOIN gov_units u ON u.id = m.unit_id JOIN users us ON us.id = m.created_by
      WHERE ($1::uuid IS NULL OR m.unit_id = $1) AND ($2::text IS NULL OR u.region_code IS NULL OR u.region_code LIKE $2) AND ($3::text IS NULL OR m.quarter = $3)
      ORDER BY m.created_at DESC LIMIT 200`, [s.unitId, s.regionLike, quarter]);
}

export async function insertReminders(q: Queryable, quarter: string, userId: string, rows: { unit: string; reason: string; tasks: string[]; message: string }[]): Promise<void> {
  await q.query(`INSERT INTO plan_reminders (unit_id, quarter, reason, task_ids, message, created_by)
                 SELECT x.u, $1, x.r, string_to_array(x.t, ',')::uuid[], x.m, $2 FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS x(u, r, t, m)`,
    [quarter, userId, rows.map((c) => c.unit), rows.map((c) => c.reason), rows.map((c) => c.tasks.join(',')), rows.map((c) => c.message)]);
}

/** Acknowledges a reminder to the unit; false when there is no such open reminder. */
export async function acknowledge(q: Queryable, id: string, unitId: string | null, userId: string): Promise<boolean> {
  return (await q.query('UPDATE plan_reminders SET acknowledged_by = $3, acknowledged_at = now() WHERE id = $1 AND unit_id = $2 AND acknowledged_at IS NULL RETURNING id', [id, unitId, userId])).length > 0;
}
