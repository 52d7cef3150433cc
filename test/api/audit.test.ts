import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestDb, type TestDb } from '../helpers/db.ts';
import { AuditBatcher, verifyAudit, writeAudit } from '../../src/platform/audit.ts';

const actor = { userId: null, username: 'tester', role: 'sysadmin', ip: '127.0.0.1' };

for (const engine of ENGINES) {
  describe(`audit trail [${engine}]`, () => {
    let t: TestDb;
    before(async () => {
      t = await openTestDb(engine);
      for (let i = 0; i < 20; i++) {
        await t.db.tx((q) => writeAudit(q, actor, { action: 'test.write', outcome: 'ok', recordType: 'thing', recordId: String(i), details: { i, nested: { b: 1, a: [1, 2] } } }));
      }
    });
    after(() => t.close());

    test('an untouched chain verifies intact', async () => {
      assert.deepEqual(await verifyAudit(t.db), { intact: true, rows: 20 });
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
    });

    test('verify finds a row altered directly in the database (triggers bypassed as a superuser would)', async () => {
      // on a database of its own, so that the chain the other tests verify stays whole whatever the order
      const t5 = await openTestDb(engine);
      try {
        for (let i = 0; i < 20; i++) await t5.db.tx((q) => writeAudit(q, actor, { action: 'test.write', outcome: 'ok', recordType: 'thing', recordId: String(i), details: { i, nested: { b: 1, a: [1, 2] } } }));
        await t5.db.tx(async (q) => {
          await q.exec('SET LOCAL session_replication_role = replica');
          await q.query("UPDATE audit_log SET details = jsonb_set(details, '{i}', '99') WHERE id = (SELECT min(id) + 6 FROM audit_log)");
        });
        const r = await verifyAudit(t5.db);
        assert.equal(r.intact, false);
        const [{ min }] = await t5.db.query<{ min: number }>('SELECT min(id) AS min FROM audit_log');
        assert.equal(!r.intact && r.brokenAt, min + 6);
        assert.match(!r.intact ? r.reason : '', /altered/);
      } finally {
        await t5.close();
      }
    });

    test('verify finds a deleted row', async () => {
      const t2 = await openTestDb(engine);
      try {
        for (let i = 0; i < 5; i++) await t2.db.tx((q) => writeAudit(q, actor, { action: 'x', outcome: 'ok' }));
        await t2.db.tx(async (q) => {
          await q.exec('SET LOCAL session_replication_role = replica');
          await q.query('DELETE FROM audit_log WHERE id = (SELECT min(id) + 2 FROM audit_log)');
        });
        const r = await verifyAudit(t2.db);
        assert.equal(r.intact, false);
        assert.match(!r.intact ? r.reason : '', /removed/);
      } finally {
        await t2.close();
      }
    });

    test('batched (group-commit) audit rows: every promise resolves after its row is committed; one unbroken chain', async () => {
      const t4 = await openTestDb(engine);
      try {
        const b = new AuditBatcher(t4.db);
        await Promise.all(Array.from({ length: 200 }, (_, i) => b.write(actor, { action: 'batched', outcome: 'ok', recordId: String(i) })));
        assert.deepEqual(await verifyAudit(t4.db), { intact: true, rows: 200 });
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
        assert.deepEqual(await verifyAudit(t3.db), { intact: true, rows: 40 });
      } finally {
        await t3.close();
      }
    });
  });
}
