// The referral's transitions, one use case each: send, accept, decline, arrive, complete, cancel (and
// the service level's expiry). Each locks the referral, asks the pure state machine (rules.ts
// transition) whether the step is allowed, writes its own fixed UPDATE with its event and audit row,
// and has the scheduling module book, cancel, admit or release the place — all in one transaction.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, forbidden, stale } from '../../platform/errors.ts';
import { admitReserved, book, cancelBooking, cancelIfLive, giveUpBooking, markAttendedFor, releaseOccupied, releaseReservedBed, reserveBed } from '../scheduling/service.ts';
import { dueAt, REASONS, REFUSAL_TEXT, STATE_NAMES, transition, transitionText, type Action, type Sla, type State } from './rules.ts';
import { loadSla, refuse, visibleReferral, type Me } from './context.ts';
import { assembleSummary } from './drafting.ts';
import type { ActInput, ActResult } from './schema.ts';
import * as store from './store.ts';

const SYSTEM = { userId: null, username: 'system', role: null, ip: null };

/** Marks every sent referral past its service level as expired and gives up its booked place (in its own committed transaction). */
export async function expireOverdue(db: Db, onlyId?: string): Promise<number> {
  return db.tx(async (q) => {
    const rows = await store.expireOverdue(q, onlyId ?? null);
    if (!rows.length) return 0;
    await store.insertExpiryEvents(q, rows.map((r) => r.id));
    for (const r of rows) if (r.booking_id) await giveUpBooking(q, r.booking_id, 'referral expired');
    await writeAudit(q, SYSTEM, { action: 'referral.expire', outcome: 'ok', recordType: 'referral', details: { ids: rows.map((r) => r.id) } });
    return rows.length;
  });
}

/** Where a transition stands once the referral is locked: the row, the principal's facility, its side, the place held. */
interface Step { r: store.ReferralRow; m: Me; side: 'from' | 'to'; now: Date; sla: Sla; bookingId: string | null; bedId: string | null }

/** Locks the referral for a transition of one side (the sender's or the receiver's), checking the version given. */
async function begin(q: Queryable, p: Principal, id: string, input: ActInput, by: 'from' | 'to'): Promise<Step> {
  const { r, m, side } = await visibleReferral(q, p, id, true);
  if (by === 'from' && side !== 'from') throw forbidden({ zh: '只有转出机构可以执行此操作', en: 'Only the sending facility can do this' });
  if (by === 'to' && side !== 'to') throw forbidden({ zh: '只有接收机构可以执行此操作', en: 'Only the receiving facility can do this' });
  if (input.version !== undefined && input.version !== r.version) throw stale(r.version);
  return { r, m, side, now: new Date(), sla: await loadSla(q), bookingId: r.booking_id, bedId: r.bed_id };
}

/** The state the action leads to under the state machine, or its refusal thrown. */
function allowed(s: Step, action: Action, input: ActInput, hasPlace = !!(s.bookingId || s.bedId)): State {
  const { r } = s;
  const t = transition(r.status, action, {
    now: s.now, dueAt: r.due_at ? new Date(r.due_at) : null, urgency: r.urgency, direction: r.direction, hasPlace, summary: !!r.summary?.text,
    declineReason: input.reason, outcome: input.outcome, followUpPlan: input.followUpPlan ?? r.follow_up_plan, followUpDays: input.followUpDays ?? r.follow_up_days, everAccepted: !!r.accepted_at,
  });
  if ('refusal' in t) {
    // A field the move needs is named as required; otherwise the state it was refused in, by name.
    const problem = t.field ? '必填 / required' : `${STATE_NAMES[r.status].zh} / ${STATE_NAMES[r.status].en}`;
    throw refuse(t.refusal, t.field, problem, t.refusal === 'referral.invalid_transition' ? transitionText(r.status, action) : undefined);
  }
  return t.to;
}

/** Books the picked slot or reserves a bed of the picked ward first (send or accept), so that the rule sees the place. */
async function takePlace(db: Db, p: Principal, q: Queryable, s: Step, action: 'send' | 'accept', input: ActInput): Promise<void> {
  if (!input.slotId && !input.wardId) return;
  allowed(s, action, input, true);
  if (!input.idempotencyKey) throw badRequest('request.invalid', { zh: '预约须带幂等键', en: 'Booking needs an idempotency key' }, [{ path: 'idempotencyKey', problem: 'required / 必填' }]);
  if (input.slotId) {
    if (s.bookingId) await cancelBooking(db, p, s.bookingId, 'replaced', q).catch(() => undefined);
    s.bookingId = (await book(db, p, { slotId: input.slotId, residentId: s.r.resident_id, idempotencyKey: input.idempotencyKey, referralId: s.r.id }, q)).id;
  }
  if (input.wardId) {
    if (s.side !== 'to') throw forbidden({ zh: '只有接收机构可以预留床位', en: 'Only the receiving facility reserves beds' });
    const until = input.bedUntil ?? new Date(s.now.getTime() + 24 * 3_600_000).toISOString();
    s.bedId = (await reserveBed(db, p, { wardId: input.wardId, residentId: s.r.resident_id, referralId: s.r.id, until, idempotencyKey: `${input.idempotencyKey}:bed` }, q)).bedId;
  }
}

/** The transition's event and audit row, and its answer. */
async function finish(q: Queryable, p: Principal, s: Step, action: Action, to: State, input: ActInput, o: { due?: Date | null; downReferralId?: string | null; taskId?: string | null } = {}): Promise<ActResult> {
  const { r } = s;
  await writeAudit(q, actorOf(p, p.ip), { action: `referral.${action}`, outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: r.id, basis: 'referral',
    details: { from: r.status, to, ...(o.downReferralId ? { downReferralId: o.downReferralId } : {}) } });
  const due = o.due !== undefined ? o.due : r.due_at;
  return { id: r.id, status: to, version: r.version + 1, bookingId: s.bookingId, bedId: s.bedId, dueAt: due ? new Date(due).toISOString() : null, downReferralId: o.downReferralId ?? null, taskId: o.taskId ?? null };
}

const event = (q: Queryable, p: Principal, s: Step, to: State, input: ActInput) =>
  store.insertEvent(q, { referralId: s.r.id, status: to, fromStatus: s.r.status, byUser: p.userId, note: input.reason ?? input.outcome ?? null });

/** Sends a draft (with a slot booked, optionally): the service level's clock starts; a down-referral becomes the team's task. */
export async function send(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'from');
    await takePlace(db, p, q, s, 'send', input);
    const to = allowed(s, 'send', input);
    const due = dueAt(s.now, s.r.urgency, s.sla);
    await store.markSent(q, id, { bookingId: s.bookingId, bedId: s.bedId, dueAt: due, followUpPlan: input.followUpPlan ?? null, followUpDays: input.followUpDays ?? null, toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    const taskId = s.r.direction === 'down'
      ? await createTask(q, { ...s.r, follow_up_plan: input.followUpPlan ?? s.r.follow_up_plan, follow_up_days: input.followUpDays ?? s.r.follow_up_days }, s.now) : null;
    return finish(q, p, s, 'send', to, input, { due, taskId });
  });
}

/** Accepts a sent referral into a slot or a bed (the green channel and down-referrals need none); an overdue one is expired first and refused. */
export async function accept(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  await expireOverdue(db, id);
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'to');
    await takePlace(db, p, q, s, 'accept', input);
    const to = allowed(s, 'accept', input);
    await store.markAccepted(q, id, { bookingId: s.bookingId, bedId: s.bedId, toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    return finish(q, p, s, 'accept', to, input);
  });
}

/** Declines a sent referral with a reason; its booked place and reserved bed are given up. An overdue one is expired first and refused. */
export async function decline(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  await expireOverdue(db, id);
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'to');
    const to = allowed(s, 'decline', input);
    await store.markDeclined(q, id, { reason: input.reason ?? null, toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    await givePlaceUp(db, p, q, s, 'referral declined');
    return finish(q, p, s, 'decline', to, input);
  });
}

/** Cancels a referral (the sender, before arrival); its booked place and reserved bed are given up. */
export async function cancel(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'from');
    const to = allowed(s, 'cancel', input);
    await store.markCancelled(q, id, { toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    await givePlaceUp(db, p, q, s, 'referral cancelled');
    return finish(q, p, s, 'cancel', to, input);
  });
}

async function givePlaceUp(db: Db, p: Principal, q: Queryable, s: Step, reason: string): Promise<void> {
  if (s.bookingId) await cancelIfLive(db, p, s.bookingId, reason, q);
  if (s.bedId) await releaseReservedBed(q, s.bedId, s.r.id);
}

/** The patient arrived: the booking is attended, a reserved bed becomes theirs. */
export async function arrive(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'to');
    const to = allowed(s, 'arrive', input);
    await store.markArrived(q, id, { toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    if (s.bookingId) await markAttendedFor(q, s.bookingId);
    if (s.bedId) await admitReserved(db, p, s.bedId, s.r.resident_id, q);
    return finish(q, p, s, 'arrive', to, input);
  });
}

/**
 * Completes a referral with the visit or discharge summary; the bed is released. An up-referral
 * completed with a plan goes back down to the facility that sent it, as a task for the family doctor.
 */
export async function complete(db: Db, p: Principal, id: string, input: ActInput): Promise<ActResult> {
  return db.tx(async (q) => {
    const s = await begin(q, p, id, input, 'to');
    const { r } = s;
    const to = allowed(s, 'complete', input);
    await store.markCompleted(q, id, { outcome: input.outcome ?? null, followUpPlan: input.followUpPlan ?? null, followUpDays: input.followUpDays ?? null, toDepartment: input.toDepartment ?? null });
    await event(q, p, s, to, input);
    if (s.bedId) await releaseOccupied(db, p, s.bedId, r.resident_id, q);
    let downReferralId: string | null = null;
    let taskId: string | null = null;
    if (r.direction !== 'down' && input.followUpPlan?.trim()) {
      if (!input.followUpDays) throw badRequest('referral.plan_required', REFUSAL_TEXT['referral.plan_required'], [{ path: 'followUpDays', problem: 'required with a plan / 有随访计划时必填' }]);
      const summary = await assembleSummary(q, r.resident_id, REASONS.rehabilitation.zh);
      summary.text = `${input.outcome}\n\n${summary.text}`;
      const d = await store.insertDownReferral(q, { residentId: r.resident_id, county: r.county_code, fromFacilityId: r.to_facility_id, fromWorkerId: s.m.workerId, toFacilityId: r.from_facility_id,
        summary, followUpPlan: input.followUpPlan, followUpDays: input.followUpDays, dueAt: dueAt(s.now, 'routine', s.sla), parentId: id, createdBy: p.userId });
      downReferralId = d.id;
      await store.insertEvent(q, { referralId: d.id, status: 'sent', fromStatus: 'draft', byUser: p.userId, note: 'down-referral with the follow-up plan' });
      taskId = await createTask(q, d, s.now);
    }
    return finish(q, p, s, 'complete', to, input, { downReferralId, taskId });
  });
}

/** The family-doctor team's follow-up task for a down-referral: the resident's contracted team, else the team serving their village at the receiving facility. */
async function createTask(q: Queryable, r: store.ReferralRow, now: Date): Promise<string> {
  const team = await store.taskTeam(q, r.resident_id, r.to_facility_id);
  const due = new Date(now.getTime() + (r.follow_up_days ?? 7) * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return store.upsertTask(q, { referralId: r.id, residentId: r.resident_id, county: r.county_code, teamId: team, facilityId: r.to_facility_id, plan: r.follow_up_plan ?? '', dueOn: due });
}

/** Follows a referral's booking moved to another slot (registered with scheduling at composition, src/app.ts). */
export async function followBookingMove(q: Queryable, move: { referralId: string; from: string; to: string }): Promise<void> {
  await store.followBooking(q, move.referralId, move.from, move.to);
}
