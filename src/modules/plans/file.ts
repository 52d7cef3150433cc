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

/** Parses a plan from a .txt, .md or .docx file. */
export async function parsePlanFile(path: string): Promise<ParsedPlan> {
  const ext = extname(path).toLowerCase();
  if (ext === '.docx') {
    const mammoth = await import('mammoth');
    const { value } = await mammoth.extractRawText({ buffer: await readFile(path) });
    return parsePlanText(value);
  }
  if (ext && !['.txt', '.md', '.markdown', '.text'].includes(ext)) throw new Error(`unsupported file type ${ext}: use .txt, .md or .docx`);
  const text = decodeText(await readFile(path));
  if (text === null) throw new Error(`${path} is not UTF-8 or GB18030 text`);
  return parsePlanText(text);
}
