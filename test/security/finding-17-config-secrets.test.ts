// Finding 17: a bad configuration printed the secret it rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';

test('finding 17: a rejected MERIDIAN_SECRET_KEY or DATABASE_URL is named, never printed', () => {
  const secret = 'sh0rt-s3cret';
  const password = 'hunter2-pw';
  for (const env of [
    { MERIDIAN_SECRET_KEY: secret },
    { DATABASE_URL: `mysql://meridian:${password}@db.example/meridian`, MERIDIAN_SECRET_KEY: 'k'.repeat(40) },
    { DATABASE_URL: `postgres://meridian:${password}@db.example/meridian`, MERIDIAN_SECRET_KEY: secret },
  ]) {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError, 'refused');
    const text = `${err.message}\n${err.problems.join('\n')}`;
    assert.ok(!text.includes(secret), text);
    assert.ok(!text.includes(password), text);
    assert.match(text, /MERIDIAN_SECRET_KEY|DATABASE_URL/);
  }
  // the other settings still show what was given, to help fix them
  assert.throws(() => loadConfig({ PORT: 'abc' }), (e: ConfigError) => e.problems[0].includes('"abc"'));
});
