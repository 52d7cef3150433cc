// Reading a plan file: plain text, Markdown, or .docx (its text through mammoth).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parsePlanText, type ParsedPlan } from './parse.ts';

/** Parses a plan from a .txt, .md or .docx file. */
export async function parsePlanFile(path: string): Promise<ParsedPlan> {
  const ext = extname(path).toLowerCase();
  if (ext === '.docx') {
    const mammoth = await import('mammoth');
    const { value } = await mammoth.extractRawText({ buffer: await readFile(path) });
    return parsePlanText(value);
  }
  if (ext && !['.txt', '.md', '.markdown', '.text'].includes(ext)) throw new Error(`unsupported file type ${ext}: use .txt, .md or .docx`);
  return parsePlanText(await readFile(path, 'utf8'));
}
