// The Word monitoring report rendered as a reader gets it: LibreOffice converts the demo county's report to PDF
// (kept, with a PNG of each page, under test-results/exports/ to look at). Checked: A4, a page count that fits the
// targets, every table column wide enough for four characters, the issuing unit and the date in GB/T 9704-2012's
// form. Runs where LibreOffice is installed (.ci/run installs libreoffice-writer); elsewhere it says it skipped.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { seedCounty } from '../../src/modules/demo/seed.ts';
import { targetsWithStatus } from '../../src/modules/indicators/service.ts';
import { issuingUnit, reportDocx } from '../../src/modules/indicators/export.ts';
import { documentDate, today } from '../../src/shared/time.ts';
import { cannotRender, render } from './render.ts';


describe('the Word monitoring report, rendered by LibreOffice', { skip: cannotRender('docx') }, () => {
  let t: TestDb;
  let docx: Buffer;
  let targets = 0;
  before(async () => {
    t = await openTestDb('pglite');
    await seedCounty(t.db, t.keys, { county: '371003', residents: 2000, seed: 3 });
    const ts = await targetsWithStatus(t.db, '371003', {});
    targets = ts.length;
    docx = await reportDocx({ countyName: '文登区', period: today().slice(0, 4), computedAt: new Date().toISOString(), targets: ts, issuedOn: '2026-12-01' });
  });
  after(() => t?.close());

  test('A4, every column wide enough for four characters, the issuing unit and the date written in full', async () => {
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
    const page = /<w:pgSz w:w="(\d+)" w:h="(\d+)"/.exec(xml);
    assert.ok(page, 'a page size');
    assert.deepEqual([Math.round(Number(page[1]) / 56.6929), Math.round(Number(page[2]) / 56.6929)], [210, 297], 'A4 in millimetres');
    const cols = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    assert.equal(cols.length, 7, 'seven columns');
    // four characters of 五号 (10.5 pt = 210 twips each) and the cell's two default margins (108 twips each)
    for (const w of cols) assert.ok(w >= 4 * 210 + 2 * 108, `a column of ${w} twips holds four characters`);
    assert.ok(cols.reduce((a, b) => a + b, 0) <= Math.round(156 * 56.6929), 'the table fits the 156 mm text block');
    assert.equal(documentDate('2026-12-01'), '2026年12月1日');
    assert.equal(documentDate('2027-01-09'), '2027年1月9日');
    assert.ok(xml.includes(issuingUnit('文登区')) && xml.includes('文登区卫生健康局') && xml.includes('2026年12月1日'));
  });

  test('LibreOffice renders it: a page count that fits the targets, the title and the unit on the pages', async () => {
    const r = render('report', 'docx', docx);
    // the cover text, the table (about twelve targets a page) and the rules and definitions
    assert.ok(targets >= 3, `${targets} targets`);
    assert.ok(r.pages.length >= 2 && r.pages.length <= 2 + Math.ceil(targets / 6), `${r.pages.length} pages for ${targets} targets`);
    assert.ok(Math.round(r.widthPt) === 595 && Math.round(r.heightPt) === 842, `the PDF pages are A4 (595 × 842 pt), not ${r.widthPt} × ${r.heightPt}`);
    const flat = (x: string) => x.replace(/\s+/g, '');
    assert.ok(flat(r.pages[0]).includes('文登区医疗卫生服务体系建设监测评价报告'), 'the title on page 1');
    assert.ok(flat(r.pages[r.pages.length - 1]).includes('文登区卫生健康局2026年12月1日'), 'the issuing unit and the date on the last page');
    assert.equal(r.pngs.length, r.pages.length, 'a PNG of each page under test-results/exports/');
  });
});
