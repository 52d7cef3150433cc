// The chronic module's bulk loaders (the demo county): programme enrolments and follow-ups, written
// here by their owner in batched INSERT … unnest. Each follow-up's class, target and referral are
// the caller's, computed with this module's rules (classifyVisit, onTarget).
import type { Queryable } from '../../platform/db.ts';
import { insertMany } from '../../platform/bulk.ts';
import type { VisitClass } from './rules.ts';

export interface BulkEnrolment { residentId: string; countyCode: string; programme: string; enrolledOn: string; source: string }

export interface BulkFollowup {
  residentId: string; countyCode: string; programme: string; encounterId: string; facilityId: string; workerId: string | null;
  visitDate: string; sbp: number | null; dbp: number | null; heartRate: number | null; fastingGlucose: number | null; adherence: string;
  visitClass: VisitClass; onTarget: boolean; emergency: boolean; referralReason: string | null; referralUrgency: string | null; nextVisitDate: string;
}

/** Loads programme enrolments. */
export async function loadEnrolments(q: Queryable, list: readonly BulkEnrolment[]): Promise<void> {
  await insertMany(q, 'chronic_enrolments', [
    { name: 'resident_id', type: 'uuid', get: (x: BulkEnrolment) => x.residentId }, { name: 'county_code', type: 'text', get: (x) => x.countyCode },
    { name: 'programme', type: 'text', get: (x) => x.programme }, { name: 'enrolled_on', type: 'date', get: (x) => x.enrolledOn }, { name: 'source', type: 'text', get: (x) => x.source }], list);
}

/** Loads follow-ups (their encounters loaded first, through records). */
export async function loadFollowups(q: Queryable, list: readonly BulkFollowup[]): Promise<void> {
  await insertMany(q, 'chronic_followups', [
    { name: 'resident_id', type: 'uuid', get: (x: BulkFollowup) => x.residentId }, { name: 'county_code', type: 'text', get: (x) => x.countyCode }, { name: 'programme', type: 'text', get: (x) => x.programme },
    { name: 'encounter_id', type: 'uuid', get: (x) => x.encounterId }, { name: 'facility_id', type: 'uuid', get: (x) => x.facilityId }, { name: 'worker_id', type: 'uuid', get: (x) => x.workerId },
    { name: 'visit_date', type: 'date', get: (x) => x.visitDate }, { name: 'sbp', type: 'int', get: (x) => x.sbp }, { name: 'dbp', type: 'int', get: (x) => x.dbp },
    { name: 'heart_rate', type: 'int', get: (x) => x.heartRate }, { name: 'fasting_glucose', type: 'numeric', get: (x) => x.fastingGlucose }, { name: 'adherence', type: 'text', get: (x) => x.adherence },
    { name: 'visit_class', type: 'text', get: (x) => x.visitClass }, { name: 'on_target', type: 'bool', get: (x) => x.onTarget }, { name: 'emergency', type: 'bool', get: (x) => x.emergency },
    { name: 'referral_reason', type: 'text', get: (x) => x.referralReason }, { name: 'referral_urgency', type: 'text', get: (x) => x.referralUrgency }, { name: 'next_visit_date', type: 'date', get: (x) => x.nextVisitDate }], list);
}
