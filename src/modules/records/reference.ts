// Reference data kept in the database from the files shipped with the code (upserted at start).
import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db.ts';
import { parseCsv } from '../registry/csv.ts';

export const ICD10_CSV = new URL('../../../data/icd10.csv', import.meta.url).pathname;

/** Upserts the shipped ICD-10 list; codes added locally (by import) are kept. */
export async function syncReferenceData(db: Db): Promise<number> {
  const { rows } = parseCsv(readFileSync(ICD10_CSV, 'utf8'));
  const [header, ...body] = rows;
  const at = (n: string) => header.indexOf(n);
  await db.query(
    `INSERT INTO icd10_codes (code, name_zh, name_en, chapter, category)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, chapter = EXCLUDED.chapter, category = EXCLUDED.category`,
    [body.map((r) => r[at('code')]), body.map((r) => r[at('name_zh')]), body.map((r) => r[at('name_en')]), body.map((r) => r[at('chapter')]), body.map((r) => r[at('category')])],
  );
  return body.length;
}
