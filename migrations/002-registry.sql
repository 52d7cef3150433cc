-- Registries: regions, facilities, medical communities, health workers, households, residents.

CREATE TABLE regions (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{6})?)?)?$'),
  name        text NOT NULL,
  parent_code text REFERENCES regions(code),
  level       text NOT NULL CHECK (level IN ('province','prefecture','county','township','village')),
  -- Township kind from the statistical code (001–099 subdistrict, 100–199 town, 200–399 township);
  -- village kind (001–199 residents' committee, 200–399 villagers' committee): urban or rural.
  urban       boolean
);
CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_code_prefix ON regions (code text_pattern_ops);

CREATE TABLE region_population (
  region_code text NOT NULL REFERENCES regions(code),
  year        integer NOT NULL CHECK (year BETWEEN 1950 AND 2100),
  population  integer NOT NULL CHECK (population >= 0),
  source      text NOT NULL DEFAULT 'entered',
  PRIMARY KEY (region_code, year)
);

CREATE TABLE facilities (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9-]{4,32}$'),
  name          text NOT NULL,
  tier          text NOT NULL CHECK (tier IN ('city','county','township','village')),
  kind          text NOT NULL CHECK (kind IN ('general_hospital','tcm_hospital','maternal_child_hospital','specialised_hospital',
                  'township_centre','central_township_centre','community_centre','village_clinic','community_station','cdc',
                  'elderly_care_medical','private_clinic')),
  grade         text NOT NULL DEFAULT 'unrated' CHECK (grade IN ('3A','3B','3C','3','2A','2B','2C','2','1A','1B','1C','1','unrated')),
  region_code   text NOT NULL REFERENCES regions(code),
  parent_facility_id uuid REFERENCES facilities(id),   -- 乡村一体化: the township centre a village clinic belongs to
  beds          integer NOT NULL DEFAULT 0 CHECK (beds >= 0),
  capability_standard text CHECK (capability_standard IN ('basic','recommended')),
  community_hospital boolean NOT NULL DEFAULT false,
  county_subcentre   boolean NOT NULL DEFAULT false,
  public_owned  boolean NOT NULL DEFAULT true,
  opened_on     date,
  closed_on     date,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  version       integer NOT NULL DEFAULT 1
);
CREATE INDEX facilities_region ON facilities (region_code text_pattern_ops);
CREATE INDEX facilities_parent ON facilities (parent_facility_id);

CREATE TABLE communities (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('county_community','city_group')),
  tight       boolean NOT NULL DEFAULT true,
  lead_facility_id uuid NOT NULL REFERENCES facilities(id),
  region_code text NOT NULL REFERENCES regions(code),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE community_members (
  community_id uuid NOT NULL REFERENCES communities(id),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  joined_on    date NOT NULL,
  left_on      date,
  tight        boolean NOT NULL DEFAULT true,
  PRIMARY KEY (community_id, facility_id, joined_on)
);
-- A facility belongs to at most one tight community at a time.
CREATE UNIQUE INDEX community_members_one_tight ON community_members (facility_id) WHERE tight AND left_on IS NULL;

CREATE TABLE workers (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL,
  sex           text NOT NULL CHECK (sex IN ('M','F')),
  birth_date    date,
  worker_type   text NOT NULL CHECK (worker_type IN ('physician','assistant_physician','village_doctor','nurse','pharmacist','technician','public_health','manager')),
  specialty     text,
  title         text,
  licence_no    text,
  -- A village doctor's qualification: holds a practising (assistant) physician certificate.
  qualified     boolean NOT NULL DEFAULT true,
  employer_id   uuid NOT NULL REFERENCES facilities(id),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  version       integer NOT NULL DEFAULT 1
);
CREATE INDEX workers_employer ON workers (employer_id);

-- Registered practice sites (多点执业) and postings (县管乡用 / 乡聘村用) beyond the employer.
CREATE TABLE worker_postings (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  worker_id    uuid NOT NULL REFERENCES workers(id),
  facility_id  uuid NOT NULL REFERENCES facilities(id),
  kind         text NOT NULL CHECK (kind IN ('practice_site','county_to_township','township_to_village','other')),
  start_on     date NOT NULL,
  end_on       date,
  CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX worker_postings_worker ON worker_postings (worker_id);
CREATE INDEX worker_postings_facility ON worker_postings (facility_id);

ALTER TABLE users ADD COLUMN worker_id uuid REFERENCES workers(id);

CREATE TABLE households (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  household_no text NOT NULL UNIQUE,
  village_code text NOT NULL REFERENCES regions(code),
  address      text
);

CREATE TABLE residents (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  county_code     text NOT NULL,                 -- kept on every large table so it can be partitioned by county
  id_type         text NOT NULL CHECK (id_type IN ('resident_id','passport','hk_macao_permit','taiwan_permit','residence_permit','birth_certificate','medical_record')),
  id_number_enc   text NOT NULL,                 -- AES-256-GCM
  id_number_hash  text NOT NULL,                 -- keyed hash for exact lookup
  id_number_last4 text NOT NULL,
  name            text NOT NULL,
  name_pinyin     text NOT NULL,
  name_initials   text NOT NULL,
  sex             text NOT NULL CHECK (sex IN ('M','F')),
  birth_date      date NOT NULL,
  ethnicity       text NOT NULL DEFAULT '汉族',
  phone_enc       text,
  phone_hash      text,
  phone_last4     text,
  household_id    uuid REFERENCES households(id),
  relation_to_head text,
  village_code    text NOT NULL REFERENCES regions(code),   -- where they live
  registered_village_code text REFERENCES regions(code),     -- 户籍
  permanent       boolean NOT NULL DEFAULT true,
  death_date      date,
  -- Priority-group conditions held by the other modules (hypertension, diabetes, tb, severe_mental,
  -- disability, poverty, pregnant); age-based groups are derived from birth_date at query time.
  conditions      text[] NOT NULL DEFAULT '{}',
  merged_into     uuid REFERENCES residents(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1
);
-- One resident, one record: an identifier appears once among records not merged away.
CREATE UNIQUE INDEX residents_id_number ON residents (id_type, id_number_hash) WHERE merged_into IS NULL;
CREATE INDEX residents_village ON residents (village_code text_pattern_ops) WHERE merged_into IS NULL;
CREATE INDEX residents_pinyin ON residents (name_pinyin text_pattern_ops);
CREATE INDEX residents_initials ON residents (name_initials text_pattern_ops);
CREATE INDEX residents_name ON residents (name text_pattern_ops);
CREATE INDEX residents_phone ON residents (phone_hash);
CREATE INDEX residents_birth ON residents (birth_date);
CREATE INDEX residents_household ON residents (household_id);

CREATE TABLE resident_duplicates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_a  uuid NOT NULL REFERENCES residents(id),
  resident_b  uuid NOT NULL REFERENCES residents(id),
  reasons     text[] NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open','merged','distinct','undone')),
  decided_by  uuid REFERENCES users(id),
  decided_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (resident_a, resident_b)
);

CREATE TABLE resident_merges (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survivor_id uuid NOT NULL REFERENCES residents(id),
  merged_id   uuid NOT NULL REFERENCES residents(id),
  -- What moved: table name → list of row ids, so an undo moves exactly those rows back.
  moved       jsonb NOT NULL,
  merged_by   uuid REFERENCES users(id),
  merged_at   timestamptz NOT NULL DEFAULT now(),
  undone_by   uuid REFERENCES users(id),
  undone_at   timestamptz
);
