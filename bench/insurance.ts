// bench/insurance: DIP grouping and settling a county's year of inpatient cases (about 60,000 for
// 600,000 residents) with its three base years, and every supervision rule over the year, next to
// one scan of the same settlements from the database in the same run (the store's one statement).
// The lists are synthetic (a fixed seed): ~400 diagnosis subcategories, a third with one of ~60
// procedures, costs spread around each combination's own mean, patients
// drawn from 0.8 × cases people so that some are readmitted.
//   npm run bench -- insurance [--cases 60000] [--engine pglite|postgres]
import { parseArgs } from 'node:util';
import { openTestDb, TEST_KEYS, type Engine } from '../test/helpers/db.ts';
import { buildFacility, buildRegionTree } from '../test/helpers/factories.ts';
import { encrypt, lookupHash } from '../src/platform/crypto.ts';
import * as store from '../src/modules/insurance/store.ts';
import { buildGroups, settleYear, type DipCase } from '../src/modules/insurance/rules.ts';
import { runRules, type SupCase } from '../src/modules/insurance/supervision.ts';
import { SUPERVISION_RULES } from '../src/modules/insurance/service.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '60000' }, engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const PER_YEAR = Number(values.cases);
const YEAR = 2025;

// mulberry32: a small seeded generator (fixed seed: the same county every run).
let seed = 20261203;
const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let x = Math.imul(seed ^ (seed >>> 15), 1 | seed); x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x; return ((x ^ (x >>> 14)) >>> 0) / 4294967296; };
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

const t = await openTestDb(values.engine as Engine);
try {
  const tree = await buildRegionTree(t.db, { county: '379901' });
  const facilities = [];
  for (let i = 0; i < 12; i++) facilities.push(await buildFacility(t.db, { code: `BI${String(i).padStart(3, '0')}`, tier: i < 3 ? 'county' : 'township', kind: i < 3 ? 'general_hospital' : 'township_centre', regionCode: i < 3 ? tree.county : tree.townA }));
  const letters = 'ACDEGIJKMNRS';
  const dx = Array.from({ length: 400 }, (_, i) => `${letters[i % letters.length]}${String(10 + (i * 7) % 89).padStart(2, '0')}.${i % 10}`);
  const procs = Array.from({ length: 60 }, (_, i) => `${String(1 + (i * 3) % 99).padStart(2, '0')}.${i % 10}${(i * 7) % 10}`);
  const mean = new Map<string, number>();
  const patients = Math.round(PER_YEAR * 0.8);
  const ids = Array.from({ length: patients }, (_, i) => { const v = `P${i}`; return { enc: encrypt(TEST_KEYS, v), hash: lookupHash(TEST_KEYS, v) }; });
  const t0 = performance.now();
  let loaded = 0;
  for (let y = YEAR - 3; y <= YEAR; y++) {
    const rows: store.SettlementInsert[] = [];
    for (let i = 0; i < PER_YEAR; i++) {
      const d = dx[Math.floor(Math.pow(rnd(), 2) * dx.length)];
      const ps = rnd() < 0.33 ? [pick(procs)] : [];
      const key = `${d}|${ps.join('+')}`;
      if (!mean.has(key)) mean.set(key, 2000 + rnd() * 30000);
      const yuan = Math.max(100, Math.round(mean.get(key)! * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.6)));
      const p = ids[Math.floor(rnd() * patients)];
      const start = Date.UTC(y, 0, 1) + Math.floor(rnd() * 350) * 86_400_000;
      const days = 1 + Math.floor(rnd() * 14);
      const adm = new Date(start).toISOString().slice(0, 10), dis = new Date(start + days * 86_400_000).toISOString().slice(0, 10);
      const f = facilities[Math.floor(rnd() * facilities.length)];
      const total = yuan * 100, fund = Math.round(total * 0.7);
      rows.push({ countyCode: '379901', facilityId: f.id, listNo: `${y}-${i}`, insuranceType: rnd() < 0.3 ? 'employee' : 'resident', setting: 'inpatient', idNumberEnc: p.enc, idNumberHash: p.hash,
        idMasked: '379901**********00', residentId: null, sex: rnd() < 0.5 ? 'M' : 'F', birthDate: '1960-01-01', admittedOn: adm, dischargedOn: dis, days, mainDiagnosis: d, otherDiagnoses: [],
        procedures: ps, costs: { other: total }, totalFen: total, fundFen: fund, selfFen: total - fund });
    }
    for (let i = 0; i < rows.length; i += 5000) loaded += await t.db.tx((q) => store.insertSettlements(q, rows.slice(i, i + 5000), 'bench', null));
  }
  const loadS = (performance.now() - t0) / 1000;

  // One scan of the four years' settlements, as the service reads them.
  const s0 = performance.now();
  const all = await store.settlementsBetween(t.db, '379901', `${YEAR - 3}-01-01`, `${YEAR}-12-31`);
  const scanS = (performance.now() - s0) / 1000;

  // Grouping (the base years' table) and settling the year, then every supervision rule over the year.
  const g0 = performance.now();
  const cases: DipCase[] = all.map((r) => ({ id: r.id, facilityCode: r.facility_code, year: Number(r.discharged_on.slice(0, 4)), mainDiagnosis: r.main_diagnosis, procedures: r.procedures, totalFen: Number(r.total_fen), selfFen: Number(r.self_fen) }));
  const table = buildGroups(cases.filter((c) => c.year < YEAR), [YEAR - 3, YEAR - 2, YEAR - 1], { threshold: 15, scale: 1000 });
  const year = cases.filter((c) => c.year === YEAR);
  const settled = settleYear(table, year, { fundAvailableFen: 30_000_000_000, fundShare: 0.7 });
  const groupS = (performance.now() - g0) / 1000;
  const r0 = performance.now();
  const sup: SupCase[] = all.filter((r) => r.discharged_on.startsWith(String(YEAR))).map((r) => ({ id: r.id, listNo: r.list_no, patientKey: r.id_number_hash, facilityCode: r.facility_code, setting: r.setting, sex: r.sex,
    birthDate: r.birth_date, admittedOn: r.admitted_on, dischargedOn: r.discharged_on, days: r.days, mainDiagnosis: r.main_diagnosis, otherDiagnoses: r.other_diagnoses, procedures: r.procedures, totalFen: Number(r.total_fen) }));
  const hits = runRules(SUPERVISION_RULES, sup, table);
  const rulesS = (performance.now() - r0) / 1000;
  const grouped = settled.cases.filter((c) => c.band !== 'ungrouped').length;
  console.log(`loaded ${loaded} lists in ${loadS.toFixed(1)} s; ${table.groups.size} groups (core share ${(table.coreShare * 100).toFixed(1)}%), ${grouped}/${year.length} grouped, point value ${settled.pointValue.toFixed(2)} fen; ${hits.length} hits`);
  console.log(JSON.stringify({
    bench: 'insurance', engine: values.engine, cases: year.length, base_cases: cases.length - year.length, groups: table.groups.size, grouped, hits: hits.length,
    group_settle_cases_per_s: Math.round(cases.length / groupS), rules_cases_per_s: Math.round(sup.length / rulesS), scan_rows_per_s: Math.round(all.length / scanS),
    scan_s: +scanS.toFixed(3), group_settle_s: +groupS.toFixed(3), rules_s: +rulesS.toFixed(3), group_settle_over_scan: +(groupS / scanS).toFixed(3), year_cases_per_s: Math.round(year.length / groupS),
  }));
} finally {
  await t.close();
}
