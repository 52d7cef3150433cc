// The nightly computation: at 02:00 Asia/Shanghai the server recomputes what is stale (the current
// periods, periods a late record reaches, periods computed with an older definition).
import type { Db } from '../../platform/db.ts';
import { refresh } from './engine.ts';
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
      const done = await refresh(db, today());
      log.info({ done }, 'indicators: nightly refresh');
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
