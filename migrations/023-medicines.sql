-- Medicines (issue 20): the community's one catalogue, structured prescriptions with their review
-- before dispensing (前置审方) and the review centre's decisions, and the pharmacist role.
-- The record's own list of prescriptions (records' `prescriptions`) stays; a prescription here is
-- written there, through records' service, once it may be dispensed (ARCHITECTURE.md).

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('sysadmin','officer','manager','doctor','nurse','public_health','village_doctor','coordinator','resident','department','pharmacist'));

CREATE TABLE medicines (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{2,32}$'),
  generic_name    text NOT NULL,
  name_en         text,
  dosage_form     text NOT NULL CHECK (dosage_form IN ('tablet','sustained_release_tablet','enteric_tablet','capsule','granules','oral_liquid','injection','inhalation','topical')),
  strength        text NOT NULL,
  strength_value  numeric NOT NULL CHECK (strength_value > 0),
  unit            text NOT NULL CHECK (unit IN ('mg','g','IU','ml')),
  package         text NOT NULL,
  atc_code        text NOT NULL CHECK (atc_code ~ '^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$'),
  essential       boolean NOT NULL,
  insurance_class text CHECK (insurance_class IN ('A','B')),
  antibacterial_grade text CHECK (antibacterial_grade IN ('unrestricted','restricted','special')),
  high_alert      boolean NOT NULL DEFAULT false,
  route           text NOT NULL CHECK (route IN ('oral','iv','im','sc','inhaled','topical')),
  -- usual adult single dose and the maximum daily dose, in `unit`; the paediatric daily dose per kg
  adult_dose_min  numeric,
  adult_dose_max  numeric,
  max_daily_dose  numeric,
  child_daily_min_per_kg numeric,
  child_daily_max_per_kg numeric,
  frequencies     text[] NOT NULL,
  min_age_years   integer CHECK (min_age_years IS NULL OR min_age_years BETWEEN 0 AND 18),
  pregnancy       text CHECK (pregnancy IN ('contraindicated','caution')),
  levels          text[] NOT NULL,
  sources         jsonb NOT NULL DEFAULT '{}',
  origin          text NOT NULL DEFAULT 'shipped' CHECK (origin IN ('shipped','imported')),
  active          boolean NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX medicines_atc ON medicines (atc_code);

-- One structured prescription (MedicationRequest group): its lines are medication_order_items.
CREATE TABLE medication_orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id     uuid NOT NULL REFERENCES residents(id),
  county_code     text NOT NULL,
  encounter_id    uuid NOT NULL REFERENCES encounters(id),
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  facility_region text NOT NULL,
  prescriber_id   uuid NOT NULL REFERENCES users(id),
  prescriber_worker_id uuid REFERENCES workers(id),
  prescriber_title text,
  prescriber_name text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('acute','chronic','long')),
  setting         text NOT NULL DEFAULT 'outpatient' CHECK (setting IN ('outpatient','emergency','inpatient')),
  pregnant        boolean NOT NULL DEFAULT false,
  weight_kg       numeric,
  age_years       integer NOT NULL,
  consultation    boolean NOT NULL DEFAULT false,
  status          text NOT NULL CHECK (status IN ('held','ready','returned','dispensed')),
  findings        jsonb NOT NULL DEFAULT '[]',
  confirmations   jsonb NOT NULL DEFAULT '[]',
  held_at         timestamptz,
  review_due_at   timestamptz,
  reviewed_by     uuid REFERENCES users(id),
  reviewed_at     timestamptz,
  review_note     text,
  dispensed_by    uuid REFERENCES users(id),
  dispensed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX medication_orders_resident ON medication_orders (resident_id, created_at DESC);
CREATE INDEX medication_orders_review ON medication_orders (facility_region text_pattern_ops, review_due_at) WHERE status = 'held';
CREATE INDEX medication_orders_facility ON medication_orders (facility_id, created_at);

CREATE TABLE medication_order_items (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id    uuid NOT NULL REFERENCES medication_orders(id),
  line        integer NOT NULL,
  medicine_id uuid NOT NULL REFERENCES medicines(id),
  dose        numeric NOT NULL CHECK (dose > 0),
  unit        text NOT NULL,
  route       text NOT NULL CHECK (route IN ('oral','iv','im','sc','inhaled','topical')),
  frequency   text NOT NULL,
  days        integer NOT NULL CHECK (days BETWEEN 1 AND 365),
  quantity    numeric NOT NULL CHECK (quantity > 0),
  UNIQUE (order_id, line)
);
CREATE INDEX medication_order_items_medicine ON medication_order_items (medicine_id);

-- The shared pharmacy: stock per facility by lot and expiry, its movements, and missing-drug
-- registrations (基层缺药登记) filled by the county pharmacy and tracked to the patient.
CREATE TABLE stock_lots (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  facility_id uuid NOT NULL REFERENCES facilities(id),
  medicine_id uuid NOT NULL REFERENCES medicines(id),
  lot         text NOT NULL CHECK (length(lot) BETWEEN 1 AND 40),
  expires_on  date NOT NULL,
  quantity    numeric NOT NULL CHECK (quantity >= 0),
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (facility_id, medicine_id, lot)
);
CREATE INDEX stock_lots_expiry ON stock_lots (facility_id, expires_on) WHERE quantity > 0;

CREATE TABLE stock_moves (
  id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lot_id   uuid NOT NULL REFERENCES stock_lots(id),
  kind     text NOT NULL CHECK (kind IN ('receive','dispense','transfer_out','transfer_in','shortage_fill')),
  quantity numeric NOT NULL CHECK (quantity > 0),
  ref_id   uuid,
  by_user  uuid REFERENCES users(id),
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_moves_lot ON stock_moves (lot_id, at);

CREATE TABLE shortage_requests (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id         uuid NOT NULL REFERENCES residents(id),
  county_code         text NOT NULL,
  requesting_facility_id uuid NOT NULL REFERENCES facilities(id),
  requesting_region   text NOT NULL,
  medicine_id         uuid NOT NULL REFERENCES medicines(id),
  quantity            numeric NOT NULL CHECK (quantity > 0),
  note                text,
  status              text NOT NULL DEFAULT 'registered' CHECK (status IN ('registered','filled','in_transit','delivered','cancelled')),
  lot_id              uuid REFERENCES stock_lots(id),
  registered_by       uuid NOT NULL REFERENCES users(id),
  registered_at       timestamptz NOT NULL DEFAULT now(),
  filled_by           uuid REFERENCES users(id),
  filled_at           timestamptz,
  shipped_at          timestamptz,
  delivered_by        uuid REFERENCES users(id),
  delivered_at        timestamptz
);
CREATE INDEX shortage_requests_region ON shortage_requests (requesting_region text_pattern_ops, status);

-- The monthly prescription comment (处方点评): a pharmacist's judgement of a sampled prescription.
CREATE TABLE prescription_comments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id     uuid NOT NULL UNIQUE REFERENCES medication_orders(id),
  month        text NOT NULL CHECK (month ~ '^\d{4}-\d{2}$'),
  result       text NOT NULL CHECK (result IN ('rational','irregular','inappropriate','excessive')),
  problems     text[] NOT NULL DEFAULT '{}',
  note         text,
  commented_by uuid NOT NULL REFERENCES users(id),
  commented_at timestamptz NOT NULL DEFAULT now()
);
