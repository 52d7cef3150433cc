-- Medical insurance (issue 21): settlement lists (医保结算清单) imported from facilities, the fund
-- supervision worklist (智能监管), and the insurance bureau's auditor role (医保局审核员).

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('sysadmin','officer','manager','doctor','nurse','public_health','village_doctor','coordinator','resident','department','pharmacist','diagnostician','insurance_auditor'));

-- One settlement list (FHIR Claim + ClaimResponse): the patient by ID number (encrypted, with the
-- keyed lookup hash and the registry's resident when one matches), money in fen.
CREATE TABLE insurance_settlements (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code     text NOT NULL CHECK (county_code ~ '^\d{6}$'),
  facility_id     uuid NOT NULL REFERENCES facilities(id),
  list_no         text NOT NULL,
  insurance_type  text NOT NULL CHECK (insurance_type IN ('employee','resident')),
  setting         text NOT NULL CHECK (setting IN ('inpatient','outpatient_special')),
  id_number_enc   text NOT NULL,
  id_number_hash  text NOT NULL,
  id_masked       text NOT NULL,
  resident_id     uuid REFERENCES residents(id),
  sex             text NOT NULL CHECK (sex IN ('M','F')),
  birth_date      date NOT NULL,
  admitted_on     date NOT NULL,
  discharged_on   date NOT NULL CHECK (discharged_on >= admitted_on),
  days            integer NOT NULL CHECK (days >= 0),
  main_diagnosis  text NOT NULL,
  other_diagnoses text[] NOT NULL DEFAULT '{}',
  procedures      text[] NOT NULL DEFAULT '{}',
  costs           jsonb NOT NULL,
  total_fen       bigint NOT NULL CHECK (total_fen >= 0),
  fund_fen        bigint NOT NULL CHECK (fund_fen >= 0),
  self_fen        bigint NOT NULL CHECK (self_fen >= 0),
  CHECK (fund_fen + self_fen = total_fen),
  source          text NOT NULL,
  imported_by     uuid,
  imported_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (facility_id, list_no)
);
CREATE INDEX insurance_settlements_county_discharge ON insurance_settlements (county_code, discharged_on);
CREATE INDEX insurance_settlements_patient ON insurance_settlements (id_number_hash, admitted_on);

-- One hit of a supervision rule on a settlement (the auditor's worklist), with its evidence; the
-- auditor confirms or dismisses it with a note. A rule hits a settlement once (re-runs keep the decision).
CREATE TABLE insurance_supervision_hits (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code     text NOT NULL,
  settlement_id   uuid NOT NULL REFERENCES insurance_settlements(id),
  rule_code       text NOT NULL,
  evidence        jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','confirmed','dismissed')),
  note            text,
  decided_by      uuid,
  decided_at      timestamptz,
  found_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'open') = (decided_at IS NULL)),
  CHECK (status = 'open' OR length(btrim(note)) > 0),
  UNIQUE (settlement_id, rule_code)
);
CREATE INDEX insurance_supervision_hits_worklist ON insurance_supervision_hits (county_code, status, found_at);
