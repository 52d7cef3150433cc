// Reading a plan file: plain text, Markdown, or .docx (its text through mammoth).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parsePlanText, type ParsedPlan } from './parse.ts';

/** Text from UTF-8 (with or without BOM) or, failing that, GB18030 — as Chinese office machines often save .txt; null for binary content. */
export function decodeText(buf: Buffer): string | null {
  for (const enc of ['utf-8', 'gb18030']) {
    try {
      const s = new TextDecoder(enc, { fatal: true }).decode(buf);
      if (!s.includes('\u0000')) return s.replace(/^\uFEFF/, '');
    } catch {
      // not this encoding
    }
  }
  return null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
const textOf = (html: string) => html.replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e]);

/** A .docx document's text: paragraphs one a line, and each table row one line of tab-separated cells (so an appended task table reads as one). */
export async function docxText(buf: Buffer): Promise<string> {
  const mammoth = await import('mammoth');
  const { value: html } = await mammoth.convertToHtml({ buffer: buf });
  return html
    .replace(/<table[^>]*>([\s\S]*?)<\/table>/g, (_m, table: string) => '\n' + [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
      .map((tr) => [...tr[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((td) => textOf(td[1].replace(/<\/p>\s*<p[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim()).join('\t'))
      .join('\n') + '\n')
    .replace(/<\/(p|h[1-6]|li)>/g, '\n')
    .split('\n').map((l) => (l.includes('\t') ? l : textOf(l))).join('\n');
}

/** Parses a plan from a .txt, .md or .docx file. */
export async function parsePlanFile(path: string): Promise<ParsedPlan> {
  const ext = extname(path).toLowerCase();
  if (ext === '.docx') return parsePlanText(await docxText(await readFile(path)));
  if (ext && !['.txt', '.md', '.markdown', '.text'].includes(ext)) throw new Error(`unsupported file type ${ext}: use .txt, .md or .docx`);
  const text = decodeText(await readFile(path));
  if (text === null) throw new Error(`${path} is not UTF-8 or GB18030 text`);
  return parsePlanText(text);
}
