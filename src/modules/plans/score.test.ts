// The plan reader scored against readings written by hand (test/fixtures/plans/*.expected.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePlanText } from './parse.ts';
import { scorePlan, type ExpectedPlan } from './score.ts';

const PLANS = new URL('../../../test/fixtures/plans/', import.meta.url).pathname;
const r2 = (x: number) => Math.round(x * 1000) / 1000;

// The variants (variant-county.md, variant-city.txt) are plans of other shapes written for these tests, with their own expected readings.
for (const f of ['haidong-2024', 'wendeng-2024', 'tongren-2021', 'variant-county', 'variant-city']) {
  test(`${f}: scored against the expected reading`, () => {
    const exp = JSON.parse(readFileSync(`${PLANS}${f}.expected.json`, 'utf8')) as ExpectedPlan;
    const got = parsePlanText(readFileSync(`${PLANS}${f}${f === 'variant-county' ? '.md' : '.txt'}`, 'utf8'));
    const s = scorePlan(got, exp);
    console.log(JSON.stringify({ plan: f, taskRecall: r2(s.taskRecall), taskPrecision: r2(s.taskPrecision), unitF1: r2(s.unitF1), targetRecall: r2(s.targetRecall), targetPrecision: r2(s.targetPrecision) }));
    if (process.env.PLAN_SCORE_DETAIL) console.log(JSON.stringify({ missedTasks: s.missedTasks, unitErrors: s.unitErrors, missedTargets: s.missedTargets, extraTargets: s.extraTargets }, null, 1));
    assert.equal(got.title, exp.title);
    assert.equal(got.docNumber, exp.docNumber);
    assert.equal(got.date, exp.date);
    assert.equal(got.issuer, (exp as ExpectedPlan & { issuer: string }).issuer);
    assert.ok(s.taskRecall >= 0.95, `task recall ${s.taskRecall}: missed ${s.missedTasks.join('; ')}`);
    assert.ok(s.unitF1 >= 0.95, `unit F1 ${s.unitF1}: ${s.unitErrors.join('; ')}`);
    assert.ok(s.targetRecall >= 0.9, `target recall ${s.targetRecall}: missed ${s.missedTargets.join('; ')}`);
  });
}

test('the scorer fails a reading that misses tasks, units and targets', () => {
  const exp = JSON.parse(readFileSync(`${PLANS}haidong-2024.expected.json`, 'utf8')) as ExpectedPlan;
  const got = parsePlanText(readFileSync(`${PLANS}haidong-2024.txt`, 'utf8'));
  const worse = { ...got, tasks: got.tasks.slice(2).map((t) => ({ ...t, responsibleUnits: t.responsibleUnits.slice(1) })), targets: got.targets.slice(3) };
  const s = scorePlan(worse, exp);
  assert.ok(s.taskRecall < 0.95 && s.unitF1 < 0.95 && s.targetRecall < 0.9, JSON.stringify(s));
});
