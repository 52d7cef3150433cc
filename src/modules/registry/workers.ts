// Health workers, their registered practice sites (多点执业) and postings (县管乡用 / 乡聘村用).
import type { Db, Queryable } from '../../platform/db.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import type { Principal } from '../../platform/auth.ts';

export type WorkerType = 'physician' | 'assistant_physician' | 'village_doctor' | 'nurse' | 'pharmacist' | 'technician' | 'public_health' | 'manager';
export type PostingKind = 'practice_site' | 'county_to_township' | 'township_to_village' | 'other';

export interface WorkerInput {
  name: string;
  sex: 'M' | 'F';
  birthDate?: string | null;
  workerType: WorkerType;
  specialty?: string | null;
  title?: string | null;
  licenceNo?: string | null;
  qualified?: boolean;
  employerCode: string;
}

export interface Posting {
  id: string;
  facilityCode: string;
  facilityName: string;
  kind: PostingKind;
  startOn: string;
  endOn: string | null;
}

export interface Worker {
  id: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string | null;
  workerType: WorkerType;
  specialty: string | null;
  title: string | null;
  licenceNo: string | null;
  qualified: boolean;
  employer: { code: string; name: string; regionCode: string };
  active: boolean;
  postings: Posting[];
  username: string | null;
}

type Row = { id: string; name: string; sex: 'M' | 'F'; birth_date: string | null; worker_type: WorkerType; specialty: string | null; title: string | null; licence_no: string | null;
  qualified: boolean; active: boolean; employer_code: string; employer_name: string; employer_region: string; username: string | null };

const SELECT = `SELECT w.*, f.code AS employer_code, f.name AS employer_name, f.region_code AS employer_region,
  (SELECT u.username FROM users u WHERE u.worker_id = w.id LIMIT 1) AS username
  FROM workers w JOIN facilities f ON f.id = w.employer_id`;

function toWorker(r: Row, postings: Posting[]): Worker {
  return {
    id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, workerType: r.worker_type, specialty: r.specialty, title: r.title, licenceNo: r.licence_no,
    qualified: r.qualified, employer: { code: r.employer_code, name: r.employer_name, regionCode: r.employer_region }, active: r.active, postings, username: r.username,
  };
}

/** Lists workers whose employer lies in the scope. */
export async function listWorkers(q: Queryable, f: { within: string | null; facilityCode?: string; workerType?: WorkerType; q?: string; limit: number; offset: number }): Promise<{ items: Worker[]; total: number }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replaceAll('?', `$${args.length}`));
  };
  if (f.within) add('f.region_code LIKE ?', f.within + '%');
  if (f.facilityCode) add('f.code = ?', f.facilityCode);
  if (f.workerType) add('w.worker_type = ?', f.workerType);
  if (f.q) add('w.name LIKE ?', `%${f.q}%`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM workers w JOIN facilities f ON f.id = w.employer_id ${w}`, args);
  const rows = await q.query<Row>(`${SELECT} ${w} ORDER BY f.code, w.name LIMIT ${f.limit} OFFSET ${f.offset}`, args);
  return { items: rows.map((r) => toWorker(r, [])), total: n };
}

/** One worker with postings (404 outside the scope). */
export async function getWorker(q: Queryable, id: string, within: string | null): Promise<Worker> {
  const rows = await q.query<Row>(`${SELECT} WHERE w.id = $1 ${within ? 'AND f.region_code LIKE $2' : ''}`, within ? [id, within + '%'] : [id]);
  if (!rows.length) throw notFound({ zh: '卫生人员', en: 'Health worker' });
  const postings = await q.query<{ id: string; code: string; name: string; kind: PostingKind; start_on: string; end_on: string | null }>(
    `SELECT p.id, f.code, f.name, p.kind, p.start_on, p.end_on FROM worker_postings p JOIN facilities f ON f.id = p.facility_id WHERE p.worker_id = $1 ORDER BY p.start_on DESC`, [id]);
  return toWorker(rows[0], postings.map((p) => ({ id: p.id, facilityCode: p.code, facilityName: p.name, kind: p.kind, startOn: p.start_on, endOn: p.end_on })));
}

/** Registers a worker; audited. */
export async function createWorker(db: Db, actor: Actor, input: WorkerInput): Promise<Worker> {
  const id = await db.tx(async (q) => {
    const [f] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [input.employerCode]);
    if (!f) throw badRequest('worker.invalid', { zh: '工作单位不存在', en: 'Unknown employer' }, [{ path: 'employerCode', problem: 'unknown facility / 未知机构' }]);
    // Only village doctors may lack a practising certificate; the others hold one by definition.
    const qualified = input.workerType === 'village_doctor' ? input.qualified ?? false : true;
    const [w] = await q.query<{ id: string }>(
      `INSERT INTO workers (name, sex, birth_date, worker_type, specialty, title, licence_no, qualified, employer_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
      [input.name, input.sex, input.birthDate ?? null, input.workerType, input.specialty ?? null, input.title ?? null, input.licenceNo ?? null, qualified, f.id],
    );
    await writeAudit(q, actor, { action: 'worker.create', outcome: 'ok', recordType: 'worker', recordId: w.id });
    return w.id;
  });
  return getWorker(db, id, null);
}

/** Adds a posting or practice site; audited. */
export async function addPosting(db: Db, actor: Actor, workerId: string, input: { facilityCode: string; kind: PostingKind; startOn: string; endOn?: string | null }, within: string | null): Promise<Worker> {
  await db.tx(async (q) => {
    const w = await getWorker(q, workerId, within);
    const [f] = await q.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [input.facilityCode]);
    const fields = [];
    if (!f) fields.push({ path: 'facilityCode', problem: 'unknown facility / 未知机构' });
    else if (input.facilityCode === w.employer.code) fields.push({ path: 'facilityCode', problem: 'is the employer itself / 与工作单位相同' });
    if (input.endOn && input.endOn < input.startOn) fields.push({ path: 'endOn', problem: 'before startOn / 早于开始日期' });
    if (fields.length) throw badRequest('worker.invalid_posting', { zh: '派驻信息有误', en: 'Invalid posting' }, fields);
    await q.query('INSERT INTO worker_postings (worker_id, facility_id, kind, start_on, end_on) VALUES ($1,$2,$3,$4,$5)', [workerId, f!.id, input.kind, input.startOn, input.endOn ?? null]);
    await writeAudit(q, actor, { action: 'worker.add_posting', outcome: 'ok', recordType: 'worker', recordId: workerId, details: { ...input } });
  });
  return getWorker(db, workerId, within);
}

/** The facilities a signed-in worker works at today: their user facility, their employer, and active postings. */
export async function principalFacilityIds(q: Queryable, p: Principal): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT f.id FROM facilities f WHERE f.code = $1
     UNION SELECT w.employer_id FROM users u JOIN workers w ON w.id = u.worker_id WHERE u.id = $2
     UNION SELECT wp.facility_id FROM users u JOIN worker_postings wp ON wp.worker_id = u.worker_id
            WHERE u.id = $2 AND wp.start_on <= current_date AND (wp.end_on IS NULL OR wp.end_on >= current_date)`,
    [p.facilityCode, p.userId],
  );
  return rows.map((r) => r.id);
}
