#!/usr/bin/env node
// npm run bench -- NAME [args]: runs bench/NAME.ts (or bench/NAME/index.ts); its last line is one JSON object.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: npm run bench -- NAME [args]');
  process.exit(2);
}
const file = [`bench/${name}.ts`, `bench/${name}/index.ts`].find((f) => existsSync(f));
if (!file) {
  console.error(`no benchmark named ${name} in bench/`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
