// Issue 23, findings 4 and 5: the audit chain survives storage, is keyed, sealed after commit, anchored,
// and every kind of tampering by whoever controls the database is found — on each engine. The
// tampering runs as the database superuser with the append-only triggers switched off
// (session_replication_role = replica), which is what the operator of the database can do.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { anchorAudit, canonicalRow, GENESIS, sealAudit, signAnchor, startSealer, verifyAudit, writeAudit, type Anchor } from '../../src/platform/audit.ts';
import type { Db } from '../../src/platform/db.ts';
import { deriveKeys } from '../../src/platform/crypto.ts';
import { openTestApp } from '../helpers/app.ts';
import { buildTestCounty, VILLAGE_A } from '../helpers/county.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';
import { ORDER_MOVES, SPECIMEN_STEPS } from '../../src/modules/diagnostics/rules.ts';

const actor = { userId: null, username: 'tester', role: 'sysadmin', ip: '127.0.0.1' };
const SRC = new URL('../../src/', import.meta.url).pathname;

/** Every audit action the code writes: the `action: '…'` literals, and the expansions of the templates. */
function auditActions(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) && !p.includes('/web/')) files.push(p);
    }
  };
  walk(SRC);
  const found = new Set<string>();
  let templates = 0;
  for (const f of files) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/action: '([^']+)'/g)) found.add(m[1]);
    templates += [...s.matchAll(/action: `/g)].length;
    // records/service.ts names its audited reads through open(…, 'record.…') and auditRead(…)
    for (const m of s.matchAll(/'(record\.[a-z_]+)'\)/g)) found.add(m[1]);
  }
  // The template literals today: scheduling.${status}, scheduling.bed_${action}, referral.${action},
  // surveillance.signal_${action}, surveillance.card_${action}, medicines.shortage_${step},
  // medicines.review_${decision}, diagnostics.${move}, diagnostics.specimen_${step}. A new template makes this fail,
  // so that its expansions get listed here.
  assert.equal(templates, 9, 'a new `action: `…`` template: list its expansions in this test');
  for (const a of ['exclude', 'investigate', 'confirm', 'close']) found.add(`surveillance.signal_${a}`);
  for (const a of ['accept', 'return', 'duplicate', 'delete']) found.add(`surveillance.card_${a}`);
  for (const a of ['fill', 'ship', 'deliver', 'cancel']) found.add(`medicines.shortage_${a}`);
  for (const a of ['approve', 'return']) found.add(`medicines.review_${a}`);
  for (const m of Object.keys(ORDER_MOVES)) found.add(`diagnostics.${m}`);
  for (const st of SPECIMEN_STEPS) found.add(`diagnostics.specimen_${st}`);
  for (const s of ['no_show', 'attended']) found.add(`scheduling.${s}`);
  for (const a of ['admit', 'release', 'close', 'open']) found.add(`scheduling.bed_${a}`);
  for (const a of ['send', 'accept', 'decline', 'arrive', 'complete', 'cancel', 'expire']) found.add(`referral.${a}`);
  return [...found].sort();
}

/** Details of the shapes the code writes, and the awkward ones: undefined, null, nested, unicode, dates. */
function awkwardDetails(i: number): Record<string, unknown> {
  return {
    i,
    before: { name: '王建国', idNumberMasked: undefined, phoneMasked: undefined, village: null, version: 3 },
    list: [1, undefined, null, 'x', { deep: { deeper: [true, false, -0, 1.5e-7, 12345678901234] } }],
    when: new Date('2026-03-04T05:06:07.891Z'),
    emoji: '体检 ✓ 👩‍⚕️ naïve',
    lone: 'a\uD800b',
    nul: 'a\u0000b',
    big: 12n,
    nan: Number.NaN,
    empty: {},
    'key with "quotes" and 中文': 'v',
  };
}

/** Runs SQL as the superuser with the append-only triggers off (the database operator's power). */
async function tamper(db: Db, ...sql: string[]): Promise<void> {
  await db.tx(async (q) => {
    await q.exec('SET LOCAL session_replication_role = replica');
    for (const s of sql) await q.exec(s);
  });
}

async function chainOf(t: TestDb, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await t.db.tx((q) => writeAudit(q, actor, { action: 'test.row', outcome: 'ok', recordId: String(i + 1), details: { i: i + 1 } }));
  assert.equal((await sealAudit(t.db, t.keys)).sealed, n);
}

const kinds = (r: { breaks: { seq: number; kind: string }[] }) => r.breaks.map((b) => [b.seq, b.kind]);

for (const engine of ENGINES) {
  describe(`audit chain, redesigned [${engine}]`, () => {
    test('every audit action the code writes, with undefined/null/nested/unicode/date details, round-trips storage and verifies intact', async () => {
      const t = await openTestDb(engine);
      try {
        const actions = auditActions();
        assert.ok(actions.length >= 80, `found only ${actions.length} actions`);
        for (const [i, action] of actions.entries()) {
          await t.db.tx((q) => writeAudit(q, { ...actor, username: i % 2 ? 'u\u0000x' : '测试员' }, { action, outcome: 'ok', recordType: 'thing', recordId: String(i), basis: i % 3 ? null : 'contract', details: awkwardDetails(i) }));
        }
        assert.equal((await sealAudit(t.db, t.keys)).sealed, actions.length);
        const r = await verifyAudit(t.db, t.keys);
        assert.deepEqual({ intact: r.intact, rows: r.rows, breaks: r.breaks }, { intact: true, rows: actions.length, breaks: [] });
        // What was stored is what JSON keeps: undefined keys gone, undefined in arrays null, dates as ISO text.
        const [row] = await t.db.query<{ details: Record<string, unknown>; username: string }>("SELECT details, username FROM audit_log WHERE action = 'resident.update'");
        assert.deepEqual(row.details.before, { name: '王建国', village: null, version: 3 });
        assert.deepEqual(row.details.list, [1, null, null, 'x', { deep: { deeper: [true, false, 0, 1.5e-7, 12345678901234] } }]);
        assert.equal(row.details.when, '2026-03-04T05:06:07.891Z');
        assert.equal(row.details.lone, 'a\uFFFDb');
        assert.equal(row.details.nul, 'a\uFFFDb');
        assert.equal(row.details.big, '12');
        assert.equal(row.details.nan, null);
      } finally {
        await t.close();
      }
    });

    test('finding 4: an ordinary PUT /api/residents/:id (details with undefined keys) leaves the chain intact', async () => {
      const t = await openTestApp(engine);
      try {
        await buildTestCounty(t.db);
        const doc = await t.signIn('doc_a', 'doctor', { facilityCode: 'T000A' });
        const idNumber = makeIdNumber('371003', '1961-05-20', '123');
        const body = { idType: 'resident_id', idNumber, name: '赵桂兰', villageCode: VILLAGE_A, phone: '13805450001' };
        const c = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: doc }, payload: body });
        assert.equal(c.statusCode, 201, c.body);
        const { id, version } = c.json().resident;
        const u = await t.app.inject({ method: 'PUT', url: `/api/residents/${id}`, headers: { cookie: doc }, payload: { ...body, phone: '13805450002', version } });
        assert.equal(u.statusCode, 200, u.body);
        const [row] = await t.db.query<{ details: { before: Record<string, unknown> } }>("SELECT details FROM audit_log WHERE action = 'resident.update' AND resident_id = $1", [id]);
        assert.ok(!('idNumberMasked' in row.details.before), 'the undefined key is not stored');
        await sealAudit(t.db, t.keys);
        const v = await verifyAudit(t.db, t.keys);
        assert.deepEqual({ intact: v.intact, breaks: v.breaks, unsealed: v.unsealed }, { intact: true, breaks: [], unsealed: 0 });
        assert.ok(v.rows >= 3, `rows ${v.rows}`);
      } finally {
        await t.close();
      }
    });

    describe('tampering is found', () => {
      let t: TestDb;
      before(async () => {
        t = await openTestDb(engine);
      });
      after(() => t.close());
      // Each case gets a fresh chain of 10 sealed rows in a table of its own state: start from empty.
      const fresh = async () => {
        await tamper(t.db, 'DELETE FROM audit_log', 'DELETE FROM audit_anchors');
        await chainOf(t, 10);
      };

      test('single-row alteration', async () => {
        await fresh();
        await tamper(t.db, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 5");
        const r = await verifyAudit(t.db, t.keys);
        assert.equal(r.intact, false);
        assert.deepEqual(kinds(r), [[5, 'altered']]);
        assert.match(r.breaks[0].message, /^seq 5 \(id \d+\): .*被修改.* \/ content does not match its keyed hash/);
      });

      test('middle deletion', async () => {
        await fresh();
        await tamper(t.db, 'DELETE FROM audit_log WHERE seq IN (4, 5)');
        const r = await verifyAudit(t.db, t.keys);
        assert.deepEqual(kinds(r), [[4, 'missing']]);
        assert.match(r.breaks[0].message, /seq 4–5/);
        assert.equal(r.rows, 8);
      });

      test('tail truncation (found against the signed anchor)', async () => {
        await fresh();
        const a = await anchorAudit(t.db, t.keys);
        assert.deepEqual([a.seq, a.keyId.length], [10, 16]);
        assert.equal((await verifyAudit(t.db, t.keys)).intact, true);
        // The anchor kept outside the database (the data folder, the log) names seq 10; the operator
        // removes the last three rows and every stored anchor.
        await tamper(t.db, 'DELETE FROM audit_log WHERE seq > 7', 'DELETE FROM audit_anchors');
        const r = await verifyAudit(t.db, t.keys, { anchors: [a] });
        assert.deepEqual(kinds(r), [[10, 'truncated']]);
        assert.match(r.breaks[0].message, /chain ends at seq 7/);
        // …and then lets new rows be sealed in their place: the anchor's seq exists again, its hash differs.
        await chainOf(t, 3);
        assert.deepEqual(kinds(await verifyAudit(t.db, t.keys, { anchors: [a] })), [[10, 'anchor_mismatch']]);
        // Without the outside copy, the truncation would pass: the anchors must leave the database.
        assert.equal((await verifyAudit(t.db, t.keys)).intact, true);
      });

      test('tail truncation with the anchor table intact is found from the table alone', async () => {
        await fresh();
        await anchorAudit(t.db, t.keys);
        await tamper(t.db, 'DELETE FROM audit_log WHERE seq = 10');
        assert.deepEqual(kinds(await verifyAudit(t.db, t.keys)), [[10, 'truncated']]);
      });

      test('reordering (two rows swap places in the chain)', async () => {
        await fresh();
        await tamper(t.db, 'UPDATE audit_log SET seq = -1 WHERE seq = 4', 'UPDATE audit_log SET seq = 4 WHERE seq = 5', 'UPDATE audit_log SET seq = 5 WHERE seq = -1');
        const r = await verifyAudit(t.db, t.keys);
        assert.deepEqual(kinds(r), [[4, 'link'], [4, 'altered'], [5, 'link'], [5, 'altered'], [6, 'link']]);
      });

      test('re-chaining with a recomputed unkeyed SHA-256 hash: every re-chained row is found', async () => {
        await fresh();
        await tamper(t.db, `UPDATE audit_log SET details = '{"i": 99}' WHERE seq = 6`);
        // The attacker knows the format exactly and recomputes the chain from seq 6 on, without the key.
        const rows = await t.db.query<Parameters<typeof canonicalRow>[1] & { seq: number; prev_hash: string }>(
          `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, user_id::text AS user_id, username, role, ip, action,
                  resident_id::text AS resident_id, record_type, record_id, basis, outcome, details::text AS details, seq, prev_hash FROM audit_log WHERE seq >= 6 ORDER BY seq`);
        let prev = rows[0].prev_hash;
        const sql: string[] = [];
        for (const r of rows) {
          const h = createHash('sha256').update(prev).update('\n').update(canonicalRow(r.seq, r)).digest('hex');
          sql.push(`UPDATE audit_log SET prev_hash = '${prev}', chain_hash = '${h}' WHERE seq = ${r.seq}`);
          prev = h;
        }
        await tamper(t.db, ...sql);
        const r = await verifyAudit(t.db, t.keys);
        assert.deepEqual(kinds(r), [[6, 'altered'], [7, 'altered'], [8, 'altered'], [9, 'altered'], [10, 'altered']]);
      });

      test('every break is reported, not only the first; a forged anchor is refused', async () => {
        await fresh();
        await tamper(t.db, "UPDATE audit_log SET username = 'someone' WHERE seq = 2", 'DELETE FROM audit_log WHERE seq = 7', "UPDATE audit_log SET basis = 'consent' WHERE seq = 9");
        const forged: Anchor = signAnchor(deriveKeys('another-secret-that-is-not-ours-0123456789'), { seq: 3, hash: GENESIS });
        const r = await verifyAudit(t.db, t.keys, { anchors: [forged] });
        assert.deepEqual(kinds(r), [[2, 'altered'], [3, 'anchor_forged'], [7, 'missing'], [9, 'altered']]);
      });

      test('a wrong key verifies nothing: the chain is keyed', async () => {
        await fresh();
        const r = await verifyAudit(t.db, deriveKeys('another-secret-that-is-not-ours-0123456789'));
        assert.equal(r.breaks.length, 10);
        assert.ok(r.breaks.every((b) => b.kind === 'altered'));
      });
    });

    test('writers insert content only (no chain fields); the background sealer seals every committed row within seconds', async () => {
      const t = await openTestDb(engine);
      const sealer = startSealer(t.db, t.keys, { intervalMs: 200 });
      try {
        await Promise.all(Array.from({ length: 30 }, (_, i) => t.db.tx((q) => writeAudit(q, actor, { action: 'bg', outcome: 'ok', recordId: String(i) }))));
        await assert.rejects(t.db.query("INSERT INTO audit_log (at, action, outcome, seq, prev_hash, chain_hash, sealed_at) VALUES (now(), 'forged', 'ok', 999, 'x', 'y', now())"), /sealed by the sealer/);
        const t0 = Date.now();
        let unsealed = 30;
        while (unsealed && Date.now() - t0 < 5000) {
          await new Promise((r) => setTimeout(r, 100));
          [{ n: unsealed }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL');
        }
        assert.equal(unsealed, 0, 'rows left unsealed after 5 s');
        const v = await verifyAudit(t.db, t.keys);
        assert.deepEqual([v.intact, v.rows, v.head.seq], [true, 30, 30]);
      } finally {
        await sealer.stop();
        await t.close();
      }
    });

    if (engine === 'postgres') {
      test('audited writers do not wait for each other; a row with a lower id that commits later is sealed after the head, never passed over', async () => {
        const t = await openTestDb(engine);
        try {
          let releaseA!: () => void;
          let insertedA!: () => void;
          const aInserted = new Promise<void>((r) => (insertedA = r));
          const hold = new Promise<void>((r) => (releaseA = r));
          const a = t.db.tx(async (q) => {
            await writeAudit(q, actor, { action: 'order.a', outcome: 'ok' });
            insertedA();
            await hold;
          });
          await aInserted;
          // B starts after A took its id, and commits while A is still open: under the old chain lock
          // B waited for A's commit.
          const b = t.db.tx((q) => writeAudit(q, actor, { action: 'order.b', outcome: 'ok' }));
          const winner = await Promise.race([b.then(() => 'b'), new Promise((r) => setTimeout(() => r('timeout'), 3000))]);
          assert.equal(winner, 'b', 'an audited writer waited for another one');
          const s1 = await sealAudit(t.db, t.keys);
          assert.equal(s1.sealed, 1);
          releaseA();
          await a;
          const s2 = await sealAudit(t.db, t.keys);
          assert.equal(s2.sealed, 1);
          const rows = await t.db.query<{ action: string; id: number; seq: number }>('SELECT action, id, seq FROM audit_log ORDER BY seq');
          assert.deepEqual(rows.map((r) => [r.action, r.seq]), [['order.b', 1], ['order.a', 2]]);
          assert.ok(rows[1].id < rows[0].id, 'A has the lower id');
          assert.equal((await verifyAudit(t.db, t.keys)).intact, true);
        } finally {
          await t.close();
        }
      });

      test('two sealers at once (two processes) build one chain without gaps', async () => {
        const t = await openTestDb(engine);
        try {
          for (let k = 0; k < 5; k++) {
            await Promise.all(Array.from({ length: 40 }, (_, i) => t.db.tx((q) => writeAudit(q, actor, { action: 'race', outcome: 'ok', recordId: `${k}-${i}` }))));
            await Promise.all([sealAudit(t.db, t.keys, 7), sealAudit(t.db, t.keys, 7), sealAudit(t.db, t.keys, 7)]);
          }
          const v = await verifyAudit(t.db, t.keys);
          assert.deepEqual([v.intact, v.rows, v.unsealed, v.head.seq], [true, 200, 0, 200]);
        } finally {
          await t.close();
        }
      });
    }
  });
}
