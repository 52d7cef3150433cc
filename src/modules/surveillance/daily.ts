// The daily detection: every morning at 01:00 Asia/Shanghai the server recounts the last week and runs
// the detection for each county on the day just ended (CIDARS runs daily on the previous day's reports).
import type { Db } from '../../platform/db.ts';
import { countyCodes } from '../registry/regions.ts';
import { addDays, today } from '../../shared/time.ts';
import { runDetection } from './signals.ts';

interface Log { info(o: object | string, m?: string): void; error(o: object, m?: string): void }

/** Milliseconds until the next 01:00 in Asia/Shanghai (UTC+8). */
export function msUntilOne(now = new Date()): number {
  const next = new Date(now);
  next.setUTCHours(17, 0, 0, 0);
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/** Schedules the daily detection; returns a handle to stop it. */
export function startDailyDetection(db: Db, log: Log): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    const day = addDays(today(), -1);
    for (const county of await countyCodes(db).catch(() => [] as string[])) {
      try {
        log.info({ run: await runDetection(db, county, day) }, 'surveillance: daily detection');
      } catch (e) {
        log.error({ err: e, county }, 'surveillance: daily detection failed');
      }
    }
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void run(), msUntilOne());
    timer.unref();
  };
  schedule();
  return { stop: () => { if (timer) clearTimeout(timer); } };
}
