// Reference data kept in the database from the files shipped with the code (upserted at start).
import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db.ts';
import { parseCsv } from '../registry/csv.ts';
import { badRequest } from '../../platform/errors.ts';
import { searchIcd10 as icd10Matching, upsertIcd10Rows } from './store.ts';

export const ICD10_CSV = new URL('../../../data/icd10.csv', import.meta.url).pathname;

/** Upserts the shipped ICD-10 list; codes added locally (by import) are kept. */
export async function syncReferenceData(db: Db): Promise<number> {
  return upsertIcd10(db, readFileSync(ICD10_CSV, 'utf8'));
}

const CATEGORIES = new Set(['chronic', 'notifiable_a', 'notifiable_b', 'notifiable_c', 'common']);

/** Checks an ICD-10 CSV (code,name_zh,name_en,chapter,category); every problem by line and column, or the row count. */
export function checkIcd10Csv(text: string): { problems: { path: string; problem: string }[] } {
  const { rows, lines } = parseCsv(text);
  const problems: { path: string; problem: string }[] = [];
  const header = rows[0]?.map((h) => h.trim()) ?? [];
  for (const c of ['code', 'name_zh', 'name_en', 'category']) if (!header.includes(c)) problems.push({ path: `line 1, column ${c}`, problem: 'missing column / 缺少该列' });
  if (problems.length) return { problems };
  const at = (n: string) => header.indexOf(n);
  rows.slice(1).forEach((r, i) => {
    const line = lines[i + 1];
    if (!/^[A-Z]\d{2}(\.\d{1,2})?$/.test(r[at('code')] ?? '')) problems.push({ path: `line ${line}, column code`, problem: `"${r[at('code')]}" is not an ICD-10 code (A00, E11.9) / 不是ICD-10编码` });
    if (!r[at('name_zh')]?.trim()) problems.push({ path: `line ${line}, column name_zh`, problem: 'empty / 不能为空' });
    if (!CATEGORIES.has(r[at('category')] ?? '')) problems.push({ path: `line ${line}, column category`, problem: `one of ${[...CATEGORIES].join(', ')}` });
  });
  return { problems };
}

/** Upserts ICD-10 rows from CSV text (checked first: all rows or none). */
export async function upsertIcd10(db: Db, text: string): Promise<number> {
  const { problems } = checkIcd10Csv(text);
  if (problems.length) throw badRequest('icd10.import_invalid', { zh: `ICD-10 文件有 ${problems.length} 处错误，未导入`, en: `The ICD-10 file has ${problems.length} problem(s); nothing was imported` }, problems);
  const { rows } = parseCsv(text);
  const [header, ...body] = rows;
  const at = (n: string) => header.indexOf(n);
  await upsertIcd10Rows(db, body.map((r) => ({ code: r[at('code')], nameZh: r[at('name_zh')], nameEn: r[at('name_en')] || r[at('name_zh')], chapter: at('chapter') >= 0 ? r[at('chapter')] : null, category: r[at('category')] })));
  return body.length;
}

/** ICD-10 codes matching a code prefix or a Chinese/English name fragment. */
export async function searchIcd10(db: Db, q: string, limit = 20) {
  return icd10Matching(db, q, limit);
}
