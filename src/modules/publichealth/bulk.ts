// The public-health module's bulk loader (the demo county): the clinics' vaccine lots, written here
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
