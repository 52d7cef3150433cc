-- The referrals module's one definition of a counted referral, declared as a SQL function that both its
-- own figures (转诊统计) and the indicators (上转人次, 下转人次, 基层上转率, 下转与上转之比) read, so the two pages
-- show one number: a referral counts when it was sent on an Asia/Shanghai day within [from_day, to_day]
-- and is neither a draft nor withdrawn (cancelled); its primary-care end is the sender of an up, lateral or out referral
-- and the receiver of a down-referral (the township a referral belongs to). LANGUAGE sql STABLE, a single
-- SELECT: the planner inlines it into the calling query.
CREATE OR REPLACE FUNCTION referrals_counted(from_day date, to_day date)
RETURNS TABLE (id uuid, resident_id uuid, direction text, status text, sent_at timestamptz, accepted_at timestamptz, arrived_at timestamptz,
               has_plan boolean, from_facility_id uuid, to_facility_id uuid, primary_facility_id uuid)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.id, r.resident_id, r.direction, r.status, r.sent_at, r.accepted_at, r.arrived_at, r.follow_up_plan IS NOT NULL,
         r.from_facility_id, r.to_facility_id, CASE WHEN r.direction = 'down' THEN r.to_facility_id ELSE r.from_facility_id END
    FROM referrals r
   WHERE r.sent_at >= ($1::timestamp AT TIME ZONE 'Asia/Shanghai') AND r.sent_at < (($2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
     AND r.status NOT IN ('draft', 'cancelled')
$$;
