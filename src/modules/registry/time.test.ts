// Care events are recorded on the day users see (Asia/Shanghai), whatever the UTC date is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDayNow } from '../../shared/time.ts';

test('an event of a day is stamped that day at the Shanghai wall-clock time, on both sides of UTC midnight', () => {
  const shanghaiDay = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const cases: [string, string, string][] = [
    // 00:22 in Shanghai is still the previous day in UTC
    ['2026-11-15', '2026-11-24T16:22:05Z', '2026-11-15T00:22:05+08:00'],
    ['2026-11-15', '2026-11-24T15:59:59Z', '2026-11-15T23:59:59+08:00'],
    ['2026-03-01', '2026-11-24T02:00:00Z', '2026-03-01T10:00:00+08:00'],
  ];
  for (const [day, now, want] of cases) {
    const at = onDayNow(day, new Date(now));
    assert.equal(at, want);
    assert.equal(shanghaiDay(at), day);
  }
});
