-- Pooled appointment slots, beds and equipment (FHIR Schedule, Slot, Appointment, Location) and the
-- referral workflow around them (ServiceRequest + Task). Additive to migration 005.

-- A schedule: a department, a health worker or a piece of equipment at a facility, with a weekly
-- pattern of sessions ([{weekday 1-7, start 'HH:MM', end 'HH:MM', slotMinutes, capacity}]), a share of
-- each slot reserved for referrals from the community's members and released to the public
-- `release_hours` before the slot starts.
CREATE TABLE schedules (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  facility_id   uuid NOT NULL REFERENCES facilities(id),
  county_code   text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('department','worker','equipment')),
  department    text NOT NULL,
  worker_id     uuid REFERENCES workers(id),
  equipment     text CHECK (equipment IN ('ct','mri','ultrasound','endoscopy','dr','ecg','other')),
  name          text NOT NULL,
  pattern       jsonb NOT NULL,
  referral_share_pct integer NOT NULL DEFAULT 0 CHECK (referral_share_pct BETWEEN 0 AND 100),
  release_hours integer NOT NULL DEFAULT 24 CHECK (release_hours BETWEEN 0 AND 720),
  active        boolean NOT NULL DEFAULT true,
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'worker' OR worker_id IS NOT NULL),
  CHECK (kind <> 'equipment' OR equipment IS NOT NULL)
);
CREATE INDEX schedules_facility ON schedules (facility_id);

-- Exceptions to the weekly pattern: a holiday or leave closes a day's slots.
CREATE TABLE schedule_exceptions (
  schedule_id uuid NOT NULL REFERENCES schedules(id),
  on_date     date NOT NULL,
  reason      text NOT NULL,
  PRIMARY KEY (schedule_id, on_date)
);

-- A slot: `booked` counts live bookings, `referral_booked` those made on the referral channel. The
-- CHECKs are the last line of the capacity invariant; the booking UPDATE enforces it first.
CREATE TABLE slots (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  schedule_id   uuid NOT NULL REFERENCES schedules(id),
  facility_id   uuid NOT NULL REFERENCES facilities(id),
  county_code   text NOT NULL,
  session_date  date NOT NULL,
  period        text NOT NULL CHECK (period IN ('am','pm','night')),
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  capacity      integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  referral_capacity integer NOT NULL DEFAULT 0,
  release_at    timestamptz NOT NULL,
  booked        integer NOT NULL DEFAULT 0,
  referral_booked integer NOT NULL DEFAULT 0,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  closed_reason text,
  CHECK (ends_at > starts_at),
  CHECK (referral_capacity BETWEEN 0 AND capacity),
  CHECK (booked BETWEEN 0 AND capacity),
  CHECK (referral_booked BETWEEN 0 AND booked),
  UNIQUE (schedule_id, starts_at)
);
CREATE INDEX slots_facility_time ON slots (facility_id, starts_at);
CREATE INDEX slots_schedule_date ON slots (schedule_id, session_date);

-- A booking (FHIR Appointment). A session is one schedule's half-day: a resident holds at most one
-- live booking in it (the partial unique index). A retried request carries the same idempotency key
-- and gets the first booking back.
CREATE TABLE bookings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slot_id       uuid NOT NULL REFERENCES slots(id),
  schedule_id   uuid NOT NULL REFERENCES schedules(id),
  resident_id   uuid NOT NULL REFERENCES residents(id),
  county_code   text NOT NULL,
  session_date  date NOT NULL,
  period        text NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('public','referral','staff')),
  referral_id   uuid REFERENCES referrals(id),
  status        text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','cancelled','attended','no_show')),
  idempotency_key text NOT NULL,
  created_by    uuid REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  cancelled_at  timestamptz,
  cancel_reason text,
  rescheduled_to uuid REFERENCES bookings(id),
  from_waiting_list uuid
);
CREATE UNIQUE INDEX bookings_idempotency ON bookings (created_by, idempotency_key);
CREATE UNIQUE INDEX bookings_one_per_session ON bookings (resident_id, schedule_id, session_date, period) WHERE status = 'booked';
CREATE INDEX bookings_slot ON bookings (slot_id) WHERE status = 'booked';
CREATE INDEX bookings_resident ON bookings (resident_id, session_date);
CREATE INDEX bookings_referral ON bookings (referral_id) WHERE referral_id IS NOT NULL;

-- The waiting list of a schedule: a cancelled place goes to the first resident waiting for that day.
CREATE TABLE waiting_list (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  schedule_id  uuid NOT NULL REFERENCES schedules(id),
  resident_id  uuid NOT NULL REFERENCES residents(id),
  wanted_from  date NOT NULL,
  wanted_to    date NOT NULL,
  status       text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting','booked','withdrawn')),
  booking_id   uuid REFERENCES bookings(id),
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (wanted_to >= wanted_from)
);
CREATE INDEX waiting_list_schedule ON waiting_list (schedule_id, created_at) WHERE status = 'waiting';

-- Wards and beds (FHIR Location). A bed holds at most one patient: the occupant is a column of the
-- bed row, and a resident holds at most one bed (partial unique index).
CREATE TABLE wards (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  name         text NOT NULL,
  department   text NOT NULL,
  UNIQUE (facility_id, name)
);

CREATE TABLE beds (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ward_id      uuid NOT NULL REFERENCES wards(id),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  code         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('general','icu','rehabilitation','obstetric','neonatal','isolation')),
  status       text NOT NULL DEFAULT 'free' CHECK (status IN ('free','occupied','reserved','closed')),
  resident_id  uuid REFERENCES residents(id),
  referral_id  uuid REFERENCES referrals(id),
  reserved_until timestamptz,
  version      integer NOT NULL DEFAULT 1,
  UNIQUE (ward_id, code),
  CHECK ((status IN ('occupied','reserved')) = (resident_id IS NOT NULL)),
  CHECK (status <> 'reserved' OR reserved_until IS NOT NULL)
);
CREATE UNIQUE INDEX beds_one_per_resident ON beds (resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX beds_ward_free ON beds (ward_id, kind) WHERE status = 'free';

-- Every bed reservation, admission and release, with the request's idempotency key.
CREATE TABLE bed_events (
  id           bigserial PRIMARY KEY,
  bed_id       uuid NOT NULL REFERENCES beds(id),
  resident_id  uuid REFERENCES residents(id),
  referral_id  uuid REFERENCES referrals(id),
  action       text NOT NULL CHECK (action IN ('reserve','admit','release','close','open','expire')),
  idempotency_key text,
  by_user      uuid REFERENCES users(id),
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX bed_events_idempotency ON bed_events (by_user, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX bed_events_bed ON bed_events (bed_id, at);

-- The referral, additively: how it was accepted, when it expires, and its down-referral.
ALTER TABLE referrals ADD COLUMN booking_id uuid REFERENCES bookings(id);
ALTER TABLE referrals ADD COLUMN bed_id uuid REFERENCES beds(id);
ALTER TABLE referrals ADD COLUMN due_at timestamptz;
ALTER TABLE referrals ADD COLUMN outcome_summary text;
ALTER TABLE referrals ADD COLUMN parent_id uuid REFERENCES referrals(id);
ALTER TABLE referrals ADD COLUMN declined_at timestamptz;
ALTER TABLE referrals ADD COLUMN cancelled_at timestamptz;
ALTER TABLE referrals ADD COLUMN expired_at timestamptz;
ALTER TABLE referrals ADD COLUMN to_worker_id uuid REFERENCES workers(id);
ALTER TABLE referrals ADD COLUMN inpatient boolean NOT NULL DEFAULT false;
CREATE INDEX referrals_sent_month ON referrals (county_code, sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX referrals_due ON referrals (due_at) WHERE status = 'sent';
CREATE INDEX referrals_parent ON referrals (parent_id) WHERE parent_id IS NOT NULL;
ALTER TABLE referral_events ADD COLUMN from_status text;

-- The service level: how long a referral of each urgency may wait for acceptance (configuration).
CREATE TABLE referral_sla (
  urgency        text PRIMARY KEY CHECK (urgency IN ('routine','urgent','green_channel')),
  accept_minutes integer NOT NULL CHECK (accept_minutes BETWEEN 1 AND 43200)
);
INSERT INTO referral_sla (urgency, accept_minutes) VALUES ('routine', 2880), ('urgent', 240), ('green_channel', 30);

-- The family-doctor team's task from a down-referral: follow up within the plan's days.
CREATE TABLE referral_tasks (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  referral_id  uuid NOT NULL REFERENCES referrals(id) UNIQUE,
  resident_id  uuid NOT NULL REFERENCES residents(id),
  county_code  text NOT NULL,
  team_id      uuid REFERENCES care_teams(id),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  plan         text NOT NULL,
  due_on       date NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open','done')),
  done_at      timestamptz,
  done_by      uuid REFERENCES users(id),
  done_note    text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referral_tasks_team ON referral_tasks (team_id, status, due_on);
CREATE INDEX referral_tasks_facility ON referral_tasks (facility_id, status, due_on);

-- The local insurance parameters of the deductible-once rule (起付线), in fen and basis points, per
-- county ('*' = the default) and facility tier. Configuration, not code.
CREATE TABLE insurance_parameters (
  county_code    text NOT NULL,
  tier           text NOT NULL CHECK (tier IN ('city','county','township','village')),
  deductible_fen integer NOT NULL CHECK (deductible_fen >= 0),
  reimburse_bp   integer NOT NULL CHECK (reimburse_bp BETWEEN 0 AND 10000),
  cap_fen        integer NOT NULL CHECK (cap_fen >= 0),
  PRIMARY KEY (county_code, tier)
);
INSERT INTO insurance_parameters (county_code, tier, deductible_fen, reimburse_bp, cap_fen) VALUES
  ('*', 'township', 20000, 9000, 20000000), ('*', 'county', 60000, 8000, 20000000), ('*', 'city', 120000, 7000, 20000000), ('*', 'village', 0, 9000, 20000000);
