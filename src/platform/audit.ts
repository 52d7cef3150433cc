// The audit trail: append-only, written inside the transaction of what it records, chained after
// commit by a sealer (ARCHITECTURE.md "Audit chain").
//
// Writers only INSERT their rows' content. The sealer (sealAudit) takes the committed rows not sealed
// yet, and gives each a gapless `seq`, the previous row's hash and its own chain hash: HMAC-SHA256, keyed with
// a key derived from MERIDIAN_SECRET_KEY that the database never holds, over the row as stored (read
// back from the database), so what is hashed is exactly what survives storage. A signed head (anchor:
// the last seq and its hash, Ed25519-signed) is kept in audit_anchors, in the data folder and the log,
// so that removing the tail is found too. verifyAudit reports every break, not only the first.
import { createHash, createHmac, createPrivateKey, createPublicKey, sign as edSign, timingSafeEqual, verify as edVerify, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Queryable } from './db.ts';
import type { Keys } from './crypto.ts';

export interface Actor {
  userId: string | null;
  username: string | null;
  role: string | null;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  outcome: 'ok' | 'denied' | 'failed';
  residentId?: string | null;
  recordType?: string | null;
  recordId?: string | null;
  /** The legal basis for a read of personal data (contract, referral, encounter, consent, …). */
  basis?: string | null;
  details?: Record<string, unknown> | null;
}

export const GENESIS = '0'.repeat(64);

/** The anchors' file in the data folder (one JSON anchor a line). */
export const ANCHOR_FILE = 'audit-anchors.jsonl';

// ---------------------------------------------------------------------------------------------
// Writing: content only, no lock, no read of the chain.

/** Text as PostgreSQL can store it: no NUL (refused by text and jsonb), no lone surrogate. */
function storableText(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\0/g, '\uFFFD');
}

/**
 * The JSON value that is stored for a details value: what JSON.stringify keeps (undefined keys and
 * functions dropped, undefined in arrays as null, Dates as ISO strings, non-finite numbers as null),
 * bigints as strings, text made storable. Storing this and hashing only what is read back means the
 * stored and the hashed form can never differ.
 */
export function storable(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return storableText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function' || typeof v === 'symbol') return null;
  if (Array.isArray(v)) return v.map((x) => storable(x));
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return storable(withJson.toJSON());
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[storableText(k)] = storable(x);
  }
  return out;
}

const text = (s: string | null | undefined) => (s === null || s === undefined ? null : storableText(s));

/** Appends one audit row inside the caller's transaction (sealed into the chain after commit). */
export async function writeAudit(q: Queryable, actor: Actor, e: AuditEntry): Promise<void> {
  await writeAuditMany(q, [{ actor, entry: e }]);
}

/** Appends audit rows in order inside the caller's transaction; the sealer chains them after commit. */
export async function writeAuditMany(q: Queryable, items: { actor: Actor; entry: AuditEntry }[]): Promise<void> {
  if (!items.length) return;
  const cols: unknown[][] = Array.from({ length: 12 }, () => []);
  const at = new Date();
  for (const { actor, entry: e } of items) {
    [at, actor.userId, text(actor.username), text(actor.role), text(actor.ip), text(e.action), e.residentId ?? null, text(e.recordType), text(e.recordId), text(e.basis), e.outcome,
      e.details === null || e.details === undefined ? null : JSON.stringify(storable(e.details))].forEach((v, i) => cols[i].push(v));
  }
  // WITH ORDINALITY keeps the rows in the caller's order, so ids ascend as they were given.
  await q.query(
    `INSERT INTO audit_log (at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details)
     SELECT at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details
       FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[])
            WITH ORDINALITY AS t(at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details, n)
      ORDER BY n`,
    cols,
  );
}

/**
 * Group commit for audit rows of reads: rows that arrive while a write is in flight go together in
 * the next transaction, so that one commit (one disk flush) serves many readers. Each caller's
 * promise resolves only once its row is committed, so no read answers before its audit row is durable.
 */
export class AuditBatcher {
  private queue: { actor: Actor; entry: AuditEntry; done: (e?: unknown) => void }[] = [];
  private running = false;
  constructor(private readonly db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> }, private readonly max = 500) {}

  /** Queues a row; resolves when it is committed. */
  write(actor: Actor, entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ actor, entry, done: (e) => (e ? reject(e) : resolve()) });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.max);
      try {
        await this.db.tx((q) => writeAuditMany(q, batch));
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.done(e);
      }
    }
    this.running = false;
  }
}

const batchers = new WeakMap<object, AuditBatcher>();

/** The audit batcher of a database (one per open database). */
export function auditBatcher(db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> }): AuditBatcher {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new AuditBatcher(db)));
  return b;
}

// ---------------------------------------------------------------------------------------------
// The chain hash: over the row as the database renders it (timestamps to the microsecond in UTC,
// uuids as text, details as jsonb's own normalised text), in a fixed field order.

interface ContentRow {
  id: number;
  at: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  resident_id: string | null;
  record_type: string | null;
  record_id: string | null;
  basis: string | null;
  outcome: string;
  details: string | null;
}

interface ChainRow extends ContentRow {
  seq: number;
  prev_hash: string;
  chain_hash: string;
}

/** The canonical text of one sealed row: a JSON array of its fields in a fixed order. */
export function canonicalRow(seq: number, r: ContentRow): string {
  return JSON.stringify(['meridian-audit-v1', seq, r.id, r.at, r.user_id, r.username, r.role, r.ip, r.action, r.resident_id, r.record_type, r.record_id, r.basis, r.outcome, r.details]);
}

/** The chain hash of a row: HMAC-SHA256 under the audit key of the previous hash and the row. */
export function chainHash(key: Buffer, prev: string, seq: number, r: ContentRow): string {
  return createHmac('sha256', key).update(prev).update('\n').update(canonicalRow(seq, r)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The sealer.

export interface SealResult {
  /** Rows sealed by this call. */
  sealed: number;
  /** The chain's head after the call (seq 0 and GENESIS when nothing is sealed yet). */
  head: { seq: number; hash: string };
}

/**
 * Chains every committed row not sealed yet, in id order, after the current head. Rows are chosen by
 * "not sealed" and never by an id watermark: ids are taken before commit, so a row with a lower id
 * can commit after a higher one has been sealed; it is then sealed by the next run, after the head,
 * and never passed over. Every row a run seals committed before that run's snapshot, so the chain's
 * order follows commit order from one run to the next. One sealer at a time per schema (an advisory
 * lock held to the end of the run's transaction); any number of processes may call it.
 */
export async function sealAudit(db: Pick<Db, 'tx'>, keys: Pick<Keys, 'audit'>, batch = 2000): Promise<SealResult> {
  let sealed = 0;
  for (;;) {
    const r = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(7262003, hashtext(current_schema()))');
      const [last] = await q.query<{ seq: number; chain_hash: string }>('SELECT seq, chain_hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1');
      let seq = last?.seq ?? 0;
      let prev = last?.chain_hash ?? GENESIS;
      const rows = await q.query<ContentRow>(
        `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, user_id::text AS user_id, username, role, ip, action,
                resident_id::text AS resident_id, record_type, record_id, basis, outcome, details::text AS details
           FROM audit_log
          WHERE seq IS NULL
          ORDER BY id
          LIMIT $1`,
        [batch],
      );
      if (!rows.length) return { n: 0, seq, prev };
      const ids: number[] = [], seqs: number[] = [], prevs: string[] = [], hashes: string[] = [];
      for (const row of rows) {
        seq++;
        const h = chainHash(keys.audit, prev, seq, row);
        ids.push(row.id); seqs.push(seq); prevs.push(prev); hashes.push(h);
        prev = h;
      }
      await q.query(
        `UPDATE audit_log a SET seq = u.seq, prev_hash = u.prev_hash, chain_hash = u.chain_hash, sealed_at = clock_timestamp()
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev_hash, chain_hash)
          WHERE a.id = u.id AND a.seq IS NULL`,
        [ids, seqs, prevs, hashes],
      );
      return { n: rows.length, seq, prev };
    });
    sealed += r.n;
    if (r.n < batch) return { sealed, head: { seq: r.seq, hash: r.prev } };
  }
}

// ---------------------------------------------------------------------------------------------
// Anchors: signed heads.

export interface Anchor {
  v: 1;
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  sig: string;
}

// PKCS#8 DER prefix of a raw 32-byte Ed25519 private key (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function anchorKeys(keys: Pick<Keys, 'auditAnchor'>): { priv: KeyObject; pub: KeyObject; keyId: string } {
  const priv = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, keys.auditAnchor]), format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(priv);
  const raw = pub.export({ format: 'der', type: 'spki' });
  return { priv, pub, keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16) };
}

/** The anchors' public key (PEM), for whoever keeps anchors outside to check them without the secret. */
export function anchorPublicKey(keys: Pick<Keys, 'auditAnchor'>): string {
  return anchorKeys(keys).pub.export({ format: 'pem', type: 'spki' }).toString();
}

const anchorMessage = (a: Pick<Anchor, 'seq' | 'hash' | 'at' | 'keyId'>) => Buffer.from(`meridian-audit-anchor-v1\n${a.seq}\n${a.hash}\n${a.at}\n${a.keyId}`);

/** Signs a head. */
export function signAnchor(keys: Pick<Keys, 'auditAnchor'>, head: { seq: number; hash: string }, at = new Date()): Anchor {
  const k = anchorKeys(keys);
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString(), keyId: k.keyId };
  return { v: 1, ...body, sig: edSign(null, anchorMessage(body), k.priv).toString('base64') };
}

/** Whether an anchor's signature is valid under the keys. */
export function anchorSignatureValid(keys: Pick<Keys, 'auditAnchor'>, a: Anchor): boolean {
  try {
    const k = anchorKeys(keys);
    if (a.keyId !== k.keyId || !Number.isSafeInteger(a.seq) || typeof a.hash !== 'string' || typeof a.at !== 'string') return false;
    return edVerify(null, anchorMessage(a), k.pub, Buffer.from(a.sig, 'base64'));
  } catch {
    return false;
  }
}

/** Seals what can be sealed, signs the head, stores it in audit_anchors (and the file, when given). */
export async function anchorAudit(db: Db, keys: Pick<Keys, 'audit' | 'auditAnchor'>, o: { file?: string | null } = {}): Promise<Anchor> {
  const { head } = await sealAudit(db, keys);
  const a = signAnchor(keys, head);
  await db.query('INSERT INTO audit_anchors (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)', [a.seq, a.hash, a.at, a.keyId, a.sig]);
  if (o.file) {
    mkdirSync(dirname(o.file), { recursive: true });
    appendFileSync(o.file, JSON.stringify(a) + '\n', { mode: 0o600 });
  }
  return a;
}

/** The anchors of a JSON-lines file (one anchor a line); lines that are not anchors are skipped. */
export function readAnchorFile(file: string): Anchor[] {
  if (!existsSync(file)) return [];
  const out: Anchor[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const a = JSON.parse(line) as Anchor;
      if (a && typeof a === 'object' && 'seq' in a && 'sig' in a) out.push(a);
    } catch {
      // a torn last line (a crash mid-write) is not an anchor
    }
  }
  return out;
}

/** Parses one anchor given by hand (`audit verify --anchor '{…}'`); null when it is not one. */
export function parseAnchor(s: string): Anchor | null {
  try {
    const a = JSON.parse(s) as Anchor;
    return a && typeof a === 'object' && typeof a.seq === 'number' && typeof a.hash === 'string' && typeof a.at === 'string' && typeof a.keyId === 'string' && typeof a.sig === 'string' ? { ...a, v: 1 } : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Verification.

export type BreakKind = 'altered' | 'missing' | 'link' | 'truncated' | 'anchor_mismatch' | 'anchor_forged';

export interface AuditBreak {
  /** The seq where the break is seen (for `missing`, the first missing seq). */
  seq: number;
  /** The row's id, where a row is there to name. */
  id: number | null;
  kind: BreakKind;
  /** One line, Chinese and English. */
  message: string;
}

export interface VerifyResult {
  intact: boolean;
  /** Sealed rows walked. */
  rows: number;
  /** Rows written but not sealed yet (the sealer chains them within seconds). */
  unsealed: number;
  head: { seq: number; hash: string };
  /** Anchors checked (valid signature, matching the chain) and the latest of them. */
  anchorsChecked: number;
  latestAnchor: Anchor | null;
  breaks: AuditBreak[];
}

function brk(kind: BreakKind, seq: number, id: number | null, detail = ''): AuditBreak {
  const m: Record<BreakKind, [string, string]> = {
    altered: ['内容与其哈希不符（该行被修改，或链被无密钥重算）', 'content does not match its keyed hash (the row was altered, or the chain recomputed without the key)'],
    missing: ['序号缺失（行被删除）', 'sequence numbers missing (rows were deleted)'],
    link: ['与前一行的链接不符（行被重排或插入）', 'link to the previous row does not match (rows reordered or inserted)'],
    truncated: ['链比签名锚点短（尾部被截断）', 'the chain ends before a signed anchor (the tail was truncated)'],
    anchor_mismatch: ['锚点记录的哈希与链不符（锚点之前的行被改写）', "the anchor's hash does not match the chain (rows up to it were rewritten)"],
    anchor_forged: ['锚点签名无效（伪造或被改动的锚点）', "the anchor's signature is not valid (a forged or altered anchor)"],
  };
  const [zh, en] = m[kind];
  return { seq, id, kind, message: `seq ${seq}${id !== null ? ` (id ${id})` : ''}: ${zh} / ${en}${detail ? ` — ${detail}` : ''}` };
}

const sameHex = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Walks the sealed chain in seq order and reports every break: a row whose keyed hash does not match
 * its content (altered, or re-chained without the key), seqs missing (deleted rows), a link that does
 * not match (reordered), and against every anchor (the table's, and those given: the data folder's,
 * one kept elsewhere) a chain that ends before it (truncated) or differs at its seq (rewritten).
 */
export async function verifyAudit(q: Queryable, keys: Pick<Keys, 'audit' | 'auditAnchor'>, o: { anchors?: Anchor[]; batch?: number } = {}): Promise<VerifyResult> {
  const batch = o.batch ?? 5000;
  const stored = await q.query<{ seq: number; hash: string; at: Date; key_id: string; signature: string }>('SELECT seq, hash, at, key_id, signature FROM audit_anchors ORDER BY id');
  const all: Anchor[] = [...stored.map((a) => ({ v: 1 as const, seq: a.seq, hash: a.hash, at: a.at.toISOString(), keyId: a.key_id, sig: a.signature })), ...(o.anchors ?? [])];
  const seen = new Set<string>();
  const breaks: AuditBreak[] = [];
  const bySeq = new Map<number, Anchor[]>();
  for (const a of all) {
    const k = `${a.seq}|${a.hash}|${a.sig}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (!anchorSignatureValid(keys, a)) {
      breaks.push(brk('anchor_forged', Number(a.seq) || 0, null, `anchor at ${String(a.at)}`));
      continue;
    }
    bySeq.set(a.seq, [...(bySeq.get(a.seq) ?? []), a]);
  }
  let checked = 0;
  let latest: Anchor | null = null;
  const checkAnchor = (seq: number, hash: string) => {
    for (const a of bySeq.get(seq) ?? []) {
      if (sameHex(a.hash, hash)) {
        checked++;
        if (!latest || a.seq > latest.seq || (a.seq === latest.seq && a.at > latest.at)) latest = a;
      } else breaks.push(brk('anchor_mismatch', seq, null, `anchor at ${a.at}`));
    }
    bySeq.delete(seq);
  };
  checkAnchor(0, GENESIS);

  let prevSeq = 0;
  let prevHash = GENESIS;
  let rows = 0;
  for (;;) {
    const page = await q.query<ChainRow>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, user_id::text AS user_id, username, role, ip, action,
              resident_id::text AS resident_id, record_type, record_id, basis, outcome, details::text AS details, seq, prev_hash, chain_hash
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [prevSeq, batch],
    );
    for (const r of page) {
      rows++;
      if (r.seq !== prevSeq + 1) {
        breaks.push(brk('missing', prevSeq + 1, null, r.seq - 1 === prevSeq + 1 ? `seq ${prevSeq + 1}` : `seq ${prevSeq + 1}–${r.seq - 1}`));
      } else if (!sameHex(r.prev_hash, prevHash)) {
        breaks.push(brk('link', r.seq, r.id));
      }
      if (!sameHex(chainHash(keys.audit, String(r.prev_hash), r.seq, r), r.chain_hash)) breaks.push(brk('altered', r.seq, r.id));
      checkAnchor(r.seq, r.chain_hash);
      prevSeq = r.seq;
      prevHash = r.chain_hash;
    }
    if (page.length < batch) break;
  }
  for (const [seq, as] of bySeq) for (const a of as) breaks.push(brk('truncated', seq, null, `anchor at ${a.at} names seq ${seq}, the chain ends at seq ${prevSeq}`));
  breaks.sort((a, b) => a.seq - b.seq);
  const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL');
  return { intact: breaks.length === 0, rows, unsealed: n, head: { seq: prevSeq, hash: prevHash }, anchorsChecked: checked, latestAnchor: latest, breaks };
}

// ---------------------------------------------------------------------------------------------
// The server's sealer: every ~500 ms and on demand; an anchor every N minutes.

export interface Sealer {
  /** Seals now (waits for a run in progress first); resolves with the result. */
  sealNow(): Promise<SealResult>;
  stop(): Promise<void>;
}

/** Starts sealing in the background; an anchor every `anchorMinutes` (0: none), stored and logged. */
export function startSealer(db: Db, keys: Pick<Keys, 'audit' | 'auditAnchor'>, o: { intervalMs?: number; anchorMinutes?: number; anchorFile?: string | null; log?: { info(o: object, m: string): void; error(o: object, m: string): void } } = {}): Sealer {
  const interval = o.intervalMs ?? 500;
  const anchorMs = (o.anchorMinutes ?? 0) * 60_000;
  let lastAnchor = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<SealResult> | null = null;
  const run = async (): Promise<SealResult> => {
    const r = await sealAudit(db, keys);
    if (anchorMs && Date.now() - lastAnchor >= anchorMs) {
      lastAnchor = Date.now();
      const a = await anchorAudit(db, keys, { file: o.anchorFile });
      o.log?.info({ auditAnchor: a }, 'audit anchor');
    }
    return r;
  };
  const once = (): Promise<SealResult> => {
    const prev = running ?? Promise.resolve(null);
    const next = prev.catch(() => null).then(run);
    running = next;
    void next.finally(() => { if (running === next) running = null; }).catch(() => {});
    return next;
  };
  const tick = () => {
    timer = null;
    if (stopped) return;
    once()
      .catch((e: unknown) => o.log?.error({ err: e }, 'audit sealer failed; retrying'))
      .finally(() => { if (!stopped) timer = setTimeout(tick, interval); });
  };
  timer = setTimeout(tick, interval);
  return {
    sealNow: once,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
