// Table ownership (issue 12): every table has one owning module (src/platform/ownership.ts); no
// module's code writes a table it does not own, imports another module's store.ts, or sits in a ring
// of modules importing one another. What today's code still does wrong is listed below, exactly, and
// the list can only shrink: a listed violation that is gone fails the test too (remove it from here).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_OWNERS } from '../../src/platform/ownership.ts';
import { cycles, importsOf, moduleFiles, moduleGraph, moduleNames, moduleOf, ROOT, writesOf } from './scan.ts';

/** Writes into another module's (or the platform's) tables that the restructure is removing. The lead empties this at merge. */
const KNOWN_VIOLATIONS: { file: string; table: string }[] = [
];
/** Rings of modules importing one another that the restructure is removing (each sorted). The lead empties this at merge. */
const KNOWN_CYCLES: string[][] = [];

const TABLES = new Set(Object.keys(TABLE_OWNERS));
const key = (v: { file: string; table: string }) => `${v.file} writes ${v.table}`;

/** Every write in module code into a table its module does not own. */
function violations(): { file: string; table: string }[] {
  const out = new Map<string, { file: string; table: string }>();
  for (const m of moduleNames()) {
    for (const f of moduleFiles(m)) {
      for (const w of writesOf(f, TABLES)) {
        const owner = w.how === 'ownedCopy' ? w.table.slice('ownedCopy('.length, -1) : TABLE_OWNERS[w.table];
        if (owner !== m) out.set(key(w), { file: f, table: w.table });
      }
    }
  }
  return [...out.values()];
}

describe('table ownership', () => {
  test('every table the migrations create has an owner, and every owned table exists', () => {
    const created = new Set<string>();
    const sources = [
      ...readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).map((f) => join(ROOT, 'migrations', f)),
      join(ROOT, 'src', 'platform', 'migrate.ts'), // schema_migrations
    ];
    for (const p of sources) for (const m of readFileSync(p, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)/gi)) created.add(m[1]);
    assert.ok(created.size > 40, `only ${created.size} tables found`);
    assert.deepEqual([...created].filter((t) => !(t in TABLE_OWNERS)).sort(), [], 'tables without an owner in TABLE_OWNERS');
    assert.deepEqual([...TABLES].filter((t) => !created.has(t)).sort(), [], 'TABLE_OWNERS names tables no migration creates');
  });

  test('no module writes a table it does not own (beyond the known violations, which must all still exist)', () => {
    const found = new Set(violations().map(key));
    const known = new Set(KNOWN_VIOLATIONS.map(key));
    assert.deepEqual([...found].filter((v) => !known.has(v)).sort(), [], 'new writes into another module\'s tables: call the owner\'s service');
    assert.deepEqual([...known].filter((v) => !found.has(v)).sort(), [], 'fixed: remove these from KNOWN_VIOLATIONS');
  });

  test('no module imports another module\'s store.ts', () => {
    const bad: string[] = [];
    for (const m of moduleNames()) {
      for (const f of moduleFiles(m)) {
        for (const i of importsOf(f)) {
          const to = moduleOf(i.target);
          if (to && to !== m && /\/store(\.ts$|\/)/.test(i.target)) bad.push(`${f} imports ${i.target}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  test('no ring of modules importing one another (beyond the known ones, which must all still exist)', () => {
    const found = cycles(moduleGraph()).map((c) => c.join(' ↔ '));
    const known = KNOWN_CYCLES.map((c) => [...c].sort().join(' ↔ '));
    assert.deepEqual(found.filter((c) => !known.includes(c)), [], 'new module cycles');
    assert.deepEqual(known.filter((c) => !found.includes(c)), [], 'gone: remove these from KNOWN_CYCLES');
  });

  test('the scanner sees writes, loaders and store imports however they are written, and not look-alikes', () => {
    const src = `
      import { x } from '../referrals/store.ts';
      export async function f(db) {
        await db.query('INSERT INTO referrals (id) VALUES ($1)', [1]);
        await db.query(\`UPDATE  bookings SET status = 'x' WHERE id = \${id}\`);
        await db.exec("DELETE FROM slots; TRUNCATE TABLE beds");
        await db.copyIn('residents', ['id'], text);
        const load = ownedCopy('registry');
        await db.query('SELECT 1 FROM encounters FOR UPDATE');
        await db.query('INSERT INTO contracts (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET id = 1');
        await db.query('UPDATE referral_sla SET hours = 1'); // named as a different table
      }`;
    const w = writesOf('src/modules/chronic/x.ts', TABLES, src).map((x) => `${x.table}:${x.how}`).sort();
    assert.deepEqual(w, ['beds:TRUNCATE', 'bookings:UPDATE', 'contracts:INSERT INTO', 'ownedCopy(registry):ownedCopy', 'referral_sla:UPDATE', 'referrals:INSERT INTO', 'residents:copyIn', 'slots:DELETE FROM']);
    assert.deepEqual(importsOf('src/modules/chronic/x.ts', src).map((i) => i.target), ['src/modules/referrals/store.ts']);
    assert.deepEqual(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]])), [['a', 'b', 'c']]);
  });
});
