// The SQL snapshot (issue 12): src/modules/<m>/queries.sql, written by `npm run gen:sql` from each
// module's store.ts (or, while it has none, all its code), is what the code holds now. A query
// change shows in the diff of the committed file, as the typed API client does for the routes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { moduleNames, queryLiterals, snapshotOf, snapshotPath } from './scan.ts';

describe('SQL snapshot', () => {
  for (const m of moduleNames()) {
    test(`src/modules/${m}/queries.sql is current (npm run gen:sql)`, () => {
      const path = snapshotPath(m);
      assert.ok(existsSync(path), `${path} is missing: run npm run gen:sql`);
      assert.equal(readFileSync(path, 'utf8'), snapshotOf(m), `${path} differs from the code: run npm run gen:sql and commit it`);
    });
  }

  test('each statement is taken from the call, named by its function, with its splices as written', () => {
    const src = `
      export async function listThings(q, id) {
        return q.query(\`SELECT *
          FROM things WHERE id = \${id}\`, []);
      }
      export const dropAll = (db) => db.exec('DELETE FROM things');
      function notSql() { return log.info('SELECT me'); }`;
    const got = queryLiterals('src/modules/x/store.ts', src).map((l) => [l.name, l.via, l.text.replace(/\s+/g, ' ')]);
    assert.deepEqual(got, [['listThings', 'query', 'SELECT * FROM things WHERE id = ${id}'], ['dropAll', 'exec', 'DELETE FROM things']]);
  });
});
