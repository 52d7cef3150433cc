// bench/healthz: how fast /healthz answers while a full indicator computation runs, through a real
// listening server, on the embedded database as the server runs it (PGlite in its worker thread) — and,
// in the same run, the same computation on in-process PGlite (every statement on the server's thread,
// as before), and /healthz when nothing runs (the baseline). The goal: within 100 ms during the job.
//   npm run bench -- healthz [--residents 20000] [--every 10] [--worker-only]
import { parseArgs } from 'node:util';
import type { Engine } from '../test/helpers/db.ts';
import { openTestApp } from '../test/helpers/app.ts';
import { seedCounty } from '../src/modules/demo/seed.ts';
import { jobFinished } from '../src/modules/indicators/jobs.ts';

const { values } = parseArgs({ options: { residents: { type: 'string', default: '20000' }, every: { type: 'string', default: '10' }, 'worker-only': { type: 'boolean', default: false } } });
const N = Number(values.residents), EVERY = Number(values.every);
const q = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(1);

async function measure(engine: Engine) {
  const t = await openTestApp(engine);
  try {
    await seedCounty(t.db, t.keys, { county: '371003', residents: N, seed: 9, indicators: false });
    const officer = await t.signIn('bench_officer', 'officer', { regionCode: '371003' });
    const port = await new Promise<number>((resolve) => { void t.app.listen({ port: 0, host: '127.0.0.1' }).then(() => resolve((t.app.server.address() as { port: number }).port)); });
    const health = async () => { const a = performance.now(); const r = await fetch(`http://127.0.0.1:${port}/healthz`); const body = await r.json() as { status: string; database?: string }; return { ms: performance.now() - a, ok: r.status === 200, busy: body.database === 'busy' }; };
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) idle.push((await health()).ms);
    const start = await fetch(`http://127.0.0.1:${port}/api/indicators/compute`, { method: 'POST', headers: { cookie: officer, 'content-type': 'application/json' }, body: '{}' });
    const job = await start.json() as { id: string };
    let running = true;
    const finished = jobFinished(t.db, job.id).finally(() => { running = false; });
    const during: number[] = [];
    let busy = 0, failed = 0;
    while (running) {
      const h = await health();
      during.push(h.ms);
      if (h.busy) busy++;
      if (!h.ok) failed++;
      await new Promise((r) => setTimeout(r, EVERY));
    }
    const end = await finished;
    return { engine, job_ms: end.result?.ms ?? null, job_state: end.state, checks: during.length, busy_answers: busy, failed, idle_p50_ms: q(idle, 0.5),
      during_p50_ms: q(during, 0.5), during_p95_ms: q(during, 0.95), during_max_ms: q(during, 1) };
  } finally {
    await t.close();
  }
}

const worker = await measure('pglite-worker');
const inProcess = values['worker-only'] ? null : await measure('pglite');
console.log(JSON.stringify({ bench: 'healthz', residents: N, worker, in_process: inProcess,
  worker_max_over_idle_p50: +(worker.during_max_ms / Math.max(worker.idle_p50_ms, 0.1)).toFixed(1), goal_max_ms: 100, goal_met: worker.during_max_ms <= 100 }));
