// The public-health module's bulk loader (the demo county): the clinics' vaccine lots and the elderly's annual services, written here
// by their owner in batched INSERT … unnest.
import type { Queryable } from '../../platform/db.ts';
import { insertMany } from '../../platform/bulk.ts';

export interface BulkLot { facilityId: string; vaccine: string; manufacturer: string; lot: string; expiresOn: string; quantity: number }

/** Loads vaccine lots received by the clinics. */
export async function loadLots(q: Queryable, list: readonly BulkLot[]): Promise<void> {
  await insertMany(q, 'vaccine_lots', [
    { name: 'facility_id', type: 'uuid', get: (l: BulkLot) => l.facilityId }, { name: 'vaccine', type: 'text', get: (l) => l.vaccine },
    { name: 'manufacturer', type: 'text', get: (l) => l.manufacturer }, { name: 'lot', type: 'text', get: (l) => l.lot }, { name: 'expires_on', type: 'date', get: (l) => l.expiresOn },
    { name: 'quantity', type: 'int', get: (l) => l.quantity }], list);
}

export interface BulkElderlyService { residentId: string; county: string; facilityId: string; serviceDate: string; form: object; selfCareTotal: number; selfCareBand: string; bmi: number | null; complete: boolean }

/** Loads the elderly's annual services (forms already judged by elderly.ts: the demo county, fixtures). */
export async function loadElderlyServices(q: Queryable, list: readonly BulkElderlyService[]): Promise<void> {
  await insertMany(q, 'elderly_services', [
    { name: 'resident_id', type: 'uuid', get: (s: BulkElderlyService) => s.residentId }, { name: 'county_code', type: 'text', get: (s) => s.county },
    { name: 'facility_id', type: 'uuid', get: (s) => s.facilityId }, { name: 'service_date', type: 'date', get: (s) => s.serviceDate },
    { name: 'form', type: 'text', cast: 'jsonb', get: (s) => JSON.stringify(s.form) }, { name: 'self_care_total', type: 'int', get: (s) => s.selfCareTotal },
    { name: 'self_care_band', type: 'text', get: (s) => s.selfCareBand }, { name: 'bmi', type: 'numeric', get: (s) => s.bmi }, { name: 'complete', type: 'boolean', get: (s) => s.complete }], list, 2000);
}
