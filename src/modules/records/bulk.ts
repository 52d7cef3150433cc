// The records module's bulk loader (the demo county, a facility's history): encounters with their
// diagnoses, observations and prescriptions, written here by their owner in batched INSERT … unnest.
// Callers hand over rows already checked (the demo's are generated within the catalogue's bounds).
import type { Queryable } from '../../platform/db.ts';
import { insertMany } from '../../platform/bulk.ts';

export interface BulkEncounter {
  id: string; residentId: string; countyCode: string; kind: string; facilityId: string; workerId: string | null;
  department: string | null; startedAt: string; endedAt: string | null; sourceSystem: string;
}
export interface BulkDiagnosis { residentId: string; encounterId: string; icd10: string; status: string }
export interface BulkObservation { residentId: string; encounterId: string; code: string; value: number; unit: string; flag: string; observedAt: string }
export interface BulkPrescription { residentId: string; encounterId: string; drugName: string; antibacterialClass: string | null; days: number; prescribedAt: string }

/** Loads encounters, then the diagnoses, observations and prescriptions that belong to them. */
export async function loadCare(q: Queryable, c: {
  encounters: readonly BulkEncounter[]; diagnoses: readonly BulkDiagnosis[]; observations: readonly BulkObservation[]; prescriptions: readonly BulkPrescription[];
}): Promise<void> {
  await insertMany(q, 'encounters', [
    { name: 'id', type: 'uuid', get: (e: BulkEncounter) => e.id }, { name: 'resident_id', type: 'uuid', get: (e) => e.residentId }, { name: 'county_code', type: 'text', get: (e) => e.countyCode },
    { name: 'kind', type: 'text', get: (e) => e.kind }, { name: 'facility_id', type: 'uuid', get: (e) => e.facilityId }, { name: 'worker_id', type: 'uuid', get: (e) => e.workerId },
    { name: 'department', type: 'text', get: (e) => e.department }, { name: 'started_at', type: 'timestamptz', get: (e) => e.startedAt }, { name: 'ended_at', type: 'timestamptz', get: (e) => e.endedAt },
    { name: 'source_system', type: 'text', get: (e) => e.sourceSystem }], c.encounters);
  await insertMany(q, 'diagnoses', [
    { name: 'resident_id', type: 'uuid', get: (d: BulkDiagnosis) => d.residentId }, { name: 'encounter_id', type: 'uuid', get: (d) => d.encounterId },
    { name: 'icd10', type: 'text', get: (d) => d.icd10 }, { name: 'status', type: 'text', get: (d) => d.status }], c.diagnoses);
  await insertMany(q, 'observations', [
    { name: 'resident_id', type: 'uuid', get: (x: BulkObservation) => x.residentId }, { name: 'encounter_id', type: 'uuid', get: (x) => x.encounterId },
    { name: 'code', type: 'text', get: (x) => x.code }, { name: 'value', type: 'numeric', get: (x) => x.value }, { name: 'unit', type: 'text', get: (x) => x.unit },
    { name: 'flag', type: 'text', get: (x) => x.flag }, { name: 'observed_at', type: 'timestamptz', get: (x) => x.observedAt }], c.observations);
  await insertMany(q, 'prescriptions', [
    { name: 'resident_id', type: 'uuid', get: (x: BulkPrescription) => x.residentId }, { name: 'encounter_id', type: 'uuid', get: (x) => x.encounterId },
    { name: 'drug_name', type: 'text', get: (x) => x.drugName }, { name: 'antibacterial_class', type: 'text', get: (x) => x.antibacterialClass }, { name: 'days', type: 'int', get: (x) => x.days },
    { name: 'prescribed_at', type: 'timestamptz', get: (x) => x.prescribedAt }], c.prescriptions);
}

export interface BulkImmunisation { residentId: string; vaccine: string; doseNumber: number; givenOn: string; facilityId: string | null; sourceSystem: string }

/** Loads immunisations (the demo's doses given over the years before the clinic's own record). */
export async function loadImmunisations(q: Queryable, list: readonly BulkImmunisation[]): Promise<void> {
  await insertMany(q, 'immunisations', [
    { name: 'resident_id', type: 'uuid', get: (d: BulkImmunisation) => d.residentId }, { name: 'vaccine', type: 'text', get: (d) => d.vaccine },
    { name: 'dose_number', type: 'int', get: (d) => d.doseNumber }, { name: 'given_on', type: 'date', get: (d) => d.givenOn }, { name: 'facility_id', type: 'uuid', get: (d) => d.facilityId },
    { name: 'source_system', type: 'text', get: (d) => d.sourceSystem }], list);
}
