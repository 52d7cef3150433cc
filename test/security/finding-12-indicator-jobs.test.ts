// Issue 23, finding 12: POST /api/indicators/compute held the embedded database for the whole
// computation (~50 s on the demo county): /healthz waited as long, and nothing stopped a second call.
// Now the computation is a job: the request answers 202 at once with the job, a second request while it
// runs answers 409 naming it, GET /api/indicators/jobs/:id shows its progress, and requests keep being
// answered while it runs: on PostgreSQL, and on PGlite as the server runs it — in a worker thread of its
// own, so a long statement never holds the server's thread; /healthz answers 'busy' at once while the
// database is working on one. Latency figures: bench/healthz.ts (timed tests would be flaky here).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type Engine } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { seedCounty } from '../../src/modules/demo/seed.ts';
import { jobFinished } from '../../src/modules/indicators/jobs.ts';

const RESIDENTS = Number(process.env.FINDING12_RESIDENTS ?? 1500);

const ENGINES_HERE: Engine[] = ['pglite-worker', ...ENGINES.filter((e) => e !== 'pglite')];
for (const engine of ENGINES_HERE) {
  describe(`finding 12: indicator computations run as jobs and never block requests [${engine}]`, () => {
    let t: TestApp;
    let officer: string;
    before(async () => {
      t = await openTestApp(engine);
      await seedCounty(t.db, t.keys, { county: '371003', residents: RESIDENTS, seed: 3, indicators: false });
      officer = await t.signIn('officer12', 'officer', { regionCode: '371003' });
    });
    after(() => t.close());

    test('202 with a job; a second request 409 naming it; progress; /healthz answered meanwhile (goal 100 ms; see below)', async () => {
      const first = await t.app.inject({ method: 'POST', url: '/api/indicators/compute', headers: { cookie: officer }, payload: {} });
      assert.equal(first.statusCode, 202, first.body);
      const job = first.json();
      assert.equal(job.state, 'running');
      assert.equal(job.county, '371003');

      const second = await t.app.inject({ method: 'POST', url: '/api/indicators/compute', headers: { cookie: officer }, payload: { period: '2025-01' } });
      assert.equal(second.statusCode, 409, second.body);
      assert.equal(second.json().error.code, 'indicator.job_running');
      assert.ok(second.json().error.fields.some((f: { path: string; problem: string }) => f.path === 'job' && f.problem.includes(job.id)), second.body);

      // Health checks every 10 ms while the job runs, each timed from send to answer; progress read on the way.
      const finished = jobFinished(t.db, job.id);
      let running = true;
      void finished.then(() => { running = false; });
      const latencies: number[] = [];
      const seen = new Set<number>();
      while (running) {
        const t0 = performance.now();
        const h = await t.app.inject({ method: 'GET', url: '/healthz' });
        latencies.push(performance.now() - t0);
        assert.equal(h.statusCode, 200);
        const p = await t.app.inject({ method: 'GET', url: `/api/indicators/jobs/${job.id}`, headers: { cookie: officer } });
        assert.equal(p.statusCode, 200, p.body);
        if (p.json().state === 'running') seen.add(p.json().done);
        await new Promise((r) => setTimeout(r, 10));
      }
      const end = await finished;
      assert.equal(end.state, 'done', end.error ?? '');
      assert.ok(end.steps > 0 && end.done === end.steps, `${end.done}/${end.steps}`);
      assert.ok(seen.size >= 3, `progress seen at ${[...seen].join(', ')}`);
      const max = Math.max(...latencies);
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(JSON.stringify({ engine, residents: RESIDENTS, healthChecks: latencies.length, maxMs: +max.toFixed(1), p50Ms: +sorted[Math.floor(sorted.length / 2)].toFixed(1), jobMs: end.result?.ms }));
      assert.ok(latencies.length >= 10, `only ${latencies.length} health checks during the job`);
      // A regression to blocking (the whole computation in one hold: ~50 s on the demo county) fails here; the
      // 100 ms goal is measured by bench/healthz.ts, not by a timed test on a shared machine.
      assert.ok(max < 1000, `slowest /healthz during the computation: ${max.toFixed(1)} ms`);

      const [{ n }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM indicator_values WHERE county_code = '371003' AND source = 'computed'`);
      assert.equal(n, end.result?.values);
      // Once it has ended, another computation may start.
      const again = await t.app.inject({ method: 'POST', url: '/api/indicators/compute', headers: { cookie: officer }, payload: { period: '2025-01', codes: ['beds_per_1000'] } });
      assert.equal(again.statusCode, 202, again.body);
      assert.equal((await jobFinished(t.db, again.json().id)).state, 'done');
    });

    test('an unknown job answers 404; the job is for editors only', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/indicators/jobs/00000000-0000-4000-8000-000000000001', headers: { cookie: officer } });
      assert.equal(r.statusCode, 404);
      const doc = await t.signIn('mgr12', 'manager', { regionCode: '371003' });
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/indicators/jobs/00000000-0000-4000-8000-000000000001', headers: { cookie: doc } })).statusCode, 403);
    });
  });
}
