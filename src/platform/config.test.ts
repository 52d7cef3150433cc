import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from './config.ts';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, null);
  assert.match(c.dataDir, /\/data$/);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.encounterAccessDays, 90);
});

test('every bad setting is listed at once', () => {
  try {
    loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', MERIDIAN_SECRET_KEY: 'short' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const joined = e.problems.join('\n');
    for (const k of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'MERIDIAN_SECRET_KEY']) assert.match(joined, new RegExp(k));
    assert.equal(e.problems.length, 4);
  }
});

test('a server database needs a configured secret key', () => {
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://localhost/x' }), (e: ConfigError) => /MERIDIAN_SECRET_KEY/.test(e.problems[0]));
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://localhost/x', MERIDIAN_SECRET_KEY: 'k'.repeat(32) }).databaseUrl, 'postgres://localhost/x');
});

test('the MLLP listener is off unless MERIDIAN_MLLP_PORT is set, and the port is checked', () => {
  assert.equal(loadConfig({}).mllpPort, null);
  assert.equal(loadConfig({ MERIDIAN_MLLP_PORT: '4610' }).mllpPort, 4610);
  assert.throws(() => loadConfig({ MERIDIAN_MLLP_PORT: '70000' }), (e: ConfigError) => /MERIDIAN_MLLP_PORT/.test(e.problems.join('\n')));
  assert.throws(() => loadConfig({ MERIDIAN_MLLP_PORT: 'mllp' }), (e: ConfigError) => /MERIDIAN_MLLP_PORT/.test(e.problems.join('\n')));
});
