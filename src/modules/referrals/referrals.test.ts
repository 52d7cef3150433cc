// The referral workflow through the API on a hand-built county: a township GP refers up with a slot
// of the county hospital's schedule, the coordinator accepts, the county doctor completes with a plan,
// the family-doctor team gets the task; every refusal with its code; the figures by hand.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty, VILLAGE_A, VILLAGE_B } from '../../../test/helpers/county.ts';
import { bulkResidents } from '../../../test/helpers/residents.ts';
import { buildAllergy, buildCommunity, buildDiagnosis, buildEncounter, buildObservation, buildPrescription, buildReferral, buildTeam, buildWorker, facilityId } from '../../../test/helpers/factories.ts';
import { plusDays } from '../scheduling/rules.ts';

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

for (const engine of ENGINES) {
  describe(`referrals [${engine}]`, () => {
    let t: TestApp;
    let gp: string;
    let coord: string;
    let hdoc: string;
    let otherGp: string;
    let people: string[];
    let slots: { id: string; placesLeft: number; startsAt: string }[];
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const fac = Object.fromEntries(await Promise.all(['H0001', 'T000A', 'T000B', 'V00A1'].map(async (c) => [c, await facilityId(t.db, c)])));
      await buildCommunity(t.db, { name: '文登区医共体', leadFacilityId: fac.H0001, regionCode: '371003', memberIds: Object.values(fac), joinedOn: '2021-01-01' });
      gp = await t.signIn('gp', 'doctor', { facilityCode: 'T000A' });
      coord = await t.signIn('coord', 'coordinator', { facilityCode: 'H0001' });
      hdoc = await t.signIn('hdoc', 'doctor', { facilityCode: 'H0001' });
      otherGp = await t.signIn('gpb', 'doctor', { facilityCode: 'T000B' });
      const gpWorker = await buildWorker(t.db, { name: '全科王', employerId: fac.T000A, specialty: 'general_practice', username: 'gp' });
      await buildWorker(t.db, { name: '心内李', sex: 'F', employerId: fac.H0001, specialty: 'cardiology', username: 'hdoc' });
      await buildTeam(t.db, { name: '甲镇1队', facilityId: fac.T000A, leadWorkerId: gpWorker.id, villages: [VILLAGE_A] });
      people = await bulkResidents(t.db, 12, VILLAGE_A);
      // The GP saw each of them this month (the legal basis to read their records), and one has a full record.
      const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
      for (const r of people) await buildEncounter(t.db, { residentId: r, facilityId: fac.T000A, startedAt: threeDaysAgo });
      await buildDiagnosis(t.db, people[0], { icd10: 'I10', onsetDate: '2019-05-01' });
      await buildPrescription(t.db, people[0], { drugName: '氨氯地平片', dose: '5mg', frequency: 'qd', prescribedAt: new Date(Date.now() - 20 * 86_400_000).toISOString() });
      await buildAllergy(t.db, people[0], { substance: '青霉素', reaction: '皮疹', severity: 'moderate' });
      await buildObservation(t.db, people[0], { code: '8480-6', value: 168, unit: 'mm[Hg]', flag: 'H', observedAt: threeDaysAgo });
      await buildObservation(t.db, people[0], { code: '8462-4', value: 102, unit: 'mm[Hg]', flag: 'H', observedAt: threeDaysAgo });
      const s = await t.app.inject({ method: 'POST', url: '/api/scheduling/schedules', headers: { cookie: coord }, payload: { facilityCode: 'H0001', kind: 'department', department: '心血管内科', name: '心内科专家门诊',
        referralSharePct: 50, releaseHours: 24, from: plusDays(today(), 2), weeks: 1, pattern: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '10:00', slotMinutes: 60, capacity: 4 })) } });
      assert.equal(s.statusCode, 201, s.body);
      slots = (await t.app.inject({ method: 'GET', url: `/api/scheduling/slots?scheduleId=${s.json().id}&from=${plusDays(today(), 2)}&to=${plusDays(today(), 9)}&channel=referral`, headers: { cookie: gp } })).json().items;
    });
    after(() => t.close());
    const post = (cookie: string, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const draft = async (resident: string, extra: object = {}) => {
      const r = await post(gp, '/api/referrals', { residentId: resident, toFacilityCode: 'H0001', toDepartment: '心血管内科', reasonCode: 'htn_uncontrolled_twice', urgency: 'routine', ...extra });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };

    test('the journey: draft with the assembled summary → edit → send with a slot → accept → arrive → complete with a plan → the team\'s task', async () => {
      const id = await draft(people[0]);
      const d = (await get(gp, `/api/referrals/${id}`)).json();
      assert.equal(d.direction, 'up');
      assert.equal(d.status, 'draft');
      assert.deepEqual(d.summary.problems.map((p: { code: string }) => p.code), ['I10']);
      assert.deepEqual(d.summary.medications.map((m: { drug: string }) => m.drug), ['氨氯地平片']);
      assert.deepEqual(d.summary.allergies.map((a: { substance: string }) => a.substance), ['青霉素']);
      assert.match(d.summary.text, /收缩压 168mmHg\(H\)/);
      // the receiving side cannot see a draft
      assert.equal((await get(coord, `/api/referrals/${id}`)).statusCode, 404);
      const ed = await t.app.inject({ method: 'PATCH', url: `/api/referrals/${id}`, headers: { cookie: gp }, payload: { version: d.version, summaryText: d.summary.text + '\n补充：近一周头晕。' } });
      assert.equal(ed.statusCode, 200, ed.body);
      const staleEdit = await t.app.inject({ method: 'PATCH', url: `/api/referrals/${id}`, headers: { cookie: gp }, payload: { version: d.version, reasonText: 'x' } });
      assert.equal(staleEdit.json().error.code, 'record.stale');
      // before sending, the county hospital has no basis to read the record
      assert.equal((await get(hdoc, `/api/records/${people[0]}/summary`)).statusCode, 404);
      const sent = await post(gp, `/api/referrals/${id}/send`, { slotId: slots[0].id, idempotencyKey: `send-${id}` });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal(sent.json().status, 'sent');
      assert.ok(sent.json().bookingId);
      const [b] = await t.db.query<{ channel: string; referral_id: string }>('SELECT channel, referral_id FROM bookings WHERE id = $1', [sent.json().bookingId]);
      assert.deepEqual(b, { channel: 'referral', referral_id: id });
      // open referral: the receiving facility may read the record, with the basis recorded
      assert.equal((await get(hdoc, `/api/records/${people[0]}/summary`)).statusCode, 200);
      const [audit] = await t.db.query<{ basis: string }>("SELECT basis FROM audit_log WHERE username = 'hdoc' AND resident_id = $1 ORDER BY id DESC LIMIT 1", [people[0]]);
      assert.equal(audit.basis, 'referral');
      // the coordinator's inbox shows it with its timer (48 hours for routine)
      const box = (await get(coord, '/api/referrals/inbox?box=incoming&status=sent')).json().items;
      const row = box.find((x: { id: string }) => x.id === id);
      assert.ok(row.minutesLeft > 2870 && row.minutesLeft <= 2880, String(row.minutesLeft));
      assert.equal(row.slotAt, new Date(Date.parse(`${plusDays(today(), 2)}T08:00:00+08:00`)).toISOString().replace('.000Z', '.000Z'));
      // the sender cannot accept its own referral; the receiver accepts with the booked slot
      assert.equal((await post(gp, `/api/referrals/${id}/accept`, {})).statusCode, 403);
      const acc = await post(coord, `/api/referrals/${id}/accept`, {});
      assert.equal(acc.statusCode, 200, acc.body);
      assert.equal((await post(hdoc, `/api/referrals/${id}/complete`, { outcome: '已就诊' })).json().error.code, 'referral.not_arrived');
      assert.equal((await post(hdoc, `/api/referrals/${id}/arrive`, {})).json().status, 'arrived');
      const noDays = await post(hdoc, `/api/referrals/${id}/complete`, { outcome: '调整降压方案', followUpPlan: '每周测血压两次' });
      assert.equal(noDays.statusCode, 400);
      assert.equal(noDays.json().error.code, 'referral.plan_required');
      const done = await post(hdoc, `/api/referrals/${id}/complete`, { outcome: '诊断：原发性高血压2级。调整为氨氯地平+缬沙坦。', followUpPlan: '每周测血压两次，2周后复诊调整用药', followUpDays: 14 });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().status, 'completed');
      const [up] = await t.db.query<{ status: string; follow_up_plan: string; sent_at: Date; accepted_at: Date; arrived_at: Date; completed_at: Date }>('SELECT * FROM referrals WHERE id = $1', [id]);
      assert.equal(up.follow_up_plan, '每周测血压两次，2周后复诊调整用药');
      assert.ok(up.sent_at <= up.accepted_at && up.accepted_at <= up.arrived_at && up.arrived_at <= up.completed_at);
      const [down] = await t.db.query<{ direction: string; status: string; from_code: string; to_code: string; parent_id: string }>(
        `SELECT r.direction, r.status, f.code AS from_code, t.code AS to_code, r.parent_id FROM referrals r JOIN facilities f ON f.id = r.from_facility_id JOIN facilities t ON t.id = r.to_facility_id WHERE r.id = $1`, [done.json().downReferralId]);
      assert.deepEqual(down, { direction: 'down', status: 'sent', from_code: 'H0001', to_code: 'T000A', parent_id: id });
      const events = (await get(gp, `/api/referrals/${id}`)).json().events.map((e: { status: string; by: string | null }) => e.status);
      assert.deepEqual(events, ['draft', 'sent', 'accepted', 'arrived', 'completed']);
      // the family-doctor team sees the task, due in 14 days
      const tasks = (await get(gp, '/api/referrals/tasks')).json().items;
      const task = tasks.find((x: { referralId: string }) => x.referralId === done.json().downReferralId);
      assert.deepEqual({ plan: task.plan, dueOn: task.dueOn, teamName: task.teamName, overdue: task.overdue }, { plan: '每周测血压两次，2周后复诊调整用药', dueOn: plusDays(today(), 14), teamName: '甲镇1队', overdue: false });
      assert.equal((await get(otherGp, '/api/referrals/tasks')).json().items.length, 0);
      assert.equal((await post(gp, `/api/referrals/tasks/${task.id}/done`, { note: '已随访' })).json().status, 'done');
      // lists that name patients are audited reads: the coordinator's inbox and the team's tasks
      const reads = await t.db.query<{ action: string; username: string }>("SELECT action, username FROM audit_log WHERE action IN ('referral.inbox', 'referral.tasks') ORDER BY id");
      assert.ok(reads.some((r) => r.action === 'referral.inbox' && r.username === 'coord'), JSON.stringify(reads));
      assert.ok(reads.some((r) => r.action === 'referral.tasks' && r.username === 'gp'), JSON.stringify(reads));
      // the down-referral is accepted by the township without a slot
      assert.equal((await post(gp, `/api/referrals/${done.json().downReferralId}/accept`, {})).json().status, 'accepted');
    });

    test('a referral follows its booking when scheduling moves it (the hook wired in app.ts); cancelling then gives up the moved booking', async () => {
      const [mover] = await bulkResidents(t.db, 1, VILLAGE_A, 'mv');
      await buildEncounter(t.db, { residentId: mover, facilityId: await facilityId(t.db, 'T000A'), startedAt: new Date(Date.now() - 86_400_000).toISOString() });
      const id = await draft(mover);
      const sent = await post(gp, `/api/referrals/${id}/send`, { slotId: slots[5].id, idempotencyKey: `mv-send-${id}` });
      assert.equal(sent.statusCode, 200, sent.body);
      const moved = await post(gp, `/api/scheduling/bookings/${sent.json().bookingId}/reschedule`, { slotId: slots[6].id, idempotencyKey: `mv-move-${id}` });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.equal(moved.json().referralId, id);
      const [row] = await t.db.query<{ booking_id: string }>('SELECT booking_id FROM referrals WHERE id = $1', [id]);
      assert.equal(row.booking_id, moved.json().id);
      const shown = (await get(gp, `/api/referrals/${id}`)).json();
      assert.deepEqual(shown.booking, { startsAt: slots[6].startsAt, schedule: '心内科专家门诊', status: 'booked' });
      assert.equal((await post(gp, `/api/referrals/${id}/cancel`, { reason: '患者改期' })).json().status, 'cancelled');
      const states = await t.db.query<{ id: string; status: string }>('SELECT id, status FROM bookings WHERE referral_id = $1 ORDER BY created_at', [id]);
      assert.deepEqual(states.map((b) => b.status), ['cancelled', 'cancelled']);
      assert.equal(states[1].id, moved.json().id);
    });

    test('refusals with their codes; nothing half-written', async () => {
      // booking a closed slot while sending: refused, the referral stays a draft, no booking written
      const id = await draft(people[1]);
      await t.db.query("UPDATE slots SET status = 'closed' WHERE id = $1", [slots[1].id]);
      const closed = await post(gp, `/api/referrals/${id}/send`, { slotId: slots[1].id, idempotencyKey: `closed-${id}` });
      assert.equal(closed.statusCode, 409);
      assert.equal(closed.json().error.code, 'slot.closed');
      const [r1] = await t.db.query<{ status: string; n: number }>('SELECT status, (SELECT count(*)::int FROM bookings WHERE referral_id = $1) AS n FROM referrals WHERE id = $1', [id]);
      assert.deepEqual(r1, { status: 'draft', n: 0 });
      // completing one never accepted
      const sent = await post(gp, `/api/referrals/${id}/send`, {});
      assert.equal(sent.statusCode, 200, sent.body);
      const never = await post(hdoc, `/api/referrals/${id}/complete`, { outcome: 'x' });
      assert.equal(never.statusCode, 409);
      assert.equal(never.json().error.code, 'referral.not_accepted');
      // accepting without a slot or bed (routine)
      const noPlace = await post(coord, `/api/referrals/${id}/accept`, {});
      assert.equal(noPlace.statusCode, 400);
      assert.equal(noPlace.json().error.code, 'referral.needs_place');
      // declining needs a reason
      assert.equal((await post(coord, `/api/referrals/${id}/decline`, {})).json().error.code, 'referral.decline_reason_required');
      // accepting an expired referral: refused as expired, and the referral is recorded as expired
      await t.db.query("UPDATE referrals SET due_at = now() - interval '1 minute' WHERE id = $1", [id]);
      const late = await post(coord, `/api/referrals/${id}/accept`, { slotId: slots[2].id, idempotencyKey: `late-${id}` });
      assert.equal(late.statusCode, 409);
      assert.equal(late.json().error.code, 'referral.expired');
      const [r2] = await t.db.query<{ status: string; n: number }>('SELECT status, (SELECT count(*)::int FROM bookings WHERE referral_id = $1) AS n FROM referrals WHERE id = $1', [id]);
      assert.deepEqual(r2, { status: 'expired', n: 0 });
      const ev = await t.db.query<{ status: string; from_status: string }>('SELECT status, from_status FROM referral_events WHERE referral_id = $1 ORDER BY id', [id]);
      assert.deepEqual(ev.map((e) => e.status), ['draft', 'sent', 'expired']);
      // expired: the record is closed to the county hospital again
      assert.equal((await get(hdoc, `/api/records/${people[1]}/summary`)).statusCode, 404);
      // another township's doctor sees nothing of it
      assert.equal((await get(otherGp, `/api/referrals/${id}`)).statusCode, 404);
      // bad input names every field
      const bad = await post(gp, '/api/referrals', { residentId: people[2], toFacilityCode: 'NOPE', reasonCode: 'nonsense', urgency: 'green_channel' });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['reasonCode', 'greenChannel', 'toFacilityCode']);
      // a resident the GP has no basis for: 404
      const [stranger] = await bulkResidents(t.db, 1, VILLAGE_B, 's');
      assert.equal((await post(gp, '/api/referrals', { residentId: stranger, toFacilityCode: 'H0001', reasonCode: 'other', reasonText: 'x', urgency: 'routine' })).statusCode, 404);
    });

    test('green channel: accepted at once without a slot, under its 30-minute service level; cancel and decline release the place', async () => {
      const id = await draft(people[3], { urgency: 'green_channel', greenChannel: 'stroke', reasonCode: 'green_channel' });
      const s = await post(gp, `/api/referrals/${id}/send`, {});
      assert.equal(s.statusCode, 200, s.body);
      const due = Date.parse(s.json().dueAt);
      assert.ok(Math.abs(due - Date.now() - 30 * 60_000) < 10_000);
      assert.equal((await post(coord, `/api/referrals/${id}/accept`, {})).json().status, 'accepted');
      const id2 = await draft(people[4]);
      const s2 = await post(gp, `/api/referrals/${id2}/send`, { slotId: slots[3].id, idempotencyKey: `s2-${id2}` });
      const before = (await t.db.query<{ booked: number }>('SELECT booked FROM slots WHERE id = $1', [slots[3].id]))[0].booked;
      assert.equal((await post(coord, `/api/referrals/${id2}/decline`, { reason: '专科号已满，建议转市医院' })).json().status, 'declined');
      const after = (await t.db.query<{ booked: number }>('SELECT booked FROM slots WHERE id = $1', [slots[3].id]))[0].booked;
      assert.equal(before - after, 1);
      assert.ok(s2.json().bookingId);
      const id3 = await draft(people[5]);
      assert.equal((await post(gp, `/api/referrals/${id3}/cancel`, { reason: '患者拒绝' })).json().status, 'cancelled');
      assert.equal((await post(gp, `/api/referrals/${id3}/send`, {})).json().error.code, 'referral.invalid_transition');
    });

    test('accepting with a reserved bed; two coordinators racing to accept: one wins', async () => {
      const w = await post(coord, '/api/scheduling/wards', { facilityCode: 'H0001', name: '心内一病区', department: '心血管内科', kind: 'general', beds: 2 });
      const id = await draft(people[6], { inpatient: true });
      await post(gp, `/api/referrals/${id}/send`, {});
      const coord2 = await t.signIn('coord2', 'coordinator', { facilityCode: 'H0001' });
      const [a, b] = await Promise.all([
        post(coord, `/api/referrals/${id}/accept`, { wardId: w.json().id, idempotencyKey: `bed-a-${id}` }),
        post(coord2, `/api/referrals/${id}/accept`, { wardId: w.json().id, idempotencyKey: `bed-b-${id}` }),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
      const [n] = await t.db.query<{ reserved: number }>("SELECT count(*)::int AS reserved FROM beds WHERE ward_id = $1 AND status = 'reserved'", [w.json().id]);
      assert.equal(n.reserved, 1, 'the loser\'s bed reservation was rolled back');
      await post(hdoc, `/api/referrals/${id}/arrive`, {});
      const [bed] = await t.db.query<{ status: string; resident_id: string }>("SELECT status, resident_id FROM beds WHERE ward_id = $1 AND status <> 'free'", [w.json().id]);
      assert.deepEqual(bed, { status: 'occupied', resident_id: people[6] });
      await post(hdoc, `/api/referrals/${id}/complete`, { outcome: '出院' });
      const [freed] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM beds WHERE ward_id = $1 AND status = 'free'", [w.json().id]);
      assert.equal(freed.n, 2);
    });

    test('the chronic programme\'s draft is picked up: completed and sent by the doctor', async () => {
      const fu = (d: string, sbp: number) => post(gp, '/api/chronic/followups', { residentId: people[7], programme: 'hypertension', visitDate: d, sbp, dbp: 100 });
      assert.equal((await fu(plusDays(today(), -30), 165)).statusCode, 200);
      const second = await fu(today(), 162);
      assert.equal(second.statusCode, 200, second.body);
      const rid = second.json().referralId;
      assert.ok(rid);
      const out = (await get(gp, '/api/referrals/inbox?box=outgoing&status=draft')).json().items;
      assert.ok(out.some((x: { id: string; reasonCode: string }) => x.id === rid && x.reasonCode === 'htn_uncontrolled_twice'));
      const d = (await get(gp, `/api/referrals/${rid}`)).json();
      const ed = await t.app.inject({ method: 'PATCH', url: `/api/referrals/${rid}`, headers: { cookie: gp }, payload: { version: d.version, toDepartment: '心血管内科' } });
      assert.equal(ed.statusCode, 200, ed.body);
      const full = (await get(gp, `/api/referrals/${rid}`)).json();
      assert.match(full.summary.text, /连续两次出现血压控制不满意/);
      const sent = await post(gp, `/api/referrals/${rid}/send`, { slotId: slots[4].id, idempotencyKey: `chronic-${rid}` });
      assert.equal(sent.statusCode, 200, sent.body);
    });

    test('figures by township, facility and month, by hand (a year of their own: 2020)', async () => {
      // A up T000A: accepted +2 h, arrived +26 h, completed with a plan; B up T000A: +4 h, +50 h, completed without;
      // C up T000B: declined; D down H0001→T000A: accepted +10 h; E up T000A: expired.
      const at = (sent: string, hours: number | null) => (hours === null ? null : new Date(Date.parse(sent) + hours * 3_600_000).toISOString());
      const rows: [string, 'up' | 'down', 'completed' | 'declined' | 'accepted' | 'expired', string | null, number | null, string, number | null, number | null, string, string][] = [
        [people[8], 'up', 'completed', '复诊', 14, '2020-03-01T10:00:00+08:00', 2, 26, 'T000A', 'H0001'],
        [people[9], 'up', 'completed', null, null, '2020-03-02T10:00:00+08:00', 4, 50, 'T000A', 'H0001'],
        [people[10], 'up', 'declined', null, null, '2020-04-05T10:00:00+08:00', null, null, 'T000B', 'H0001'],
        [people[11], 'down', 'accepted', '康复', 30, '2020-03-05T10:00:00+08:00', 10, null, 'H0001', 'T000A'],
        [people[8], 'up', 'expired', null, null, '2020-04-10T10:00:00+08:00', null, null, 'T000A', 'H0001']];
      for (const [residentId, direction, status, followUpPlan, followUpDays, sentAt, acc, arr, from, to] of rows) {
        await buildReferral(t.db, { residentId, direction, status, reasonCode: 'other', followUpPlan, followUpDays, sentAt, acceptedAt: at(sentAt, acc), arrivedAt: at(sentAt, arr),
          completedAt: status === 'completed' ? at(sentAt, 72) : null, fromFacilityId: await facilityId(t.db, from), toFacilityId: await facilityId(t.db, to) });
      }
      const r = await get(coord, '/api/referrals/figures?year=2020&groupBy=township');
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().totals, { up: 4, down: 1, lateral: 0, out: 0, sent: 5, accepted: 3, declined: 1, expired: 1, completedUp: 2, completedWithPlan: 1,
        acceptedShare: 0.6, planShare: 0.5, downRatio: 0.25, medianHoursToAccept: 4, medianHoursToArrival: 38 });
      assert.deepEqual(r.json().items.map((x: { key: string; name: string; up: number; down: number }) => [x.key, x.name, x.up, x.down]), [['371003100000', '甲镇', 3, 1], ['371003101000', '乙镇', 1, 0]]);
      const m = await get(coord, '/api/referrals/figures?year=2020&groupBy=month');
      assert.deepEqual(m.json().items.map((x: { key: string; sent: number; acceptedShare: number }) => [x.key, x.sent, x.acceptedShare]), [['2020-03', 3, 1], ['2020-04', 2, 0]]);
      const f = await get(coord, '/api/referrals/figures?year=2020&groupBy=facility');
      assert.deepEqual(f.json().items.map((x: { key: string; up: number; down: number }) => [x.key, x.up, x.down]), [['H0001', 0, 1], ['T000A', 3, 0], ['T000B', 1, 0]]);
      // another year holds none of them; a township doctor reads them too (aggregates only)
      assert.equal((await get(coord, '/api/referrals/figures?year=2019')).json().totals.sent, 0);
      assert.equal((await get(gp, '/api/referrals/figures?year=2020')).statusCode, 200);
    });

    test('the deductible-once calculator uses the configured parameters', async () => {
      const admin = await t.signIn('admin', 'sysadmin');
      const put = await t.app.inject({ method: 'PUT', url: '/api/referrals/payment/parameters', headers: { cookie: admin }, payload: { county: '371003', tier: 'county', deductibleFen: 50_000, reimburseBp: 8500, capFen: 30_000_000 } });
      assert.equal(put.statusCode, 200, put.body);
      const e = await post(gp, '/api/referrals/payment/estimate', { county: '371003', inCommunityReferral: true, stays: [{ tier: 'township', totalFen: 300_000 }, { tier: 'county', totalFen: 1_000_000 }] });
      assert.equal(e.statusCode, 200, e.body);
      // township 200 元 deductible; county 500 − 200 = 300 元; fund 85 % of 9,700 元 = 8,245 元
      assert.deepEqual(e.json().applied.stays.map((s: { deductibleFen: number; fundFen: number }) => [s.deductibleFen, s.fundFen]), [[20_000, 252_000], [30_000, 824_500]]);
      assert.equal(e.json().savedFen, 17_000);
      const bad = await post(gp, '/api/referrals/payment/estimate', { county: '371003', inCommunityReferral: true, stays: [{ tier: 'ward', totalFen: -1 }] });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path).sort(), ['stays.0.tier', 'stays.0.totalFen']);
    });
  });
}
