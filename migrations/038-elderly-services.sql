-- Health management of the elderly aged 65+ (issue 18): the annual service (老年人健康管理服务规范,
-- 国家基本公共卫生服务规范第三版) with the 健康体检表 parts the norm lists, stored as typed (the form's
-- fields in `form`, bounded by the service's rules before saving) beside the judged figures.
CREATE TABLE elderly_services (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id    uuid NOT NULL REFERENCES residents(id),
  county_code    text NOT NULL,
  facility_id    uuid NOT NULL REFERENCES facilities(id),
  service_date   date NOT NULL,
  form           jsonb NOT NULL,
  self_care_total integer NOT NULL CHECK (self_care_total BETWEEN 0 AND 37),
  self_care_band text NOT NULL CHECK (self_care_band IN ('independent','mild','moderate','unable')),
  bmi            numeric,
  complete       boolean NOT NULL,
  by_user        uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX elderly_services_resident ON elderly_services (resident_id, service_date);
CREATE INDEX elderly_services_facility ON elderly_services (facility_id, service_date);
