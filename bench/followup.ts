// bench/followup: the full national hypertension follow-up form (高血压患者随访服务记录表) entered keyboard-only at a
// human typing pace, from the village doctor's worklist to the saved visit and the next patient's row focused, in
// headless Chromium on the built app over a copy of the browser tests' seeded county (test/e2e/followup-keys.ts).
//   npm run bench -- followup [--pace 200] [--patients 3]
// Prints seconds per visit (median and worst) next to the baseline of the same run: the keys alone at the pace
// (keys × pace), so that `ratio` is what the app adds to the typing. Goal: ≤ 20 s a visit (Simple.org's app records a
// visit in about 16 s). Needs Chromium and dist/web (npm run build).
import { parseArgs } from 'node:util';
import { copyOfSharedCounty } from '../test/e2e/county.ts';
import { launchBrowser, signInUi, startMeridian } from '../test/e2e/helpers.ts';
import { enterFullFollowUp } from '../test/e2e/followup-keys.ts';
import { DEMO_PASSWORD } from '../src/modules/demo/demo.ts';

const { values } = parseArgs({ options: { pace: { type: 'string', default: '200' }, patients: { type: 'string', default: '3' } } });
const PACE = Number(values.pace), PATIENTS = Number(values.patients);

const server = await startMeridian(await copyOfSharedCounty());
const browser = await launchBrowser();
const runs: { seconds: number; keys: number }[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signInUi(page, server.url, 'village', DEMO_PASSWORD);
  await page.waitForSelector('[data-testid="home-welcome"]');
  await page.goto(`${server.url}/chronic/worklist`);
  await page.waitForSelector('[data-testid="worklist"] .ant-table-row');
  const items = await page.evaluate(async () => (await (await fetch('/api/chronic/worklist?limit=500')).json()).items as { residentId: string; name: string; programme: string | null; kind: string }[]);
  // Patients whose name finds only them, one after the other as a day's list: each visit starts on the worklist.
  const patients = items.filter((x) => x.kind === 'chronic' && x.programme === 'hypertension' && items.filter((y) => y.name.includes(x.name)).length === 1).slice(0, PATIENTS);
  if (patients.length < PATIENTS) throw new Error(`only ${patients.length} hypertension patients with a name of their own on the worklist`);
  for (const p of patients) {
    // Each visit starts on a freshly opened worklist (the search box focused). The URL differs from the one 下一位 leaves
    // (whose history state focuses the first row), so that this is a new page, not a reload of that one.
    await page.goto(`${server.url}/chronic/worklist?visit=${runs.length + 1}`);
    await page.waitForSelector('[data-testid="worklist"] .ant-table-row');
    const run = await enterFullFollowUp(page, p.name, PACE);
    if (run.residentId !== p.residentId) throw new Error(`the name ${p.name} opened another resident`);
    runs.push({ seconds: run.ms / 1000, keys: run.keys });
    console.error(`${p.name}: ${run.keys} keys in ${(run.ms / 1000).toFixed(1)} s`);
  }
} finally {
  await browser.close();
  await server.stop();
}
const secs = runs.map((r) => r.seconds).sort((a, b) => a - b);
const keys = runs[0].keys;
const typing = (keys * PACE) / 1000;
const median = secs[Math.floor(secs.length / 2)];
console.log(JSON.stringify({
  bench: 'followup', form: '高血压患者随访服务记录表 (full)', patients: runs.length, keysPerVisit: keys, paceMs: PACE,
  secondsMedian: +median.toFixed(1), secondsWorst: +secs[secs.length - 1].toFixed(1),
  baselineTypingSeconds: +typing.toFixed(1), ratio: +(median / typing).toFixed(2), goalSeconds: 20, met: secs[secs.length - 1] <= 20,
}));
