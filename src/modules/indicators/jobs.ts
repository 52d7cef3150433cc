// Long computations (on-demand compute, the nightly refresh) run as jobs: one at a time per database,
// with progress, off the request that started it. The engine cuts the work into short statements; the
// server's PGlite runs them in a worker thread of its own, so requests keep being answered while a job
// runs (ARCHITECTURE.md, "Indicator computations are jobs").
// The registry is in memory: a job belongs to the server process that runs it; one interrupted by a
// restart leaves its periods stale, and the next refresh recomputes them.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { Job } from './schema.ts';

export interface Progress { steps(n: number): void; step(): void }

interface Entry { job: Job; done: Promise<void> }

const registries = new WeakMap<Db, { running: Entry | null; jobs: Map<string, Entry> }>();
const KEEP = 50;

function registry(db: Db) {
  let r = registries.get(db);
  if (!r) registries.set(db, (r = { running: null, jobs: new Map() }));
  return r;
}

/** The job running on this database, if any. */
export function runningJob(db: Db): Job | null {
  return registry(db).running?.job ?? null;
}

/**
 * Starts `work` as a job and returns at once with the job (state `running`). While another job runs on
 * the same database the request is refused: 409 `indicator.job_running`, naming the running job, so a
 * repeated click starts nothing and the caller can follow the running one.
 */
export function startJob(db: Db, o: { kind: Job['kind']; county: string | null; requestedBy: string | null },
  work: (progress: Progress) => Promise<NonNullable<Job['result']>>): Job {
  const r = registry(db);
  if (r.running) {
    const j = r.running.job;
    throw conflict('indicator.job_running', { zh: `指标计算正在进行（任务 ${j.id}，已完成 ${j.done}/${j.steps} 步），请等待其完成`, en: `An indicator computation is running (job ${j.id}, ${j.done}/${j.steps} steps done); wait for it to finish` },
      [{ path: 'job', problem: `job ${j.id} is running / 任务 ${j.id} 正在运行` }]);
  }
  const job: Job = { id: randomUUID(), kind: o.kind, state: 'running', county: o.county, steps: 0, done: 0, startedAt: new Date().toISOString(), finishedAt: null, requestedBy: o.requestedBy, result: null, error: null };
  const progress: Progress = { steps: (n) => { job.steps = n; }, step: () => { job.done++; } };
  const entry: Entry = { job, done: Promise.resolve() };
  r.running = entry;
  r.jobs.set(job.id, entry);
  for (const id of [...r.jobs.keys()].slice(0, Math.max(0, r.jobs.size - KEEP))) r.jobs.delete(id);
  // The work starts on the next turn of the event loop: the request that started it is answered first.
  entry.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => work(progress)).then(
    (result) => { job.result = result; job.state = 'done'; },
    (e: unknown) => { job.error = e instanceof Error ? e.message : String(e); job.state = 'failed'; },
  ).finally(() => {
    job.finishedAt = new Date().toISOString();
    if (r.running === entry) r.running = null;
  });
  return job;
}

/** A job by id (404 when unknown, or finished long enough ago to be forgotten). */
export function jobById(db: Db, id: string): Job {
  const e = registry(db).jobs.get(id);
  if (!e) throw notFound({ zh: '计算任务', en: 'Job' });
  return e.job;
}

/** Resolves when the job has finished (tests, the command line, and the nightly refresh waiting its turn). */
export async function jobFinished(db: Db, id: string): Promise<Job> {
  const e = registry(db).jobs.get(id);
  if (!e) throw notFound({ zh: '计算任务', en: 'Job' });
  await e.done;
  return e.job;
}

/** Resolves when no job is running on the database. */
export async function idle(db: Db): Promise<void> {
  for (let e = registry(db).running; e; e = registry(db).running) await e.done;
}

/** Lets the event loop serve what is waiting (incoming requests, timers) before the next statement. */
export function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
