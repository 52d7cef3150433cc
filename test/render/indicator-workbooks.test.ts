// The indicators' workbooks rendered as a reader prints them: LibreOffice Calc converts the demo county's targets
// workbook (targets.xlsx) and a league table (values.xlsx) to PDF; the pages are checked — A4 landscape, the title on
// page 1, one page wide, no column narrower than four Chinese characters — and drawn as PNGs under test-results/exports/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { seedCounty } from '../../src/modules/demo/seed.ts';
import { buildUser } from '../helpers/factories.ts';
import { catalogue, targetsWithStatus, values } from '../../src/modules/indicators/service.ts';
import { targetsWorkbook, valuesWorkbook } from '../../src/modules/indicators/export.ts';
import { MIN_COLUMN_WIDTH } from '../../src/platform/xlsx.ts';
import type { Principal } from '../../src/platform/auth.ts';
import { today } from '../../src/shared/time.ts';
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

describe('the indicators\' workbooks, rendered by LibreOffice Calc', { skip: cannotRender('xlsx') }, () => {
  let t: TestDb;
  let officer: Principal;
  before(async () => {
    t = await openTestDb('pglite');
    await seedCounty(t.db, t.keys, { county: '371003', residents: 800, seed: 3 });
    const u = await buildUser(t.db, { username: 'officer', role: 'officer', regionCode: '371003' });
    officer = { userId: u.id, username: 'officer', displayName: 'officer', role: 'officer', regionCode: '371003', facilityCode: null, ip: null };
  });
  after(() => t?.close());

  test('targets.xlsx: title on page 1, one page wide, A4 landscape', async () => {
    const ts = await targetsWithStatus(t.db, '371003', {});
    assert.ok(ts.length >= 3, `${ts.length} targets`);
    const day = today();
    const header = ['指标', '地区', '目标', '期限', '当前值', '统计期', '状态', '推算值', '来源规划', '原文', '备注', '数据质量'];
    await checkWorkbook('targets', await targetsWorkbook(ts, { countyName: '文登区', day }), { title: '文登区规划目标监测表', header, rows: ts.length, rowsPerPage: 8 });
  });

  test('values.xlsx: a league table by township, one page wide', async () => {
    const d = catalogue().find((x) => x.code === 'contract_coverage')!;
    const period = today().slice(0, 4);
    const v = await values(t.db, officer, { code: d.code, period, level: 'township' });
    assert.ok(v.items.length >= 2, `${v.items.length} townships`);
    const header = ['单位', `${d.name.zh}（%）`, '分子', '分母', '来源', '时间', '录入人', '备注', '数据质量'];
    await checkWorkbook('values', await valuesWorkbook(d.code, period, 'township', v.items), { title: `${d.name.zh}（${period}，按乡镇（街道））`, header, rows: v.items.length, rowsPerPage: 20 });
  });
});
