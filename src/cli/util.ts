import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../platform/config.ts';
import type { Runtime } from '../platform/runtime.ts';

/** A command-line failure: printed as one line (Chinese / English), exit code 1. */
export class CliError extends Error {
  /** Give both texts; a single text is printed as it is (it must then hold both languages). */
  constructor(zh: string, en?: string) {
    super(en === undefined ? zh : `${zh} / ${en}`);
  }
}

/** The validated configuration from the environment. */
export function config(): Config {
  return loadConfig();
}

/** Opens the configured database for one command and closes it afterwards. */
export async function withRuntime<T>(name: string, fn: (rt: Runtime) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  // (imported here, not at the top: a command refused before it opens anything loads none of it)
  const [{ openRuntime }, { syncReferenceData }] = await Promise.all([import('../platform/runtime.ts'), import('../reference-data.ts')]);
  const rt = await openRuntime(config(), `meridian ${name}`, { afterMigrate: syncReferenceData, ...opts });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** Reads all of standard input (a password), without its final newline. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('--password-stdin 须从标准输入读取密码（如 echo "$PW" | meridian user add …）', '--password-stdin expects the password on standard input (e.g. echo "$PW" | meridian user add …)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A file's text, or a one-line CLI error naming it. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`无法读取文件 ${file}`, `cannot read ${file}`);
  }
}

/**
 * Refuses, before anything is opened or written, a command that works on existing data when the
 * embedded data folder holds no database yet (opening it would create one).
 */
export function requireDatabase(command: string): void {
  const c = config();
  if (c.databaseUrl) return;
  if (!existsSync(join(c.dataDir, 'db'))) {
    throw new CliError(`数据目录 ${c.dataDir} 中还没有数据库，请先运行 meridian migrate 或 meridian seed（${command}）`,
      `no database in the data folder ${c.dataDir} yet: run meridian migrate or meridian seed first (${command})`);
  }
}
