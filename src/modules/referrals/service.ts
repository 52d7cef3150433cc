// The referral workflow: draft (by hand or from the chronic programme) → sent → accepted with a booked
// slot or reserved bed, or declined → arrived → completed with the visit or discharge summary and, on
// the way back down, the follow-up plan that becomes the family-doctor team's task. Every change is one
// transaction with its event row and audit row; the service level expires what waits too long.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, notFound, stale, type FieldProblem } from '../../platform/errors.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { book, bedAction, cancelBooking, reserveBed } from '../scheduling/service.ts';
import { teamsOfUser } from '../contracts/service.ts';
import {
  directionOf, dueAt, GREEN_CHANNELS, INPUT_REFUSALS, minutesLeft, REASONS, REFUSAL_TEXT, residentShare, share, STAMP, transition,
  type Action, type Direction, type Refusal, type GreenChannel, type Sla, type Stay, type State, type Tier, type TierParameters, type Urgency,
} from './rules.ts';

export interface Summary {
  assembledAt: string;
  reason: string;
  problems: { code: string; name: string; since: string | null }[];
  medications: { drug: string; dose: string | null; frequency: string | null; since: string }[];
  allergies: { substance: string; reaction: string | null; severity: string | null }[];
  vitals: { code: string; name: string; value: number; unit: string; at: string; flag: string | null }[];
  text: string;
}

const VITALS: Record<string, string> = { '8480-6': '收缩压', '8462-4': '舒张压', '8867-4': '心率', '29463-7': '体重', '1558-6': '空腹血糖', '4548-4': '糖化血红蛋白', '2093-3': '总胆固醇', '8310-5': '体温' };

/** Assembles the clinical summary from the record: active problems, medication, allergies, recent vitals and results, the reason. */
export async function assembleSummary(q: Queryable, residentId: string, reason: string): Promise<Summary> {
  const [problems, meds, allergies, vitals] = await Promise.all([
    q.query<{ icd10: string; name_zh: string; onset_date: string | null }>(
      `SELECT DISTINCT ON (d.icd10) d.icd10, c.name_zh, d.onset_date FROM diagnoses d JOIN icd10_codes c ON c.code = d.icd10 WHERE d.resident_id = $1 AND d.status = 'active' ORDER BY d.icd10, d.recorded_at DESC LIMIT 20`, [residentId]),
    q.query<{ drug_name: string; dose: string | null; frequency: string | null; prescribed_at: Date }>(
      `SELECT DISTINCT ON (drug_name) drug_name, dose, frequency, prescribed_at FROM prescriptions WHERE resident_id = $1 AND prescribed_at > now() - interval '180 days' ORDER BY drug_name, prescribed_at DESC LIMIT 20`, [residentId]),
    q.query<{ substance: string; reaction: string | null; severity: string | null }>('SELECT substance, reaction, severity FROM allergies WHERE resident_id = $1 ORDER BY recorded_at DESC LIMIT 20', [residentId]),
    q.query<{ code: string; value: number; unit: string; observed_at: Date; flag: string | null }>(
      `SELECT DISTINCT ON (code) code, value, unit, observed_at, flag FROM observations WHERE resident_id = $1 AND observed_at > now() - interval '365 days' ORDER BY code, observed_at DESC LIMIT 30`, [residentId]),
  ]);
  const s: Omit<Summary, 'text'> = {
    assembledAt: new Date().toISOString(), reason,
    problems: problems.map((p) => ({ code: p.icd10, name: p.name_zh, since: p.onset_date })),
    medications: meds.map((m) => ({ drug: m.drug_name, dose: m.dose, frequency: m.frequency, since: new Date(m.prescribed_at).toISOString().slice(0, 10) })),
    allergies: allergies.map((a) => ({ substance: a.substance, reaction: a.reaction, severity: a.severity })),
    vitals: vitals.map((v) => ({ code: v.code, name: VITALS[v.code] ?? v.code, value: Number(v.value), unit: v.unit, at: new Date(v.observed_at).toISOString().slice(0, 10), flag: v.flag })),
  };
  const lines = [
    `转诊原因：${reason}`,
    `现患疾病：${s.problems.map((p) => `${p.name}(${p.code})`).join('；') || '无记录'}`,
    `目前用药：${s.medications.map((m) => [m.drug, m.dose, m.frequency].filter(Boolean).join(' ')).join('；') || '无记录'}`,
    `过敏史：${s.allergies.map((a) => a.substance + (a.reaction ? `（${a.reaction}）` : '')).join('；') || '无已知过敏'}`,
    `近期体征与检验：${s.vitals.map((v) => `${v.name} ${v.value}${v.unit === 'mm[Hg]' ? 'mmHg' : v.unit}${v.flag && v.flag !== 'N' ? `(${v.flag})` : ''} ${v.at}`).join('；') || '无记录'}`,
  ];
  return { ...s, text: lines.join('\n') };
}

interface Me { facilityId: string; tier: Tier; region: string; workerId: string | null; teamIds: string[] }

async function whoAmI(q: Queryable, p: Principal): Promise<Me> {
  const [r] = await q.query<{ fid: string | null; tier: Tier; region_code: string; worker_id: string | null }>(
    'SELECT f.id AS fid, f.tier, f.region_code, u.worker_id FROM users u LEFT JOIN facilities f ON f.code = u.facility_code WHERE u.id = $1', [p.userId]);
  if (!r?.fid) throw forbidden({ zh: '您的账号未关联机构，不能处理转诊', en: 'Your account has no facility; you cannot handle referrals' });
  const teamIds = await teamsOfUser(q, p.userId);
  return { facilityId: r.fid, tier: r.tier, region: r.region_code, workerId: r.worker_id, teamIds };
}

async function loadSla(q: Queryable): Promise<Sla> {
  const rows = await q.query<{ urgency: Urgency; accept_minutes: number }>('SELECT urgency, accept_minutes FROM referral_sla');
  const sla: Sla = { routine: 2880, urgent: 240, green_channel: 30 };
  for (const r of rows) sla[r.urgency] = r.accept_minutes;
  return sla;
}

async function sameCommunity(q: Queryable, a: string, b: string): Promise<boolean> {
  const [r] = await q.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM communities c
       WHERE (c.lead_facility_id = $1 OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = c.id AND m.facility_id = $1 AND m.left_on IS NULL))
         AND (c.lead_facility_id = $2 OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = c.id AND m.facility_id = $2 AND m.left_on IS NULL))) AS ok`, [a, b]);
  return !!r?.ok;
}

export interface CreateInput {
  residentId: string;
  toFacilityCode: string;
  toDepartment?: string | null;
  reasonCode: string;
  reasonText?: string | null;
  urgency: Urgency;
  greenChannel?: GreenChannel | null;
  summaryText?: string | null;
  followUpPlan?: string | null;
  followUpDays?: number | null;
  inpatient?: boolean;
}

function validateInput(i: Partial<CreateInput>): FieldProblem[] {
  const f: FieldProblem[] = [];
  if (i.reasonCode !== undefined && !REASONS[i.reasonCode]) f.push({ path: 'reasonCode', problem: 'unknown reason code / 未知的转诊原因代码' });
  if (i.reasonCode === 'other' && !i.reasonText?.trim()) f.push({ path: 'reasonText', problem: 'describe the reason / 请说明原因' });
  if (i.urgency === 'green_channel' && !i.greenChannel) f.push({ path: 'greenChannel', problem: 'name the emergency centre / 请选择急救中心' });
  if (i.urgency && i.urgency !== 'green_channel' && i.greenChannel) f.push({ path: 'greenChannel', problem: 'only for the green channel / 仅绿色通道填写' });
  if (i.greenChannel && !GREEN_CHANNELS[i.greenChannel]) f.push({ path: 'greenChannel', problem: 'unknown / 未知' });
  return f;
}

/** Drafts a referral: the direction follows the tiers and the community; the summary is assembled from the record. */
export async function createReferral(db: Db, p: Principal, o: AccessOptions, input: CreateInput) {
  const { basis } = await requireBasis(db, p, input.residentId, o);
  return db.tx(async (q) => {
    const m = await whoAmI(q, p);
    const fields = validateInput(input);
    const [to] = await q.query<{ id: string; tier: Tier }>('SELECT id, tier FROM facilities WHERE code = $1 AND closed_on IS NULL', [input.toFacilityCode]);
    if (!to) fields.push({ path: 'toFacilityCode', problem: 'unknown facility / 未知机构' });
    else if (to.id === m.facilityId) fields.push({ path: 'toFacilityCode', problem: 'your own facility / 不能转至本机构' });
    if (fields.length) throw badRequest('referral.invalid', { zh: '转诊单有误，未保存', en: 'Invalid referral; nothing was saved' }, fields);
    const direction = directionOf(m.tier, to!.tier, await sameCommunity(q, m.facilityId, to!.id));
    const [res] = await q.query<{ county_code: string }>('SELECT county_code FROM residents WHERE id = $1', [input.residentId]);
    const reason = REASONS[input.reasonCode].zh + (input.reasonText ? `：${input.reasonText}` : '');
    const summary = await assembleSummary(q, input.residentId, reason);
    if (input.summaryText) summary.text = input.summaryText;
    const [r] = await q.query<{ id: string }>(
      `INSERT INTO referrals (resident_id, county_code, direction, urgency, green_channel, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, to_department, summary, status,
         follow_up_plan, follow_up_days, inpatient, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'draft',$13,$14,$15,$16) RETURNING id`,
      [input.residentId, res.county_code, direction, input.urgency, input.greenChannel ?? null, input.reasonCode, input.reasonText ?? null, m.facilityId, m.workerId, to!.id, input.toDepartment ?? null,
        JSON.stringify(summary), input.followUpPlan ?? null, input.followUpDays ?? null, !!input.inpatient, p.userId]);
    await q.query("INSERT INTO referral_events (referral_id, status, by_user, note) VALUES ($1, 'draft', $2, 'drafted')", [r.id, p.userId]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.create', outcome: 'ok', residentId: input.residentId, recordType: 'referral', recordId: r.id, basis, details: { direction } });
    return { id: r.id, direction, status: 'draft' as State };
  });
}

interface ReferralRow {
  id: string; resident_id: string; county_code: string; direction: Direction; urgency: Urgency; green_channel: GreenChannel | null; reason_code: string; reason_text: string | null;
  from_facility_id: string; to_facility_id: string; to_department: string | null; summary: Summary | null; status: State; decline_reason: string | null; follow_up_plan: string | null;
  follow_up_days: number | null; sent_at: Date | null; accepted_at: Date | null; arrived_at: Date | null; completed_at: Date | null; created_at: Date; version: number; booking_id: string | null;
  bed_id: string | null; due_at: Date | null; outcome_summary: string | null; parent_id: string | null; inpatient: boolean;
}

/** The referral if the principal's facility sends or receives it; otherwise 404 as for a missing one. */
async function visibleReferral(q: Queryable, p: Principal, id: string, lock = false): Promise<{ r: ReferralRow; m: Me; side: 'from' | 'to' }> {
  const m = await whoAmI(q, p);
  const [r] = await q.query<ReferralRow>(`SELECT * FROM referrals WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!r || (r.from_facility_id !== m.facilityId && r.to_facility_id !== m.facilityId)) throw notFound({ zh: '转诊单', en: 'Referral' });
  // A draft is the sender's until it is sent.
  if (r.status === 'draft' && r.from_facility_id !== m.facilityId) throw notFound({ zh: '转诊单', en: 'Referral' });
  return { r, m, side: r.from_facility_id === m.facilityId ? 'from' : 'to' };
}

/** Edits a draft before sending: the summary text, reason, urgency, target, plan (optimistic version). */
export async function updateDraft(db: Db, p: Principal, id: string, input: Partial<CreateInput> & { version: number }) {
  return db.tx(async (q) => {
    const { r, side } = await visibleReferral(q, p, id, true);
    if (side !== 'from') throw notFound({ zh: '转诊单', en: 'Referral' });
    if (r.status !== 'draft') throw conflict('referral.invalid_transition', { zh: '只有草稿可以修改', en: 'Only a draft can be edited' }, [{ path: 'status', problem: r.status }]);
    if (r.version !== input.version) throw stale(r.version);
    const urgency = input.urgency ?? r.urgency;
    const green = input.greenChannel !== undefined ? input.greenChannel : urgency === 'green_channel' ? r.green_channel : null;
    const fields = validateInput({ ...input, urgency, greenChannel: green });
    let toId = r.to_facility_id;
    let direction = r.direction;
    if (input.toFacilityCode) {
      const [to] = await q.query<{ id: string; tier: Tier }>('SELECT id, tier FROM facilities WHERE code = $1 AND closed_on IS NULL', [input.toFacilityCode]);
      if (!to || to.id === r.from_facility_id) fields.push({ path: 'toFacilityCode', problem: 'unknown facility / 未知机构' });
      else {
        const [from] = await q.query<{ tier: Tier }>('SELECT tier FROM facilities WHERE id = $1', [r.from_facility_id]);
        toId = to.id;
        direction = directionOf(from.tier, to.tier, await sameCommunity(q, r.from_facility_id, to.id));
      }
    }
    if (fields.length) throw badRequest('referral.invalid', { zh: '转诊单有误，未保存', en: 'Invalid referral; nothing was saved' }, fields);
    const reasonCode = input.reasonCode ?? r.reason_code;
    const reasonText = input.reasonText !== undefined ? input.reasonText : r.reason_text;
    let summary = r.summary;
    // A draft from the chronic programme has only the visit's values: assemble the full summary on first edit.
    if (!summary || !summary.text) summary = await assembleSummary(q, r.resident_id, (REASONS[reasonCode]?.zh ?? reasonCode) + (reasonText ? `：${reasonText}` : ''));
    if (input.summaryText != null) summary = { ...summary, text: input.summaryText };
    await q.query(
      `UPDATE referrals SET urgency = $2, green_channel = $3, reason_code = $4, reason_text = $5, to_facility_id = $6, direction = $7, to_department = $8, summary = $9,
         follow_up_plan = $10, follow_up_days = $11, inpatient = $12, version = version + 1 WHERE id = $1`,
      [id, urgency, green ?? null, reasonCode, reasonText ?? null, toId, direction, input.toDepartment !== undefined ? input.toDepartment : r.to_department, JSON.stringify(summary),
        input.followUpPlan !== undefined ? input.followUpPlan : r.follow_up_plan, input.followUpDays !== undefined ? input.followUpDays : r.follow_up_days, input.inpatient ?? r.inpatient]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.edit', outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: id });
    return { id, version: r.version + 1 };
  });
}

/** Marks every sent referral past its service level as expired and gives up its booked place. */
export async function expireOverdue(db: Db, onlyId?: string): Promise<number> {
  return db.tx(async (q) => {
    const rows = await q.query<{ id: string; booking_id: string | null; bed_id: string | null }>(
      `UPDATE referrals SET status = 'expired', expired_at = now(), version = version + 1
        WHERE id IN (SELECT id FROM referrals WHERE status = 'sent' AND due_at < now() AND ($1::uuid IS NULL OR id = $1) FOR UPDATE SKIP LOCKED)
       RETURNING id, booking_id, bed_id`, [onlyId ?? null]);
    if (!rows.length) return 0;
    await q.query(`INSERT INTO referral_events (referral_id, status, from_status, note) SELECT id, 'expired', 'sent', 'not handled within the service level' FROM unnest($1::uuid[]) AS id`, [rows.map((r) => r.id)]);
    for (const r of rows) {
      if (r.booking_id) {
        const [b] = await q.query<{ slot_id: string; channel: string }>("UPDATE bookings SET status = 'cancelled', cancelled_at = now(), cancel_reason = 'referral expired' WHERE id = $1 AND status = 'booked' RETURNING slot_id, channel", [r.booking_id]);
        if (b) await q.query('UPDATE slots SET booked = booked - 1, referral_booked = referral_booked - $2 WHERE id = $1', [b.slot_id, b.channel === 'referral' ? 1 : 0]);
      }
    }
    await writeAudit(q, { userId: null, username: 'system', role: null, ip: null }, { action: 'referral.expire', outcome: 'ok', recordType: 'referral', details: { ids: rows.map((r) => r.id) } });
    return rows.length;
  });
}

export interface ActInput {
  version?: number;
  slotId?: string | null;
  idempotencyKey?: string | null;
  wardId?: string | null;
  bedUntil?: string | null;
  reason?: string | null;
  outcome?: string | null;
  followUpPlan?: string | null;
  followUpDays?: number | null;
  toDepartment?: string | null;
}

function refuse(code: Refusal, field: string | undefined, problem: string) {
  const fields = [{ path: field ?? 'status', problem }];
  return INPUT_REFUSALS.has(code) ? badRequest(code, REFUSAL_TEXT[code], fields) : conflict(code, REFUSAL_TEXT[code], fields);
}

const SENDER_ACTIONS: Action[] = ['send', 'cancel'];
const RECEIVER_ACTIONS: Action[] = ['accept', 'decline', 'arrive', 'complete'];

/** Applies one action of the state machine (see rules.ts), with the booking, bed and task it brings. */
export async function act(db: Db, p: Principal, id: string, action: Action, input: ActInput) {
  // An overdue referral is expired first (committed), so that accepting it is refused as expired.
  if (action === 'accept' || action === 'decline') await expireOverdue(db, id);
  return db.tx(async (q) => {
    const { r, m, side } = await visibleReferral(q, p, id, true);
    if (SENDER_ACTIONS.includes(action) && side !== 'from') throw forbidden({ zh: '只有转出机构可以执行此操作', en: 'Only the sending facility can do this' });
    if (RECEIVER_ACTIONS.includes(action) && side !== 'to') throw forbidden({ zh: '只有接收机构可以执行此操作', en: 'Only the receiving facility can do this' });
    if (input.version !== undefined && input.version !== r.version) throw stale(r.version);
    const now = new Date();
    const sla = await loadSla(q);
    let bookingId = r.booking_id;
    let bedId = r.bed_id;
    const ctx = () => ({
      now, dueAt: r.due_at ? new Date(r.due_at) : null, urgency: r.urgency, direction: r.direction, hasPlace: !!(bookingId || bedId), summary: !!r.summary?.text,
      declineReason: input.reason, outcome: input.outcome, followUpPlan: input.followUpPlan ?? r.follow_up_plan, followUpDays: input.followUpDays ?? r.follow_up_days, everAccepted: !!r.accepted_at,
    });
    // Book the picked slot or reserve a bed first, so that the rule sees the place.
    const wantsPlace = (action === 'send' || action === 'accept') && (input.slotId || input.wardId);
    if (wantsPlace) {
      const pre = transition(r.status, action, { ...ctx(), hasPlace: true });
      if ('refusal' in pre) throw refuse(pre.refusal, pre.field, `${r.status} → ${action}`);
      if (!input.idempotencyKey) throw badRequest('request.invalid', { zh: '预约须带幂等键', en: 'Booking needs an idempotency key' }, [{ path: 'idempotencyKey', problem: 'required / 必填' }]);
      if (input.slotId) {
        if (bookingId) await cancelBooking(db, p, bookingId, 'replaced', q).catch(() => undefined);
        const b = await book(db, p, { slotId: input.slotId, residentId: r.resident_id, idempotencyKey: input.idempotencyKey, referralId: r.id }, q);
        bookingId = b.id;
      }
      if (input.wardId) {
        if (side !== 'to') throw forbidden({ zh: '只有接收机构可以预留床位', en: 'Only the receiving facility reserves beds' });
        const until = input.bedUntil ?? new Date(now.getTime() + 24 * 3_600_000).toISOString();
        const bed = await reserveBed(db, p, { wardId: input.wardId, residentId: r.resident_id, referralId: r.id, until, idempotencyKey: `${input.idempotencyKey}:bed` }, q);
        bedId = bed.bedId;
      }
    }
    const t = transition(r.status, action, ctx());
    if ('refusal' in t) throw refuse(t.refusal, t.field, `${r.status} → ${action}`);
    const stamp = STAMP[action]!;
    const due = action === 'send' ? dueAt(now, r.urgency, sla) : r.due_at;
    await q.query(
      `UPDATE referrals SET status = $2, ${stamp} = now(), booking_id = $3, bed_id = $4, due_at = $5, decline_reason = COALESCE($6, decline_reason), outcome_summary = COALESCE($7, outcome_summary),
         follow_up_plan = COALESCE($8, follow_up_plan), follow_up_days = COALESCE($9, follow_up_days), to_department = COALESCE($10, to_department), version = version + 1 WHERE id = $1`,
      [id, t.to, bookingId, bedId, due, action === 'decline' ? input.reason : null, action === 'complete' ? input.outcome : null,
        action === 'complete' || action === 'send' ? input.followUpPlan ?? null : null, action === 'complete' || action === 'send' ? input.followUpDays ?? null : null, input.toDepartment ?? null]);
    await q.query('INSERT INTO referral_events (referral_id, status, from_status, by_user, note) VALUES ($1,$2,$3,$4,$5)', [id, t.to, r.status, p.userId, input.reason ?? input.outcome ?? null]);
    let downReferralId: string | null = null;
    let taskId: string | null = null;
    if (action === 'send' && r.direction === 'down') taskId = await createTask(q, { ...r, follow_up_plan: input.followUpPlan ?? r.follow_up_plan, follow_up_days: input.followUpDays ?? r.follow_up_days }, now);
    if ((action === 'decline' || action === 'cancel') && bookingId) {
      const [b] = await q.query<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [bookingId]);
      if (b?.status === 'booked') await cancelBooking(db, p, bookingId, `referral ${action}d`, q).catch(() => undefined);
    }
    if ((action === 'decline' || action === 'cancel') && bedId) {
      await q.query("UPDATE beds SET status = 'free', resident_id = NULL, referral_id = NULL, reserved_until = NULL, version = version + 1 WHERE id = $1 AND status = 'reserved' AND referral_id = $2", [bedId, id]);
    }
    if (action === 'arrive') {
      if (bookingId) await q.query("UPDATE bookings SET status = 'attended' WHERE id = $1 AND status = 'booked'", [bookingId]);
      if (bedId) {
        const [b] = await q.query<{ status: string }>('SELECT status FROM beds WHERE id = $1', [bedId]);
        if (b?.status === 'reserved') await bedAction(db, p, bedId, 'admit', r.resident_id, q);
      }
    }
    if (action === 'complete') {
      if (bedId) {
        const [b] = await q.query<{ status: string; resident_id: string | null }>('SELECT status, resident_id FROM beds WHERE id = $1', [bedId]);
        if (b?.status === 'occupied' && b.resident_id === r.resident_id) await bedAction(db, p, bedId, 'release', null, q);
      }
      // An up-referral completed with a plan goes back down to the facility that sent it, as a task for the family doctor.
      if (r.direction !== 'down' && input.followUpPlan?.trim()) {
        if (!input.followUpDays) throw badRequest('referral.plan_required', REFUSAL_TEXT['referral.plan_required'], [{ path: 'followUpDays', problem: 'required with a plan / 有随访计划时必填' }]);
        const summary = await assembleSummary(q, r.resident_id, REASONS.rehabilitation.zh);
        summary.text = `${input.outcome}\n\n${summary.text}`;
        const [d] = await q.query<{ id: string }>(
          `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, summary, status, follow_up_plan, follow_up_days,
             sent_at, due_at, parent_id, created_by)
           VALUES ($1,$2,'down','routine','rehabilitation',NULL,$3,$4,$5,$6,'sent',$7,$8,now(),$9,$10,$11) RETURNING *`,
          [r.resident_id, r.county_code, r.to_facility_id, m.workerId, r.from_facility_id, JSON.stringify(summary), input.followUpPlan, input.followUpDays, dueAt(now, 'routine', sla), id, p.userId]);
        downReferralId = d.id;
        await q.query("INSERT INTO referral_events (referral_id, status, from_status, by_user, note) VALUES ($1,'sent','draft',$2,'down-referral with the follow-up plan')", [d.id, p.userId]);
        const [dr] = await q.query<ReferralRow>('SELECT * FROM referrals WHERE id = $1', [d.id]);
        taskId = await createTask(q, dr, now);
      }
    }
    await writeAudit(q, actorOf(p, p.ip), { action: `referral.${action}`, outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: id, basis: 'referral',
      details: { from: r.status, to: t.to, ...(downReferralId ? { downReferralId } : {}) } });
    return { id, status: t.to, version: r.version + 1, bookingId, bedId, dueAt: due ? new Date(due).toISOString() : null, downReferralId, taskId };
  });
}

/** The family-doctor team's follow-up task for a down-referral: the resident's contracted team, else the team serving their village at the receiving facility. */
async function createTask(q: Queryable, r: ReferralRow, now: Date): Promise<string> {
  const [team] = await q.query<{ team_id: string }>(
    `SELECT team_id FROM (
       SELECT c.team_id, 1 AS rank FROM contracts c WHERE c.resident_id = $1 AND c.status IN ('signed','renewed') AND c.starts_on <= current_date AND c.ends_on >= current_date
       UNION ALL SELECT a.team_id, 2 FROM care_team_areas a JOIN care_teams t ON t.id = a.team_id JOIN residents r ON r.id = $1
         WHERE t.facility_id = $2 AND t.active AND r.village_code LIKE regexp_replace(a.region_code, '0+$', '') || '%') x ORDER BY rank LIMIT 1`, [r.resident_id, r.to_facility_id]);
  const days = r.follow_up_days ?? 7;
  const due = new Date(now.getTime() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const [t] = await q.query<{ id: string }>(
    `INSERT INTO referral_tasks (referral_id, resident_id, county_code, team_id, facility_id, plan, due_on) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (referral_id) DO UPDATE SET plan = EXCLUDED.plan RETURNING id`,
    [r.id, r.resident_id, r.county_code, team?.team_id ?? null, r.to_facility_id, r.follow_up_plan ?? '', due]);
  return t.id;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** One referral with its events, booking, bed and the summary (a read of the record: audited with its basis). */
export async function getReferral(db: Db, p: Principal, id: string) {
  const { r, side } = await visibleReferral(db, p, id);
  const [names] = await db.query<{ resident: string; sex: string; birth_date: string; from_name: string; from_code: string; to_name: string; to_code: string }>(
    `SELECT x.name AS resident, x.sex, x.birth_date, f.name AS from_name, f.code AS from_code, t.name AS to_name, t.code AS to_code
       FROM residents x, facilities f, facilities t WHERE x.id = $1 AND f.id = $2 AND t.id = $3`, [r.resident_id, r.from_facility_id, r.to_facility_id]);
  const events = await db.query<{ status: string; from_status: string | null; at: Date; note: string | null; username: string | null }>(
    'SELECT e.status, e.from_status, e.at, e.note, u.display_name AS username FROM referral_events e LEFT JOIN users u ON u.id = e.by_user WHERE e.referral_id = $1 ORDER BY e.at, e.id', [id]);
  const [booking] = r.booking_id ? await db.query<{ starts_at: Date; schedule: string; status: string }>(
    'SELECT s.starts_at, sc.name AS schedule, b.status FROM bookings b JOIN slots s ON s.id = b.slot_id JOIN schedules sc ON sc.id = b.schedule_id WHERE b.id = $1', [r.booking_id]) : [];
  const [bed] = r.bed_id ? await db.query<{ code: string; ward: string; status: string }>('SELECT b.code, w.name AS ward, b.status FROM beds b JOIN wards w ON w.id = b.ward_id WHERE b.id = $1', [r.bed_id]) : [];
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.read', outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: id, basis: side === 'from' && r.status === 'draft' ? 'sender' : 'referral' }));
  const now = new Date();
  return {
    id: r.id, residentId: r.resident_id, residentName: names.resident, sex: names.sex, birthDate: names.birth_date, direction: r.direction, urgency: r.urgency, greenChannel: r.green_channel,
    reasonCode: r.reason_code, reasonText: r.reason_text, fromFacility: { code: names.from_code, name: names.from_name }, toFacility: { code: names.to_code, name: names.to_name },
    toDepartment: r.to_department, status: r.status, side, summary: r.summary, declineReason: r.decline_reason, outcome: r.outcome_summary, followUpPlan: r.follow_up_plan, followUpDays: r.follow_up_days,
    sentAt: iso(r.sent_at), acceptedAt: iso(r.accepted_at), arrivedAt: iso(r.arrived_at), completedAt: iso(r.completed_at), dueAt: iso(r.due_at),
    minutesLeft: r.status === 'sent' && r.due_at ? minutesLeft(new Date(r.due_at), now) : null, version: r.version, parentId: r.parent_id,
    booking: booking ? { startsAt: new Date(booking.starts_at).toISOString(), schedule: booking.schedule, status: booking.status } : null,
    bed: bed ? { code: bed.code, ward: bed.ward, status: bed.status } : null,
    events: events.map((e) => ({ status: e.status, fromStatus: e.from_status, at: new Date(e.at).toISOString(), note: e.note, by: e.username })),
  };
}

/** What awaits the principal's facility: incoming (to accept, to arrive, to complete) or outgoing (drafts and in flight), with timers. */
export async function inbox(db: Db, p: Principal, box: 'incoming' | 'outgoing', status?: State) {
  await expireOverdue(db);
  const m = await whoAmI(db, p);
  const rows = await db.query<ReferralRow & { resident_name: string; other_name: string; slot_at: Date | null }>(
    `SELECT r.*, x.name AS resident_name, f.name AS other_name, s.starts_at AS slot_at
       FROM referrals r JOIN residents x ON x.id = r.resident_id JOIN facilities f ON f.id = CASE WHEN $2 = 'incoming' THEN r.from_facility_id ELSE r.to_facility_id END
       LEFT JOIN bookings b ON b.id = r.booking_id LEFT JOIN slots s ON s.id = b.slot_id
      WHERE CASE WHEN $2 = 'incoming' THEN r.to_facility_id = $1 AND r.status <> 'draft' ELSE r.from_facility_id = $1 END
        AND ($3::text IS NULL OR r.status = $3)
        AND ($3::text IS NOT NULL OR r.status IN ('draft','sent','accepted','arrived') OR r.created_at > now() - interval '30 days')
      ORDER BY CASE r.urgency WHEN 'green_channel' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, r.due_at NULLS LAST, r.created_at DESC LIMIT 500`, [m.facilityId, box, status ?? null]);
  // The list names patients: audited like the team worklist.
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.inbox', outcome: 'ok', basis: 'referral', details: { box, rows: rows.length } }));
  const now = new Date();
  return rows.map((r) => ({
    id: r.id, residentName: r.resident_name, direction: r.direction, urgency: r.urgency, greenChannel: r.green_channel, reasonCode: r.reason_code, status: r.status, facilityName: r.other_name,
    sentAt: iso(r.sent_at), dueAt: iso(r.due_at), minutesLeft: r.status === 'sent' && r.due_at ? minutesLeft(new Date(r.due_at), now) : null, slotAt: iso(r.slot_at), version: r.version,
  }));
}

/** Open follow-up tasks from down-referrals for the principal's teams (or their facility when they are in no team). */
export async function listTasks(db: Db, p: Principal, includeDone = false) {
  const m = await whoAmI(db, p);
  const rows = await db.query<{ id: string; referral_id: string; resident_id: string; resident_name: string; village: string; team_name: string | null; plan: string; due_on: string; status: string; from_name: string; created_at: Date }>(
    `SELECT t.id, t.referral_id, t.resident_id, x.name AS resident_name, v.name AS village, ct.name AS team_name, t.plan, t.due_on, t.status, f.name AS from_name, t.created_at
       FROM referral_tasks t JOIN residents x ON x.id = t.resident_id JOIN regions v ON v.code = x.village_code JOIN referrals r ON r.id = t.referral_id JOIN facilities f ON f.id = r.from_facility_id
       LEFT JOIN care_teams ct ON ct.id = t.team_id
      WHERE (t.team_id = ANY($1::uuid[]) OR t.facility_id = $2) AND ($3 OR t.status = 'open')
      ORDER BY t.status, t.due_on LIMIT 500`, [m.teamIds, m.facilityId, includeDone]);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.tasks', outcome: 'ok', basis: 'referral', details: { rows: rows.length } }));
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return rows.map((t) => ({ id: t.id, referralId: t.referral_id, residentId: t.resident_id, residentName: t.resident_name, village: t.village, teamName: t.team_name, plan: t.plan, dueOn: t.due_on,
    status: t.status, fromFacility: t.from_name, overdue: t.status === 'open' && t.due_on < today, mine: false }));
}

/** Marks a follow-up task done. */
export async function completeTask(db: Db, p: Principal, id: string, note: string | null) {
  return db.tx(async (q) => {
    const m = await whoAmI(q, p);
    const [t] = await q.query<{ id: string; resident_id: string; status: string }>(
      'SELECT id, resident_id, status FROM referral_tasks WHERE id = $1 AND (team_id = ANY($2::uuid[]) OR facility_id = $3) FOR UPDATE', [id, m.teamIds, m.facilityId]);
    if (!t) throw notFound({ zh: '任务', en: 'Task' });
    if (t.status !== 'open') throw conflict('task.done', { zh: '任务已完成', en: 'The task is already done' }, [{ path: 'id', problem: 'done / 已完成' }]);
    await q.query("UPDATE referral_tasks SET status = 'done', done_at = now(), done_by = $2, done_note = $3 WHERE id = $1", [id, p.userId, note]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.task_done', outcome: 'ok', residentId: t.resident_id, recordType: 'referral_task', recordId: id });
    return { id, status: 'done' };
  });
}

/** The summary the record would give now (for the form, before the draft exists): a record read, audited. */
export async function summaryPreview(db: Db, p: Principal, o: AccessOptions, residentId: string, reasonCode: string) {
  const { basis } = await requireBasis(db, p, residentId, o);
  const s = await assembleSummary(db, residentId, REASONS[reasonCode]?.zh ?? reasonCode);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.summary_preview', outcome: 'ok', residentId, basis }));
  return s;
}

/** Facilities a referral may go to from the principal's facility: the community's members first. */
export async function targets(db: Db, p: Principal) {
  const m = await whoAmI(db, p);
  const rows = await db.query<{ code: string; name: string; tier: Tier; in_community: boolean }>(
    `SELECT f.code, f.name, f.tier, EXISTS (SELECT 1 FROM community_members a JOIN community_members b ON a.community_id = b.community_id WHERE a.facility_id = $1 AND b.facility_id = f.id) AS in_community
       FROM facilities f WHERE f.id <> $1 AND f.closed_on IS NULL AND f.tier IN ('city','county','township') AND f.region_code LIKE $2 || '%'
      ORDER BY in_community DESC, CASE f.tier WHEN 'county' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, f.code LIMIT 300`, [m.facilityId, m.region.slice(0, 4)]);
  return rows.map((r) => ({ code: r.code, name: r.name, tier: r.tier, inCommunity: r.in_community, direction: directionOf(m.tier, r.tier, r.in_community) }));
}

// ---------------------------------------------------------------- payment

/** The configured parameters of a county (falling back to the '*' defaults), in fen and basis points. */
export async function insuranceParameters(q: Queryable, county: string): Promise<Record<Tier, TierParameters>> {
  const rows = await q.query<{ county_code: string; tier: Tier; deductible_fen: number; reimburse_bp: number; cap_fen: number }>(
    "SELECT * FROM insurance_parameters WHERE county_code IN ($1, '*') ORDER BY county_code = '*' DESC", [county]);
  const out = {} as Record<Tier, TierParameters>;
  for (const r of rows) out[r.tier] = { deductibleFen: r.deductible_fen, reimburseBp: r.reimburse_bp, capFen: r.cap_fen };
  return out;
}

/** The resident's share of a chain of stays, with and without the deductible-once rule. */
export async function estimatePayment(db: Db, county: string, stays: Stay[], inCommunityReferral: boolean) {
  const params = await insuranceParameters(db, county);
  const missing = stays.map((s, i) => (params[s.tier] ? null : { path: `stays[${i}].tier`, problem: 'no parameters configured / 未配置参数' })).filter((x): x is FieldProblem => !!x);
  if (missing.length) throw badRequest('payment.no_parameters', { zh: '未配置该级别的医保参数', en: 'No insurance parameters for that tier' }, missing);
  const applied = residentShare(stays, params, inCommunityReferral);
  const separate = residentShare(stays, params, false);
  return { parameters: params, applied, separate, savedFen: separate.residentFen - applied.residentFen, deductibleOnce: inCommunityReferral };
}

/** Sets a county's parameters for a tier (configuration, audited). */
export async function setInsuranceParameters(db: Db, p: Principal, county: string, tier: Tier, v: TierParameters) {
  return db.tx(async (q) => {
    await q.query(`INSERT INTO insurance_parameters (county_code, tier, deductible_fen, reimburse_bp, cap_fen) VALUES ($1,$2,$3,$4,$5)
      ON CONFLICT (county_code, tier) DO UPDATE SET deductible_fen = EXCLUDED.deductible_fen, reimburse_bp = EXCLUDED.reimburse_bp, cap_fen = EXCLUDED.cap_fen`, [county, tier, v.deductibleFen, v.reimburseBp, v.capFen]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.insurance_parameters', outcome: 'ok', details: { county, tier, ...v } });
    return { county, tier, ...v };
  });
}

/** Sets the service level of an urgency (minutes to acceptance). */
export async function setSla(db: Db, p: Principal, urgency: Urgency, minutes: number) {
  return db.tx(async (q) => {
    await q.query('UPDATE referral_sla SET accept_minutes = $2 WHERE urgency = $1', [urgency, minutes]);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.sla', outcome: 'ok', details: { urgency, minutes } });
    return loadSla(q);
  });
}

/** The service levels in force. */
export const getSla = (db: Db) => loadSla(db);

// ---------------------------------------------------------------- figures

export type FigureGroup = 'facility' | 'township' | 'month';

/**
 * Referral figures for a region and year, by facility (the sender), township (the primary-care end:
 * the sender of an up-referral, the receiver of a down-referral) or month sent: counts up and down, the
 * share accepted, median hours from sending to acceptance and to arrival, the share of completed
 * up-referrals that returned a plan, and the down-referral ratio. Aggregates only.
 */
export async function referralFigures(q: Queryable, o: { regionPrefix: string | null; year: number; groupBy: FigureGroup }) {
  const key = { facility: 'ff.code', township: "left(lf.region_code, 9) || '000'", month: "to_char(r.sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')" }[o.groupBy];
  const name = { facility: 'min(ff.name)', township: "min(COALESCE(tr.name, '县级'))", month: 'NULL' }[o.groupBy];
  const rows = await q.query<{ key: string; name: string | null; up: number; down: number; lateral: number; out: number; sent: number; accepted: number; declined: number; expired: number;
    completed_up: number; completed_up_plan: number; h_accept: number | null; h_arrive: number | null }>(
    `SELECT ${key} AS key, ${name} AS name,
            count(*) FILTER (WHERE r.direction = 'up')::int AS up, count(*) FILTER (WHERE r.direction = 'down')::int AS down,
            count(*) FILTER (WHERE r.direction = 'lateral')::int AS lateral, count(*) FILTER (WHERE r.direction = 'out')::int AS out,
            count(*)::int AS sent, count(*) FILTER (WHERE r.accepted_at IS NOT NULL)::int AS accepted,
            count(*) FILTER (WHERE r.status = 'declined')::int AS declined, count(*) FILTER (WHERE r.status = 'expired')::int AS expired,
            count(*) FILTER (WHERE r.direction = 'up' AND r.status = 'completed')::int AS completed_up,
            count(*) FILTER (WHERE r.direction = 'up' AND r.status = 'completed' AND r.follow_up_plan IS NOT NULL)::int AS completed_up_plan,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.accepted_at - r.sent_at) / 3600) FILTER (WHERE r.accepted_at IS NOT NULL) AS h_accept,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.arrived_at - r.sent_at) / 3600) FILTER (WHERE r.arrived_at IS NOT NULL) AS h_arrive
       FROM referrals r JOIN facilities ff ON ff.id = r.from_facility_id JOIN facilities tf ON tf.id = r.to_facility_id
       JOIN facilities lf ON lf.id = CASE WHEN r.direction = 'down' THEN r.to_facility_id ELSE r.from_facility_id END
       LEFT JOIN regions tr ON tr.code = left(lf.region_code, 9) || '000' AND tr.level = 'township'
      WHERE r.sent_at IS NOT NULL AND r.sent_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'Asia/Shanghai') AND r.sent_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai')
        AND ($2::text IS NULL OR ff.region_code LIKE $2 || '%' OR tf.region_code LIKE $2 || '%')
      GROUP BY 1 ORDER BY 1`, [o.year, o.regionPrefix]);
  const round1 = (x: number | null) => (x == null ? null : Math.round(Number(x) * 10) / 10);
  const items = rows.map((r) => ({
    key: r.key, name: r.name ?? r.key, up: r.up, down: r.down, lateral: r.lateral, out: r.out, sent: r.sent, accepted: r.accepted, declined: r.declined, expired: r.expired,
    acceptedShare: share(r.accepted, r.sent), medianHoursToAccept: round1(r.h_accept), medianHoursToArrival: round1(r.h_arrive),
    completedUp: r.completed_up, completedWithPlan: r.completed_up_plan, planShare: share(r.completed_up_plan, r.completed_up), downRatio: share(r.down, r.up),
  }));
  const sum = (k: 'up' | 'down' | 'lateral' | 'out' | 'sent' | 'accepted' | 'declined' | 'expired' | 'completedUp' | 'completedWithPlan') => items.reduce((a, b) => a + b[k], 0);
  const [tot] = await q.query<{ h_accept: number | null; h_arrive: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.accepted_at - r.sent_at) / 3600) FILTER (WHERE r.accepted_at IS NOT NULL) AS h_accept,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.arrived_at - r.sent_at) / 3600) FILTER (WHERE r.arrived_at IS NOT NULL) AS h_arrive
       FROM referrals r JOIN facilities ff ON ff.id = r.from_facility_id JOIN facilities tf ON tf.id = r.to_facility_id
      WHERE r.sent_at IS NOT NULL AND r.sent_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'Asia/Shanghai') AND r.sent_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai')
        AND ($2::text IS NULL OR ff.region_code LIKE $2 || '%' OR tf.region_code LIKE $2 || '%')`, [o.year, o.regionPrefix]);
  const totals = {
    up: sum('up'), down: sum('down'), lateral: sum('lateral'), out: sum('out'), sent: sum('sent'), accepted: sum('accepted'), declined: sum('declined'), expired: sum('expired'),
    completedUp: sum('completedUp'), completedWithPlan: sum('completedWithPlan'), acceptedShare: share(sum('accepted'), sum('sent')), planShare: share(sum('completedWithPlan'), sum('completedUp')),
    downRatio: share(sum('down'), sum('up')), medianHoursToAccept: round1(tot?.h_accept ?? null), medianHoursToArrival: round1(tot?.h_arrive ?? null),
  };
  return { items, totals };
}

/** The region a principal's figures cover (their region, else their facility's county; null = all). */
export async function figuresScope(q: Queryable, p: Principal): Promise<string | null> {
  if (p.role === 'sysadmin') return null;
  if (p.regionCode) return regionPrefix(p.regionCode);
  if (p.facilityCode) {
    const [f] = await q.query<{ region_code: string }>('SELECT region_code FROM facilities WHERE code = $1', [p.facilityCode]);
    if (f) return f.region_code.slice(0, 6);
  }
  return '\u0000';
}
