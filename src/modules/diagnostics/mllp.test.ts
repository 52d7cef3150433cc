// Laboratory results as HL7 v2.5.1 ORU^R01 over MLLP, through a real TCP socket to the listener, on
// both engines. The messages follow the structure of the standard's ORU^R01 example (MSH, PID, ORC,
// OBR, OBX, NTE), written by hand; each expected outcome was written before the code ran: a
// well-formed final result (AA, report published, potassium 6.8 mmol/L raising the critical alert on
// the ordering doctor's desk), malformed (AE, kept) and unreadable (AR, kept), an unknown order (kept
// as unmatched, then matched by a person and processed), a resend (AA again, nothing written twice)
// and a control id reused for other content (AE), an unknown sender (AR), a correction (an amendment
// keeping both versions), a two-level centre (F waits for a doctor's verification), two messages in
// one packet and one message split across packets.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Hl7Message } from '@medplum/core';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildCommunity, buildConsents, buildFacility, buildRegionTree, buildResident } from '../../../test/helpers/factories.ts';
import { createClient } from '../auth/clients.ts';
import { MllpReader, mllpFrame, unescapeHl7 } from './hl7.ts';
import { startMllp, type MllpListener } from './mllp.ts';

/** A client of the listener: sends bytes as given, collects the ACK frames as they come. */
class LabSystem {
  private reader = new MllpReader();
  private acks: string[] = [];
  private waiters: (() => void)[] = [];
  private constructor(private socket: Socket) {
    socket.on('data', (b) => { for (const x of this.reader.push(b)) if ('text' in x) this.acks.push(x.text); for (const w of this.waiters.splice(0)) w(); });
  }

  static open(port: number): Promise<LabSystem> {
    return new Promise((resolve, reject) => { const s = connect(port, '127.0.0.1', () => resolve(new LabSystem(s))); s.once('error', reject); });
  }

  write(b: Buffer) { this.socket.write(b); }

  /** The next n ACKs (waits up to 20 s). */
  async next(n = 1): Promise<{ code: string; controlId: string; reason: string; err: string | null }[]> {
    const deadline = Date.now() + 20_000;
    while (this.acks.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.acks.length} of ${n} ACKs`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
    return this.acks.splice(0, n).map((t) => {
      const m = Hl7Message.parse(t);
      const msa = m.getSegment('MSA')!;
      const err = m.getSegment('ERR');
      return { code: msa.getField(1).toString(), controlId: msa.getField(2).toString(), reason: unescapeHl7(msa.getField(3).toString()), err: err ? err.getComponent(3, 1) : null };
    });
  }

  close() { this.socket.end(); }
}

for (const engine of ENGINES) {
  describe(`HL7 v2 over MLLP [${engine}]`, () => {
    let t: TestApp;
    let mllp: MllpListener;
    before(async () => { t = await openTestApp(engine); mllp = await startMllp(t.db, { port: 0, host: '127.0.0.1' }); });
    after(async () => { await mllp.close(); await t.close(); });
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

    let worlds = 0;
    /** A county hospital with its laboratory centre and LIS (a system client), a township GP and nurse, a patient born 1950-02-01, male. */
    async function world(o: { twoLevel?: boolean } = {}) {
      const n = ++worlds;
      const county = `3760${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: `LH${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', regionCode: county });
      const town = await buildFacility(t.db, { code: `LT${n}0A`, name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
      const community = await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, town.id] });
      const manager = await t.signIn(`lm${n}`, 'manager', { regionCode: county });
      const reader = await t.signIn(`lr${n}`, 'diagnostician', { facilityCode: hospital.code });
      const reader2 = await t.signIn(`ls${n}`, 'diagnostician', { facilityCode: hospital.code });
      const gp = await t.signIn(`lg${n}`, 'doctor', { facilityCode: town.code });
      const nurse = await t.signIn(`ln${n}`, 'nurse', { facilityCode: town.code });
      const patient = await buildResident(t.db, { name: '检验甲', birthDate: '1950-02-01', sex: 'M', villageCode: tree.villageA });
      await buildConsents(t.db, [patient.id], { facilityId: town.id });
      const lab = (await post(manager, '/api/diagnostics/centres', { communityId: community.id, facilityCode: hospital.code, department: '检验科', modality: 'laboratory', name: '县检验中心', twoLevel: o.twoLevel })).json();
      // the laboratory codes potassium K+ and sodium NA; the centre maps them to its rule codes and LOINC
      const it = await post(manager, `/api/diagnostics/centres/${lab.id}/items`, {
        code: 'ELEC', nameZh: '电解质', nameEn: 'Electrolytes', kind: 'LAB', turnaroundMinutes: 120, priceFen: 3000,
        analytes: [{ local: 'K+', code: 'K', loinc: '2823-3', nameZh: '血钾', nameEn: 'Potassium', unit: 'mmol/L' }, { local: 'NA', code: 'NA', loinc: '2951-2', nameZh: '血钠', nameEn: 'Sodium', unit: 'mmol/L' }],
      });
      assert.equal(it.statusCode, 200, it.body);
      assert.deepEqual(it.json().items[0].analytes.map((a: { local: string; loinc: string }) => [a.local, a.loinc]), [['K+', '2823-3'], ['NA', '2951-2']]);
      await createClient(t.db, null, { name: '县医院 LIS', facilityCode: hospital.code });
      return { n, hospital, town, lab, manager, reader, reader2, gp, nurse, patient };
    }
    type World = Awaited<ReturnType<typeof world>>;

    /** An order of the township's GP, its specimen collected by the nurse. */
    async function collected(w: World) {
      const o = await post(w.gp, '/api/diagnostics/orders', { residentId: w.patient.id, centreId: w.lab.id, itemCode: 'ELEC', clinicalQuestion: '乏力，服用螺内酯' });
      assert.equal(o.statusCode, 200, o.body);
      assert.equal((await post(w.nurse, `/api/diagnostics/orders/${o.json().id}/acquire`, {})).statusCode, 200);
      return o.json() as { id: string; placerNumber: string };
    }

    let seq = 0;
    /** An ORU^R01 of the hospital's LIS in the structure of the v2.5.1 example. */
    function oru(w: World, o: { placer: string; filler?: string; k?: string; na?: string; status?: string; control?: string; sender?: string; birth?: string; note?: string }) {
      const control = o.control ?? `LIS${w.n}-${++seq}`;
      const text = [
        `MSH|^~\\&|LIS|${o.sender ?? w.hospital.code}|MERIDIAN|${w.hospital.code}|20261203101500+0800||ORU^R01^ORU_R01|${control}|P|2.5.1|||AL|NE||UNICODE UTF-8`,
        `PID|1||MR${w.n}77^^^${w.hospital.code}^MR||检验^甲||${o.birth ?? '19500201'}|M`,
        `ORC|RE|${o.placer}^MERIDIAN|${o.filler ?? `F${w.n}-${seq}`}^LIS`,
        `OBR|1|${o.placer}^MERIDIAN|${o.filler ?? `F${w.n}-${seq}`}^LIS|ELEC^电解质^L|||20261203093000+0800|||||||||||||||20261203101000+0800|||${o.status ?? 'F'}|||||||0042^王^检验`,
        `OBX|1|NM|K+^钾^L||${o.k ?? '6.8'}|mmol/L|3.5-5.3|${Number(o.k ?? '6.8') > 5.3 ? 'HH' : 'N'}|||${o.status ?? 'F'}|||20261203100500+0800||0017^李^技师`,
        `OBX|2|NM|NA^钠^L||${o.na ?? '140'}|mmol/L|137-147|N|||${o.status ?? 'F'}`,
        ...(o.note ? [`NTE|1||${o.note}`] : []),
      ].join('\r');
      return { control, text };
    }
    const messageRows = (control: string) => t.db.query<{ id: string; status: string; ack_code: string; reason: string | null; duplicate_of: string | null; order_id: string | null; report_id: string | null; raw: string }>(
      'SELECT id, status, ack_code, reason, duplicate_of, order_id, report_id, raw FROM lab_messages WHERE control_id = $1 ORDER BY received_at, id', [control]);
    const order = async (w: World, id: string) => (await get(w.reader, `/api/diagnostics/orders/${id}`)).json();

    test('a final result: AA, the report published with mapped codes and LOINC, potassium 6.8 raising the critical alert on the ordering doctor\'s desk; the message kept', async () => {
      const w = await world();
      const o = await collected(w);
      const lis = await LabSystem.open(mllp.port);
      const m = oru(w, { placer: o.placerNumber });
      lis.write(mllpFrame(m.text));
      const [ack] = await lis.next();
      assert.deepEqual([ack.code, ack.controlId, ack.err], ['AA', m.control, null]);
      lis.close();
      const got = await order(w, o.id);
      assert.equal(got.status, 'published');
      assert.equal(got.report.status, 'final');
      const v = got.report.versions[0];
      assert.deepEqual(v.observations.map((x: { code: string; value: number; unit: string; low: number; high: number; flag: string; loinc: string; abnormal: string }) => [x.code, x.value, x.unit, x.low, x.high, x.flag, x.loinc, x.abnormal]),
        [['K', 6.8, 'mmol/L', 3.5, 5.3, 'H', '2823-3', 'HH'], ['NA', 140, 'mmol/L', 137, 147, 'N', '2951-2', 'N']]);
      assert.deepEqual(v.critical.map((x: { code: string; bound: string }) => [x.code, x.bound]), [['K', '> 6.2']]);
      assert.match(v.writtenBy, /李技师（检验系统/);
      assert.match(v.verifiedBy, /王检验（检验系统/);
      assert.equal(got.events.some((e: { step: string; note: string | null }) => e.step === 'specimen.received' && /检验系统/.test(e.note ?? '')), true, 'received on the result');
      // the alert at once on the ordering doctor's desk
      const desk = (await get(w.gp, '/api/diagnostics/alerts?open=yes')).json().items;
      assert.deepEqual(desk.map((a: { orderId: string; state: string; what: { code: string; value: number }[] }) => [a.orderId, a.state, a.what.map((x) => [x.code, x.value])]), [[o.id, 'open', [['K', 6.8]]]]);
      assert.ok((await get(w.gp, '/api/diagnostics/messages')).json().items.some((x: { kind: string }) => x.kind === 'critical'));
      // into the record through records
      const docs = await t.db.query<{ body: string }>(`SELECT body FROM documents WHERE resident_id = $1 AND source_system = 'diagnostics'`, [w.patient.id]);
      assert.equal(docs.length, 1);
      assert.match(docs[0].body, /血钾: 6.8 mmol\/L H/);
      const [row] = await messageRows(m.control);
      assert.deepEqual([row.status, row.ack_code, row.order_id, row.raw], ['accepted', 'AA', o.id, m.text]);
      assert.equal(row.report_id, got.report.id);
      assert.equal(v.sourceMessageId, row.id);
      const fill = await t.db.query<{ filler_number: string }>('SELECT filler_number FROM diagnostic_orders WHERE id = $1', [o.id]);
      assert.equal(fill[0].filler_number, `F${w.n}-${seq}`);
      // audited: the message and the report written by the LIS's client
      const audit = await t.db.query<{ action: string; username: string; outcome: string }>(`SELECT action, username, outcome FROM audit_log WHERE record_id IN ($1, $2) ORDER BY id`, [row.id, got.report.id]);
      assert.ok(audit.some((a) => a.action === 'diagnostics.lab_message' && a.outcome === 'ok' && a.username.startsWith('mcl_')), JSON.stringify(audit));
      assert.ok(audit.some((a) => a.action === 'diagnostics.report_write' && a.username.startsWith('mcl_')));
      // nothing waits for a person
      assert.deepEqual((await get(w.reader, '/api/diagnostics/lab-messages')).json().items, []);
    });

    test('a resend of the same message: AA again, no second report or alert; the same control id with other content: AE, kept for a person', async () => {
      const w = await world();
      const o = await collected(w);
      const m = oru(w, { placer: o.placerNumber });
      const lis = await LabSystem.open(mllp.port);
      lis.write(mllpFrame(m.text));
      assert.equal((await lis.next())[0].code, 'AA');
      lis.write(mllpFrame(m.text));
      const [again] = await lis.next();
      assert.deepEqual([again.code, again.controlId], ['AA', m.control]);
      const other = oru(w, { placer: o.placerNumber, control: m.control, k: '4.0' });
      lis.write(mllpFrame(other.text));
      const [reused] = await lis.next();
      assert.deepEqual([reused.code, reused.err], ['AE', '205']);
      lis.close();
      const got = await order(w, o.id);
      assert.equal(got.report.versions.length, 1);
      assert.equal(got.report.versions[0].observations[0].value, 6.8);
      assert.equal((await get(w.gp, '/api/diagnostics/alerts')).json().items.length, 1);
      const rows = await messageRows(m.control);
      assert.deepEqual(rows.map((r) => [r.status, r.ack_code, r.duplicate_of === rows[0].id]), [['accepted', 'AA', false], ['duplicate', 'AA', true], ['error', 'AE', true]]);
      const open = (await get(w.reader, '/api/diagnostics/lab-messages')).json().items;
      assert.deepEqual(open.map((x: { id: string; status: string }) => [x.id, x.status]), [[rows[2].id, 'error']]);
    });

    test('malformed (a potassium of "6,8"): AE 102, kept and listed; unreadable text: AR, kept; both dismissed with a reason', async () => {
      const w = await world();
      const o = await collected(w);
      const bad = oru(w, { placer: o.placerNumber, k: '6,8' });
      const lis = await LabSystem.open(mllp.port);
      lis.write(mllpFrame(bad.text));
      const [ae] = await lis.next();
      assert.deepEqual([ae.code, ae.controlId, ae.err], ['AE', bad.control, '102']);
      assert.match(ae.reason, /OBX\[1\]-5/);
      const junk = `NOT HL7 ${w.n}`;
      lis.write(mllpFrame(junk));
      const [ar] = await lis.next();
      assert.deepEqual([ar.code, ar.controlId], ['AR', '']);
      lis.close();
      assert.equal((await order(w, o.id)).status, 'acquired', 'nothing written');
      const [kept] = await messageRows(bad.control);
      assert.deepEqual([kept.status, kept.ack_code, kept.raw], ['error', 'AE', bad.text]);
      const junkRows = await t.db.query<{ id: string; status: string; ack_code: string }>('SELECT id, status, ack_code FROM lab_messages WHERE raw = $1', [junk]);
      assert.deepEqual(junkRows.map((r) => [r.status, r.ack_code]), [['rejected', 'AR']]);
      // the centre's staff see their laboratory's message with its reason and text; the unreadable one has no sender, so only the administrator sees it (without text)
      const mine = (await get(w.reader, '/api/diagnostics/lab-messages')).json().items;
      assert.deepEqual(mine.map((x: { id: string; status: string; placerNumber: string; raw: string }) => [x.id, x.status, x.placerNumber, x.raw === bad.text]), [[kept.id, 'error', o.placerNumber, true]]);
      assert.match(mine[0].reason, /not a number/);
      const admin = await t.signIn(`la${w.n}`, 'sysadmin', {});
      const all = (await get(admin, '/api/diagnostics/lab-messages')).json().items as { id: string; raw: string }[];
      assert.ok(all.some((x) => x.id === junkRows[0].id && x.raw === ''));
      assert.equal((await get(w.gp, '/api/diagnostics/lab-messages')).statusCode, 403);
      const noReason = await post(w.reader, `/api/diagnostics/lab-messages/${kept.id}/dismiss`, {});
      assert.equal(noReason.statusCode, 400);
      const d = await post(w.reader, `/api/diagnostics/lab-messages/${kept.id}/dismiss`, { reason: '检验科已重发正确结果' });
      assert.equal(d.statusCode, 200, d.body);
      assert.deepEqual([d.json().resolution, d.json().resolutionNote, d.json().status], ['dismissed', '检验科已重发正确结果', 'error']);
      assert.equal((await post(w.reader, `/api/diagnostics/lab-messages/${junkRows[0].id}/dismiss`, { reason: 'x' })).statusCode, 404, 'not this centre\'s');
      assert.equal((await post(admin, `/api/diagnostics/lab-messages/${junkRows[0].id}/dismiss`, { reason: '端口扫描' })).statusCode, 200);
      assert.deepEqual((await get(w.reader, '/api/diagnostics/lab-messages')).json().items, []);
      const still = (await get(w.reader, '/api/diagnostics/lab-messages?state=all')).json().items;
      assert.deepEqual(still.map((x: { id: string }) => x.id), [kept.id], 'kept, resolved');
    });

    test('an unknown order: AE 204, kept as unmatched; a person matches it to the order and it is processed; a second match is refused', async () => {
      const w = await world();
      const o = await collected(w);
      const m = oru(w, { placer: 'DX-NO-SUCH' });
      const lis = await LabSystem.open(mllp.port);
      lis.write(mllpFrame(m.text));
      const [ack] = await lis.next();
      assert.deepEqual([ack.code, ack.err], ['AE', '204']);
      lis.close();
      const [row] = await messageRows(m.control);
      assert.equal(row.status, 'unmatched');
      const listed = (await get(w.reader, '/api/diagnostics/lab-messages')).json().items;
      assert.deepEqual(listed.map((x: { id: string; status: string; placerNumber: string; results: number }) => [x.id, x.status, x.placerNumber, x.results]), [[row.id, 'unmatched', 'DX-NO-SUCH', 2]]);
      const wrong = await post(w.reader, `/api/diagnostics/lab-messages/${row.id}/match`, { placerNumber: 'DX-STILL-NOT' });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json().error.fields[0].path, 'placerNumber');
      const ok = await post(w.reader, `/api/diagnostics/lab-messages/${row.id}/match`, { placerNumber: o.placerNumber });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual([ok.json().status, ok.json().resolution, ok.json().orderId], ['accepted', 'matched', o.id]);
      const got = await order(w, o.id);
      assert.equal(got.status, 'published');
      assert.equal((await get(w.gp, '/api/diagnostics/alerts?open=yes')).json().items.length, 1, 'the critical value raised as for any result');
      assert.equal((await post(w.reader, `/api/diagnostics/lab-messages/${row.id}/match`, { placerNumber: o.placerNumber })).statusCode, 409);
      const audit = await t.db.query<{ username: string }>(`SELECT username FROM audit_log WHERE action = 'diagnostics.lab_message_match' AND record_id = $1`, [row.id]);
      assert.deepEqual(audit.map((a) => a.username), [`lr${w.n}`]);
      // the LIS resending it now gets AA: the message is accepted
      const again = await LabSystem.open(mllp.port);
      again.write(mllpFrame(m.text));
      assert.equal((await again.next())[0].code, 'AA');
      again.close();
      assert.equal((await order(w, o.id)).report.versions.length, 1);
    });

    test('an unknown sender: AR, kept; a patient who is not the order\'s: AE, nothing written', async () => {
      const w = await world();
      const o = await collected(w);
      const lis = await LabSystem.open(mllp.port);
      const stranger = oru(w, { placer: o.placerNumber, sender: 'NOSUCH01' });
      lis.write(mllpFrame(stranger.text));
      const [ar] = await lis.next();
      assert.deepEqual([ar.code, ar.controlId, ar.err], ['AR', stranger.control, '103']);
      assert.match(ar.reason, /MSH-4|not a registered/);
      const other = oru(w, { placer: o.placerNumber, birth: '19620320' });
      lis.write(mllpFrame(other.text));
      const [ae] = await lis.next();
      assert.deepEqual([ae.code, ae.err], ['AE', '204']);
      lis.close();
      assert.deepEqual((await messageRows(stranger.control)).map((r) => [r.status, r.ack_code]), [['rejected', 'AR']]);
      assert.deepEqual((await messageRows(other.control)).map((r) => [r.status, r.ack_code]), [['error', 'AE']]);
      assert.equal((await order(w, o.id)).status, 'acquired');
    });

    test('a correction (OBR-25 C) of a published result: an amendment keeping both versions; a second final (F) is refused', async () => {
      const w = await world();
      const o = await collected(w);
      const lis = await LabSystem.open(mllp.port);
      lis.write(mllpFrame(oru(w, { placer: o.placerNumber, k: '4.1' }).text));
      assert.equal((await lis.next())[0].code, 'AA');
      // the doctor reads the published report
      await get(w.gp, `/api/diagnostics/orders/${o.id}`);
      lis.write(mllpFrame(oru(w, { placer: o.placerNumber, k: '4.2' }).text));
      const [f2] = await lis.next();
      assert.equal(f2.code, 'AE');
      lis.write(mllpFrame(oru(w, { placer: o.placerNumber, k: '6.8', status: 'C', note: '复测确认' }).text));
      const [c] = await lis.next();
      assert.equal(c.code, 'AA', c.reason);
      lis.close();
      const got = await order(w, o.id);
      assert.equal(got.report.status, 'amended');
      assert.deepEqual(got.report.versions.map((v: { version: number; observations: { value: number }[]; amendReason: string | null }) => [v.version, v.observations[0].value, v.amendReason]), [[1, 4.1, null], [2, 6.8, '复测确认']]);
      assert.equal((await get(w.gp, '/api/diagnostics/alerts?open=yes')).json().items.length, 1, 'the corrected value is critical');
    });

    test('a two-level centre: a final result is written, and waits for a centre doctor\'s verification (then the alert)', async () => {
      const w = await world({ twoLevel: true });
      const o = await collected(w);
      const lis = await LabSystem.open(mllp.port);
      lis.write(mllpFrame(oru(w, { placer: o.placerNumber }).text));
      assert.equal((await lis.next())[0].code, 'AA');
      lis.close();
      assert.equal((await order(w, o.id)).status, 'preliminary');
      assert.deepEqual((await get(w.gp, '/api/diagnostics/alerts')).json().items, [], 'no alert before verification');
      const v = await post(w.reader, `/api/diagnostics/orders/${o.id}/verify`, { publish: true });
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(v.json().status, 'published');
      assert.equal((await get(w.gp, '/api/diagnostics/alerts?open=yes')).json().items.length, 1);
    });

    test('two messages in one packet get two ACKs in order; one message split across three packets gets one', async () => {
      const w = await world();
      const a = await collected(w);
      const b = await collected(w);
      const ma = oru(w, { placer: a.placerNumber, k: '4.0' });
      const mb = oru(w, { placer: b.placerNumber, k: '4.5' });
      const lis = await LabSystem.open(mllp.port);
      lis.write(Buffer.concat([mllpFrame(ma.text), mllpFrame(mb.text)]));
      const acks = await lis.next(2);
      assert.deepEqual(acks.map((x) => [x.code, x.controlId]), [['AA', ma.control], ['AA', mb.control]]);
      const c = await collected(w);
      const mc = oru(w, { placer: c.placerNumber, k: '3.9' });
      const f = mllpFrame(mc.text);
      const cuts = [0, 7, Math.floor(f.length / 2), f.length];
      for (let i = 0; i < 3; i++) {
        lis.write(f.subarray(cuts[i], cuts[i + 1]));
        await new Promise((r) => setTimeout(r, 60));
      }
      const [one] = await lis.next();
      assert.deepEqual([one.code, one.controlId], ['AA', mc.control]);
      lis.close();
      for (const [ord, k] of [[a, 4.0], [b, 4.5], [c, 3.9]] as const) {
        const got = await order(w, ord.id);
        assert.deepEqual([got.status, got.report.versions[0].observations[0].value], ['published', k]);
      }
    });
  });
}
