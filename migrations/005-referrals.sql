-- Two-way referral between tiers (FHIR ServiceRequest + Task).

CREATE TABLE referrals (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id    uuid NOT NULL REFERENCES residents(id),
  county_code    text NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('up','down','lateral','out')),
  urgency        text NOT NULL CHECK (urgency IN ('routine','urgent','green_channel')),
  green_channel  text CHECK (green_channel IN ('chest_pain','stroke','trauma','high_risk_pregnancy','critical_newborn')),
  reason_code    text NOT NULL,
  reason_text    text,
  from_facility_id uuid NOT NULL REFERENCES facilities(id),
  from_worker_id   uuid REFERENCES workers(id),
  to_facility_id   uuid NOT NULL REFERENCES facilities(id),
  to_department    text,
  summary        jsonb,
  status         text NOT NULL CHECK (status IN ('draft','sent','accepted','declined','arrived','completed','cancelled','expired')),
  decline_reason text,
  follow_up_plan text,
  follow_up_days integer,
  sent_at        timestamptz,
  accepted_at    timestamptz,
  arrived_at     timestamptz,
  completed_at   timestamptz,
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  version        integer NOT NULL DEFAULT 1
);
CREATE INDEX referrals_resident ON referrals (resident_id);
CREATE INDEX referrals_to ON referrals (to_facility_id, status);
CREATE INDEX referrals_from ON referrals (from_facility_id, status);

CREATE TABLE referral_events (
  id          bigserial PRIMARY KEY,
  referral_id uuid NOT NULL REFERENCES referrals(id),
  status      text NOT NULL,
  by_user     uuid REFERENCES users(id),
  at          timestamptz NOT NULL DEFAULT now(),
  note        text
);
CREATE INDEX referral_events_referral ON referral_events (referral_id);
