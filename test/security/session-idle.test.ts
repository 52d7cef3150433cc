// Sessions end when idle (MERIDIAN_SESSION_IDLE_MINUTES, default 30), besides their absolute expiry.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { loadConfig } from '../../src/platform/config.ts';

for (const engine of ENGINES) {
  describe(`idle sessions end [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());

    test('a session unused for more than 30 minutes answers 401 and is gone; one used 29 minutes ago goes on', async () => {
      assert.equal(loadConfig({}).sessionIdleMinutes, 30);
      assert.equal(loadConfig({ MERIDIAN_SESSION_IDLE_MINUTES: '10' }).sessionIdleMinutes, 10);
      const a = await t.signIn('idle', 'sysadmin');
      const b = await t.signIn('busy', 'sysadmin');
      await t.db.query("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = (SELECT id FROM users WHERE username = 'idle')");
      await t.db.query("UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE user_id = (SELECT id FROM users WHERE username = 'busy')");
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: a } })).statusCode, 401);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: b } })).statusCode, 200);
      const left = await t.db.query("SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'idle'");
      assert.equal(left.length, 0);
      const [seen] = await t.db.query<{ fresh: boolean }>("SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'busy'");
      assert.equal(seen.fresh, true, 'use moves the idle clock');
    });
  });
}
