import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decrypt, deriveKeys, encrypt, lookupHash } from './crypto.ts';

const keys = deriveKeys('a-test-secret-of-sufficient-length-000');

test('encrypt/decrypt round trip, random IV, tamper detected', () => {
  const a = encrypt(keys, '37100319800101123X');
  const b = encrypt(keys, '37100319800101123X');
  assert.notEqual(a, b);
  assert.equal(decrypt(keys, a), '37100319800101123X');
  const buf = Buffer.from(a, 'base64');
  buf[buf.length - 1] ^= 1;
  assert.throws(() => decrypt(keys, buf.toString('base64')));
  assert.throws(() => decrypt(deriveKeys('another-secret-of-sufficient-length-1'), a));
});

test('lookup hash is stable per key and differs across keys', () => {
  assert.equal(lookupHash(keys, 'x'), lookupHash(keys, 'x'));
  assert.notEqual(lookupHash(keys, 'x'), lookupHash(deriveKeys('another-secret-of-sufficient-length-1'), 'x'));
});
