// Processes a test starts (servers, seeds): each in a process group of its own, ended with its group
// when the test stops it, when the test process exits, is interrupted, or is killed outright; and
// free ports chosen by the OS, never a fixed number.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

const GUARD = new URL('./group-guard.mjs', import.meta.url).pathname;
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone */
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers must be synchronous: SIGKILL the groups still running.
  process.on('exit', () => { for (const c of running) killGroup(c, 'SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const c of running) killGroup(c, 'SIGKILL');
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export interface GroupProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the group leader exits. */
  exited: Promise<number | null>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts a command in a process group of its own. With `guard` (the default) the group leader is
 * test/helpers/group-guard.mjs, which ends the group when this process is gone, however it ends;
 * without it, child.pid is the command itself (for a test that checks the pid a lock names), and
 * the exit hooks of this process end it.
 */
export function spawnGroup(cmd: string, args: string[], opts: SpawnOptions & { guard?: boolean } = {}): GroupProcess {
  hookExit();
  const guard = opts.guard ?? true;
  const child = guard
    ? spawn(process.execPath, [GUARD, '--', cmd, ...args], { ...opts, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { running.delete(child); resolve(code); }));
  return {
    child,
    output: () => log,
    exited,
    async stop(graceMs = 15_000) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes too.
      if (child.pid !== undefined) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ }
      return code;
    },
  };
}

/** Runs a command in its own group to the end; the group is killed when `timeoutMs` passes. */
export async function runGroup(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs: number }): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const p = spawnGroup(cmd, args, opts);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; void p.stop(5_000); }, opts.timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output(), timedOut };
}

/** A TCP port free at this moment on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Waits until `text` appears in the output, or fails (with the output) on exit or after `timeoutMs`. */
export function waitForOutput(p: GroupProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (p.output().includes(text)) {
        done();
        resolve();
      }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`"${text}" did not appear in ${timeoutMs} ms:\n${p.output()}`)); }, timeoutMs);
    const onExit = (code: number | null) => { done(); if (!p.output().includes(text)) reject(new Error(`exited with ${code} before "${text}":\n${p.output()}`)); else resolve(); };
    const done = () => {
      clearTimeout(timer);
      p.child.stdout?.off('data', check);
      p.child.stderr?.off('data', check);
      p.child.off('exit', onExit);
    };
    p.child.stdout?.on('data', check);
    p.child.stderr?.on('data', check);
    p.child.once('exit', onExit);
    check();
  });
}
