#!/usr/bin/env node
// The leader of a process group that a test starts (test/helpers/processes.ts): runs the command given
// after `--` in its own group, and ends the whole group when the test process that started it is gone
// (its end of our standard input closes: the test ended, crashed or was killed, even with SIGKILL),
// so that no server or seed outlives its test with parent PID 1.
import { spawn } from 'node:child_process';

const [cmd, ...args] = process.argv.slice(process.argv.indexOf('--') + 1);
const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let ending = false;
const endGroup = () => {
  if (ending) return;
  ending = true;
  try { process.kill(-process.pid, 'SIGTERM'); } catch { /* already gone */ }
  setTimeout(() => { try { process.kill(-process.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000).unref();
};
// SIGTERM reaches the whole group from the test (kill -PGID): let the command stop cleanly and exit with it.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.stdin.on('end', endGroup);
process.stdin.on('error', endGroup);
process.stdin.resume();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 9 : 1)));
