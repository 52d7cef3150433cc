// Regions: the GB/T 2260 and statistical-code tree, its import, and permanent population per year.
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { parseCsv, type CsvProblem } from './csv.ts';
import { impliedParent, isUrban, levelOfCode, type RegionLevel } from './rules.ts';
import * as store from './store.ts';

export interface ImportedRegion {
  code: string;
  name: string;
  parentCode: string | null;
  level: RegionLevel;
}

/** Checks region CSV text (code,name,parent_code[,level]); returns the rows or every problem by line and column. */
export async function checkRegionCsv(q: Queryable, text: string): Promise<{ rows: ImportedRegion[]; problems: CsvProblem[] }> {
  const { rows, lines } = parseCsv(text);
  const problems: CsvProblem[] = [];
  if (!rows.length) return { rows: [], problems: [{ line: 1, column: '-', problem: 'empty file / 文件为空' }] };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const need of ['code', 'name', 'parent_code']) {
    if (col(need) < 0) problems.push({ line: lines[0], column: need, problem: 'missing column in the header / 表头缺少该列' });
  }
  if (problems.length) return { rows: [], problems };
  const known = new Set(await store.regionCodes(q));
  const seen = new Set<string>();
  const out: ImportedRegion[] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    const line = lines[i];
    if (r.length !== header.length) {
      problems.push({ line, column: '-', problem: `expected ${header.length} fields, found ${r.length} / 字段数不符` });
      continue;
    }
    const code = r[col('code')].trim();
    const name = r[col('name')].trim();
    const parent = r[col('parent_code')].trim() || null;
    const level = levelOfCode(code);
    if (!level) problems.push({ line, column: 'code', problem: `"${code}" is not a 2/4/6-digit GB/T 2260 or 12-digit statistical code / 不是有效的区划代码` });
    else if (col('level') >= 0 && r[col('level')].trim() && r[col('level')].trim() !== level) {
      problems.push({ line, column: 'level', problem: `"${r[col('level')].trim()}" does not match the code's level ${level} / 层级与代码不符` });
    }
    if (!name) problems.push({ line, column: 'name', problem: 'empty / 不能为空' });
    if (seen.has(code)) problems.push({ line, column: 'code', problem: `duplicate code ${code} in the file / 文件中重复` });
    if (parent) {
      if (!known.has(parent) && !seen.has(parent)) problems.push({ line, column: 'parent_code', problem: `unknown parent ${parent} (not in the database or above in the file) / 上级区划不存在` });
      else if (level && impliedParent(code) !== parent && !(level === 'county' && parent.length === 2)) {
        problems.push({ line, column: 'parent_code', problem: `${code} cannot lie under ${parent} / 上级区划与代码不符` });
      }
    } else if (level && level !== 'province') problems.push({ line, column: 'parent_code', problem: 'required below province level / 省级以下须填写上级区划' });
    seen.add(code);
    if (level) out.push({ code, name, parentCode: parent, level });
  }
  return { rows: out, problems };
}

/** Inserts or renames the regions (already checked) in one statement batch. */
export async function upsertRegions(q: Queryable, rows: ImportedRegion[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    await store.upsertRegions(q, b.map((r) => ({ ...r, urban: isUrban(r.code) })));
  }
}

/** Imports a region CSV: all rows or none; a bad file answers every problem by line and column. */
export async function importRegions(db: Db, actor: Actor, text: string): Promise<{ imported: number }> {
  return db.tx(async (q) => {
    const { rows, problems } = await checkRegionCsv(q, text);
    if (problems.length) {
      throw badRequest('region.import_invalid', { zh: `区划文件有 ${problems.length} 处错误，未导入任何数据`, en: `The region file has ${problems.length} problem(s); nothing was imported` },
        problems.map((p) => ({ path: `line ${p.line}, column ${p.column}`, problem: p.problem })));
    }
    await upsertRegions(q, rows);
    await writeAudit(q, actor, { action: 'region.import', outcome: 'ok', details: { rows: rows.length } });
    return { imported: rows.length };
  });
}

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  urban: boolean | null;
  population: number | null;
  populationYear: number | null;
  children: number;
}

/** The children of a region (or the roots), each with its latest population and child count. */
export async function regionChildren(q: Queryable, parent: string | null, within: string | null): Promise<RegionNode[]> {
  const rows = parent ? await store.regionChildren(q, parent) : await store.regionRoots(q);
  // Outside the caller's scope only the path down to it is shown, never siblings' detail.
  return rows
    .filter((r) => !within || r.code.startsWith(within) || within.startsWith(r.code.replace(/0+$/, '')))
    .map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, urban: r.urban, population: r.population, populationYear: r.year, children: r.children }));
}

/** One region with its ancestors (for breadcrumbs). */
export async function regionPath(q: Queryable, code: string): Promise<{ code: string; name: string; level: RegionLevel }[]> {
  const rows = await store.regionPath(q, code);
  if (!rows.length) throw notFound({ zh: '行政区划', en: 'Region' });
  return rows;
}

/** Sets a region's permanent population for a year; audited. */
export async function setPopulation(db: Db, actor: Actor, code: string, year: number, population: number, source = 'entered'): Promise<void> {
  await db.tx(async (q) => {
    if (!(await store.regionLevel(q, code))) throw notFound({ zh: '行政区划', en: 'Region' });
    await store.setPopulation(q, code, year, population, source);
    await writeAudit(q, actor, { action: 'region.population', outcome: 'ok', recordType: 'region', recordId: code, details: { year, population } });
  });
}

/** The townships of a county, by code (the surveillance grid and its series). */
export function townshipsOf(q: Queryable, county: string): Promise<{ code: string; name: string }[]> {
  return store.townshipsOf(q, county);
}

/** Every county's code (the daily infectious-disease detection runs over each). */
export async function countyCodes(q: Queryable): Promise<string[]> {
  return (await store.countyCodes(q)).map((r) => r.code);
}
