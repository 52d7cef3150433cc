// One small interface over the two PostgreSQL engines Meridian runs on: PGlite in-process
// (the default: nothing to install) and a PostgreSQL server through `pg` (when DATABASE_URL is set).
// The same SQL runs on both. Values come back the same way from both: int8 and numeric as JS
// numbers (our counts and amounts stay far below 2^53), `date` as 'YYYY-MM-DD' strings (never a
// Date shifted by the server's time zone), timestamptz as Date. Sessions run in Asia/Shanghai, so
// that current_date in SQL is the same day as the day of care shown to users.
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one or more statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}

export interface TxOptions {
  /** SERIALIZABLE isolation, retried on serialization failure (PGlite is serial by nature). */
  serializable?: boolean;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Bulk-loads COPY text format (tab-separated, \N for null) into the columns, in one statement. */
  copyIn(table: string, columns: string[], text: string): Promise<void>;
  /** Runs fn inside one transaction: committed when fn resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  close(): Promise<void>;
  /**
   * What the database is doing (the worker-thread PGlite only): operations waiting or running, and
   * when the last one finished. /healthz reads it to answer at once while a long statement runs.
   */
  activity?(): { pending: number; lastDoneAt: number };
}

export const TIME_ZONE = 'Asia/Shanghai';

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;
const toNumber = (v: string) => (v === null ? v : Number(v));
const asIs = (v: string) => v;

/** Opens PGlite in a data folder (or in memory when dataDir is null), optionally from a dump. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Db & { raw: PGlite }> {
  const raw = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: { [pgliteTypes.INT8]: toNumber, [OID.numeric]: toNumber, [pgliteTypes.DATE]: asIs },
  });
  await raw.exec(`SET TIME ZONE '${TIME_ZONE}'`);
  let closed = false;
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(raw);
  return {
    engine: 'pglite',
    raw,
    ...base,
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      return raw.transaction(async (t) => fn(wrap(t)));
    },
    async copyIn(table: string, columns: string[], text: string) {
      await raw.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
    async close() {
      if (closed) return;
      closed = true;
      await raw.close();
    },
  };
}

type WorkerOp = { op: 'query'; sql: string; params: unknown[] } | { op: 'exec' | 'copy'; sql: string; text?: string } | { op: 'dump' | 'close' };

/**
 * Opens PGlite in a worker thread (src/platform/pglite-worker.mjs): the same database as openPglite,
 * but its statements execute off the server's thread, so a long one never stops other requests being
 * answered. The server and the CLI use this; tests use openPglite (in-process) unless they test this.
 * Operations run one at a time in the order asked; a transaction holds the turn from BEGIN to its end.
 */
export async function openPgliteWorker(dataDir: string | null, loadDataDir?: Uint8Array): Promise<Db & { dump(): Promise<Uint8Array> }> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir, load: loadDataDir ?? null, timeZone: TIME_ZONE } });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let pending = 0;
  let lastDoneAt = Date.now();
  let dead: Error | null = null;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    worker.once('error', onError);
    worker.once('message', (m: { ready?: boolean }) => {
      worker.off('error', onError);
      if (m.ready) resolve();
      else reject(new Error('the database worker did not start'));
    });
  });
  worker.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: Record<string, unknown> }) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    lastDoneAt = Date.now();
    if (m.ok) w.resolve(m.result);
    else w.reject(Object.assign(new Error(String(m.error?.message)), m.error));
  });
  const fail = (e: Error) => {
    dead = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the database worker stopped (exit ${code})`)));
  const send = <T>(m: WorkerOp): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, ...m });
    });
  };
  // One turn at a time: a transaction's statements must not interleave with anyone else's.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    pending++;
    const run = turn.then(fn, fn);
    turn = run.catch(() => {});
    return run.finally(() => { pending--; });
  };
  const direct: Queryable = {
    query: <T>(sql: string, params: unknown[] = []) => send<T[]>({ op: 'query', sql, params }),
    exec: async (sql: string) => { await send({ op: 'exec', sql }); },
  };
  let closed = false;
  return {
    engine: 'pglite',
    query: <T>(sql: string, params: unknown[] = []) => inTurn(() => direct.query<T>(sql, params)),
    exec: (sql: string) => inTurn(() => direct.exec(sql)),
    tx: <T>(fn: (q: Queryable) => Promise<T>) => inTurn(async () => {
      await direct.exec('BEGIN');
      try {
        const out = await fn(direct);
        await direct.exec('COMMIT');
        return out;
      } catch (e) {
        await direct.exec('ROLLBACK').catch(() => {});
        throw e;
      }
    }),
    copyIn: (table: string, columns: string[], text: string) => inTurn(async () => { await send({ op: 'copy', sql: `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, text }); }),
    dump: () => inTurn(() => send<Uint8Array>({ op: 'dump' })),
    activity: () => ({ pending, lastDoneAt }),
    async close() {
      if (closed) return;
      closed = true;
      await inTurn(() => send({ op: 'close' })).catch(() => {});
      await worker.terminate();
    },
  };
}

const RETRYABLE = new Set(['40001', '40P01']);

/** Connects a pool to a PostgreSQL server; `searchPath` puts the session in a schema (tests). */
export async function openPostgres(url: string, opts: { searchPath?: string; max?: number } = {}): Promise<Db & { pool: pg.Pool }> {
  const parsers: Record<number, (v: string) => unknown> = { [OID.int8]: toNumber, [OID.numeric]: toNumber, [OID.date]: asIs };
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 20,
    options: `-c TimeZone=${TIME_ZONE}${opts.searchPath ? ` -c search_path=${opts.searchPath}` : ''}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await pool.query('select 1');
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      return (await c.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  let closed = false;
  return {
    engine: 'postgres',
    pool,
    ...wrap(pool),
    async tx<T>(fn: (q: Queryable) => Promise<T>, txo: TxOptions = {}) {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query(txo.serializable ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN');
          const out = await fn(wrap(client));
          await client.query('COMMIT');
          return out;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          const code = (e as { code?: string }).code;
          if (code && RETRYABLE.has(code) && attempt < 8) {
            await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (attempt + 1)));
            continue;
          }
          throw e;
        } finally {
          client.release();
        }
      }
    },
    async copyIn(table: string, columns: string[], text: string) {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * A Db whose transactions join the open transaction `q` (one outer transaction for many use cases:
 * a FHIR transaction Bundle is all or nothing). Its tx() runs fn on q without BEGIN; a failure
 * propagates to the outer transaction, which rolls back the whole.
 */
export function joinTx(db: Db, q: Queryable): Db {
  return {
    engine: db.engine,
    query: (sql, params) => q.query(sql, params),
    exec: (sql) => q.exec(sql),
    copyIn: () => Promise.reject(new Error('copyIn is not available inside a joined transaction')),
    tx: (fn) => fn(q),
    close: () => Promise.resolve(),
  };
}
