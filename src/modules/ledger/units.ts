// Department units (the bodies a plan names) and their aliases: find one by a printed name, list those
// of the caller's region, create one or set its aliases (each alias names one unit only).
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { regionPath } from '../registry/regions.ts';
import { resolveUnit, type UnitRecord } from './rules.ts';
import { activeUnitsUnder, aliasClashes, insertUnit, insertUnitsIfMissing, setAliases, unitNamed, unitsSeen } from './store.ts';
import { seen, viewerOf } from './viewer.ts';

/** The unit a name or alias names (compared canonically: 区医保局 finds 区医疗保障局), within a region where given. */
export async function findUnit(q: Queryable, name: string, regionCode: string | null): Promise<UnitRecord | null> {
  const units = await activeUnitsUnder(q, regionCode ? regionPrefix(regionCode) : null);
  return resolveUnit(name.trim(), units);
}

/** Departments (units) of the caller's region with their aliases and task counts. */
export async function listUnits(db: Db, p: Principal) {
  const v = await viewerOf(db, p);
  const rows = await unitsSeen(db, seen(v));
  return rows.map((r) => ({ id: r.id, name: r.name, aliases: r.aliases, regionCode: r.region_code, tasks: r.tasks, users: r.users }));
}

/** Creates a unit, or sets a unit's aliases (each alias may name only one unit). */
export async function saveUnit(db: Db, p: Principal, id: string | null, input: { name?: string; aliases: string[]; regionCode?: string | null }) {
  const v = await viewerOf(db, p);
  const aliases = [...new Set(input.aliases.map((a) => a.trim()).filter(Boolean))];
  return db.tx(async (q) => {
    const clash = await aliasClashes(q, aliases, id);
    if (clash.length) throw conflict('unit.alias_taken', { zh: '别名已属于其他单位', en: 'An alias already names another unit' }, clash.map((c) => ({ path: 'aliases', problem: `${c.alias} → ${c.name}` })));
    if (!id) {
      if (!input.name?.trim()) throw invalid([{ path: 'name', problem: 'required / 必填' }]);
      const region = input.regionCode ?? p.regionCode;
      if (v.prefix && (!region || !region.startsWith(v.prefix))) throw invalid([{ path: 'regionCode', problem: 'outside your region / 超出您的管辖范围' }]);
      if (region && !(await regionPath(q, region).catch(() => null))) throw invalid([{ path: 'regionCode', problem: 'no such region / 区划不存在' }]);
      if (await unitNamed(q, input.name.trim())) throw conflict('unit.name_taken', { zh: '单位已存在', en: 'A unit of that name exists' }, [{ path: 'name', problem: 'taken / 已存在' }]);
      const u = { id: await insertUnit(q, input.name.trim(), aliases, region ?? null) };
      await writeAudit(q, actorOf(p, p.ip), { action: 'unit.create', outcome: 'ok', recordType: 'gov_unit', recordId: u.id, details: { name: input.name.trim(), aliases } });
      return { id: u.id };
    }
    const before = await setAliases(q, id, aliases, v.prefix ? v.prefix + '%' : null);
    if (!before) throw notFound({ zh: '单位', en: 'Unit' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'unit.aliases', outcome: 'ok', recordType: 'gov_unit', recordId: id, details: { before, after: aliases } });
    return { id };
  });
}

/** Creates a region's departments with their aliases, leaving any that exist as they are (the demo county's). */
export async function addUnitsIfMissing(q: Queryable, regionCode: string, units: { name: string; aliases: string[] }[]): Promise<void> {
  if (units.length) await insertUnitsIfMissing(q, regionCode, units);
}

