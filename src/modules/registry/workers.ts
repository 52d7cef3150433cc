// Health workers, their registered practice sites (多点执业) and postings (县管乡用 / 乡聘村用).
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import type { Principal } from '../../platform/auth.ts';
import * as store from './store.ts';
import type { PostingIn, WorkerIn, WorkerOut } from './schema.ts';

export type WorkerType = 'physician' | 'assistant_physician' | 'village_doctor' | 'nurse' | 'pharmacist' | 'technician' | 'public_health' | 'manager';
export type PostingKind = 'practice_site' | 'county_to_township' | 'township_to_village' | 'other';

/** What a request carries (schema.ts, by z.infer). */
export type WorkerInput = WorkerIn;

export interface Posting {
  id: string;
  facilityCode: string;
  facilityName: string;
  kind: PostingKind;
  startOn: string;
  endOn: string | null;
}

/** What the API shows (schema.ts, by z.infer). */
export type Worker = WorkerOut;

function toWorker(r: store.WorkerRow, postings: Posting[]): Worker {
  return {
    id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, workerType: r.worker_type, specialty: r.specialty, title: r.title, licenceNo: r.licence_no,
    qualified: r.qualified, employer: { code: r.employer_code, name: r.employer_name, regionCode: r.employer_region }, active: r.active, postings, username: r.username,
  };
}

/** Lists workers whose employer lies in the scope. */
export async function listWorkers(q: Queryable, f: { within: string | null; facilityCode?: string; workerType?: WorkerType; q?: string; limit: number; offset: number }): Promise<{ items: Worker[]; total: number }> {
  const { rows, total: n } = await store.listWorkers(q, { within: f.within, facilityCode: f.facilityCode ?? null, workerType: f.workerType ?? null, q: f.q ?? null, limit: f.limit, offset: f.offset });
  return { items: rows.map((r) => toWorker(r, [])), total: n };
}

/** One worker with postings (404 outside the scope). */
export async function getWorker(q: Queryable, id: string, within: string | null): Promise<Worker> {
  const r = await store.workerById(q, id, within);
  if (!r) throw notFound({ zh: '卫生人员', en: 'Health worker' });
  const postings = await store.postingsOf(q, id);
  return toWorker(r, postings.map((p) => ({ id: p.id, facilityCode: p.code, facilityName: p.name, kind: p.kind, startOn: p.start_on, endOn: p.end_on })));
}

/** Registers a worker; audited. */
export async function createWorker(db: Db, actor: Actor, input: WorkerInput): Promise<Worker> {
  const id = await db.tx(async (q) => {
    const f = await store.facilityIdTier(q, input.employerCode);
    if (!f) throw badRequest('worker.invalid', { zh: '工作单位不存在', en: 'Unknown employer' }, [{ path: 'employerCode', problem: 'unknown facility / 未知机构' }]);
    // Only village doctors may lack a practising certificate; the others hold one by definition.
    const qualified = input.workerType === 'village_doctor' ? input.qualified ?? false : true;
    const wid = await store.insertWorker(q, {
      name: input.name, sex: input.sex, birthDate: input.birthDate ?? null, workerType: input.workerType, specialty: input.specialty ?? null, title: input.title ?? null,
      licenceNo: input.licenceNo ?? null, qualified, employerId: f.id,
    });
    await writeAudit(q, actor, { action: 'worker.create', outcome: 'ok', recordType: 'worker', recordId: wid });
    return wid;
  });
  return getWorker(db, id, null);
}

/** Adds a posting or practice site; audited. */
export async function addPosting(db: Db, actor: Actor, workerId: string, input: PostingIn, within: string | null): Promise<Worker> {
  await db.tx(async (q) => {
    const w = await getWorker(q, workerId, within);
    const f = await store.facilityIdTier(q, input.facilityCode);
    const fields = [];
    if (!f) fields.push({ path: 'facilityCode', problem: 'unknown facility / 未知机构' });
    else if (input.facilityCode === w.employer.code) fields.push({ path: 'facilityCode', problem: 'is the employer itself / 与工作单位相同' });
    if (input.endOn && input.endOn < input.startOn) fields.push({ path: 'endOn', problem: 'before startOn / 早于开始日期' });
    if (fields.length) throw badRequest('worker.invalid_posting', { zh: '派驻信息有误', en: 'Invalid posting' }, fields);
    await store.insertPosting(q, workerId, f!.id, input.kind, input.startOn, input.endOn ?? null);
    await writeAudit(q, actor, { action: 'worker.add_posting', outcome: 'ok', recordType: 'worker', recordId: workerId, details: { ...input } });
  });
  return getWorker(db, workerId, within);
}

/** The facilities a signed-in worker works at today: their user facility, their employer, and active postings. */
export async function principalFacilityIds(q: Queryable, p: Principal): Promise<string[]> {
  return store.facilityIdsOfUser(q, p.facilityCode, p.userId);
}

/** The worker a signed-in user is (type and title, for prescribing privileges) and the facility they act for; nulls when unlinked. */
export async function prescriberOf(q: Queryable, userId: string): Promise<{ workerId: string | null; workerType: string | null; title: string | null; facility: { id: string; code: string; name: string; tier: string; regionCode: string } | null }> {
  const r = await store.prescriberOfUser(q, userId);
  return { workerId: r?.worker_id ?? null, workerType: r?.worker_type ?? null, title: r?.title ?? null,
    facility: r?.facility_id ? { id: r.facility_id, code: r.facility_code!, name: r.facility_name!, tier: r.tier!, regionCode: r.region_code! } : null };
}
