-- Indicators (the indicators module): values computed from the platform's data or entered by hand,
-- stored per indicator, unit and period so that dashboards answer from one indexed read; and the
-- record of each computation (the definition's hash) so that a changed definition or a late record
-- recomputes what it touches. FHIR: a stored value maps onto MeasureReport (summary), a target onto
-- Measure's improvement goal (table `targets`, migration 008).

CREATE TABLE indicator_values (
  indicator_code  text NOT NULL,
  period          text NOT NULL CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$'),  -- 2025, 2025-Q1, 2025-03
  unit_level      text NOT NULL CHECK (unit_level IN ('county','township','community','facility','team')),
  unit_id         text NOT NULL,               -- a region code (county, township), else a uuid
  county_code     text NOT NULL,               -- partition key, as on every large table
  numerator       numeric,
  denominator     numeric,
  value           numeric,
  source          text NOT NULL CHECK (source IN ('computed','entered')),
  definition_hash text,                        -- computed values: the definition they came from
  note            text,                        -- entered values: the entrant's note (source document)
  entered_by      uuid REFERENCES users(id),
  at              timestamptz NOT NULL DEFAULT now(),  -- computed or entered at
  PRIMARY KEY (indicator_code, unit_level, unit_id, period)
);
CREATE INDEX indicator_values_period ON indicator_values (indicator_code, period, unit_level);

-- One row per indicator, period and county last computed.
CREATE TABLE indicator_runs (
  indicator_code  text NOT NULL,
  period          text NOT NULL,
  county_code     text NOT NULL,
  definition_hash text NOT NULL,
  computed_at     timestamptz NOT NULL,
  ms              integer NOT NULL,
  PRIMARY KEY (indicator_code, period, county_code)
);

-- Targets entered by hand are edited: a version for optimistic concurrency and a note.
ALTER TABLE targets ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE targets ADD COLUMN note text;
