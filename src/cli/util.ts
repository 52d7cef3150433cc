import { readFileSync } from 'node:fs';
import { loadConfig, type Config } from '../platform/config.ts';
import { openRuntime, type Runtime } from '../platform/runtime.ts';
import { syncReferenceData } from '../modules/records/reference.ts';

/** A command-line failure: printed as one line, exit code 1. */
export class CliError extends Error {}

/** The validated configuration from the environment. */
export function config(): Config {
  return loadConfig();
}

/** Opens the configured database for one command and closes it afterwards. */
export async function withRuntime<T>(name: string, fn: (rt: Runtime) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const rt = await openRuntime(config(), `meridian ${name}`, { afterMigrate: syncReferenceData, ...opts });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** Reads all of standard input (a password), without its final newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin expects the password on standard input (e.g. echo "$PW" | meridian user add …)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A file's text, or a one-line CLI error naming it. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
}
