-- The reform task ledger's quarterly cycle: progress reports with attachments, the commission's
-- reviews and lagging marks, reminders for supervision (督查), and the history of every change.
-- FHIR: a report maps onto a Task's output / Communication, a review onto a Task note.

ALTER TABLE plan_tasks ADD COLUMN lagging boolean NOT NULL DEFAULT false;
ALTER TABLE plan_tasks ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE plans ADD COLUMN version integer NOT NULL DEFAULT 1;
-- The order in which a plan states its targets (the ledger lists them so).
ALTER TABLE targets ADD COLUMN plan_position integer;
CREATE INDEX plan_tasks_deadline ON plan_tasks (deadline) WHERE status <> 'done';
CREATE INDEX users_unit ON users (unit_id) WHERE unit_id IS NOT NULL;

-- A responsible unit's progress report on one task for one quarter (several per quarter allowed; the latest counts).
CREATE TABLE plan_task_reports (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id      uuid NOT NULL REFERENCES plan_tasks(id),
  unit_id      uuid NOT NULL REFERENCES gov_units(id),
  quarter      text NOT NULL CHECK (quarter ~ '^\d{4}Q[1-4]$'),
  body         text NOT NULL,
  percent_done integer NOT NULL CHECK (percent_done BETWEEN 0 AND 100),
  created_by   uuid NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_task_reports_task ON plan_task_reports (task_id, created_at DESC);
CREATE INDEX plan_task_reports_quarter ON plan_task_reports (quarter, unit_id);

-- Files attached to a report, kept in the database (size limited by the service and here).
CREATE TABLE plan_report_attachments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id   uuid NOT NULL REFERENCES plan_task_reports(id),
  file_name   text NOT NULL,
  media_type  text NOT NULL,
  size_bytes  integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 2097152),
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_report_attachments_report ON plan_report_attachments (report_id);

-- The commission's review of a task: a comment, and whether the task is marked as lagging.
CREATE TABLE plan_task_reviews (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id     uuid NOT NULL REFERENCES plan_tasks(id),
  report_id   uuid REFERENCES plan_task_reports(id),
  comment     text NOT NULL,
  lagging     boolean NOT NULL,
  created_by  uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_task_reviews_task ON plan_task_reviews (task_id, created_at DESC);

-- A reminder sent to a unit in supervision: overdue tasks, or no report this quarter.
CREATE TABLE plan_reminders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit_id         uuid NOT NULL REFERENCES gov_units(id),
  quarter         text NOT NULL CHECK (quarter ~ '^\d{4}Q[1-4]$'),
  reason          text NOT NULL CHECK (reason IN ('overdue','not_reported','lagging')),
  task_ids        uuid[] NOT NULL DEFAULT '{}',
  message         text NOT NULL,
  created_by      uuid NOT NULL REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  acknowledged_by uuid REFERENCES users(id),
  acknowledged_at timestamptz
);
CREATE INDEX plan_reminders_unit ON plan_reminders (unit_id, created_at DESC);

-- Every change to a plan's ledger, with who and when (the audit log keeps the same, chained; this is what the ledger shows).
CREATE TABLE plan_history (
  id          bigserial PRIMARY KEY,
  plan_id     uuid NOT NULL REFERENCES plans(id),
  task_id     uuid REFERENCES plan_tasks(id),
  action      text NOT NULL,
  changes     jsonb NOT NULL DEFAULT '{}',
  user_id     uuid REFERENCES users(id),
  username    text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_history_task ON plan_history (task_id, id);
CREATE INDEX plan_history_plan ON plan_history (plan_id, id);
