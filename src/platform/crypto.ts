// Personal identifiers (ID numbers, phones) are stored encrypted with AES-256-GCM, with a keyed
// hash (HMAC-SHA256) beside them for exact lookup. Both keys derive from the one configured secret.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

export interface Keys {
  encryption: Buffer;
  lookup: Buffer;
  /** HMAC key of the audit chain: it never reaches the database, so the database cannot recompute the chain. */
  audit: Buffer;
  /** Ed25519 seed of the audit anchors' signing key (its public key can be handed out to check anchors). */
  auditAnchor: Buffer;
}

/** Derives the encryption, lookup and audit keys from the secret. */
export function deriveKeys(secret: string): Keys {
  const ikm = Buffer.from(secret, 'utf8');
  const k = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'meridian', info, 32));
  return { encryption: k('pii-encryption-v1'), lookup: k('pii-lookup-v1'), audit: k('audit-chain-v1'), auditAnchor: k('audit-anchor-ed25519-v1') };
}

/** The configured secret, or (embedded mode) the one stored in the data folder, created on first use. */
export function loadSecret(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Encrypts a short string: base64 of iv(12) | tag(16) | ciphertext. */
export function encrypt(keys: Keys, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keys.encryption, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

/** Decrypts what encrypt() produced; throws if it was tampered with. */
export function decrypt(keys: Keys, sealed: string): string {
  const buf = Buffer.from(sealed, 'base64');
  const d = createDecipheriv('aes-256-gcm', keys.encryption, buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
}

/** Keyed hash for exact lookup of an identifier without storing it in the clear. */
export function lookupHash(keys: Keys, value: string): string {
  return createHmac('sha256', keys.lookup).update(value).digest('hex');
}
