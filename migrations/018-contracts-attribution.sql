-- The contracts module's attribution of residents, declared as SQL functions that other modules'
-- queries join (chronic's programme rates, the indicators, contracts' own rates) instead of SQL text
-- handed round and spliced in. All are LANGUAGE sql, STABLE (or IMMUTABLE) and a single SELECT, so
-- the planner inlines them into the calling query: the plans are those of the text they replace.

-- The current contract of each resident on a day (signed or renewed, the day within its dates; the
-- latest start when two overlap, as on a renewal's first day): one row per resident.
CREATE OR REPLACE FUNCTION contract_team_on(on_day date)
RETURNS TABLE (resident_id uuid, contract_id uuid, team_id uuid)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT ON (c.resident_id) c.resident_id, c.id, c.team_id
    FROM contracts c
   WHERE c.status IN ('signed', 'renewed') AND c.starts_on <= $1 AND c.ends_on >= $1
   ORDER BY c.resident_id, c.starts_on DESC
$$;

-- The family-doctor team serving each village (care_team_areas; of several active teams, the first
-- by name): a resident without a current contract counts for this team.
CREATE OR REPLACE FUNCTION village_team()
RETURNS TABLE (village_code text, team_id uuid)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT ON (a.region_code) a.region_code, a.team_id
    FROM care_team_areas a JOIN care_teams t ON t.id = a.team_id AND t.active
   ORDER BY a.region_code, t.name, t.id
$$;

-- The medical community of each township, through its township centre's membership on a day (a tight
-- community before a loose one): the community level of the rates.
CREATE OR REPLACE FUNCTION township_community_on(on_day date)
RETURNS TABLE (township_code text, community_id uuid)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT ON (f.region_code) f.region_code, m.community_id
    FROM facilities f JOIN community_members m ON m.facility_id = f.id AND m.left_on IS NULL AND m.joined_on <= $1
   WHERE f.tier = 'township'
   ORDER BY f.region_code, m.tight DESC
$$;

-- The township (GB/T 2260, 12 digits) a village code belongs to.
CREATE OR REPLACE FUNCTION township_of(village_code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT left($1, 9) || '000'
$$;
