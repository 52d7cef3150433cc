-- Hypertension and type 2 diabetes programmes of the basic public health service norms.

CREATE TABLE chronic_enrolments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  county_code  text NOT NULL,
  programme    text NOT NULL CHECK (programme IN ('hypertension','diabetes')),
  enrolled_on  date NOT NULL,
  source       text NOT NULL CHECK (source IN ('diagnosis','screening')),
  provisional  boolean NOT NULL DEFAULT false,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active','ended')),
  ended_on     date,
  ended_reason text
);
CREATE UNIQUE INDEX chronic_enrolments_active ON chronic_enrolments (resident_id, programme) WHERE status = 'active';
CREATE INDEX chronic_enrolments_county ON chronic_enrolments (county_code, programme);

CREATE TABLE chronic_followups (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id    uuid NOT NULL REFERENCES residents(id),
  county_code    text NOT NULL,
  programme      text NOT NULL CHECK (programme IN ('hypertension','diabetes')),
  encounter_id   uuid REFERENCES encounters(id),
  facility_id    uuid NOT NULL REFERENCES facilities(id),
  worker_id      uuid REFERENCES workers(id),
  visit_date     date NOT NULL,
  visit_mode     text NOT NULL DEFAULT 'clinic' CHECK (visit_mode IN ('clinic','home','phone')),
  symptoms       text[] NOT NULL DEFAULT '{}',
  sbp            integer CHECK (sbp BETWEEN 50 AND 300),
  dbp            integer CHECK (dbp BETWEEN 20 AND 200),
  heart_rate     integer CHECK (heart_rate BETWEEN 20 AND 250),
  weight_kg      numeric CHECK (weight_kg BETWEEN 2 AND 350),
  height_cm      numeric CHECK (height_cm BETWEEN 30 AND 250),
  bmi            numeric,
  fasting_glucose numeric CHECK (fasting_glucose BETWEEN 1 AND 40),
  temperature    numeric,
  -- Lifestyle now and goal: cigarettes/day, liang of liquor/day, sessions/week × minutes, salt (light/medium/heavy), staple food g/day.
  lifestyle      jsonb NOT NULL DEFAULT '{}',
  adherence      text CHECK (adherence IN ('regular','intermittent','none')),
  adverse_reaction boolean NOT NULL DEFAULT false,
  adverse_uncontrollable boolean NOT NULL DEFAULT false,
  new_complication boolean NOT NULL DEFAULT false,
  complication_worse boolean NOT NULL DEFAULT false,
  medication     text,
  visit_class    text NOT NULL CHECK (visit_class IN ('controlled','uncontrolled','adverse_reaction','complication')),
  on_target      boolean NOT NULL,
  emergency      boolean NOT NULL DEFAULT false,
  referral_reason text,
  referral_urgency text,
  referral_id    uuid REFERENCES referrals(id),
  next_visit_date date NOT NULL,
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chronic_followups_resident ON chronic_followups (resident_id, programme, visit_date DESC);
CREATE INDEX chronic_followups_county ON chronic_followups (county_code, programme, visit_date);
