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
