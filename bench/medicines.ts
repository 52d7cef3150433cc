// bench/medicines: the review of one prescription through the service (basis, catalogue, the resident's
// current medication, chronic standing, the rules) p50/p99, next to the pure rules alone; and the
// stewardship figures over a year of prescriptions, next to one scan of the prescription lines.
//   npm run bench -- medicines [--orders 200000] [--repeat 400] [--engine pglite|postgres]
// --orders: prescriptions of the year loaded for the stewardship figures (a 600,000-resident county
// writes about 2 million outpatient prescriptions a year: --orders 2000000 on a server).
import { parseArgs } from 'node:util';
import { openTestDb, type Engine } from '../test/helpers/db.ts';
import { buildConsents, buildFacility, buildRegionTree, buildResident, buildUser, buildWorker } from '../test/helpers/factories.ts';
import type { Principal } from '../src/platform/auth.ts';
import { checkPrescription, itemOf, stewardship } from '../src/modules/medicines/service.ts';
import { review } from '../src/modules/medicines/rules.ts';
import { syncMedicines } from '../src/modules/medicines/reference.ts';
import * as store from '../src/modules/medicines/store.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200000' }, repeat: { type: 'string', default: '400' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const ORDERS = Number(values.orders), REPEAT = Number(values.repeat);
const pct = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(3);
async function time(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const t = await openTestDb(values.engine as Engine);
try {
  await syncMedicines(t.db);
  const tree = await buildRegionTree(t.db);
  const county = await buildFacility(t.db, { tier: 'county', kind: 'general_hospital', regionCode: tree.county });
  const facilities = [county, ...(await Promise.all(Array.from({ length: 19 }, (_, i) => buildFacility(t.db, { tier: i < 4 ? 'township' : 'village', regionCode: i < 4 ? tree.townA : tree.villageA }))))];
  const worker = await buildWorker(t.db, { employerId: facilities[1].id });
  await t.db.query(`UPDATE workers SET title = '主治医师' WHERE id = $1`, [worker.id]);
  const user = await buildUser(t.db, { role: 'doctor', facilityCode: facilities[1].code, workerId: worker.id });
  const resident = await buildResident(t.db, { villageCode: tree.villageA, birthDate: '1955-01-01' });
  await buildConsents(t.db, [resident.id], { facilityId: facilities[1].id });
  const p: Principal = { userId: user.id, username: user.username, displayName: 'bench', role: 'doctor', regionCode: null, facilityCode: facilities[1].code, ip: null };
  const input = { residentId: resident.id, kind: 'acute' as const, items: [
    { medicineCode: 'YP001', dose: 5, unit: 'mg', route: 'oral' as const, frequency: 'qd' as const, days: 7 },
    { medicineCode: 'YP018', dose: 500, unit: 'mg', route: 'oral' as const, frequency: 'tid' as const, days: 5 },
    { medicineCode: 'YP022', dose: 500, unit: 'mg', route: 'oral' as const, frequency: 'qd' as const, days: 5 },
  ] };
  const o = { encounterDays: 90 };
  // the resident's current medication: a few valid prescriptions at two facilities
  const [enc] = await t.db.query<{ id: string }>(`INSERT INTO encounters (resident_id, county_code, kind, facility_id, started_at) VALUES ($1, '371003', 'outpatient', $2, now()) RETURNING id`, [resident.id, facilities[1].id]);
  const meds = new Map((await store.listMedicines(t.db, { q: null, level: null, antibacterial: null })).map((m) => [m.code, m]));
  for (const [f, code] of [[facilities[1], 'YP002'], [facilities[5], 'YP010'], [facilities[5], 'YP016']] as const) {
    const id = await store.insertOrder(t.db, { residentId: resident.id, county: '371003', encounterId: enc.id, facilityId: f.id, facilityRegion: f.regionCode, prescriberId: user.id, prescriberWorkerId: null,
      prescriberTitle: null, prescriberName: 'bench', kind: 'chronic', setting: 'outpatient', pregnant: false, weightKg: null, ageYears: 71, consultation: false, status: 'ready', findings: [], confirmations: [], reviewMinutes: 30 });
    await store.insertItems(t.db, id, [{ medicineId: meds.get(code)!.id, dose: 1, unit: 'mg', route: 'oral', frequency: 'qd', days: 28, quantity: 28 }]);
  }
  const check = await checkPrescription(t.db, p, o, input);
  console.error(`review: ${check.status}, findings ${check.findings.map((f) => f.key).join(', ')}`);
  await time(20, () => checkPrescription(t.db, p, o, input)); // warm-up
  const service = await time(REPEAT, () => checkPrescription(t.db, p, o, input));
  const pureInput = { patient: { ageYears: 71, weightKg: 60, pregnant: false }, prescriber: { role: 'doctor', workerType: 'physician', title: '主治医师', facilityTier: 'township' }, setting: 'outpatient' as const,
    kind: 'acute' as const, consultation: false, chronic: { enrolled: false, stable: false }, oralClasses: new Set(['J01CA']), level: 'township' as const,
    items: input.items.map((i) => ({ med: itemOf(meds.get(i.medicineCode)!), dose: i.dose, route: i.route, frequency: i.frequency, days: i.days })),
    current: [{ atcCode: 'C08CA05', genericName: '硝苯地平缓释片', facility: 'x' }, { atcCode: 'A10BA02', genericName: '二甲双胍片', facility: 'y' }] };
  const pure = await time(REPEAT * 10, () => review(pureInput));

  // a year of prescriptions (1–3 lines each) at the 20 facilities by 50 prescribers
  const prescribers = await Promise.all(Array.from({ length: 50 }, () => buildUser(t.db, { role: 'doctor' })));
  const year = new Date().getFullYear();
  const l0 = performance.now();
  const batch = 100_000;
  for (let from = 0; from < ORDERS; from += batch) {
    const n = Math.min(batch, ORDERS - from);
    await t.db.query(
      `WITH o AS (
         INSERT INTO medication_orders (resident_id, county_code, encounter_id, facility_id, facility_region, prescriber_id, prescriber_name, kind, setting, age_years, status, created_at)
         SELECT $1, '371003', $2, (($3::jsonb) ->> (g % 20))::uuid, '371003', (($4::jsonb) ->> (g % 50))::uuid, 'bench', 'acute', 'outpatient', 40,
                CASE WHEN g % 25 = 0 THEN 'returned' ELSE 'dispensed' END, make_timestamptz($5, 1, 1, 8, 0, 0, 'Asia/Shanghai') + (g % 364) * interval '1 day'
           FROM generate_series($6::int, $6::int + $7::int - 1) g RETURNING id)
       INSERT INTO medication_order_items (order_id, line, medicine_id, dose, unit, route, frequency, days, quantity)
       SELECT o.id, k, (($8::jsonb) ->> ((abs(hashtext(o.id::text || k)) % 34)))::uuid, 1, 'mg', CASE WHEN abs(hashtext(o.id::text)) % 9 = 0 THEN 'iv' ELSE 'oral' END, 'qd', 5, 5
         FROM o, generate_series(1, 1 + abs(hashtext(o.id::text)) % 3) k`,
      [resident.id, enc.id, JSON.stringify(facilities.map((f) => f.id)), JSON.stringify(prescribers.map((x) => x.id)), year, from, n, JSON.stringify([...meds.values()].map((m) => m.id))]);
  }
  await store.summarise(t.db, 'all'); // what insertItems writes with each prescription
  console.error(`loaded ${ORDERS} prescriptions in ${Math.round((performance.now() - l0) / 1000)} s`);
  const pharm: Principal = { userId: user.id, username: 'ph', displayName: 'ph', role: 'pharmacist', regionCode: '371003', facilityCode: null, ip: null };
  const range = { from: `${year}-01-01`, to: `${year}-12-31` };
  const reps = Math.max(3, Math.min(10, Math.round(2_000_000 / Math.max(ORDERS, 1))));
  const scan = await time(reps, () => t.db.query('SELECT count(*), sum(quantity) FROM medication_order_items'));
  const byFacility = await time(reps, () => stewardship(t.db, pharm, { ...range, by: 'facility' }));
  const byPrescriber = await time(reps, () => stewardship(t.db, pharm, { ...range, by: 'prescriber' }));
  const [{ lines }] = await t.db.query<{ lines: number }>('SELECT count(*)::int AS lines FROM medication_order_items');
  const med = (xs: number[]) => pct(xs, 0.5);
  console.log(JSON.stringify({
    bench: 'medicines', engine: t.engine,
    review_p50_ms: pct(service, 0.5), review_p99_ms: pct(service, 0.99), review_target_ms: 20, review_pure_p50_ms: pct(pure, 0.5), review_ratio_to_pure: +(pct(service, 0.5) / Math.max(pct(pure, 0.5), 0.001)).toFixed(1),
    orders: ORDERS, lines, stewardship_facility_ms: med(byFacility), stewardship_prescriber_ms: med(byPrescriber), scan_ms: med(scan),
    stewardship_ratio_to_scan: +(med(byFacility) / med(scan)).toFixed(2),
  }));
} finally {
  await t.close();
}
