-- #20 stewardship: each prescription carries its own summary (written with its lines), so the
-- stewardship figures read the prescriptions alone instead of joining every line to the catalogue.
ALTER TABLE medication_orders
  ADD COLUMN item_count integer,
  ADD COLUMN essential_items integer,
  ADD COLUMN has_antibacterial boolean,
  ADD COLUMN has_injection boolean;

UPDATE medication_orders o SET item_count = s.n, essential_items = s.ess, has_antibacterial = s.ab, has_injection = s.inj
  FROM (SELECT i.order_id, count(*)::integer AS n, (count(*) FILTER (WHERE m.essential))::integer AS ess,
               bool_or(m.antibacterial_grade IS NOT NULL) AS ab, bool_or(i.route IN ('iv','im','sc')) AS inj
          FROM medication_order_items i JOIN medicines m ON m.id = i.medicine_id GROUP BY i.order_id) s
 WHERE s.order_id = o.id;

CREATE INDEX medication_orders_stewardship ON medication_orders (created_at) WHERE status IN ('ready', 'dispensed') AND setting <> 'inpatient';
