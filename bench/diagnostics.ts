// bench/diagnostics: laboratory results as HL7 v2 ORU^R01 over MLLP into published reports, in
// messages per second (one LIS connection waiting for each ACK, as original mode has it, and four
// side by side), next to raw inserts of the same rows in the same run (per message, in one
// transaction: the kept message, the report, its version, the order's status and three events, the
// record's document — no parsing, no rules, no audit); and the time from a critical result (K 6.8
// mmol/L, verified at once in a one-level centre) sent over MLLP to the alert being visible on the
// ordering doctor's alert endpoint (GET /api/diagnostics/alerts?open=yes), p50 and p99 (aim < 2 s).
//   npm run bench -- diagnostics [--messages 1000] [--alerts 100] [--engine pglite|pglite-worker|postgres]
import { parseArgs } from 'node:util';
import { connect, type Socket } from 'node:net';
import { openTestApp } from '../test/helpers/app.ts';
import type { Engine } from '../test/helpers/db.ts';
import { buildCommunity, buildFacility, buildRegionTree, buildResidents } from '../test/helpers/factories.ts';
import { createClient } from '../src/modules/auth/clients.ts';
import { MllpReader, mllpFrame } from '../src/modules/diagnostics/hl7.ts';
import { startMllp } from '../src/modules/diagnostics/mllp.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '1000' }, alerts: { type: 'string', default: '100' },
  engine: { type: 'string', default: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite' } } });
if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const MESSAGES = Number(values.messages), ALERTS = Number(values.alerts);
const pct = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(1);

/** One LIS connection: sends a message and waits for its ACK. */
class Lis {
  private reader = new MllpReader();
  private waiting: ((t: string) => void)[] = [];
  constructor(private s: Socket) { s.setNoDelay(true); s.on('data', (b) => { for (const x of this.reader.push(b)) if ('text' in x) this.waiting.shift()?.(x.text); }); }
  static open(port: number) { return new Promise<Lis>((r, j) => { const s = connect(port, '127.0.0.1', () => r(new Lis(s))); s.once('error', j); }); }
  send(text: string): Promise<string> { return new Promise((r) => { this.waiting.push(r); this.s.write(mllpFrame(text)); }); }
  close() { this.s.end(); }
}

const t = await openTestApp(values.engine as Engine);
const mllp = await startMllp(t.db, { port: 0, host: '127.0.0.1' });
try {
  const tree = await buildRegionTree(t.db);
  const hospital = await buildFacility(t.db, { code: 'BH0001', tier: 'county', kind: 'general_hospital', regionCode: tree.county });
  const town = await buildFacility(t.db, { code: 'BT0001', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
  const community = await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: tree.county, memberIds: [hospital.id, town.id] });
  const manager = await t.signIn('bm', 'manager', { regionCode: tree.county });
  const gp = await t.signIn('bg', 'doctor', { facilityCode: town.code });
  const lab = (await t.app.inject({ method: 'POST', url: '/api/diagnostics/centres', headers: { cookie: manager }, payload: { communityId: community.id, facilityCode: hospital.code, department: '检验科', modality: 'laboratory', name: '县检验中心' } })).json();
  await t.app.inject({ method: 'POST', url: `/api/diagnostics/centres/${lab.id}/items`, headers: { cookie: manager }, payload: {
    code: 'ELEC', nameZh: '电解质', nameEn: 'Electrolytes', kind: 'LAB', turnaroundMinutes: 120,
    analytes: [{ local: 'K+', code: 'K', loinc: '2823-3', nameZh: '血钾', nameEn: 'Potassium', unit: 'mmol/L' }, { local: 'NA', code: 'NA', loinc: '2951-2', nameZh: '血钠', nameEn: 'Sodium', unit: 'mmol/L' }],
  } });
  await createClient(t.db, null, { name: 'LIS', facilityCode: hospital.code });
  const [{ id: gpId }] = await t.db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'bg'`);
  const [{ id: itemId }] = await t.db.query<{ id: string }>(`SELECT id FROM diagnostic_items WHERE centre_id = $1`, [lab.id]);
  const total = MESSAGES * 2 + ALERTS;
  const residents = await buildResidents(t.db, Math.min(total, 2000), tree.villageA, 'b');
  // orders with their specimens collected, set up in bulk (a bench fixture, not what is measured)
  await t.db.query(
    `INSERT INTO diagnostic_orders (placer_number, county_code, centre_id, item_id, resident_id, requester_id, requester_name, facility_id, clinical_question, status, basis, acquired_at)
     SELECT 'B' || lpad(g::text, 7, '0'), $1, $2, $3, ($4::uuid[])[1 + (g % array_length($4::uuid[], 1))], $5, 'bench', $6, '复查电解质', 'acquired', 'consent', now()
       FROM generate_series(1, $7::int) g`,
    [tree.county, lab.id, itemId, residents, gpId, town.id, total]);
  const placer = (i: number) => `B${String(i).padStart(7, '0')}`;
  const oru = (i: number, k: string) => [
    `MSH|^~\\&|LIS|${hospital.code}|MERIDIAN|${hospital.code}|20261203101500+0800||ORU^R01^ORU_R01|BENCH-${i}|P|2.5.1`,
    `PID|1||MR${i}^^^${hospital.code}^MR`,
    `ORC|RE|${placer(i)}^MERIDIAN|L${i}^LIS`,
    `OBR|1|${placer(i)}^MERIDIAN|L${i}^LIS|ELEC^电解质^L|||20261203093000+0800|||||||||||||||20261203101000+0800|||F`,
    `OBX|1|NM|K+^钾^L||${k}|mmol/L|3.5-5.3|${Number(k) > 5.3 ? 'HH' : 'N'}|||F`,
    `OBX|2|NM|NA^钠^L||140|mmol/L|137-147|N|||F`,
  ].join('\r');
  const expectAA = (ack: string, i: number) => { if (!ack.includes('MSA|AA|')) throw new Error(`message ${i}: ${ack.replaceAll('\r', ' | ')}`); };

  // warm-up (not counted): 20 messages
  const warm = await Lis.open(mllp.port);
  for (let i = 1; i <= 20; i++) expectAA(await warm.send(oru(i, '4.1')), i);
  warm.close();
  let next = 21;
  const half = Math.floor((MESSAGES - 20) / 2);
  // one connection, ACK awaited for each message
  const one = await Lis.open(mllp.port);
  const t1 = performance.now();
  for (let k = 0; k < half; k++, next++) expectAA(await one.send(oru(next, '4.1')), next);
  const oneSeconds = (performance.now() - t1) / 1000;
  one.close();
  // four connections side by side
  const four = await Promise.all([0, 1, 2, 3].map(() => Lis.open(mllp.port)));
  const rest = MESSAGES - 20 - half;
  const t4 = performance.now();
  let taken = 0;
  await Promise.all(four.map(async (c) => {
    while (taken < rest) { const i = next + taken++; expectAA(await c.send(oru(i, '4.1')), i); }
  }));
  const fourSeconds = (performance.now() - t4) / 1000;
  next += rest;
  for (const c of four) c.close();
  const [{ published }] = await t.db.query<{ published: number }>(`SELECT count(*)::int AS published FROM diagnostic_orders WHERE status = 'published'`);
  if (published !== MESSAGES) throw new Error(`${published} published of ${MESSAGES}`);

  // the baseline: the same rows written raw, one transaction per message, for the next MESSAGES orders
  const ids = await t.db.query<{ id: string; resident_id: string }>(`SELECT id, resident_id FROM diagnostic_orders WHERE status = 'acquired' ORDER BY placer_number LIMIT $1`, [MESSAGES]);
  const obs = JSON.stringify([{ code: 'K', nameZh: '血钾', nameEn: 'Potassium', value: 4.1, unit: 'mmol/L', low: 3.5, high: 5.3, flag: 'N' }, { code: 'NA', nameZh: '血钠', nameEn: 'Sodium', value: 140, unit: 'mmol/L', low: 137, high: 147, flag: 'N' }]);
  const tb = performance.now();
  for (const [k, o] of ids.entries()) {
    await t.db.tx(async (q) => {
      const [m] = await q.query<{ id: string }>(`INSERT INTO lab_messages (raw, sending_facility, message_type, control_id, status, ack_code, processed_at) VALUES ($1, $2, 'ORU^R01', $3, 'accepted', 'AA', now()) RETURNING id`, [oru(k, '4.1'), hospital.code, `RAW-${k}`]);
      const [r] = await q.query<{ id: string }>(`INSERT INTO diagnostic_reports (order_id, status, published_at) VALUES ($1, 'final', now()) RETURNING id`, [o.id]);
      await q.query(`INSERT INTO diagnostic_report_versions (report_id, version, findings, impression, observations, critical, written_name, verified_name, verified_at, published_at, source_message_id) VALUES ($1, 1, 'x', '各项在参考范围内', $2::jsonb, '[]', 'LIS', 'LIS', now(), now(), $3)`, [r.id, obs, m.id]);
      await q.query(`UPDATE diagnostic_orders SET status = 'published', updated_at = now() WHERE id = $1`, [o.id]);
      await q.query(`INSERT INTO diagnostic_order_events (order_id, step) SELECT $1, unnest(ARRAY['specimen.received','verified','published'])`, [o.id]);
      await q.query(`INSERT INTO documents (resident_id, kind, title, body, written_at, source_system, source_id) VALUES ($1, 'lab_report', '电解质报告', 'x', now(), 'diagnostics', $2)`, [o.resident_id, r.id]);
    });
  }
  const rawSeconds = (performance.now() - tb) / 1000;

  // a critical result to the ordering doctor's alert endpoint
  const rest2 = await t.db.query<{ placer_number: string }>(`SELECT placer_number FROM diagnostic_orders WHERE status = 'acquired' ORDER BY placer_number LIMIT $1`, [ALERTS]);
  const lis = await Lis.open(mllp.port);
  const latency: number[] = [];
  for (const r of rest2) {
    const i = Number(r.placer_number.slice(1));
    const t0 = performance.now();
    expectAA(await lis.send(oru(i, '6.8')), i);
    let alert: { id: string } | undefined;
    for (;;) {
      const desk = (await t.app.inject({ method: 'GET', url: '/api/diagnostics/alerts?open=yes', headers: { cookie: gp } })).json() as { items: { id: string; placerNumber: string }[] };
      alert = desk.items.find((a) => a.placerNumber === r.placer_number);
      if (alert || performance.now() - t0 > 10_000) break;
    }
    if (!alert) throw new Error(`no alert for ${r.placer_number} in 10 s`);
    latency.push(performance.now() - t0);
    // the doctor acknowledges it, as the desk asks (so the desk stays the size it has in use)
    await t.app.inject({ method: 'POST', url: `/api/diagnostics/alerts/${alert.id}/acknowledge`, headers: { cookie: gp }, payload: { readBack: '血钾 6.8', action: '停螺内酯，复查' } });
  }
  lis.close();
  const perS = (n: number, s: number) => +(n / s).toFixed(1);
  console.log(JSON.stringify({
    bench: 'diagnostics', engine: t.engine, messages: MESSAGES,
    oru_per_s_1conn: perS(half, oneSeconds), oru_per_s_4conn: perS(rest, fourSeconds), raw_inserts_per_s: perS(ids.length, rawSeconds),
    ratio_raw_to_mllp_1conn: +((ids.length / rawSeconds) / (half / oneSeconds)).toFixed(1),
    alerts: latency.length, critical_to_alert_p50_ms: pct(latency, 0.5), critical_to_alert_p99_ms: pct(latency, 0.99), critical_to_alert_target_ms: 2000,
  }));
} finally {
  await mllp.close();
  await t.close();
}
