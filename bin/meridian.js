#!/usr/bin/env node
// The `meridian` command. Runs the TypeScript sources through tsx, so there is no server build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
