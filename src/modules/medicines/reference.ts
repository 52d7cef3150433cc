// The shipped catalogue (data/medicines/catalogue.csv), upserted at start beside the other reference data. Kept apart
// from the service (and its workbook reader, records and registry) so that opening a database — every command-line run
// — loads only the catalogue's check and its SQL.
import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db.ts';
import { parseCsv } from '../registry/csv.ts';
import { checkCatalogue, FIELD_SOURCES } from './catalogue.ts';
import * as store from './store.ts';

export const CATALOGUE_CSV = new URL('../../../data/medicines/catalogue.csv', import.meta.url).pathname;

/** Upserts the shipped catalogue (data/medicines/catalogue.csv); items replaced by an import are kept as imported. */
export async function syncShippedCatalogue(db: Db, csvText: string): Promise<number> {
  const { items, problems } = checkCatalogue(parseCsv(csvText).rows);
  if (problems.length) throw new Error(`data/medicines/catalogue.csv: ${problems.map((p) => `${p.path}: ${p.problem}`).join('; ')}`);
  return db.tx(async (q) => {
    const imported = await store.importedCodes(q);
    const keep = items.filter((i) => !imported.has(i.code));
    const r = await store.upsertMedicines(q, keep, 'shipped', FIELD_SOURCES);
    return r.created + r.updated;
  });
}

/** Upserts the shipped catalogue; items an import replaced are kept. */
export function syncMedicines(db: Db): Promise<number> {
  return syncShippedCatalogue(db, readFileSync(CATALOGUE_CSV, 'utf8'));
}
