// The nightly computation: at 02:00 Asia/Shanghai the server recomputes what is stale (the current
// periods, periods a late record reaches, periods computed with an older definition).
import type { Db } from '../../platform/db.ts';
import { refresh } from './engine.ts';
import { idle, jobFinished, startJob } from './jobs.ts';
import { today } from '../../shared/time.ts';

interface Log { info(o: object | string, m?: string): void; error(o: object, m?: string): void }

/** Milliseconds until the next 02:00 in Asia/Shanghai (UTC+8, no daylight saving). */
export function msUntilNight(now = new Date()): number {
  const next = new Date(now);
  next.setUTCHours(18, 0, 0, 0); // 02:00 in Shanghai
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/** Schedules the nightly refresh; returns a handle to stop it. */
export function startNightly(db: Db, log: Log): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    try {
      // The same job runner as on-demand computations: it waits for one running, then takes its turn.
      await idle(db);
      const day = today();
      let summary: Awaited<ReturnType<typeof refresh>> = [];
      const job = startJob(db, { kind: 'refresh', county: null, requestedBy: null }, async (progress) => {
        const t0 = performance.now();
        summary = await refresh(db, day, undefined, progress);
        return { indicators: summary.reduce((n, c) => n + c.indicators, 0), periods: summary.reduce((n, c) => n + c.periods, 0), values: summary.reduce((n, c) => n + c.values, 0), ms: Math.round(performance.now() - t0) };
      });
      const end = await jobFinished(db, job.id);
      if (end.state === 'failed') throw new Error(end.error ?? 'refresh failed');
      log.info({ done: summary, job: job.id }, 'indicators: nightly refresh');
    } catch (e) {
      log.error({ err: e }, 'indicators: nightly refresh failed');
    }
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void run(), msUntilNight());
    timer.unref();
  };
  schedule();
  return { stop: () => { if (timer) clearTimeout(timer); } };
}
