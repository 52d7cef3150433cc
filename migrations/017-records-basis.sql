-- Bases come only from facts the resident's care produced (issue 23, findings 1, 6, 7).
--
-- encounters.presence: how the resident's presence was shown when the encounter was recorded.
-- 'id_number' (their full ID number typed or read from the card), 'resident_code' (a one-time code
-- from their own signed-in page), 'system' (sent by a registered facility system, or bulk-loaded
-- from one), 'none' (not shown: the encounter is kept but opens no access). Only records' store
-- writes encounters and always names it; the default covers bulk loads from facility systems.
ALTER TABLE encounters ADD COLUMN presence text NOT NULL DEFAULT 'system' CHECK (presence IN ('none', 'id_number', 'resident_code', 'system'));
-- Encounters typed in by a person before this rule existed showed no presence.
UPDATE encounters SET presence = 'none' WHERE created_by IS NOT NULL;

-- Sender record ids are unique per sending client: '' for people signed in to Meridian (one shared
-- space, as before), 'client:<id>' for a registered system client.
ALTER TABLE encounters ADD COLUMN sender text NOT NULL DEFAULT '';
DROP INDEX encounters_source;
CREATE UNIQUE INDEX encounters_source ON encounters (sender, source_system, source_id) WHERE source_id IS NOT NULL;
ALTER TABLE observations ADD COLUMN sender text NOT NULL DEFAULT '';
DROP INDEX observations_source;
CREATE UNIQUE INDEX observations_source ON observations (sender, source_system, source_id) WHERE source_id IS NOT NULL;

-- One-time codes a resident shows from their own signed-in page to prove they are present.
CREATE TABLE presence_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resident_id uuid NOT NULL REFERENCES residents(id),
  code_hash   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_codes_resident ON presence_codes (resident_id, created_at DESC);
