-- The publichealth module's one definition of 老年人健康管理率 (国家基本公共卫生服务规范第三版,
-- 老年人健康管理服务规范 §五: 年内接受健康管理人数 ÷ 年内辖区内65岁及以上常住居民数), declared as a SQL
-- function that both its own rate (/api/publichealth/elderly/rate, …/rate/townships) and the
-- indicator catalogue's elderly_health_management_rate read, so the two show one number.
-- On a day: every permanent (常住) resident, not merged away, alive that day and aged 65 or more that
-- day, with `managed` true when they had a complete annual service (健康体检表填写完整) from 1 January of
-- the day's year to the day. LANGUAGE sql STABLE, a single SELECT: the planner inlines it into the
-- calling statement, which narrows it to an area by village_code.
CREATE OR REPLACE FUNCTION elderly_managed_on(on_day date)
RETURNS TABLE (id uuid, village_code text, managed boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.id, r.village_code,
         EXISTS (SELECT 1 FROM elderly_services s WHERE s.resident_id = r.id AND s.complete
                    AND s.service_date >= make_date(extract(year FROM $1)::int, 1, 1) AND s.service_date <= $1)
    FROM residents r
   WHERE r.merged_into IS NULL AND r.permanent AND (r.death_date IS NULL OR r.death_date > $1)
     AND r.birth_date <= ($1 - interval '65 years')::date
$$;
