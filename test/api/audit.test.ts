import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { AuditBatcher, sealAudit, verifyAudit, writeAudit } from '../../src/platform/audit.ts';

const actor = { userId: null, username: 'tester', role: 'sysadmin', ip: '127.0.0.1' };

for (const engine of ENGINES) {
  describe(`audit trail [${engine}]`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(engine);
      for (let i = 0; i < 20; i++) {
        await t.db.tx((q) => writeAudit(q, actor, { action: 'test.write', outcome: 'ok', recordType: 'thing', recordId: String(i), details: { i, nested: { b: 1, a: [1, 2] } } }));
      }
      assert.equal((await sealAudit(t.db, t.keys)).sealed, 20);
    });
    after(() => t.close());

    test('an untouched chain verifies intact', async () => {
      const r = await verifyAudit(t.db, t.keys);
      assert.deepEqual({ intact: r.intact, rows: r.rows, unsealed: r.unsealed, breaks: r.breaks, head: r.head.seq }, { intact: true, rows: 20, unsealed: 0, breaks: [], head: 20 });
    });

    test('a rolled-back transaction leaves no audit row', async () => {
      await assert.rejects(t.db.tx(async (q) => {
        await writeAudit(q, actor, { action: 'test.rolled_back', outcome: 'ok' });
        throw new Error('boom');
      }));
      assert.equal((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'test.rolled_back'")).length, 0);
    });

    test('the application cannot update, delete or truncate audit rows', async () => {
      await assert.rejects(t.db.query("UPDATE audit_log SET outcome = 'failed' WHERE id = 3"), /append-only/);
      await assert.rejects(t.db.query('DELETE FROM audit_log WHERE id = 3'), /append-only/);
      await assert.rejects(t.db.exec('TRUNCATE audit_log'), /append-only/);
      // A sealed row's chain fields are set once: no second sealing, no unsealing.
      await assert.rejects(t.db.query("UPDATE audit_log SET chain_hash = repeat('a', 64) WHERE id = 3"), /append-only/);
      await assert.rejects(t.db.query('UPDATE audit_log SET seq = NULL, prev_hash = NULL, chain_hash = NULL, sealed_at = NULL WHERE id = 3'), /append-only/);
    });

    test('verify finds a row altered directly in the database (triggers bypassed as a superuser would)', async () => {
      await t.db.tx(async (q) => {
        await q.exec('SET LOCAL session_replication_role = replica');
        await q.query("UPDATE audit_log SET details = jsonb_set(details, '{i}', '99') WHERE id = (SELECT min(id) + 6 FROM audit_log)");
      });
      const r = await verifyAudit(t.db, t.keys);
      assert.equal(r.intact, false);
      const [{ min }] = await t.db.query<{ min: number }>('SELECT min(id) AS min FROM audit_log');
      assert.deepEqual(r.breaks.map((b) => [b.id, b.kind]), [[min + 6, 'altered']]);
      assert.match(r.breaks[0].message, /altered/);
    });

    test('verify finds a deleted row', async () => {
      const t2 = await openTestDb(engine);
      try {
        for (let i = 0; i < 5; i++) await t2.db.tx((q) => writeAudit(q, actor, { action: 'x', outcome: 'ok' }));
        await sealAudit(t2.db, t2.keys);
        await t2.db.tx(async (q) => {
          await q.exec('SET LOCAL session_replication_role = replica');
          await q.query('DELETE FROM audit_log WHERE id = (SELECT min(id) + 2 FROM audit_log)');
        });
        const r = await verifyAudit(t2.db, t2.keys);
        assert.equal(r.intact, false);
        assert.deepEqual(r.breaks.map((b) => [b.seq, b.kind]), [[3, 'missing']]);
        assert.match(r.breaks[0].message, /deleted/);
      } finally {
        await t2.close();
      }
    });

    test('batched (group-commit) audit rows: every promise resolves after its row is committed; one unbroken chain', async () => {
      const t4 = await openTestDb(engine);
      try {
        const b = new AuditBatcher(t4.db);
        await Promise.all(Array.from({ length: 200 }, (_, i) => b.write(actor, { action: 'batched', outcome: 'ok', recordId: String(i) })));
        await sealAudit(t4.db, t4.keys);
        const v = await verifyAudit(t4.db, t4.keys);
        assert.deepEqual({ intact: v.intact, rows: v.rows }, { intact: true, rows: 200 });
        const ids = await t4.db.query<{ record_id: string }>("SELECT record_id FROM audit_log WHERE action = 'batched' ORDER BY id");
        assert.equal(new Set(ids.map((r) => r.record_id)).size, 200);
      } finally {
        await t4.close();
      }
    });

    test('concurrent writers keep one unbroken chain', async () => {
      const t3 = await openTestDb(engine);
      try {
        await Promise.all(Array.from({ length: 40 }, (_, i) => t3.db.tx((q) => writeAudit(q, actor, { action: 'race', outcome: 'ok', recordId: String(i) }))));
        await sealAudit(t3.db, t3.keys);
        const v = await verifyAudit(t3.db, t3.keys);
        assert.deepEqual({ intact: v.intact, rows: v.rows, seqs: (await t3.db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq')).map((r) => r.seq) },
          { intact: true, rows: 40, seqs: Array.from({ length: 40 }, (_, i) => i + 1) });
      } finally {
        await t3.close();
      }
    });
  });
}
