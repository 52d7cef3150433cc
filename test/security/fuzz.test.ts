// The fuzz suite: requests generated from /api/openapi.json for every route and method, for every
// role (and anonymous callers), with a fixed seed: valid-looking values and their mutations —
// wrong types, huge strings, NUL, lone surrogates and other planes, negative and huge numbers,
// missing and extra fields, bad UUIDs and dates, bodies that are not objects. No answer may be a
// 5xx, and no body may carry a stack trace; afterwards the audit chain written by all of it verifies
// intact. Runs through inject (no listening server) on PGlite, and on the PostgreSQL server when set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, TOWN_A, VILLAGE_A } from '../helpers/county.ts';
import { hashPassword } from '../../src/platform/auth.ts';
import { sealAudit, verifyAudit } from '../../src/platform/audit.ts';
import { ENGINES } from '../helpers/db.ts';
import type { Role } from '../../src/shared/roles.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { mulberry32 } from '../../src/shared/random.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20231123);
const PER_ROUTE_AND_ROLE = Number(process.env.FUZZ_PER_ROUTE ?? 7);
// Routes that would end the fuzzing session itself.
const SKIP = new Set(['POST /api/auth/logout']);


interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
}

const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '😀'.repeat(50), '𠀀𠀁', 'x'.repeat(10_000), '\u202e\u200b', "'; DROP TABLE users; --",
  '../../etc/passwd', '%00', '<script>alert(1)</script>', '=HYPERLINK("x")', '-1', '1e309', 'NaN', 'null', 'true', '{}', '[]',
  '2025-02-30', '9999-99-99', '0000-00-00', '2025-13-01T25:61:00Z', '1900-01-01', '2999-12-31', 'not-a-uuid', '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '371003197911277672', '13800138000', '37', '3710031002010000', 'H0001', 'resident_id',
];
const NASTY_NUMBERS = [-1, 0, -0, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, -1e308, 0.5, 1e-9, 99999, 365, 3650];
const WRONG_TYPES: unknown[] = [null, true, 42, -3.5, 'str', [], [1, 'a'], {}, { a: { b: [] } }];

function gen(r: () => number, s: Schema | undefined, depth = 0): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  if (!s || depth > 6) return pick(WRONG_TYPES);
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return gen(r, pick(alts), depth + 1);
  if (s.allOf?.length) return gen(r, s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? pick(s.type) : s.type;
  if (s.nullable && r() < 0.1) return null;
  switch (type) {
    case 'string': {
      if (s.format === 'uuid') return r() < 0.8 ? crypto.randomUUID() : pick(NASTY_STRINGS);
      if (s.format === 'date' || (s.pattern ?? '').includes('\\d{4}-')) return r() < 0.7 ? `2025-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}` : pick(NASTY_STRINGS);
      if (s.format === 'date-time') return r() < 0.7 ? new Date(Date.now() - Math.floor(r() * 1e10)).toISOString() : pick(NASTY_STRINGS);
      if (r() < 0.5) return pick(NASTY_STRINGS);
      const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 1 + Math.floor(r() * 12)));
      return pick(['371003', 'H0001', 'T000A', TOWN_A, VILLAGE_A, '王', '高血压', 'I10', 'admin']).padEnd(len, 'x').slice(0, Math.max(len, 1));
    }
    case 'integer':
    case 'number': {
      if (r() < 0.5) return pick(NASTY_NUMBERS);
      const lo = s.minimum ?? 0;
      const hi = s.maximum ?? lo + 100;
      const v = lo + r() * Math.min(hi - lo, 1e6);
      return type === 'integer' ? Math.floor(v) : v;
    }
    case 'boolean':
      return r() < 0.5;
    case 'array': {
      const n = Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, Math.floor(r() * 4)));
      return Array.from({ length: r() < 0.05 ? 2000 : n }, () => gen(r, s.items, depth + 1));
    }
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) if ((s.required ?? []).includes(k) || r() < 0.5) o[k] = gen(r, v, depth + 1);
      return o;
    }
    default:
      return pick(WRONG_TYPES);
  }
}

/** One mutation of a generated value: the ways a caller gets input wrong. */
function mutate(r: () => number, v: unknown, s: Schema | undefined): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const m = Math.floor(r() * 8);
  if (m === 0 || v === null || typeof v !== 'object' || Array.isArray(v)) return m === 7 ? pick(WRONG_TYPES) : v;
  const o = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(s?.properties ?? o);
  const k = keys.length ? pick(keys) : 'x';
  switch (m) {
    case 1: delete o[pick(s?.required?.length ? s.required : keys.length ? keys : ['x'])]; break;
    case 2: o[pick(['extra', 'admin', '__proto__x', 'role', '\u0000'])] = pick(WRONG_TYPES); break;
    case 3: o[k] = pick(WRONG_TYPES); break;
    case 4: o[k] = pick(NASTY_STRINGS); break;
    case 5: o[k] = pick(NASTY_NUMBERS); break;
    case 6: o[k] = pick(['not-a-uuid', '2025-02-30', '2025-13-45', '9999-12-31T99:00:00Z', '']); break;
    case 7: return pick(WRONG_TYPES);
  }
  return o;
}

interface Op { method: string; path: string; params: { name: string; in: string; schema: Schema }[]; body?: Schema }

function operations(doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: Schema }[]; requestBody?: { content?: Record<string, { schema: Schema }> } }>> }): Op[] {
  const out: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (SKIP.has(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)) continue;
      out.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return out;
}

const enc = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  // encodeURIComponent throws on a lone surrogate: send its raw UTF-8-invalid form instead.
  try { return encodeURIComponent(s); } catch { return '%ED%A0%80'; }
};

for (const engine of ENGINES) {
// PGlite gets the full ≥10,000 requests; the PostgreSQL server the same routes × roles, fewer per pair.
const perPair = engine === 'pglite' ? PER_ROUTE_AND_ROLE : Math.min(PER_ROUTE_AND_ROLE, 2);
describe(`fuzz: generated requests from the OpenAPI document, every route × role [${engine}]`, () => {
  let t: TestApp;
  const cookies = new Map<string, string | null>();
  before(async () => {
    t = await openTestApp(engine);
    await buildTestCounty(t.db);
    const roles: [string, Role, { regionCode?: string; facilityCode?: string }][] = [
      ['f_admin', 'sysadmin', {}], ['f_officer', 'officer', { regionCode: '371003' }], ['f_manager', 'manager', { regionCode: '371003' }],
      ['f_doctor', 'doctor', { facilityCode: 'H0001' }], ['f_nurse', 'nurse', { facilityCode: 'T000A' }], ['f_ph', 'public_health', { regionCode: TOWN_A }],
      ['f_village', 'village_doctor', { facilityCode: 'V00A1' }], ['f_coord', 'coordinator', { facilityCode: 'H0001' }], ['f_dept', 'department', { regionCode: '371003' }],
    ];
    for (const [u, role, scope] of roles) cookies.set(role, await t.signIn(u, role, scope));
    const admin = cookies.get('sysadmin')!;
    const res = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber: makeIdNumber('371003', '1950-05-05', '111'), name: '赵大爷', villageCode: VILLAGE_A, phone: null } });
    assert.equal(res.statusCode, 201, res.body);
    const rid = res.json().resident.id;
    {
      await t.db.query(`INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('f_resident', '赵大爷', $1, 'resident', $2)`, [await hashPassword(TEST_PASSWORD), rid]);
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'f_resident', password: TEST_PASSWORD } });
      cookies.set('resident', `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`);
    }
    cookies.set('anonymous', null);
  });
  after(() => t.close());

  test(`${engine === 'pglite' ? '≥10,000' : 'every route × role'} requests (seed ${SEED}): no 5xx, no stack trace; afterwards the audit chain verifies intact`, async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const ops = operations(doc);
    assert.ok(ops.length > 100, `${ops.length} operations`);
    const r = mulberry32(SEED); // (replayable with FUZZ_SEED)
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = performance.now();
    for (const op of ops) {
      for (const [role, cookie] of cookies) {
        for (let i = 0; i < perPair; i++) {
          let url = op.path;
          const query: string[] = [];
          for (const p of op.params) {
            const valid = gen(r, p.schema);
            const v = i === 0 ? valid : r() < 0.5 ? valid : gen(r, undefined);
            if (p.in === 'path') url = url.replace(`{${p.name}}`, enc(v === '' || v === null ? 'x' : v));
            else if (p.in === 'query' && (i === 0 || r() < 0.7)) query.push(`${enc(p.name)}=${enc(v)}`);
          }
          if (i > 0 && r() < 0.1) query.push(`${pickExtra(r)}=1`);
          if (query.length) url += `?${query.join('&')}`;
          const body = op.body ? (i === 0 ? gen(r, op.body) : mutate(r, gen(r, op.body), op.body)) : undefined;
          const headers: Record<string, string> = {};
          if (cookie) headers.cookie = cookie;
          const res = await t.app.inject({
            method: op.method as 'GET', url, headers,
            ...(body !== undefined && op.method !== 'GET' ? { payload: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } } : {}),
          });
          sent++;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const text = res.body.slice(0, 100_000);
          if (res.statusCode >= 500 || /\n\s+at [^\n]+:\d+:\d+/.test(text) || /node_modules|\.ts:\d+/.test(text)) {
            failures.push(`${role} ${op.method} ${url.slice(0, 200)} ${body === undefined ? '' : JSON.stringify(body).slice(0, 200)} → ${res.statusCode} ${text.slice(0, 300)}`);
          }
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${sent} requests over ${ops.length} operations × ${cookies.size} callers in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    assert.ok(sent >= (engine === 'pglite' ? 10_000 : ops.length * cookies.size), `${sent} requests`);
    assert.ok(statuses.size > 3 && [...statuses.keys()].some((s) => s >= 200 && s < 300), 'requests reached handlers, not only the guard');
    for (const f of failures.slice(0, 25)) console.log(`FUZZ FAILURE ${f}`);
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} failing requests`);
    // Every route has now run, with every role: whatever they wrote to the audit seals into one intact chain.
    await sealAudit(t.db, t.keys);
    const v = await verifyAudit(t.db, t.keys);
    assert.deepEqual({ intact: v.intact, breaks: v.breaks.slice(0, 5), unsealed: v.unsealed }, { intact: true, breaks: [], unsealed: 0 });
    const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    assert.equal(v.rows, n, 'verify read every audit row');
    assert.ok(n >= 50, `the fuzz run wrote ${n} audit rows`);
  });
});
}

function pickExtra(r: () => number): string {
  return ['extra', 'limit', 'offset', '%00', 'q'][Math.floor(r() * 5)];
}
