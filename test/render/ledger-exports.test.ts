// The ledger's exports rendered as a reader prints them: LibreOffice Calc converts the demo plan's ledger workbook and
// Writer its quarterly 通报 to PDF, and the pages are checked — the workbook A4 landscape with its title on page 1, one page
// wide (every page carries the first and the last column's header, repeated as print titles), the plan's sections, no
// column narrower than four Chinese characters; the 通报 A4 with 一、（一）1. headings, the plan named, the date in full
// and the issuing unit. The pages are drawn as PNGs under test-results/exports/ to be looked at.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { seedLedgerDemo } from '../../src/modules/demo/ledger.ts';
import { buildRegionTree, buildUser } from '../helpers/factories.ts';
import JSZip from 'jszip';
import { bulletin, ledgerExport } from '../../src/modules/ledger/service.ts';
import { BULLETIN_COLUMNS, LEDGER_HEADER } from '../../src/modules/ledger/export.ts';
import { quarterOf } from '../../src/modules/ledger/rules.ts';
import { MIN_COLUMN_TWIPS } from '../../src/platform/official-document.ts';
import { MIN_COLUMN_WIDTH } from '../../src/platform/xlsx.ts';
import type { Principal } from '../../src/platform/auth.ts';
import { documentDate, today } from '../../src/shared/time.ts';
import { cannotRender, columnWidths, render } from './render.ts';

const A4_LANDSCAPE = (w: number, h: number) => Math.round(w) === 842 && Math.round(h) === 595;

/** The checks every handed-in workbook passes, rendered: A4 landscape, title on page 1, one page wide, pages for the rows. */
async function checkWorkbook(name: string, xlsx: Buffer, o: { title: string; header: string[]; rows: number; rowsPerPage: number }) {
  const widths = await columnWidths(xlsx);
  assert.equal(widths.length, o.header.length, `${name}: a width for each of the ${o.header.length} columns`);
  for (const [i, w] of widths.entries()) assert.ok(w >= MIN_COLUMN_WIDTH, `${name}: column ${o.header[i]} is ${w} wide, narrower than four Chinese characters`);
  // fitted to one page wide, a table much wider than this would print too small to read (about 65 % at 200)
  assert.ok(widths.reduce((a, b) => a + b, 0) <= 200, `${name}: ${widths.reduce((a, b) => a + b, 0)} characters wide in all`);
  const r = render(name, 'xlsx', xlsx);
  assert.ok(A4_LANDSCAPE(r.widthPt, r.heightPt), `${name}: A4 landscape, not ${r.widthPt} × ${r.heightPt} pt`);
  const flat = (s: string) => s.replace(/\s+/g, '');
  assert.ok(flat(r.pages[0]).includes(flat(o.title)), `${name}: the title on page 1`);
  const [first, last] = [o.header[0], o.header[o.header.length - 1]];
  for (const [i, p] of r.pages.entries()) {
    assert.ok(flat(p).includes(first) && flat(p).includes(last), `${name}: page ${i + 1} holds the first (${first}) and last (${last}) columns: one page wide, headers repeated`);
  }
  assert.ok(r.pages.length <= Math.max(1, Math.ceil(o.rows / o.rowsPerPage)), `${name}: ${r.pages.length} pages for ${o.rows} rows`);
  assert.equal(r.pngs.length, r.pages.length, `${name}: a PNG of each page`);
  return r;
}

describe('the ledger\'s exports, rendered by LibreOffice', { skip: cannotRender('xlsx') }, () => {
  let t: TestDb;
  let officer: Principal;
  before(async () => {
    t = await openTestDb('pglite');
    await buildRegionTree(t.db);
    // the demo's ledger (Wendeng's plan, a report by 区医疗保障局) needs only these two sign-ins
    const u = await buildUser(t.db, { username: 'officer', role: 'officer', regionCode: '371003' });
    await buildUser(t.db, { username: 'yibao', role: 'department', regionCode: '371003' });
    await seedLedgerDemo(t.db, '371003');
    officer = { userId: u.id, username: 'officer', displayName: 'officer', role: 'officer', regionCode: '371003', facilityCode: null, ip: null };
  });
  after(() => t?.close());

  test('the ledger workbook: title on page 1, the plan\'s sections, one page wide, columns of four characters at least', async () => {
    const f = await ledgerExport(t.db, officer, undefined);
    // Wendeng's plan: 18 tasks under 二、主要任务 (its four sections （一）–（四）) and 三、组织实施
    const r = await checkWorkbook('ledger', f.content, { title: '重点工作任务台账', header: LEDGER_HEADER, rows: 18 + 6, rowsPerPage: 6 });
    const all = r.pages.join('\n').replace(/\s+/g, '');
    for (const s of ['二、主要任务', '（一）强化基层医疗卫生资源配置', '（二）壮大基层医疗卫生人才队伍', '（三）完善基层医疗卫生运行机制', '（四）拓展基层医疗卫生服务功能', '三、组织实施', '量化目标']) {
      assert.ok(all.includes(s), `the ledger shows ${s}`);
    }
  });

  test('the 通报: an official document — A4, 一、（一）1. numbering, the plan named, the date in full, the issuing unit; its table\'s columns hold four characters', { skip: cannotRender('docx') }, async () => {
    const quarter = quarterOf(today());
    const f = await bulletin(t.db, officer, { quarter });
    const xml = await (await JSZip.loadAsync(f.content)).file('word/document.xml')!.async('string');
    const cols = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    assert.equal(cols.length, BULLETIN_COLUMNS.length, 'one progress table (one plan)');
    for (const w of cols) assert.ok(w >= MIN_COLUMN_TWIPS, `a column of ${w} twips holds four characters`);
    const r = render('bulletin', 'docx', f.content);
    assert.ok(Math.round(r.widthPt) === 595 && Math.round(r.heightPt) === 842, `A4 portrait, not ${r.widthPt} × ${r.heightPt}`);
    const all = r.pages.join('\n').replace(/\s+/g, '');
    const [y, q] = [quarter.slice(0, 4), quarter.slice(5)];
    const plan = '关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案';
    assert.ok(r.pages[0].replace(/\s+/g, '').includes(`关于${y}年第${q}季度《${plan}》推进情况的通报`), 'the title, naming the plan, on page 1');
    for (const h of ['一、总体情况', '二、逾期未完成的任务', '三、进展滞后的任务', '四、本季度未报送进展的单位', '五、各项任务进展', '六、配合单位工作情况', '七、工作要求']) assert.ok(all.includes(h), h);
    assert.ok(!/[一二三四五六七]\.\s/.test(r.pages.join('\n')), 'no "一. " headings');
    assert.ok(all.includes(`截至${documentDate(today())}`) && !/截至\d{4}-\d{2}-\d{2}/.test(all), 'the day written in full, never 2026-12-02');
    assert.ok(all.endsWith(`文登区卫生健康局${documentDate(today())}`.replace(/\s+/g, '')) || all.includes(`文登区卫生健康局${documentDate(today())}`), 'the issuing unit and the date at the end');
    // 18 tasks in the table, about eight a page, and the text around it
    assert.ok(r.pages.length >= 2 && r.pages.length <= 6, `${r.pages.length} pages`);
  });
});
