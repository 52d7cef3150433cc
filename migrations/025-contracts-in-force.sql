-- Whether a contract was in force on a day: the contracts module's one rule, declared as a SQL function that
-- its own statements and contract_team_on (migration 018) call, so coverage, attribution, the teams' lists and
-- fulfilment read a contract's days alike. A contract is in force between its dates unless it was ended before
-- the day: an early end takes effect on its day (ended_on); a renewal ends the old contract on its last day,
-- though the renewal is recorded when it is signed, perhaps weeks before (ended_reason 'renewed'). Before this
-- rule a renewed contract stopped counting when the renewal was signed, and for every day of its past: last
-- year's coverage fell as this year's contracts were renewed. LANGUAGE sql IMMUTABLE, one expression: inlined.
CREATE OR REPLACE FUNCTION contract_in_force(status text, ended_reason text, starts_on date, ends_on date, ended_on date, on_day date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT $3 <= $6 AND $4 >= $6 AND ($1 IN ('signed', 'renewed') OR ($1 = 'ended' AND ($2 = 'renewed' OR $5 IS NULL OR $6 < $5)))
$$;

CREATE OR REPLACE FUNCTION contract_team_on(on_day date)
RETURNS TABLE (resident_id uuid, contract_id uuid, team_id uuid)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT ON (c.resident_id) c.resident_id, c.id, c.team_id
    FROM contracts c
   WHERE contract_in_force(c.status, c.ended_reason, c.starts_on, c.ends_on, c.ended_on, $1)
   ORDER BY c.resident_id, c.starts_on DESC
$$;
