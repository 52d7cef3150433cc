// The nightly job runs at 02:00 in Shanghai (18:00 UTC), the next one after now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { msUntilNight } from './nightly.ts';

test('the next 02:00 Asia/Shanghai, on either side of it', () => {
  assert.equal(msUntilNight(new Date('2026-03-01T17:59:00Z')), 60_000);
  assert.equal(msUntilNight(new Date('2026-03-01T18:00:00Z')), 24 * 3600_000);
  assert.equal(msUntilNight(new Date('2026-03-01T18:01:00Z')), 24 * 3600_000 - 60_000);
});
