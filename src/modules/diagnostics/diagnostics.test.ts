// Shared diagnostic centres through the API on a small county built here: a centre designated in the
// community; a township ECG ordered, acquired, read at the county, published into the record; a
// critical value raised, escalated by a clock the test controls, acknowledged; an amendment that tells
// earlier readers; two-level review; a lab specimen's steps; mutual recognition; the figures; scope and
// basis on every read.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildCommunity, buildConsents, buildFacility, buildRegionTree, buildResident } from '../../../test/helpers/factories.ts';
import { escalateDue } from './service.ts';

for (const engine of ENGINES) {
  describe(`diagnostics [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

    /** A county hospital leading a community with township A's centre; township B's centre outside it; readers, a GP, a nurse and a manager. */
    let worlds = 0;
    async function world() {
      const n = ++worlds;
      const county = `3740${String(10 + n).padStart(2, '0')}`;
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: `DH${n}01`, name: '县人民医院', tier: 'county', kind: 'general_hospital', regionCode: county });
      const town = await buildFacility(t.db, { code: `DT${n}0A`, name: '甲镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
      const outside = await buildFacility(t.db, { code: `DT${n}0B`, name: '乙镇卫生院', tier: 'township', kind: 'township_centre', regionCode: tree.townB });
      const community = await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, town.id] });
      const manager = await t.signIn(`dm${n}`, 'manager', { regionCode: county });
      const reader = await t.signIn(`dr${n}`, 'diagnostician', { facilityCode: hospital.code });
      const reader2 = await t.signIn(`ds${n}`, 'diagnostician', { facilityCode: hospital.code });
      const gp = await t.signIn(`dg${n}`, 'doctor', { facilityCode: town.code });
      const nurse = await t.signIn(`dn${n}`, 'nurse', { facilityCode: town.code });
      const otherGp = await t.signIn(`do${n}`, 'doctor', { facilityCode: outside.code });
      const patient = await buildResident(t.db, { name: '心电甲', birthDate: '1950-02-01', villageCode: tree.villageA });
      await buildConsents(t.db, [patient.id], { facilityId: town.id });
      await buildConsents(t.db, [patient.id], { facilityId: outside.id });
      return { n, county, hospital, town, outside, community, manager, reader, reader2, gp, nurse, otherGp, patient };
    }
    type World = Awaited<ReturnType<typeof world>>;

    async function ecgCentre(w: World, o: { twoLevel?: boolean } = {}) {
      const r = await post(w.manager, '/api/diagnostics/centres', { communityId: w.community.id, facilityCode: w.hospital.code, department: '心电图室', modality: 'ecg', name: '县心电诊断中心', twoLevel: o.twoLevel });
      assert.equal(r.statusCode, 200, r.body);
      const c = r.json();
      const it = await post(w.manager, `/api/diagnostics/centres/${c.id}/items`, { code: 'ECG12', nameZh: '常规十二导联心电图', nameEn: '12-lead ECG', kind: 'ECG', turnaroundMinutes: 30, recognitionScope: 'community', recognitionDays: 30, priceFen: 2500 });
      assert.equal(it.statusCode, 200, it.body);
      return c as { id: string; rules: { code: string; kind: string; unit: string | null; above: number | null; source: string }[] };
    }
    const orderEcg = (w: World, c: { id: string }, who = w.gp) => post(who, '/api/diagnostics/orders', { residentId: w.patient.id, centreId: c.id, itemCode: 'ECG12', clinicalQuestion: '胸闷三天，排除心律失常' });

    test('a centre: only at a member of the community, one per modality, with the shipped critical-value rules and their sources', async () => {
      const w = await world();
      const bad = await post(w.manager, '/api/diagnostics/centres', { communityId: w.community.id, facilityCode: w.outside.code, department: '心电图室', modality: 'ecg', name: '错' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.fields[0].path, 'facilityCode');
      const c = await ecgCentre(w);
      const qtc = c.rules.find((r) => r.code === 'QTC')!;
      assert.deepEqual([qtc.kind, qtc.unit, qtc.above], ['numeric', 'ms', 500]);
      assert.match(qtc.source, /Drew/);
      assert.deepEqual(c.rules.map((r) => r.code).sort(), ['AVB3', 'QTC', 'VF', 'VT']);
      const again = await post(w.manager, '/api/diagnostics/centres', { communityId: w.community.id, facilityCode: w.hospital.code, department: '心电二室', modality: 'ecg', name: '重复' });
      assert.equal(again.statusCode, 409);
      const wrongKind = await post(w.manager, `/api/diagnostics/centres/${c.id}/items`, { code: 'CT1', nameZh: 'CT', nameEn: 'CT', kind: 'CT', turnaroundMinutes: 60 });
      assert.equal(wrongKind.statusCode, 400);
      assert.equal(wrongKind.json().error.fields[0].path, 'kind');
      // the township sees the centre serving it; the facility outside the community does not
      assert.deepEqual((await get(w.gp, '/api/diagnostics/centres')).json().items.map((x: { id: string }) => x.id), [c.id]);
      assert.deepEqual((await get(w.otherGp, '/api/diagnostics/centres')).json().items, []);
      assert.equal((await get(await t.signIn(`dof${w.n}`, 'officer', { regionCode: w.county }), '/api/diagnostics/centres')).statusCode, 403);
    });

    test('a township ECG read at the county: order with a basis, acquisition, deadline, report, critical value, publication into the record', async () => {
      const w = await world();
      const c = await ecgCentre(w);
      const stranger = await buildResident(t.db, { name: '无关乙', villageCode: (await buildRegionTree(t.db, { county: `3750${10 + w.n}` })).villageA });
      assert.equal((await post(w.gp, '/api/diagnostics/orders', { residentId: stranger.id, centreId: c.id, itemCode: 'ECG12', clinicalQuestion: 'x' })).statusCode, 404);
      assert.equal((await orderEcg(w, c, w.otherGp)).statusCode, 400, 'a facility the centre does not serve');
      const ord = await orderEcg(w, c);
      assert.equal(ord.statusCode, 200, ord.body);
      const order = ord.json();
      assert.equal(order.status, 'ordered');
      assert.equal((await get(w.reader, '/api/diagnostics/worklist?view=to_read')).json().items.length, 0);
      const noUid = await post(w.nurse, `/api/diagnostics/orders/${order.id}/acquire`, {});
      assert.equal(noUid.statusCode, 400);
      assert.equal(noUid.json().error.fields[0].path, 'studyUid');
      assert.equal((await post(w.reader, `/api/diagnostics/orders/${order.id}/acquire`, { studyUid: '1.2.3' })).statusCode, 403, 'the township acquires');
      const acq = await post(w.nurse, `/api/diagnostics/orders/${order.id}/acquire`, { studyUid: '1.2.840.113619.2.55.3.1', viewerUrl: 'https://pacs.example/viewer?study=1.2.840.113619.2.55.3.1' });
      assert.equal(acq.statusCode, 200, acq.body);
      const a = acq.json();
      assert.equal(a.status, 'acquired');
      assert.equal(new Date(a.dueAt).getTime() - new Date(a.acquiredAt).getTime(), 30 * 60_000);
      const list = (await get(w.reader, '/api/diagnostics/worklist?view=to_read')).json().items;
      assert.deepEqual(list.map((x: { id: string; resident: { name: string } }) => [x.id, x.resident.name]), [[order.id, '心电甲']]);
      const unknown = await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, { findings: 'x', impression: 'y', criticalFindings: ['NOPE'] });
      assert.equal(unknown.json().error.fields[0].path, 'criticalFindings[0]');
      const rep = await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, {
        findings: '窦性心律，心率 62 次/分，QT 间期延长', impression: 'QTc 间期延长', verify: true, publish: true,
        observations: [{ code: 'QTC', nameZh: 'QTc', nameEn: 'QTc', value: 520, unit: 'ms', low: 350, high: 450 }, { code: 'HR', nameZh: '心率', nameEn: 'Heart rate', value: 62, unit: '/min', low: 60, high: 100 }],
      });
      assert.equal(rep.statusCode, 200, rep.body);
      const r = rep.json();
      assert.equal(r.status, 'published');
      const v1 = r.report.versions[0];
      assert.deepEqual(v1.observations.map((x: { flag: string }) => x.flag), ['H', 'N']);
      assert.deepEqual(v1.critical.map((x: { code: string; bound: string }) => [x.code, x.bound]), [['QTC', '> 500']]);
      // into the lifelong record, through records
      const docs = await t.db.query<{ kind: string; title: string; body: string }>(`SELECT kind, title, body FROM documents WHERE resident_id = $1 AND source_system = 'diagnostics'`, [w.patient.id]);
      assert.equal(docs.length, 1);
      assert.equal(docs[0].kind, 'examination_report');
      assert.match(docs[0].body, /QTc: 520 ms H/);
      // the alert at once, to the ordering doctor, due in 15 minutes
      const desk = (await get(w.gp, '/api/diagnostics/alerts?open=yes')).json().items;
      assert.equal(desk.length, 1);
      assert.equal(desk[0].state, 'open');
      assert.equal(new Date(desk[0].ackDueAt).getTime() - new Date(desk[0].raisedAt).getTime(), 15 * 60_000);
      assert.ok((await get(w.gp, '/api/diagnostics/messages')).json().items.some((m: { kind: string }) => m.kind === 'critical'));
      assert.deepEqual((await get(w.otherGp, '/api/diagnostics/alerts')).json().items, []);
      assert.equal((await get(w.otherGp, `/api/diagnostics/orders/${order.id}`)).statusCode, 404);
      // every read audited with its basis
      const audit = await t.db.query<{ action: string; basis: string }>(`SELECT action, basis FROM audit_log WHERE resident_id = $1 AND action IN ('diagnostics.order', 'record.listed') ORDER BY id`, [w.patient.id]);
      assert.deepEqual(audit.map((x) => [x.action, x.basis]).slice(0, 2), [['diagnostics.order', 'consent'], ['record.listed', 'diagnostic_centre']]);
    });

    test('critical value escalation by a clock the test controls, then acknowledgement read back; timeliness counted', async () => {
      const w = await world();
      const c = await ecgCentre(w);
      const order = (await orderEcg(w, c)).json();
      await post(w.nurse, `/api/diagnostics/orders/${order.id}/acquire`, { studyUid: '1.2.3.4' });
      const now = new Date();
      await post(w.manager, `/api/diagnostics/centres/${c.id}/roster`, { username: `ds${w.n}`, startsAt: new Date(now.getTime() - 3600_000).toISOString(), endsAt: new Date(now.getTime() + 8 * 3600_000).toISOString() });
      const r = await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, { findings: '宽QRS心动过速', impression: '室性心动过速', criticalFindings: ['VT'], verify: true, publish: true });
      assert.equal(r.statusCode, 200, r.body);
      const [alert] = (await get(w.gp, '/api/diagnostics/alerts')).json().items;
      assert.deepEqual((await get(w.nurse, '/api/diagnostics/alerts/open-count')).json(), { open: 1 });
      assert.deepEqual((await get(w.otherGp, '/api/diagnostics/alerts/open-count')).json(), { open: 0 });
      const raised = new Date(alert.raisedAt).getTime();
      // other tests' alerts share the database: look at this one
      const escalations = async () => (await t.db.query('SELECT 1 FROM critical_alert_events WHERE alert_id = $1 AND step = $2', [alert.id, 'escalated'])).length;
      await escalateDue(t.db, new Date(raised + 14 * 60_000));
      assert.equal(await escalations(), 0, 'within the limit');
      assert.ok(await escalateDue(t.db, new Date(raised + 16 * 60_000)) >= 1);
      await escalateDue(t.db, new Date(raised + 17 * 60_000));
      assert.equal(await escalations(), 1, 'once');
      const managerMsgs = (await get(w.manager, '/api/diagnostics/messages')).json().items;
      assert.deepEqual(managerMsgs.map((m: { kind: string }) => m.kind), ['escalation']);
      assert.deepEqual((await get(w.reader2, '/api/diagnostics/messages')).json().items.map((m: { kind: string }) => m.kind), ['escalation'], 'the duty doctor');
      assert.deepEqual((await get(w.reader, '/api/diagnostics/messages')).json().items, [], 'not on duty');
      const noRead = await post(w.nurse, `/api/diagnostics/alerts/${alert.id}/acknowledge`, { readBack: '', action: 'x' });
      assert.equal(noRead.statusCode, 400);
      assert.equal((await post(w.otherGp, `/api/diagnostics/alerts/${alert.id}/acknowledge`, { readBack: 'x', action: 'y' })).statusCode, 404);
      const ack = await post(w.nurse, `/api/diagnostics/alerts/${alert.id}/acknowledge`, { readBack: '心电甲 室性心动过速', action: '通知医生，建立静脉通路，转诊' });
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json().state, 'acknowledged');
      assert.deepEqual((await get(w.nurse, '/api/diagnostics/alerts/open-count')).json(), { open: 0 });
      assert.deepEqual(ack.json().events.map((e: { step: string }) => e.step), ['raised', 'notified', 'escalated', 'notified', 'notified', 'acknowledged']);
      assert.equal((await post(w.gp, `/api/diagnostics/alerts/${alert.id}/acknowledge`, { readBack: 'x', action: 'y' })).statusCode, 409);
      const f = (await get(w.manager, `/api/diagnostics/figures?from=${alert.raisedAt.slice(0, 10)}&to=${new Date(raised + 86400_000).toISOString().slice(0, 10)}`)).json();
      const row = f.critical.find((x: { centre: string }) => x.centre === '县心电诊断中心');
      // acknowledged seconds after raising, in real time: within the limit
      assert.deepEqual([row.alerts, row.acknowledged, row.withinLimit, row.withinLimitShare], [1, 1, 1, 100]);
      assert.equal(f.turnaround[0].reports, 1);
      assert.equal(f.turnaround[0].withinTarget, 1);
    });

    test('an amendment keeps every version, says why, and tells everyone who read the earlier one', async () => {
      const w = await world();
      const c = await ecgCentre(w);
      const order = (await orderEcg(w, c)).json();
      await post(w.nurse, `/api/diagnostics/orders/${order.id}/acquire`, { studyUid: '1.2.3.5' });
      await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, { findings: '窦性心律', impression: '正常心电图', verify: true, publish: true });
      assert.equal((await get(w.nurse, `/api/diagnostics/orders/${order.id}`)).statusCode, 200, 'the nurse reads version 1');
      const noReason = await post(w.reader, `/api/diagnostics/orders/${order.id}/amend`, { findings: 'x', impression: 'y' });
      assert.equal(noReason.statusCode, 400);
      const am = await post(w.reader2, `/api/diagnostics/orders/${order.id}/amend`, { findings: '窦性心律，三度房室传导阻滞', impression: '三度房室传导阻滞', criticalFindings: ['AVB3'], reason: '复阅发现P波与QRS无关' });
      assert.equal(am.statusCode, 200, am.body);
      const rep = am.json().report;
      assert.deepEqual([rep.status, rep.version, rep.versions.length, rep.versions[0].impression, rep.versions[1].amendReason], ['amended', 2, 2, '正常心电图', '复阅发现P波与QRS无关']);
      assert.ok((await get(w.nurse, '/api/diagnostics/messages')).json().items.some((m: { kind: string }) => m.kind === 'amended'));
      assert.ok((await get(w.gp, '/api/diagnostics/messages')).json().items.some((m: { kind: string }) => m.kind === 'amended'));
      const docs = await t.db.query<{ title: string; body: string }>(`SELECT title, body FROM documents WHERE resident_id = $1 AND source_system = 'diagnostics'`, [w.patient.id]);
      assert.equal(docs.length, 1, 'the record keeps one document, replaced');
      assert.match(docs[0].title, /更正/);
      assert.equal((await get(w.gp, '/api/diagnostics/alerts')).json().items.length, 1, 'the new critical finding raised its alert');
    });

    test('two-level review: the writer cannot verify; a second doctor does', async () => {
      const w = await world();
      const c = await ecgCentre(w, { twoLevel: true });
      const order = (await orderEcg(w, c)).json();
      await post(w.nurse, `/api/diagnostics/orders/${order.id}/acquire`, { studyUid: '1.2.3.6' });
      assert.equal((await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, { findings: 'a', impression: 'b', verify: true })).statusCode, 409);
      assert.equal((await post(w.reader, `/api/diagnostics/orders/${order.id}/report`, { findings: '窦性心律', impression: '正常' })).json().status, 'preliminary');
      assert.equal((await post(w.reader, `/api/diagnostics/orders/${order.id}/verify`, {})).statusCode, 409);
      const v = await post(w.reader2, `/api/diagnostics/orders/${order.id}/verify`, { publish: true });
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(v.json().status, 'published');
      assert.equal(v.json().report.versions[0].verifiedBy, `ds${w.n}`);
    });

    test('a lab specimen: collected, sent, received (the deadline from receipt), a rejection needs a reason; potassium 2.7 is critical, 2.8 is not', async () => {
      const w = await world();
      const lab = (await post(w.manager, '/api/diagnostics/centres', { communityId: w.community.id, facilityCode: w.hospital.code, department: '检验科', modality: 'laboratory', name: '县检验中心' })).json();
      await post(w.manager, `/api/diagnostics/centres/${lab.id}/items`, { code: 'ELEC', nameZh: '电解质', nameEn: 'Electrolytes', kind: 'LAB', loinc: '2823-3', turnaroundMinutes: 120, recognitionScope: 'community', recognitionDays: 7, priceFen: 3000 });
      const place = async () => (await post(w.gp, '/api/diagnostics/orders', { residentId: w.patient.id, centreId: lab.id, itemCode: 'ELEC', clinicalQuestion: '乏力' })).json();
      const o1 = await place();
      assert.equal((await post(w.nurse, `/api/diagnostics/orders/${o1.id}/specimen`, { step: 'sent' })).statusCode, 409, 'not collected yet');
      await post(w.nurse, `/api/diagnostics/orders/${o1.id}/acquire`, {});
      assert.equal((await post(w.reader, `/api/diagnostics/orders/${o1.id}/report`, { findings: 'x', impression: 'y' })).statusCode, 409, 'not received yet');
      assert.equal((await post(w.nurse, `/api/diagnostics/orders/${o1.id}/specimen`, { step: 'sent' })).statusCode, 200);
      assert.equal((await post(w.nurse, `/api/diagnostics/orders/${o1.id}/specimen`, { step: 'received' })).statusCode, 403, 'the centre receives');
      const rec = (await post(w.reader, `/api/diagnostics/orders/${o1.id}/specimen`, { step: 'received' })).json();
      assert.equal(rec.status, 'received');
      assert.equal(new Date(rec.dueAt).getTime() - new Date(rec.receivedAt).getTime(), 120 * 60_000);
      const k = (v: number) => ({ code: 'K', nameZh: '血钾', nameEn: 'Potassium', value: v, unit: 'mmol/L', low: 3.5, high: 5.3 });
      const r = (await post(w.reader, `/api/diagnostics/orders/${o1.id}/report`, { findings: '见结果', impression: '低钾', observations: [k(2.8)] })).json();
      assert.deepEqual(r.report.versions[0].critical, [], '2.8 is not below 2.8');
      const r2 = (await post(w.reader, `/api/diagnostics/orders/${o1.id}/report`, { findings: '见结果', impression: '严重低钾', observations: [k(2.7)], verify: true, publish: true })).json();
      assert.deepEqual(r2.report.versions[0].critical.map((x: { code: string }) => x.code), ['K']);
      // a second order: the published result stands for recognition (7 days) and must be answered first
      const repeat = await post(w.gp, '/api/diagnostics/orders', { residentId: w.patient.id, centreId: lab.id, itemCode: 'ELEC', clinicalQuestion: '复查' });
      assert.equal(repeat.statusCode, 409);
      assert.equal(repeat.json().error.fields[0].path, 'notRecognised');
      const cand = (await get(w.gp, `/api/diagnostics/recognition?residentId=${w.patient.id}&itemCode=ELEC`)).json().items;
      assert.deepEqual(cand.map((x: { standing: boolean; impression: string }) => [x.standing, x.impression]), [[true, '严重低钾']]);
      const recog = await post(w.gp, '/api/diagnostics/recognitions', { residentId: w.patient.id, centreId: lab.id, itemCode: 'ELEC', reportId: cand[0].reportId });
      assert.deepEqual([recog.statusCode, recog.json().costAvoidedFen], [200, 3000]);
      const o2 = await post(w.gp, '/api/diagnostics/orders', { residentId: w.patient.id, centreId: lab.id, itemCode: 'ELEC', clinicalQuestion: '补钾后复查', notRecognised: { reportId: cand[0].reportId, reason: '补钾治疗后需复查' } });
      assert.equal(o2.statusCode, 200, o2.body);
      await post(w.nurse, `/api/diagnostics/orders/${o2.json().id}/acquire`, {});
      await post(w.nurse, `/api/diagnostics/orders/${o2.json().id}/specimen`, { step: 'sent' });
      const rej = await post(w.reader, `/api/diagnostics/orders/${o2.json().id}/specimen`, { step: 'rejected' });
      assert.equal(rej.json().error.fields[0].path, 'note');
      const ok = (await post(w.reader, `/api/diagnostics/orders/${o2.json().id}/specimen`, { step: 'rejected', note: '溶血' })).json();
      assert.deepEqual([ok.status, ok.rejectReason], ['rejected', '溶血']);
      const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      const f = (await get(w.manager, `/api/diagnostics/figures?from=${day}&to=${day}`)).json();
      assert.deepEqual(f.recognition.map((x: { facility: string; decisions: number; recognised: number; rate: number; costAvoidedFen: number }) => [x.facility, x.decisions, x.recognised, x.rate, x.costAvoidedFen]), [['甲镇卫生院', 2, 1, 50, 3000]]);
      assert.deepEqual(f.orders.map((x: { facility: string; orders: number }) => [x.facility, x.orders]), [['甲镇卫生院', 2]]);
    });

    test('remote consultation: requested with a report attached, scheduled, the opinion into the record', async () => {
      const w = await world();
      const c = await ecgCentre(w);
      const bad = await post(w.gp, '/api/diagnostics/consultations', { residentId: w.patient.id, centreId: c.id, summary: '反复晕厥', question: '是否需起搏器', reportIds: ['00000000-0000-4000-8000-000000000000'] });
      assert.equal(bad.json().error.fields[0].path, 'reportIds[0]');
      const req = await post(w.gp, '/api/diagnostics/consultations', { residentId: w.patient.id, centreId: c.id, summary: '反复晕厥', question: '是否需起搏器' });
      assert.equal(req.statusCode, 200, req.body);
      const id = req.json().id;
      const sch = await post(w.reader, `/api/diagnostics/consultations/${id}/schedule`, { username: `ds${w.n}`, at: new Date(Date.now() + 3600_000).toISOString(), link: 'https://meet.example/abc' });
      assert.equal(sch.json().status, 'scheduled');
      const op = await post(w.reader2, `/api/diagnostics/consultations/${id}/opinion`, { opinion: '建议动态心电图后评估起搏器植入' });
      assert.equal(op.json().status, 'held');
      const docs = await t.db.query<{ title: string }>(`SELECT title FROM documents WHERE resident_id = $1 AND source_system = 'diagnostics'`, [w.patient.id]);
      assert.deepEqual(docs.map((d) => d.title), ['远程会诊意见']);
      assert.deepEqual((await get(w.otherGp, '/api/diagnostics/consultations')).json().items, []);
    });
  });
}
