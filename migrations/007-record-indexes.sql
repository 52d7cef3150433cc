-- The timeline reads a page of encounters, then what is attached to them by encounter id.
CREATE INDEX diagnoses_encounter ON diagnoses (encounter_id);
CREATE INDEX observations_encounter ON observations (encounter_id);
CREATE INDEX documents_encounter ON documents (encounter_id);
CREATE INDEX immunisations_encounter ON immunisations (encounter_id);
