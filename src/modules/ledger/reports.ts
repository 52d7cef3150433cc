// Reports and notes: a department's quarterly progress report on its own task (status and percent
// follow), a cooperating unit's note, their attachments, and the cooperating notes of a quarter.
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { today } from '../../shared/time.ts';
import { ATTACHMENTS_PER_REPORT, attachmentProblems, quarterOf, statusFromReport } from './rules.ts';
import { attachmentSeen, insertAttachment, insertReport, lockTaskSeen, notesOfQuarter, setTaskProgress, shareTaskSeen } from './store.ts';
import { canNote, canReport, type LedgerTask } from './tasks.ts';
import { history, seen, TASK, viewerOf } from './viewer.ts';
import type { NoteInput, ReportInput } from './schema.ts';

/** An attachment's bytes, for a caller who may see its task. */
export async function attachment(db: Db, p: Principal, id: string) {
  const v = await viewerOf(db, p);
  const a = await attachmentSeen(db, id, seen(v));
  if (!a) throw notFound({ zh: '附件', en: 'Attachment' });
  return { fileName: a.file_name, mediaType: a.media_type, content: Buffer.from(a.content) };
}

export type { ReportInput } from './schema.ts';

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
  for (const f of files) await insertAttachment(q, reportId, f);
}

/** A department reports progress on one of its own unit's tasks for the current quarter; the task's status and percent follow. */
export async function reportProgress(db: Db, p: Principal, taskId: string, input: ReportInput) {
  const v = await viewerOf(db, p);
  const { files, fields } = reportFiles(input);
  return db.tx(async (q) => {
    const t = await lockTaskSeen(q, taskId, seen(v));
    if (!t) throw notFound(TASK);
    if (!(await canReport(q, v, taskId))) throw forbidden({ zh: '只有本任务的牵头或责任单位可以报送进展', en: 'Only the task\'s lead or responsible units report progress' });
    if (fields.length) throw invalid(fields);
    const quarter = quarterOf(today());
    const r = { id: await insertReport(q, { taskId, unitId: v.unitId, quarter, body: input.body.trim(), percentDone: input.percentDone, cooperating: false, userId: p.userId }) };
    await saveAttachments(q, r.id, files);
    const status = statusFromReport(input.percentDone, input.done ?? false);
    const percent = status === 'done' ? 100 : input.percentDone;
    await setTaskProgress(q, taskId, status, percent);
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
export async function addCooperatingNote(db: Db, p: Principal, taskId: string, input: NoteInput) {
  const v = await viewerOf(db, p);
  const { files, fields } = reportFiles(input);
  return db.tx(async (q) => {
    const t = await shareTaskSeen(q, taskId, seen(v));
    if (!t) throw notFound(TASK);
    if (!(await canNote(q, v, taskId))) throw forbidden({ zh: '只有本任务的配合单位可以添加配合进展；牵头或责任单位请报送进展', en: 'Only the task\'s cooperating units add cooperation notes; lead and responsible units report progress' });
    if (fields.length) throw invalid(fields);
    const quarter = quarterOf(today());
    const r = { id: await insertReport(q, { taskId, unitId: v.unitId, quarter, body: input.body.trim(), percentDone: null, cooperating: true, userId: p.userId }) };
    await saveAttachments(q, r.id, files);
    await history(q, p, t.plan_id, taskId, 'task.note', { quarter, cooperating: true, attachments: files.map((f) => f.fileName) });
    await writeAudit(q, actorOf(p, p.ip), { action: 'ledger.note', outcome: 'ok', recordType: 'plan_task', recordId: taskId, details: { reportId: r.id, quarter, files: files.length } });
    return { id: r.id, quarter };
  });
}

/** The cooperating units' notes of a quarter on the given tasks (already filtered to those the caller sees), in the tasks' order. */
export async function cooperationNotes(db: Db, quarter: string, tasks: LedgerTask[]) {
  if (!tasks.length) return [];
  const rows = await notesOfQuarter(db, quarter, tasks.map((t) => t.id));
  return tasks.flatMap((t) => rows.filter((r) => r.task_id === t.id).map((r) => ({ planTitle: t.planTitle, number: t.number, title: t.title, unitName: r.unit_name, body: r.body })));
}
