// An app on a test database, with helpers to create users and sign in through the real API.
import type { App } from '../../src/platform/http.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openTestDb, type Engine, type TestDb } from './db.ts';
import { createUser } from '../../src/modules/users/service.ts';
import type { Role } from '../../src/shared/roles.ts';

export const TEST_PASSWORD = 'Test-password-1';

export interface TestApp extends TestDb {
  app: App;
  /** Creates a user directly and returns the session cookie of a real sign-in. */
  signIn(username: string, role: Role, scope?: { regionCode?: string; facilityCode?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Builds the whole app on a fresh database of the engine. */
export async function openTestApp(engine: Engine): Promise<TestApp> {
  const t = await openTestDb(engine);
  const config = loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) });
  const app = await buildApp({ config, db: t.db, keys: t.keys }, { loginRateLimit: 1000, tokenRateLimit: 1000 });
  await app.ready();
  return {
    ...t,
    app,
    async signIn(username, role, scope = {}) {
      const exists = await t.db.query('SELECT 1 FROM users WHERE username = $1', [username]);
      if (!exists.length) {
        await createUser(t.db, null, { username, role, regionCode: scope.regionCode ?? null, facilityCode: scope.facilityCode ?? null, password: TEST_PASSWORD });
      }
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      if (r.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${r.statusCode} ${r.body}`);
      const c = r.cookies.find((x) => x.name === 'meridian_session');
      if (!c) throw new Error('no session cookie');
      return `meridian_session=${c.value}`;
    },
    async close() {
      await app.close();
      await t.close();
    },
  };
}
