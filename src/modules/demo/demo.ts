// The demo county loaded into an empty database on `npm start`, and its sign-ins.
import type { Db } from '../../platform/db.ts';
import type { Keys } from '../../platform/crypto.ts';
import { createUser } from '../users/service.ts';
import { linkWorker } from '../users/bulk.ts';
import type { Role } from '../../shared/roles.ts';
import { seedCounty } from './seed.ts';
import { seedLedgerDemo } from './ledger.ts';
import { seedDiagnosticsDemo } from './diagnostics.ts';

export const DEMO_PASSWORD = 'Meridian-2026';
export const DEMO_COUNTY = '371003';
/** Residents loaded on the first `npm start`: enough to look like a county, quick enough to wait for. */
export const DEMO_RESIDENTS = 20000;

export interface DemoUser {
  username: string;
  role: Role;
  label: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', role: 'sysadmin', label: '系统管理员 / system administrator' },
  { username: 'officer', role: 'officer', label: '区卫健局 / health-commission officer' },
  { username: 'manager', role: 'manager', label: '医共体管理 / medical-community manager' },
  { username: 'doctor', role: 'doctor', label: '区人民医院医生 / county-hospital doctor' },
  { username: 'coordinator', role: 'coordinator', label: '区人民医院转诊协调员 / referral coordinator' },
  { username: 'gp', role: 'doctor', label: '镇卫生院全科医生 / township GP' },
  { username: 'village', role: 'village_doctor', label: '村卫生室乡村医生 / village doctor' },
  { username: 'ph', role: 'public_health', label: '镇公共卫生人员 / public-health staff' },
  { username: 'cdc', role: 'public_health', label: '区疾控中心公共卫生人员 / county CDC public-health staff' },
  { username: 'yibao', role: 'department', label: '区医疗保障局 / department (medical-insurance bureau): its own ledger tasks' },
  { username: 'pharmacist', role: 'pharmacist', label: '区审方中心药师 / county review-centre pharmacist' },
  { username: 'reader', role: 'diagnostician', label: '医共体诊断中心医师 / diagnostic-centre doctor (ECG, imaging, laboratory)' },
];

/** Creates the demo sign-ins on a seeded county, each linked to a worker of the right facility. */
export async function createDemoUsers(db: Db, county: string): Promise<void> {
  const pick = async (sql: string, args: unknown[]) => (await db.query<{ facility: string; region: string; worker: string | null; name: string | null }>(sql, args))[0];
  const hospital = await pick(`SELECT f.code AS facility, f.region_code AS region, w.id AS worker, w.name FROM facilities f LEFT JOIN workers w ON w.employer_id = f.id AND w.worker_type = 'physician'
    WHERE f.region_code = $1 AND f.kind = 'general_hospital' ORDER BY f.code, w.name LIMIT 1`, [county]);
  const township = await pick(`SELECT f.code AS facility, f.region_code AS region, w.id AS worker, w.name FROM facilities f JOIN workers w ON w.employer_id = f.id AND w.specialty = 'general_practice'
    WHERE f.region_code LIKE $1 || '%' AND f.tier = 'township' AND f.kind <> 'community_centre'
    ORDER BY EXISTS (SELECT 1 FROM facilities c JOIN workers v ON v.employer_id = c.id AND v.worker_type = 'village_doctor' WHERE c.parent_facility_id = f.id) DESC, f.code, w.name LIMIT 1`, [county]);
  // (the GP's centre is the first with a village clinic staffed by a village doctor: a small county has clinics only
  // where its residents live, and the demo's village doctor works under the demo GP's centre)
  const village = await pick(`SELECT f.code AS facility, f.region_code AS region, w.id AS worker, w.name FROM facilities f JOIN facilities p ON p.id = f.parent_facility_id
    JOIN workers w ON w.employer_id = f.id AND w.worker_type = 'village_doctor' WHERE p.code = $1 ORDER BY f.code, w.name LIMIT 1`, [township?.facility ?? '']);
  const plan: Record<string, { regionCode?: string; facilityCode?: string; worker?: string | null; name?: string | null }> = {
    admin: {},
    officer: { regionCode: county },
    manager: { regionCode: county },
    doctor: { facilityCode: hospital?.facility, worker: hospital?.worker, name: hospital?.name },
    coordinator: { facilityCode: hospital?.facility },
    gp: { facilityCode: township?.facility, worker: township?.worker, name: township?.name },
    village: { facilityCode: village?.facility, worker: village?.worker, name: village?.name },
    ph: { regionCode: township?.region },
    cdc: { regionCode: county },
    yibao: { regionCode: county },
    pharmacist: { regionCode: county },
    reader: { facilityCode: hospital?.facility },
  };
  for (const u of DEMO_USERS) {
    const p = plan[u.username];
    await createUser(db, null, { username: u.username, role: u.role, regionCode: p.regionCode ?? null, facilityCode: p.facilityCode ?? null, displayName: p.name ?? u.label.split(' / ')[0], password: DEMO_PASSWORD });
    if (p.worker) await linkWorker(db, u.username, p.worker);
  }
  await seedLedgerDemo(db, county);
  await seedDiagnosticsDemo(db);
}

/** Loads the demo into an empty database; returns false when the database already has users. */
export async function loadDemo(db: Db, keys: Keys, o: { residents?: number; seed?: number; log?: (m: string) => void } = {}): Promise<boolean> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if (n > 0) return false;
  o.log?.('loading the demo county (文登区) into the empty database…');
  await seedCounty(db, keys, { county: DEMO_COUNTY, residents: o.residents ?? DEMO_RESIDENTS, seed: o.seed ?? 1, log: o.log });
  await createDemoUsers(db, DEMO_COUNTY);
  return true;
}
