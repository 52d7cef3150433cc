// Finding 14: export cells starting with = + - @ (or tab, CR) were written unescaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { csvLine, safeCell } from '../../src/shared/spreadsheet.ts';
import { xlsx } from '../../src/modules/indicators/export.ts';
import { ledgerWorkbook } from '../../src/modules/ledger/export.ts';
import type { LedgerTask } from '../../src/modules/ledger/service.ts';

const EVIL = ['=HYPERLINK("http://x.example","y")', '+1+cmd|calc', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];

test('finding 14: the cell helper escapes formula starts, leaves numbers and plain text', () => {
  for (const v of EVIL) assert.equal(safeCell(v), `'${v}`);
  for (const v of [-5, 0, 12.5, '-5', '+3', '12.5', '王', 'a=b', null, '']) assert.equal(safeCell(v), v);
  assert.equal(csvLine(['=1+1', 'a,b', -3, null, '"q"']), `'=1+1,"a,b",-3,,"""q"""`);
});

async function cells(buf: Buffer): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out: unknown[] = [];
  wb.worksheets[0].eachRow((r) => r.eachCell((c) => out.push(c.value)));
  return out;
}

test('finding 14: indicator workbooks escape every formula-looking cell, numbers stay numbers', async () => {
  const v = await cells(await xlsx('t', '=title', ['=head', '单位'], [[EVIL[0], -12], [EVIL[3], 3.5]]));
  // the title row (merged over the two columns) is escaped too
  assert.deepEqual(v.filter((x) => x !== `'=title`), [`'=head`, '单位', `'${EVIL[0]}`, -12, `'${EVIL[3]}`, 3.5]);
  assert.equal(v[0], `'=title`);
});

test('finding 14: the ledger workbook escapes plan titles, unit names and progress', async () => {
  const task = {
    id: 't', planId: 'p', planTitle: '=plan', path: ['=sec', '1'], number: '1', title: 'x', targets: [], deadline: null, status: 'in_progress', lagging: false, percentDone: 50,
    units: [{ role: 'lead', printed: '=cmd|lead' }, { role: 'cooperating', printed: '@coop' }],
    latestReport: null,
  } as unknown as LedgerTask;
  const other = { ...task, planId: 'q', planTitle: '+other' } as LedgerTask;
  const v = await cells(await ledgerWorkbook('-title', [task, other], new Map([['p', [{ path: ['=sec'], title: '@section' }]]]), '2026-12-02'));
  assert.ok(v.includes(`'-title任务台账（截至2026年12月2日）`), JSON.stringify(v));
  assert.ok(v.includes(`'=sec、@section`), 'a section row is escaped too');
  assert.ok(v.includes(`'=plan`) && v.includes(`'+other`));
  assert.ok(v.includes(`'=cmd|lead`) && v.includes(`'@coop`));
  assert.ok(!v.some((c) => typeof c === 'string' && /^[=+\-@]/.test(c)), JSON.stringify(v));
  assert.ok(v.includes(0.5), 'the percentage stays a number');
});
