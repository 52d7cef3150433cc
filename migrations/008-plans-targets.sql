-- Reform plans and their task ledger (the plans/ledger module), government departments as records,
-- and quantified targets (owned by the indicators module; a plan import fills them, users may add more).
-- FHIR: a plan maps onto PlanDefinition, a task onto Task, a target onto Measure's improvement goal.

-- Department users report progress on their own unit's tasks.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('sysadmin','officer','manager','doctor','nurse','public_health','village_doctor','coordinator','resident','department'));

-- A government department or other unit a plan assigns tasks to (市医保局 = 市医疗保障局: aliases kept, printed names never rewritten).
CREATE TABLE gov_units (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE,          -- the full, canonical name
  aliases     text[] NOT NULL DEFAULT '{}',  -- short and variant names that resolve to this unit
  region_code text REFERENCES regions(code), -- the government level it belongs to, where known
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE users ADD COLUMN unit_id uuid REFERENCES gov_units(id);

CREATE TABLE plans (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title       text NOT NULL,
  issuer      text,
  doc_number  text,
  issued_on   date,
  region_code text REFERENCES regions(code),  -- the locality the plan governs (its targets default to it)
  source_name text,                           -- the uploaded file's name
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_tasks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id     uuid NOT NULL REFERENCES plans(id),
  position    integer NOT NULL,               -- order within the plan
  path        text[] NOT NULL,                -- printed heading numbers from the top, ending with the task's own
  number      text NOT NULL,                  -- the task's printed number
  title       text NOT NULL,
  body        text NOT NULL DEFAULT '',
  deadline    date,
  -- 'overdue' is derived (deadline passed, not done), never stored
  status      text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started','in_progress','done')),
  percent_done integer NOT NULL DEFAULT 0 CHECK (percent_done BETWEEN 0 AND 100),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, position)
);
CREATE INDEX plan_tasks_plan ON plan_tasks (plan_id);

-- The units a task names, in printed order, with the name as printed.
CREATE TABLE plan_task_units (
  task_id     uuid NOT NULL REFERENCES plan_tasks(id),
  unit_id     uuid NOT NULL REFERENCES gov_units(id),
  role        text NOT NULL CHECK (role IN ('lead','responsible','cooperating')),
  printed     text NOT NULL,
  position    integer NOT NULL,
  PRIMARY KEY (task_id, unit_id, role)
);
CREATE INDEX plan_task_units_unit ON plan_task_units (unit_id);

-- A quantified target: an indicator of the catalogue (by its stable code) held against a value for a locality by a year.
CREATE TABLE targets (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  indicator_code text,                        -- null when no catalogue indicator matches (kept for the ledger)
  locality_code  text NOT NULL REFERENCES regions(code),
  comparator     text NOT NULL CHECK (comparator IN ('>=','<=','=','>','<','range')),
  value          numeric NOT NULL,
  value_high     numeric,                     -- the upper bound of a range; the second count of a compound (6类10项)
  unit           text NOT NULL,
  due_year       integer,
  plan_id        uuid REFERENCES plans(id),
  task_id        uuid REFERENCES plan_tasks(id),
  text           text NOT NULL DEFAULT '',    -- the plan's own words
  metric         text,
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (comparator <> 'range' OR value_high IS NOT NULL)
);
CREATE INDEX targets_indicator ON targets (indicator_code, locality_code);
CREATE INDEX targets_plan ON targets (plan_id);
