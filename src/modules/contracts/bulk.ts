// The contracts module's bulk loaders (the demo county, imports): family-doctor teams with their
// members and areas, service packages, and contracts with their packages, written here by their
// owner in batched INSERT … unnest. Callers hand over rows; the statements stay with the tables.
import type { Queryable } from '../../platform/db.ts';
import { insertMany, type Column } from '../../platform/bulk.ts';

export interface BulkTeam {
  id: string; name: string; facilityId: string; leadWorkerId: string | null;
  /** The team's service phone (a duty line, not a person's own number). */
  phone?: string | null;
  members: readonly { workerId: string; role: string }[];
  /** The village (or residents' committee) codes the team serves. */
  areas: readonly string[];
}

/** Loads care teams with their members and areas. */
export async function loadTeams(q: Queryable, teams: readonly BulkTeam[]): Promise<void> {
  await insertMany(q, 'care_teams', [
    { name: 'id', type: 'uuid', get: (t: BulkTeam) => t.id }, { name: 'name', type: 'text', get: (t) => t.name },
    { name: 'facility_id', type: 'uuid', get: (t) => t.facilityId }, { name: 'lead_worker_id', type: 'uuid', get: (t) => t.leadWorkerId },
    { name: 'phone', type: 'text', get: (t) => t.phone ?? null }], teams);
  const members = teams.flatMap((t) => t.members.map((m) => ({ team: t.id, ...m })));
  await insertMany(q, 'care_team_members', [
    { name: 'team_id', type: 'uuid', get: (m: (typeof members)[number]) => m.team }, { name: 'worker_id', type: 'uuid', get: (m) => m.workerId },
    { name: 'role', type: 'text', get: (m) => m.role }], members);
  const areas = teams.flatMap((t) => t.areas.map((code) => ({ team: t.id, code })));
  await insertMany(q, 'care_team_areas', [
    { name: 'team_id', type: 'uuid', get: (a: (typeof areas)[number]) => a.team }, { name: 'region_code', type: 'text', get: (a) => a.code }], areas);
}

export interface BulkPackage { code: string; name: string; kind: string; priceFen: number; payer: string; items: readonly unknown[] }

/** Loads service packages; returns every package's id by code. */
export async function loadPackages(q: Queryable, list: readonly BulkPackage[]): Promise<Map<string, string>> {
  const cols: Column<BulkPackage>[] = [
    { name: 'code', type: 'text', get: (p) => p.code }, { name: 'name', type: 'text', get: (p) => p.name },
    { name: 'kind', type: 'text', get: (p) => p.kind }, { name: 'price_fen', type: 'int', get: (p) => p.priceFen }, { name: 'payer', type: 'text', get: (p) => p.payer },
    { name: 'items', type: 'text', cast: 'jsonb', get: (p) => JSON.stringify(p.items) }];
  await insertMany(q, 'service_packages', cols, list);
  const rows = await q.query<{ id: string; code: string }>('SELECT id, code FROM service_packages');
  return new Map(rows.map((p) => [p.code, p.id]));
}

export interface BulkContract {
  id: string; residentId: string; teamId: string; countyCode: string; startsOn: string; endsOn: string;
  signedHow: string; status: string; endedReason: string | null; previousId: string | null; packageIds: readonly string[];
}

/** Loads contracts (each after the one it renews, or with it in the same call) and their packages. */
export async function loadContracts(q: Queryable, list: readonly BulkContract[]): Promise<void> {
  await insertMany(q, 'contracts', [
    { name: 'id', type: 'uuid', get: (c: BulkContract) => c.id }, { name: 'resident_id', type: 'uuid', get: (c) => c.residentId }, { name: 'team_id', type: 'uuid', get: (c) => c.teamId },
    { name: 'county_code', type: 'text', get: (c) => c.countyCode }, { name: 'starts_on', type: 'date', get: (c) => c.startsOn }, { name: 'ends_on', type: 'date', get: (c) => c.endsOn },
    { name: 'signed_how', type: 'text', get: (c) => c.signedHow }, { name: 'status', type: 'text', get: (c) => c.status }, { name: 'ended_reason', type: 'text', get: (c) => c.endedReason },
    { name: 'previous_id', type: 'uuid', get: (c) => c.previousId }], list);
  const cp = list.flatMap((c) => c.packageIds.map((p) => ({ c: c.id, p })));
  await insertMany(q, 'contract_packages', [
    { name: 'contract_id', type: 'uuid', get: (x: (typeof cp)[number]) => x.c }, { name: 'package_id', type: 'uuid', get: (x) => x.p }], cp);
}
