// A referral draft created on another module's behalf (the chronic programme's rules), inside the
// caller's transaction: the referral row and its first event. Referrals own both tables.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';

export interface DraftInput {
  residentId: string;
  countyCode: string;
  direction: 'up' | 'down';
  urgency: 'urgent' | 'routine';
  reasonCode: string;
  reasonText: string;
  fromFacilityId: string;
  fromWorkerId: string | null;
  toFacilityId: string;
  summary: object;
  note: string;
  dueAt?: string | null;
}

/** Creates a referral in status draft with its first event; returns its id. */
export async function createDraft(q: Queryable, p: Principal, input: DraftInput): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO referrals (resident_id, county_code, direction, urgency, reason_code, reason_text, from_facility_id, from_worker_id, to_facility_id, status, created_by, summary, due_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'draft',$10,$11,$12) RETURNING id`,
    [input.residentId, input.countyCode, input.direction, input.urgency, input.reasonCode, input.reasonText, input.fromFacilityId, input.fromWorkerId, input.toFacilityId, p.userId,
      JSON.stringify(input.summary), input.dueAt ?? null]);
  await q.query("INSERT INTO referral_events (referral_id, status, by_user, note) VALUES ($1, 'draft', $2, $3)", [r.id, p.userId, input.note]);
  return r.id;
}
