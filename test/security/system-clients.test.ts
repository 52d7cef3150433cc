// Issue 23, "System clients": a facility's HIS/LIS sends data as a registered client of that facility.
// It obtains a short-lived Bearer token with its client id and secret (OAuth 2.0 client credentials,
// RFC 6749 §4.4), may post encounters and observation batches for its own facility only, is audited
// as the system, has its own space of record ids (a reused id for another resident answers 409), is
// rate-limited, and stops working at once when revoked.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { hashPassword } from '../../src/platform/auth.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { App } from '../../src/platform/http.ts';

type Client = { id: string; clientId: string; secret: string };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (c: Client) => `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}`;

for (const engine of ENGINES) {
  describe(`system clients [${engine}]`, () => {
    let t: TestApp;
    let admin: string;
    let his: Client; // the county hospital's HIS (H0001)
    let lis: Client; // the township centre's LIS (T000A)
    const ids = [makeIdNumber('371003', '1961-01-01', '111'), makeIdNumber('371003', '1962-02-02', '222'), makeIdNumber('371003', '1963-03-03', '333')];
    const rid: string[] = [];

    const register = async (facilityCode: string, name: string): Promise<Client> => {
      const r = await t.app.inject({ method: 'POST', url: '/api/system-clients', headers: { cookie: admin }, payload: { facilityCode, name } });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      return { id: b.client.id, clientId: b.client.clientId, secret: b.clientSecret };
    };
    const tokenOf = async (c: Client, app: App = t.app) => {
      const r = await app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(c) }, payload: 'grant_type=client_credentials' });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().access_token as string;
    };
    const encounter = (token: string, body: Record<string, unknown>, app: App = t.app) => app.inject({ method: 'POST', url: '/api/records/encounters', headers: { authorization: `Bearer ${token}` },
      payload: { kind: 'outpatient', facilityCode: 'H0001', startedAt: new Date(Date.now() - 3600_000).toISOString(), sourceSystem: 'his', ...body } });

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      admin = await t.signIn('admin', 'sysadmin');
      for (const [i, idNumber] of ids.entries()) {
        rid.push((await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: { idType: 'resident_id', idNumber, name: `居民${i}`, villageCode: VILLAGE_A } })).json().resident.id);
      }
      his = await register('H0001', '县人民医院 HIS');
      lis = await register('T000A', '甲镇卫生院 LIS');
    });
    after(() => t.close());

    test('registering shows the secret once; the list shows the client without it; only the system administrator may', async () => {
      assert.match(his.clientId, /^mcl_[0-9a-f]{20}$/);
      assert.match(his.secret, /^mcs_[A-Za-z0-9_-]{43}$/);
      const list = await t.app.inject({ method: 'GET', url: '/api/system-clients', headers: { cookie: admin } });
      assert.equal(list.statusCode, 200);
      const mine = list.json().items.find((c: { clientId: string }) => c.clientId === his.clientId);
      assert.deepEqual({ ...mine, createdAt: undefined }, { id: his.id, clientId: his.clientId, name: '县人民医院 HIS', facilityCode: 'H0001', facilityName: '县人民医院', scopes: ['records:write'], createdAt: undefined, revokedAt: null });
      assert.ok(!list.body.includes(his.secret) && !list.body.includes('mcs_'), 'no secret in the list');
      const [row] = await t.db.query<{ secret_hash: string }>('SELECT secret_hash FROM system_clients WHERE id = $1', [his.id]);
      assert.match(row.secret_hash, /^\$argon2id\$/);
      const doc = await t.signIn('doc_h', 'doctor', { facilityCode: 'H0001' });
      const refused = await t.app.inject({ method: 'POST', url: '/api/system-clients', headers: { cookie: doc }, payload: { facilityCode: 'H0001', name: 'x' } });
      assert.equal(refused.statusCode, 403);
      const unknown = await t.app.inject({ method: 'POST', url: '/api/system-clients', headers: { cookie: admin }, payload: { facilityCode: 'NOPE', name: 'x' } });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(unknown.json().error.fields.map((f: { path: string }) => f.path), ['facilityCode']);
    });

    test('the token grant: Basic or body credentials, form or JSON; a bad secret, an unknown client or a wrong grant is refused as RFC 6749 says', async () => {
      const ok = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(his) }, payload: 'grant_type=client_credentials' });
      assert.equal(ok.statusCode, 200, ok.body);
      const b = ok.json();
      assert.deepEqual(Object.keys(b).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
      assert.equal(b.token_type, 'Bearer');
      assert.equal(b.expires_in, 3600);
      assert.equal(b.scope, 'records:write');
      assert.equal(ok.headers['cache-control'], 'no-store');
      assert.equal(ok.headers.pragma, 'no-cache');
      const [stored] = await t.db.query<{ n: number; secs: number }>('SELECT count(*)::int AS n, max(extract(epoch FROM expires_at - now()))::int AS secs FROM system_client_tokens WHERE client_id = $1', [his.id]);
      assert.ok(stored.secs > 3500 && stored.secs <= 3600, `expires in ${stored.secs} s`);
      assert.equal((await t.db.query('SELECT 1 FROM system_client_tokens WHERE token_hash = $1', [b.access_token])).length, 0, 'only the hash is stored');

      const form = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: FORM, payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: his.clientId, client_secret: his.secret }).toString() });
      assert.equal(form.statusCode, 200, form.body);
      const json = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: his.clientId, client_secret: his.secret } });
      assert.equal(json.statusCode, 200, json.body);
      assert.notEqual(json.json().access_token, form.json().access_token);

      const bad = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic({ ...his, secret: his.secret + 'x' }) }, payload: 'grant_type=client_credentials' });
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().error, 'invalid_client');
      assert.match(bad.headers['www-authenticate'] as string, /^Basic /);
      assert.ok(bad.json().message.zh && bad.json().message.en);
      const unknown = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'mcl_00000000000000000000', client_secret: his.secret } });
      assert.equal(unknown.statusCode, 401);
      assert.deepEqual(unknown.json(), bad.json(), 'an unknown client reads as a wrong secret');
      const grant = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(his) }, payload: 'grant_type=password' });
      assert.equal(grant.statusCode, 400);
      assert.equal(grant.json().error, 'unsupported_grant_type');
      const both = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(his) }, payload: `grant_type=client_credentials&client_id=${his.clientId}&client_secret=${his.secret}` });
      assert.equal(both.json().error, 'invalid_request');
      const twice = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(his) }, payload: 'grant_type=client_credentials&grant_type=client_credentials' });
      assert.equal(twice.statusCode, 400);
      assert.equal(twice.json().error, 'invalid_request');
      const scope = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(his) }, payload: 'grant_type=client_credentials&scope=records:read' });
      assert.equal(scope.json().error, 'invalid_scope');
      const nul = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'mcl_\u0000x', client_secret: 'x' } });
      // Refused at the edge (as every route refuses a NUL), before any lookup.
      assert.equal(nul.statusCode, 400, nul.body);
      assert.equal(nul.json().error, 'invalid_request');
      assert.match(nul.json().error_description, /client_id/);
      const plain = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'text/plain' }, payload: 'grant_type=client_credentials' });
      assert.equal(plain.statusCode, 400, plain.body);
      assert.equal(plain.json().error, 'invalid_request');
      const array = await t.app.inject({ method: 'POST', url: '/oauth/token', payload: [1, 2] });
      assert.equal(array.statusCode, 400, array.body);
      assert.equal(array.json().error, 'invalid_request');
      const denied = await t.db.query<{ details: { clientId: string | null; reason: string } }>("SELECT details FROM audit_log WHERE action = 'auth.client_token' AND outcome = 'denied' ORDER BY id");
      assert.deepEqual(denied.map((d) => [d.details.clientId, d.details.reason]), [[his.clientId, 'secret'], ['mcl_00000000000000000000', 'unknown']]);
    });

    test('a system posts an encounter for its own facility: stored as the system\'s, opening the facility\'s basis, audited with the system as the actor', async () => {
      const token = await tokenOf(his);
      const r = await encounter(token, { residentId: rid[0], sourceId: 'E-100' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().created, true);
      const [e] = await t.db.query<{ presence: string; sender: string; created_by: string | null }>('SELECT presence, sender, created_by FROM encounters WHERE id = $1', [r.json().id]);
      assert.deepEqual(e, { presence: 'system', sender: `client:${his.id}`, created_by: null });
      const rows = await t.db.query<{ action: string; user_id: string; username: string; role: string; resident_id: string }>(
        'SELECT action, user_id, username, role, resident_id FROM audit_log WHERE record_id = $1 ORDER BY id', [r.json().id]);
      assert.deepEqual(rows.map((x) => [x.action, x.user_id, x.username, x.role, x.resident_id]), [
        ['record.basis_opened', his.id, his.clientId, 'system', rid[0]],
        ['record.encounter_create', his.id, his.clientId, 'system', rid[0]],
      ]);
      // The hospital's doctors may now open the resident's record on the encounter's basis.
      const doc = await t.signIn('doc_h', 'doctor', { facilityCode: 'H0001' });
      const s = await t.app.inject({ method: 'GET', url: `/api/records/${rid[0]}/summary`, headers: { cookie: doc } });
      assert.equal(s.statusCode, 200, s.body);
      assert.equal(s.json().basis, 'encounter');
      // The resident's own access log names the system and its facility.
      await t.db.query("INSERT INTO users (username, display_name, password_hash, role, resident_id) VALUES ('res-sys', '居民0', $1, 'resident', $2)", [await hashPassword(TEST_PASSWORD), rid[0]]);
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res-sys', password: TEST_PASSWORD } });
      const self = `meridian_session=${login.cookies.find((c) => c.name === 'meridian_session')!.value}`;
      const log = (await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: { cookie: self } })).json().items as { action: string; who: string; role: string; facility: string }[];
      const created = log.find((x) => x.action === 'record.encounter_create');
      assert.deepEqual(created && [created.who, created.role, created.facility], ['县人民医院 HIS', 'system', '县人民医院']);
    });

    test('a system may post only for its own facility and only to the routes that list it', async () => {
      const token = await tokenOf(his);
      const other = await encounter(token, { residentId: rid[1], facilityCode: 'T000A', sourceId: 'E-200' });
      assert.equal(other.statusCode, 403, other.body);
      assert.equal((await t.db.query('SELECT 1 FROM encounters WHERE resident_id = $1', [rid[1]])).length, 0);
      for (const [method, url] of [['GET', `/api/records/${rid[0]}/summary`], ['GET', '/api/auth/me'], ['GET', '/api/system-clients'], ['GET', '/api/residents']] as const) {
        const r = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
        assert.equal(r.statusCode, 403, `${method} ${url} → ${r.statusCode} ${r.body}`);
        assert.equal(r.json().error.code, 'auth.forbidden');
      }
      // A batch only for residents in the facility's care: rid[0] had the HIS's encounter, rid[2] none there.
      const item = (residentId: string, n: number) => ({ residentId, sourceId: `L-${n}`, code: '1558-6', value: 5.6, unit: 'mmol/L', observedAt: new Date(Date.now() - 60_000).toISOString() });
      const batch = (items: object[]) => t.app.inject({ method: 'POST', url: '/api/records/observations/batch', headers: { authorization: `Bearer ${token}` }, payload: { sourceSystem: 'his-lab', items } });
      const refused = await batch([item(rid[0], 1), item(rid[2], 2)]);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.deepEqual(refused.json().error.fields.map((f: { path: string }) => f.path), ['items[1].residentId']);
      const ok = await batch([item(rid[0], 1)]);
      assert.deepEqual(ok.json(), { received: 1, stored: 1, alreadyPresent: 0 });
      const [a] = await t.db.query<{ user_id: string; role: string; basis: string }>("SELECT user_id, role, basis FROM audit_log WHERE action = 'record.observation_batch' AND resident_id = $1", [rid[0]]);
      assert.deepEqual(a, { user_id: his.id, role: 'system', basis: 'encounter' });
      // A cookie-less Bearer token that is not one answers 401 naming the token.
      const forged = await encounter('mat_' + 'A'.repeat(43), { residentId: rid[0] });
      assert.equal(forged.statusCode, 401);
      assert.equal(forged.json().error.code, 'auth.invalid_token');
      assert.match(forged.headers['www-authenticate'] as string, /^Bearer error="invalid_token"/);
    });

    test('a sender id is the client\'s own: reused for another resident it answers 409 naming it; another client\'s same id is its own', async () => {
      const token = await tokenOf(his);
      const first = await encounter(token, { residentId: rid[0], sourceId: 'E-300' });
      assert.equal(first.statusCode, 200, first.body);
      const again = await encounter(token, { residentId: rid[0], sourceId: 'E-300' });
      assert.deepEqual(again.json(), { id: first.json().id, created: false });
      const clash = await encounter(token, { residentId: rid[1], sourceId: 'E-300' });
      assert.equal(clash.statusCode, 409, clash.body);
      const err = clash.json().error;
      assert.equal(err.code, 'record.source_conflict');
      assert.deepEqual(err.fields.map((f: { path: string }) => f.path), ['sourceId']);
      assert.match(err.message.zh, /his\/E-300/);
      assert.match(err.message.en, /his\/E-300.*another resident/);
      assert.ok(!clash.body.includes(first.json().id));
      // The township's LIS uses the same id for its own resident: its own space.
      const lisToken = await tokenOf(lis);
      const own = await encounter(lisToken, { residentId: rid[1], sourceId: 'E-300', facilityCode: 'T000A' });
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json().created, true);
      // A person typing the same sourceSystem/sourceId is in the shared space of people, not the client's.
      const [{ senders }] = await t.db.query<{ senders: string[] }>("SELECT array_agg(sender ORDER BY sender) AS senders FROM encounters WHERE source_id = 'E-300'");
      assert.deepEqual(senders, [`client:${his.id}`, `client:${lis.id}`].sort());
    });

    test('revoked: the client\'s tokens stop working at once and it obtains no new one', async () => {
      const temp = await register('H0001', '临时接口');
      const token = await tokenOf(temp);
      assert.equal((await encounter(token, { residentId: rid[0] })).statusCode, 200);
      const rv = await t.app.inject({ method: 'POST', url: `/api/system-clients/${temp.clientId}/revoke`, headers: { cookie: admin } });
      assert.equal(rv.statusCode, 200, rv.body);
      assert.ok(rv.json().revokedAt);
      const after = await encounter(token, { residentId: rid[0] });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().error.code, 'auth.invalid_token');
      const again = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(temp) }, payload: 'grant_type=client_credentials' });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().error, 'invalid_client');
      const twice = await t.app.inject({ method: 'POST', url: `/api/system-clients/${temp.clientId}/revoke`, headers: { cookie: admin } });
      assert.equal(twice.statusCode, 409);
      assert.equal(twice.json().error.code, 'auth.client_revoked');
      const [a] = await t.db.query<{ username: string; role: string }>("SELECT username, role FROM audit_log WHERE action = 'auth.client_revoke' AND record_id = $1", [temp.id]);
      assert.deepEqual(a, { username: 'admin', role: 'sysadmin' });
    });

    test('expired: a token past its hour no longer works', async () => {
      const token = await tokenOf(his);
      assert.equal((await encounter(token, { residentId: rid[0] })).statusCode, 200);
      await t.db.query("UPDATE system_client_tokens SET expires_at = now() - interval '1 second' WHERE client_id = $1", [his.id]);
      const r = await encounter(token, { residentId: rid[0] });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error.code, 'auth.invalid_token');
    });

    test('rate limits: token requests per client, API requests per system', async () => {
      const config = loadConfig({ MERIDIAN_DATA_DIR: '/nonexistent-test-dir', MERIDIAN_SECRET_KEY: 'x'.repeat(32) });
      const app = await buildApp({ config, db: t.db, keys: t.keys }, { loginRateLimit: 1000, tokenRateLimit: 2, systemRateLimit: 3 });
      await app.ready();
      try {
        const ask = (c: Client) => app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(c) }, payload: 'grant_type=client_credentials' });
        assert.equal((await ask(his)).statusCode, 200);
        const second = await ask(his);
        assert.equal(second.statusCode, 200);
        const third = await ask(his);
        assert.equal(third.statusCode, 429, third.body);
        assert.equal(third.json().error, 'slow_down');
        assert.equal((await ask(lis)).statusCode, 200, 'another client is counted apart');
        const token = second.json().access_token as string;
        const codes = [];
        for (let i = 0; i < 4; i++) codes.push((await encounter(token, { residentId: rid[0] }, app)).statusCode);
        assert.deepEqual(codes, [200, 200, 200, 429]);
      } finally {
        await app.close();
      }
    });
  });
}
