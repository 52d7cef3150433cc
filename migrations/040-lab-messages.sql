-- Laboratory results as HL7 v2 ORU^R01 over MLLP (issue 17). Every inbound message is kept here with
-- its raw text, whatever became of it: accepted (a report written), error (understood but not
-- processed: malformed content, an order in the wrong state, a patient mismatch), rejected (an
-- unreadable message or an unknown sender), unmatched (no order by its placer/filler number) or
-- duplicate (the same sender's control id again: answered as the first was, nothing written twice).
-- 'received' is the row's state while it is processed; one left so (a crash) is listed like an error.
-- A person resolves what was not accepted: matches it to an order (then it is processed) or dismisses
-- it with a reason. Nothing is deleted.
CREATE TABLE lab_messages (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  received_at       timestamptz NOT NULL DEFAULT now(),
  peer              text,
  raw               text NOT NULL,
  -- MSH-4 as sent, MSH-9, MSH-10; null when the message could not be read
  sending_facility  text,
  message_type      text,
  control_id        text,
  -- the system client MSH-4 is bound to (its facility), null for an unknown sender
  client_id         uuid REFERENCES system_clients(id),
  facility_id       uuid REFERENCES facilities(id),
  status            text NOT NULL CHECK (status IN ('received','accepted','error','rejected','unmatched','duplicate')),
  ack_code          text CHECK (ack_code IN ('AA','AE','AR')),
  reason            text,
  duplicate_of      uuid REFERENCES lab_messages(id),
  order_id          uuid REFERENCES diagnostic_orders(id),
  report_id         uuid REFERENCES diagnostic_reports(id),
  processed_at      timestamptz,
  resolved_at       timestamptz,
  resolved_by       uuid REFERENCES users(id),
  resolution        text CHECK (resolution IN ('matched','dismissed')),
  resolution_note   text,
  CHECK (status <> 'duplicate' OR duplicate_of IS NOT NULL),
  CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
-- one first message per sender and control id (a resend is a 'duplicate' row beside it)
CREATE UNIQUE INDEX lab_messages_control ON lab_messages (client_id, control_id) WHERE duplicate_of IS NULL AND client_id IS NOT NULL AND control_id IS NOT NULL;
CREATE INDEX lab_messages_open ON lab_messages (facility_id, received_at) WHERE resolved_at IS NULL AND status IN ('received','error','rejected','unmatched');
CREATE INDEX lab_messages_order ON lab_messages (order_id);

-- The laboratory's own number for an order (ORC-3/OBR-3), learnt from its first message, so a later
-- message that names only the filler number finds the order.
ALTER TABLE diagnostic_orders ADD COLUMN filler_number text;
CREATE UNIQUE INDEX diagnostic_orders_filler ON diagnostic_orders (centre_id, filler_number) WHERE filler_number IS NOT NULL;

-- The analytes of an item as the centre's laboratory codes them: local code (OBX-3) → the code its
-- critical-value rules and templates use, LOINC, names, unit. Data the centre configures.
ALTER TABLE diagnostic_items ADD COLUMN analytes jsonb NOT NULL DEFAULT '[]';

-- A version written by the laboratory's system (no Meridian user): the message it came from.
ALTER TABLE diagnostic_report_versions ALTER COLUMN written_by DROP NOT NULL;
ALTER TABLE diagnostic_report_versions ADD COLUMN source_message_id uuid REFERENCES lab_messages(id);
ALTER TABLE diagnostic_report_versions ADD CONSTRAINT diagnostic_report_versions_writer CHECK (written_by IS NOT NULL OR source_message_id IS NOT NULL);

-- DICOM files uploaded for a centre without a PACS (the study record filled from their tags): each
-- instance kept with its bytes and digest.
CREATE TABLE imaging_files (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id          uuid NOT NULL REFERENCES diagnostic_orders(id),
  study_uid         text NOT NULL CHECK (study_uid ~ '^[0-9.]{1,64}$'),
  series_uid        text NOT NULL CHECK (series_uid ~ '^[0-9.]{1,64}$'),
  sop_instance_uid  text NOT NULL UNIQUE CHECK (sop_instance_uid ~ '^[0-9.]{1,64}$'),
  modality          text NOT NULL,
  bytes             bytea NOT NULL,
  size              integer NOT NULL CHECK (size > 0),
  sha256            text NOT NULL,
  uploaded_by       uuid NOT NULL REFERENCES users(id),
  uploaded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imaging_files_order ON imaging_files (order_id);
