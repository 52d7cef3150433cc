// The audit trail: append-only, hash-chained, written inside the transaction of what it records.
import { createHash } from 'node:crypto';
import type { Queryable } from './db.ts';

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

const GENESIS = '0'.repeat(64);

interface StoredRow {
  id: number;
  at: Date | string;
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
  details: unknown;
  prev_hash: string;
  hash: string;
}

// Canonical JSON: keys sorted at every level, so the hash does not depend on jsonb's key order.
function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function rowHash(prev: string, r: Omit<StoredRow, 'id' | 'hash' | 'prev_hash'>): string {
  const at = r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString();
  const body = canonical({ ...r, at });
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/** Appends one audit row (inside the caller's transaction), chained to the previous row. */
export async function writeAudit(q: Queryable, actor: Actor, e: AuditEntry): Promise<void> {
  await writeAuditMany(q, [{ actor, entry: e }]);
}

/** Appends audit rows in order (inside the caller's transaction), each chained to the one before. */
export async function writeAuditMany(q: Queryable, items: { actor: Actor; entry: AuditEntry }[]): Promise<void> {
  if (!items.length) return;
  // One writer at a time extends the chain; the lock is held only until this transaction ends,
  // and callers write their audit row last so that the wait stays short.
  await q.query('SELECT pg_advisory_xact_lock(7262002)');
  const last = await q.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
  let prev = last[0]?.hash ?? GENESIS;
  const cols: unknown[][] = Array.from({ length: 14 }, () => []);
  for (const { actor, entry: e } of items) {
    const row = {
      at: new Date(), user_id: actor.userId, username: actor.username, role: actor.role, ip: actor.ip, action: e.action,
      resident_id: e.residentId ?? null, record_type: e.recordType ?? null, record_id: e.recordId ?? null, basis: e.basis ?? null, outcome: e.outcome, details: e.details ?? null,
    };
    const hash = rowHash(prev, row);
    [row.at, row.user_id, row.username, row.role, row.ip, row.action, row.resident_id, row.record_type, row.record_id, row.basis, row.outcome,
      row.details === null ? null : JSON.stringify(row.details), prev, hash].forEach((v, i) => cols[i].push(v));
    prev = hash;
  }
  // WITH ORDINALITY keeps the rows in chain order, so ids ascend along the chain.
  await q.query(
    `INSERT INTO audit_log (at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details, prev_hash, hash)
     SELECT at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details, prev_hash, hash
       FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::text[], $14::text[])
            WITH ORDINALITY AS t(at, user_id, username, role, ip, action, resident_id, record_type, record_id, basis, outcome, details, prev_hash, hash, n)
      ORDER BY n`,
    cols,
  );
}

/**
 * Group commit for audit rows of reads: rows that arrive while a write is in flight go together in
 * the next transaction, so that one commit (one disk flush, one turn of the chain lock) serves many
 * readers. Each caller's promise resolves only once its row is committed, so no read answers before
 * its audit row is durable.
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

export type VerifyResult = { intact: true; rows: number } | { intact: false; rows: number; brokenAt: number; reason: string };

/** Walks the chain in order and reports the first row whose content or link does not match. */
export async function verifyAudit(q: Queryable, batch = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let lastId = 0;
  let count = 0;
  for (;;) {
    const rows = await q.query<StoredRow>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [lastId, batch]);
    if (!rows.length) return { intact: true, rows: count };
    for (const r of rows) {
      count++;
      if (r.prev_hash !== prev) return { intact: false, rows: count, brokenAt: r.id, reason: 'link to the previous row does not match (a row was removed or inserted)' };
      const { id: _id, hash, prev_hash: _p, ...content } = r;
      if (rowHash(prev, content) !== hash) return { intact: false, rows: count, brokenAt: r.id, reason: 'content does not match its hash (the row was altered)' };
      prev = hash;
      lastId = r.id;
    }
  }
}
