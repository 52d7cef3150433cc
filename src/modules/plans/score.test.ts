// The plan reader scored against readings written by hand (test/fixtures/plans/*.expected.json):
// recall and precision of tasks, units, targets, target years and deadlines, each ≥ 0.95 on every plan.
// `npm test -- plans/score` prints the table; PLAN_SCORE_DETAIL=1 lists every miss.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { parsePlanText } from './parse.ts';
import { scorePlan, isClauseAsUnit, type ExpectedPlan, type PlanScore } from './score.ts';

const PLANS = new URL('../../../test/fixtures/plans/', import.meta.url).pathname;
const r2 = (x: number) => Math.round(x * 1000) / 1000;

// A fixture's first line may be an HTML comment naming its source; it is not part of the plan.
export const planText = (f: string) => readFileSync(`${PLANS}${f}${existsSync(`${PLANS}${f}.md`) ? '.md' : '.txt'}`, 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');

// The three plans the reader was first written on; two variants written for the tests; real plans of
// other shapes found later (a county task breakdown, a ledger, a prefecture 医共体 plan with no number
// of its own); and ordos-2024, held out: read by hand before the reader was run on it; its first score (target and year
// recall 0.6: two ratios, 1:1.6, missed; all else 1) is in its expected reading's note.
const ALL = ['haidong-2024', 'wendeng-2024', 'tongren-2021', 'variant-county', 'variant-city', 'lingbi-2021', 'guangdong-ledger-2021', 'hainanzhou-2024', 'ordos-2024'];
const KEYS = ['taskRecall', 'taskPrecision', 'unitRecall', 'unitPrecision', 'targetRecall', 'targetPrecision', 'yearRecall', 'yearPrecision', 'deadlineRecall', 'deadlinePrecision'] as const;
const rows: Record<string, string | number>[] = [];
after(() => { if (rows.length) console.log(`\n${table(rows)}`); });

function table(rs: Record<string, string | number>[]): string {
  const cols = ['plan', ...KEYS];
  const w = cols.map((c) => Math.max(c.length, ...rs.map((r) => String(r[c]).length)));
  return [cols, ...rs.map((r) => cols.map((c) => String(r[c])))].map((cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ')).join('\n');
}

for (const f of ALL) {
  test(`${f}: scored against the expected reading`, () => {
    const exp = JSON.parse(readFileSync(`${PLANS}${f}.expected.json`, 'utf8')) as ExpectedPlan;
    const got = parsePlanText(planText(f));
    const s = scorePlan(got, exp);
    rows.push({ plan: f, ...Object.fromEntries(KEYS.map((k) => [k, r2(s[k])])) });
    if (process.env.PLAN_SCORE_DETAIL) console.log(JSON.stringify({ plan: f, missedTasks: s.missedTasks, unitErrors: s.unitErrors, deadlineErrors: s.deadlineErrors, missedTargets: s.missedTargets, extraTargets: s.extraTargets, yearErrors: s.yearErrors }, null, 1));
    assert.deepEqual({ title: got.title, issuer: got.issuer, docNumber: got.docNumber, date: got.date }, { title: exp.title, issuer: exp.issuer, docNumber: exp.docNumber, date: exp.date });
    const low = KEYS.filter((k) => s[k] < 0.95);
    assert.deepEqual(low.map((k) => `${k} ${r2(s[k])}`), [], JSON.stringify(detail(s, low)));
  });
}

function detail(s: PlanScore, low: readonly (typeof KEYS)[number][]) {
  const d: Record<string, string[]> = {};
  if (low.some((k) => k.startsWith('task'))) d.missedTasks = s.missedTasks;
  if (low.some((k) => k.startsWith('unit'))) d.unitErrors = s.unitErrors;
  if (low.some((k) => k.startsWith('target'))) { d.missedTargets = s.missedTargets; d.extraTargets = s.extraTargets; }
  if (low.some((k) => k.startsWith('year'))) d.yearErrors = s.yearErrors;
  if (low.some((k) => k.startsWith('deadline'))) d.deadlineErrors = s.deadlineErrors;
  return d;
}

test('the scorer fails a reading that misses tasks, units, targets, years and deadlines', () => {
  const exp = JSON.parse(readFileSync(`${PLANS}wendeng-2024.expected.json`, 'utf8')) as ExpectedPlan;
  const got = parsePlanText(planText('wendeng-2024'));
  const worse = { ...got, tasks: got.tasks.slice(2).map((t) => ({ ...t, responsibleUnits: t.responsibleUnits.slice(1), deadline: null })), targets: got.targets.slice(3).map((t) => ({ ...t, year: null })) };
  const s = scorePlan(worse, exp);
  for (const k of ['taskRecall', 'unitRecall', 'targetRecall', 'yearRecall', 'deadlineRecall'] as const) assert.ok(s[k] < 0.95, `${k} ${s[k]}`);
  // Wrong comparators, years and deadlines are wrong, not missing.
  const wrong = { ...got, tasks: got.tasks.map((t) => ({ ...t, deadline: t.deadline ? '2099-12-31' : '2099-01-31' })), targets: got.targets.map((t) => ({ ...t, year: 2099, comparator: t.comparator === '=' ? '>=' as const : t.comparator })) };
  const w = scorePlan(wrong, exp);
  assert.ok(w.deadlinePrecision === 0 && w.deadlineRecall === 0 && w.yearRecall === 0 && w.targetRecall < 0.95, JSON.stringify(w));
});

test('a blanket clause read as a unit counts against the reading even where the expected reading lists it', () => {
  for (const u of ['其余任务由各相关部门按职责分工负责', '其他各项任务', '由各县区负责落实', '各相关部门按职责分工负责']) assert.equal(isClauseAsUnit(u), true, u);
  for (const u of ['市卫生健康委', '各县区人民政府', '县政府有关部门', '市直相关医疗机构', '规划信息处（爱卫办）']) assert.equal(isClauseAsUnit(u), false, u);
  const exp: ExpectedPlan = { title: 't', issuer: null, docNumber: null, date: null, targets: [], tasks: [{ number: '1', title: '甲乙丙丁', responsible: ['市卫健委', '其余任务由各相关部门负责'], cooperating: [] }] };
  const got = { title: 't', issuer: null, docNumber: null, date: null, targets: [], tasks: [{ path: ['1'], number: '1', title: '甲乙丙丁', text: '', leadUnits: [], responsibleUnits: ['市卫健委', '其余任务由各相关部门负责'], cooperatingUnits: [], deadline: null }] };
  const s = scorePlan(got, exp);
  assert.equal(s.unitPrecision, 0.5);
  assert.equal(s.unitRecall, 0.5);
});
