// The referral desk: one referral with its events, booking and bed; the inboxes with their timers;
// the family-doctor team's follow-up tasks. Every read that names patients is audited.
import type { Db } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { today } from '../../shared/time.ts';
import { bedSummary, bookingStarts, bookingSummary } from '../scheduling/service.ts';
import { ageOn } from '../registry/rules.ts';
import { minutesLeft, type State } from './rules.ts';
import { iso, visibleReferral, whoAmI } from './context.ts';
import { expireOverdue } from './transitions.ts';
import type { InboxItem, ReferralOut, Task } from './schema.ts';
import * as store from './store.ts';

/** One referral with its events, booking, bed and the summary (a read of the record: audited with its basis). */
export async function getReferral(db: Db, p: Principal, id: string): Promise<ReferralOut> {
  const { r, side } = await visibleReferral(db, p, id);
  const names = await store.referralNames(db, r);
  const events = await store.referralEvents(db, id);
  const booking = r.booking_id ? await bookingSummary(db, r.booking_id) : undefined;
  const bed = r.bed_id ? await bedSummary(db, r.bed_id) : undefined;
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.read', outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: id, basis: side === 'from' && r.status === 'draft' ? 'sender' : 'referral' }));
  const now = new Date();
  return {
    id: r.id, residentId: r.resident_id, residentName: names.resident, sex: names.sex, age: ageOn(names.birth_date, today()), direction: r.direction, urgency: r.urgency, greenChannel: r.green_channel,
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
export async function inbox(db: Db, p: Principal, box: 'incoming' | 'outgoing', status?: State): Promise<InboxItem[]> {
  await expireOverdue(db);
  const m = await whoAmI(db, p);
  const rows = await store.inbox(db, m.facilityId, box, status ?? null);
  const starts = await bookingStarts(db, rows.flatMap((r) => (r.booking_id ? [r.booking_id] : [])));
  // The list names patients: audited like the team worklist.
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.inbox', outcome: 'ok', basis: 'referral', details: { box, rows: rows.length } }));
  const now = new Date();
  return rows.map((r) => ({
    id: r.id, residentName: r.resident_name, direction: r.direction, urgency: r.urgency, greenChannel: r.green_channel, reasonCode: r.reason_code, status: r.status, facilityName: r.other_name,
    sentAt: iso(r.sent_at), dueAt: iso(r.due_at), minutesLeft: r.status === 'sent' && r.due_at ? minutesLeft(new Date(r.due_at), now) : null,
    slotAt: iso((r.booking_id && starts.get(r.booking_id)) || null), version: r.version,
  }));
}

/** Open follow-up tasks from down-referrals for the principal's teams (or their facility when they are in no team). */
export async function listTasks(db: Db, p: Principal, includeDone = false): Promise<Task[]> {
  const m = await whoAmI(db, p);
  const rows = await store.tasks(db, m.teamIds, m.facilityId, includeDone);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.tasks', outcome: 'ok', basis: 'referral', details: { rows: rows.length } }));
  const day = today();
  return rows.map((t) => ({ id: t.id, referralId: t.referral_id, residentId: t.resident_id, residentName: t.resident_name, village: t.village, teamName: t.team_name, plan: t.plan, dueOn: t.due_on,
    status: t.status, fromFacility: t.from_name, overdue: t.status === 'open' && t.due_on < day, mine: false }));
}

/** Marks a follow-up task done. */
export async function completeTask(db: Db, p: Principal, id: string, note: string | null) {
  return db.tx(async (q) => {
    const m = await whoAmI(q, p);
    const t = await store.lockTask(q, id, m.teamIds, m.facilityId);
    if (!t) throw notFound({ zh: '任务', en: 'Task' });
    if (t.status !== 'open') throw conflict('task.done', { zh: '任务已完成', en: 'The task is already done' }, [{ path: 'id', problem: 'done / 已完成' }]);
    await store.markTaskDone(q, id, p.userId, note);
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.task_done', outcome: 'ok', residentId: t.resident_id, recordType: 'referral_task', recordId: id });
    return { id, status: 'done' };
  });
}
