// Reference data shipped with the code, upserted after every migration: records' ICD-10 list and the
// medicines module's catalogue. A composition root like app.ts (the modules do not know each other here).
import type { Db } from './platform/db.ts';
import { syncReferenceData as syncIcd10 } from './modules/records/reference.ts';
import { syncMedicines } from './modules/medicines/reference.ts';

export { ICD10_CSV } from './modules/records/reference.ts';
export { CATALOGUE_CSV } from './modules/medicines/reference.ts';

/** Upserts every shipped reference list; answers the ICD-10 count (as records' sync did). */
export async function syncReferenceData(db: Db): Promise<number> {
  const n = await syncIcd10(db);
  await syncMedicines(db);
  return n;
}
