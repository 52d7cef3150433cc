-- The ledger's gaps closed: a cooperating unit's progress note, and withdrawing a plan imported by mistake.

-- A cooperating unit (配合单位) adds notes to a task's reports: marked as cooperating, with no percent
-- done (only the lead and responsible units' reports drive a task's percent and status).
ALTER TABLE plan_task_reports ADD COLUMN cooperating boolean NOT NULL DEFAULT false;
ALTER TABLE plan_task_reports ALTER COLUMN percent_done DROP NOT NULL;
ALTER TABLE plan_task_reports ADD CONSTRAINT plan_task_reports_percent_or_note CHECK (cooperating OR percent_done IS NOT NULL);

-- A withdrawn plan is deleted with its tasks, but its history stays (who imported it, who withdrew it
-- and when): the history keeps the plan's and tasks' ids without referring to the deleted rows.
ALTER TABLE plan_history DROP CONSTRAINT plan_history_plan_id_fkey;
ALTER TABLE plan_history DROP CONSTRAINT plan_history_task_id_fkey;
