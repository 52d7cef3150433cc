// Two database roles on a PostgreSQL server: an owner that runs the migrations (owns every table and
// trigger) and the application's role, which may read and write the business tables but only INSERT
// into the audit (plus setting the chain fields of unsealed rows, which the trigger holds to exactly
// that), so the application cannot alter or delete audit rows, disable the triggers or change the
// schema. `meridian db roles` prints (or applies) the SQL; `meridian migrate` with DATABASE_OWNER_URL
// grants the application's role what each migration added.
import type { Queryable } from './db.ts';

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Whether a role or schema name is one we write into DDL (lower-case identifier, no quoting needed). */
export function validIdentifier(s: string): boolean {
  return NAME.test(s);
}

function must(name: string, what: string): string {
  if (!validIdentifier(name)) throw new Error(`${what} "${name}" must be a lower-case identifier (a–z, 0–9, _; at most 63)`);
  return name;
}

/** The SQL that creates the two roles and the schema the owner owns (run once, as a superuser). */
export function rolesSql(o: { owner: string; app: string; schema: string; database: string; passwords?: { owner: string; app: string } }): string[] {
  const owner = must(o.owner, 'owner role'), app = must(o.app, 'app role'), schema = must(o.schema, 'schema');
  const db = `"${o.database.replace(/"/g, '""')}"`;
  const pw = (p: string | undefined) => (p === undefined ? '' : ` PASSWORD '${p.replace(/'/g, "''")}'`);
  return [
    `CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS${pw(o.passwords?.owner)}`,
    `CREATE ROLE ${app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS${pw(o.passwords?.app)}`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${owner}, ${app}`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${app}`,
    `ALTER ROLE ${owner} SET search_path = ${schema}`,
    `ALTER ROLE ${app} SET search_path = ${schema}`,
  ];
}

/**
 * What the application's role may do on the owner's tables: read and write the business tables and
 * use their sequences; on audit_log only INSERT, SELECT and UPDATE of the four chain columns (the
 * trigger allows that update only from unsealed to sealed with the content unchanged); on
 * audit_anchors INSERT and SELECT; on schema_migrations SELECT. Run as the owner after each migration.
 */
export function appGrantsSql(app: string, schema: string): string[] {
  const a = must(app, 'app role'), s = must(schema, 'schema');
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${a}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${a}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${a}`,
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${s}.schema_migrations FROM ${a}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON ${s}.audit_log, ${s}.audit_anchors FROM ${a}`,
    `GRANT UPDATE (seq, prev_hash, chain_hash, sealed_at) ON ${s}.audit_log TO ${a}`,
  ];
}

/** Grants the application's role its privileges in the owner's current schema. */
export async function grantApp(q: Queryable, app: string): Promise<void> {
  const [{ schema }] = await q.query<{ schema: string }>('SELECT current_schema() AS schema');
  for (const sql of appGrantsSql(app, schema)) await q.exec(sql);
}
