-- The audit chain, redesigned (ARCHITECTURE.md "Audit chain"): writers only INSERT the content of
-- their rows; a sealer chains committed rows afterwards, giving each a gapless sequence number and a
-- keyed hash (HMAC-SHA256 with a key the database never holds). Signed heads (anchors) are kept in
-- audit_anchors and in the data folder, so that truncating the tail is found too.

-- The old unkeyed chain goes: rows written before this migration were written under one lock, so their
-- id order is their commit order, and the first sealer run seals them in that order.
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN hash;
-- Chain fields, NULL until sealed, then set once. The sealer picks rows by "not sealed yet" (never by
-- an id watermark: ids are taken before commit, so a lower id can commit later), in id order within
-- one run; the chain's order is the order in which rows became visible as committed to sealer runs.
ALTER TABLE audit_log ADD COLUMN seq bigint;
ALTER TABLE audit_log ADD COLUMN prev_hash text;
ALTER TABLE audit_log ADD COLUMN chain_hash text;
ALTER TABLE audit_log ADD COLUMN sealed_at timestamptz;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seal_whole CHECK (
  (seq IS NULL AND prev_hash IS NULL AND chain_hash IS NULL AND sealed_at IS NULL)
  OR (seq IS NOT NULL AND prev_hash IS NOT NULL AND chain_hash IS NOT NULL AND sealed_at IS NOT NULL));
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq) WHERE seq IS NOT NULL;
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- Append-only, with one exception: the sealer's UPDATE that sets the chain fields of an unsealed row
-- and changes nothing else. A new row arrives unsealed.
CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.chain_hash IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
      RAISE EXCEPTION 'audit_log rows are sealed by the sealer, not by their writer' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'chain_hash' - 'sealed_at') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'chain_hash' - 'sealed_at') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_unsealed_insert BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();

-- Signed heads: the last sealed seq and its chain hash, signed (Ed25519, key derived from the secret).
CREATE TABLE audit_anchors (
  id        bigserial PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      text NOT NULL,
  at        timestamptz NOT NULL,
  key_id    text NOT NULL,
  signature text NOT NULL
);
CREATE FUNCTION audit_anchors_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_anchors is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_anchors_no_change BEFORE UPDATE OR DELETE ON audit_anchors FOR EACH ROW EXECUTE FUNCTION audit_anchors_refuse();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_refuse();
