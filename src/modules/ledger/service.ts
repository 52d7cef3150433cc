// The ledger's use cases, one file per seam: plans in (plan-import.ts: upload, preview, save, withdraw),
// the ledger and its tasks (tasks.ts), reports, attachments and cooperating notes (reports.ts), reviews,
// supervision and reminders (supervision.ts), department units (units.ts); who sees what (viewer.ts).
// Other modules and the routes call the ledger through this file.
export { readUpload, previewUnits, parseUpload, savePlan, withdrawPlan, UPLOAD_MAX_BYTES } from './plan-import.ts';
export { listPlans, listTasks, ledgerPage, ledgerExport, taskDetail, updateTask, type LedgerTask, type LedgerTarget, type LedgerUnit, type TaskFilter } from './tasks.ts';
export { attachment, reportProgress, addCooperatingNote, cooperationNotes, type ReportInput } from './reports.ts';
export { reviewTask, supervision, bulletin, sendReminders, listReminders, acknowledgeReminder } from './supervision.ts';
export { findUnit, listUnits, saveUnit, addUnitsIfMissing } from './units.ts';
export { viewerOf } from './viewer.ts';
export { planSections, type PlanSection } from './rules.ts';
