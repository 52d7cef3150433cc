// Renders an export as its reader gets it: LibreOffice (Writer for .docx, Calc for .xlsx) converts it to PDF,
// poppler's pdftotext reads each page's text and pdftoppm draws each page as a PNG under test-results/exports/
// (to be looked at). Used by the render tests, which skip with a reason where LibreOffice cannot convert the kind.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
export const OUT = new URL('../../test-results/exports/', import.meta.url).pathname;
const LO = '/usr/lib/libreoffice/program';

/** Why a kind of file cannot be rendered here (no LibreOffice, no Calc for .xlsx, no poppler), or false when it can. */
export function cannotRender(kind: 'docx' | 'xlsx'): string | false {
  if (!SOFFICE) return 'LibreOffice not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui); .ci/run installs it';
  // Calc's and Writer's filters ship in their own packages (libsc… / libsw…); the core alone converts neither.
  const lib = kind === 'xlsx' ? 'libsclo.so' : 'libswlo.so';
  if (existsSync(LO) && !readdirSync(LO).includes(lib)) return `LibreOffice ${kind === 'xlsx' ? 'Calc' : 'Writer'} not installed (apt-get install libreoffice-${kind === 'xlsx' ? 'calc' : 'writer'}-nogui)`;
  if (!existsSync('/usr/bin/pdftotext') || !existsSync('/usr/bin/pdftoppm')) return 'poppler-utils (pdftotext, pdftoppm) not installed';
  return false;
}

export interface Rendered { pages: string[]; widthPt: number; heightPt: number; pngs: string[] }

/** Converts a file to PDF with LibreOffice, returns each page's text and size, and writes the PDF and the pages' PNGs as `name`. */
export function render(name: string, ext: 'docx' | 'xlsx', content: Buffer): Rendered {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-render-'));
  try {
    const file = join(dir, `${name}.${ext}`);
    writeFileSync(file, content);
    execFileSync(SOFFICE!, ['--headless', '--norestore', '--convert-to', 'pdf', '--outdir', dir, file], { env: { ...process.env, HOME: dir }, timeout: 180_000, stdio: 'ignore' });
    const pdf = join(dir, `${name}.pdf`);
    const info = execFileSync('/usr/bin/pdfinfo', [pdf], { encoding: 'utf8' });
    const size = /Page size:\s*([\d.]+) x ([\d.]+) pts/.exec(info)!;
    const count = Number(/Pages:\s*(\d+)/.exec(info)![1]);
    const pages: string[] = [];
    for (let i = 1; i <= count; i++) pages.push(execFileSync('/usr/bin/pdftotext', ['-layout', '-f', String(i), '-l', String(i), pdf, '-'], { encoding: 'utf8' }));
    mkdirSync(OUT, { recursive: true });
    for (const f of readdirSync(OUT)) if (f.startsWith(`${name}-`) && f.endsWith('.png')) rmSync(join(OUT, f));
    copyFileSync(pdf, join(OUT, `${name}.pdf`));
    execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '90', pdf, join(OUT, name)]);
    const pngs = readdirSync(OUT).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')).sort().map((f) => join(OUT, f));
    return { pages, widthPt: Number(size[1]), heightPt: Number(size[2]), pngs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The widths of a workbook's first sheet's columns (in characters, as Excel stores them), read from its XML. */
export async function columnWidths(xlsx: Buffer): Promise<number[]> {
  const { default: JSZip } = await import('jszip');
  const xml = await (await JSZip.loadAsync(xlsx)).file('xl/worksheets/sheet1.xml')!.async('string');
  const out: number[] = [];
  for (const m of xml.matchAll(/<col min="(\d+)" max="(\d+)" width="([\d.]+)"/g)) for (let c = Number(m[1]); c <= Number(m[2]); c++) out[c - 1] = Number(m[3]);
  return out;
}

