// The Word monitoring report rendered as a reader gets it: LibreOffice converts the demo county's report to PDF
// (kept under test-results/exports/ to look at). Checked: A4, a page count that fits the
// targets, every table column wide enough for four characters, the issuing unit and the date in GB/T 9704-2012's
// form. Runs where LibreOffice is installed (.ci/run installs libreoffice-writer); elsewhere it says it skipped.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { openTestDb, type TestDb } from '../helpers/db.ts';
import { seedCounty } from '../../src/modules/demo/seed.ts';
import { targetsWithStatus } from '../../src/modules/indicators/service.ts';
import { issuingUnit, reportDocx } from '../../src/modules/indicators/export.ts';
import { documentDate, today } from '../../src/shared/time.ts';

const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
const OUT = new URL('../../test-results/exports/', import.meta.url).pathname;

describe('the Word monitoring report, rendered by LibreOffice', { skip: SOFFICE ? false : 'LibreOffice not installed (apt-get install libreoffice-writer); .ci/run installs it' }, () => {
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
    const dir = mkdtempSync(join(tmpdir(), 'meridian-render-'));
    const file = join(dir, 'report.docx');
    writeFileSync(file, docx);
    const env = { ...process.env, HOME: dir };
    execFileSync(SOFFICE!, ['--headless', '--norestore', '--convert-to', 'pdf', '--outdir', dir, file], { env, timeout: 180_000, stdio: 'ignore' });
    const pdf = readFileSync(join(dir, 'report.pdf'));
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    // the cover text, the table (about twelve targets a page) and the rules and definitions
    assert.ok(targets >= 3, `${targets} targets`);
    assert.ok(pages >= 2 && pages <= 2 + Math.ceil(targets / 6), `${pages} pages for ${targets} targets`);
    const text = pdf.toString('latin1');
    assert.ok(/\/MediaBox\s*\[\s*0 0 595\.\d* 841\.\d*/.test(text) || /\/MediaBox\s*\[\s*0 0 595 842/.test(text), 'the PDF pages are A4 (595 × 842 pt)');
    mkdirSync(OUT, { recursive: true });
    copyFileSync(join(dir, 'report.pdf'), join(OUT, 'report.pdf'));
  });
});
