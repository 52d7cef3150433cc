-- Public-health programmes (issue 18), immunisation first: each clinic's vaccine lots (stock by lot and
-- expiry) and their moves, and the vaccination record with everything the 预防接种证 and the
-- traceability rules ask of a dose (vaccine, manufacturer, lot, expiry, dose, site, route, vaccinator,
-- clinic). The dose itself is also written to the lifelong record (records' `immunisations`, through
-- records' service), which the schedule reads as the child's history, so doses sent by facility
-- systems count too. The schedule is data (data/publichealth/immunisation-schedule.json), not a table.

CREATE TABLE vaccine_lots (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  vaccine      text NOT NULL CHECK (vaccine ~ '^[A-Za-z-]{2,12}$'),
  manufacturer text NOT NULL CHECK (length(manufacturer) BETWEEN 1 AND 80),
  lot          text NOT NULL CHECK (length(lot) BETWEEN 1 AND 40),
  expires_on   date NOT NULL,
  quantity     integer NOT NULL CHECK (quantity >= 0),
  received_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (facility_id, vaccine, manufacturer, lot)
);
CREATE INDEX vaccine_lots_facility ON vaccine_lots (facility_id, vaccine, expires_on);

CREATE TABLE vaccine_lot_moves (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lot_id    uuid NOT NULL REFERENCES vaccine_lots(id),
  kind      text NOT NULL CHECK (kind IN ('receive','administer')),
  quantity  integer NOT NULL CHECK (quantity > 0),
  ref_id    uuid,
  by_user   uuid REFERENCES users(id),
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vaccine_lot_moves_lot ON vaccine_lot_moves (lot_id, at);

CREATE TABLE vaccinations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id     uuid NOT NULL REFERENCES residents(id),
  county_code     text NOT NULL,
  immunisation_id uuid NOT NULL UNIQUE REFERENCES immunisations(id),
  vaccine         text NOT NULL,
  series          text NOT NULL,
  dose_number     integer NOT NULL CHECK (dose_number BETWEEN 1 AND 10),
  given_on        date NOT NULL,
  lot_id          uuid NOT NULL REFERENCES vaccine_lots(id),
  manufacturer    text NOT NULL,
  lot             text NOT NULL,
  expires_on      date NOT NULL,
  site            text NOT NULL CHECK (site IN ('left_upper_arm','right_upper_arm','left_thigh','right_thigh','left_buttock','right_buttock','oral')),
  route           text NOT NULL CHECK (route IN ('im','sc','id','oral')),
  vaccinator_id   uuid NOT NULL REFERENCES users(id),
  vaccinator_name text NOT NULL,
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  schedule_version text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vaccinations_resident ON vaccinations (resident_id, given_on);
CREATE INDEX vaccinations_facility_day ON vaccinations (facility_id, given_on);
