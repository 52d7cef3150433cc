-- What a refresh asks first is which rows arrived since the indicators were computed (catalogue.ts `touches`:
-- a table and its stamp column). Without an index each of these questions read the whole table (the
-- residents, the encounters) however few rows had come; with one it reads just the new rows.
CREATE INDEX IF NOT EXISTS residents_updated_at ON residents (updated_at);
CREATE INDEX IF NOT EXISTS encounters_created_at ON encounters (created_at);
CREATE INDEX IF NOT EXISTS prescriptions_recorded_at ON prescriptions (recorded_at);
CREATE INDEX IF NOT EXISTS chronic_followups_created_at ON chronic_followups (created_at);
CREATE INDEX IF NOT EXISTS contracts_created_at ON contracts (created_at);
CREATE INDEX IF NOT EXISTS workers_created_at ON workers (created_at);
CREATE INDEX IF NOT EXISTS facilities_updated_at ON facilities (updated_at);
CREATE INDEX IF NOT EXISTS report_cards_updated_at ON report_cards (updated_at);
CREATE INDEX IF NOT EXISTS referral_events_at ON referral_events (at);
