// The shipped catalogue (data/medicines/catalogue.csv), upserted at start beside the other reference data.
import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db.ts';
import { syncShippedCatalogue } from './service.ts';

export const CATALOGUE_CSV = new URL('../../../data/medicines/catalogue.csv', import.meta.url).pathname;

/** Upserts the shipped catalogue; items an import replaced are kept. */
export function syncMedicines(db: Db): Promise<number> {
  return syncShippedCatalogue(db, readFileSync(CATALOGUE_CSV, 'utf8'));
}
