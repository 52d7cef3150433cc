// The ledger's pure rules, table by table: aliases, quarters, status, the preview's corrections, the save checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTarget, assignUnits, attachmentProblems, blankTarget, canonicalUnitName, displayStatus, fixTarget, levelPrefixes, mergeTasks, planProblems, quarterBounds, quarterOf, resolveUnit, splitTask, statusFromReport } from './rules.ts';
import { parsePlanText } from '../plans/parse.ts';

test('aliases: short and long names of one department are the same, printed names are never rewritten', () => {
  const same: [string, string][] = [['市医保局', '市医疗保障局'], ['市人社局', '市人力资源和社会保障局'], ['市人力资源社会保障局', '市人力资源和社会保障局'], ['县卫健局', '县卫生健康局'],
    ['市卫生健康委', '市卫生健康委员会'], ['市卫健委', '市卫生健康委员会'], ['市发展改革委', '市发展和改革委员会'], ['区发改局', '区发展和改革局'], ['市市场监管局', '市市场监督管理局'], ['区委编办', '区机构编制委员会办公室']];
  for (const [a, b] of same) assert.equal(canonicalUnitName(a), canonicalUnitName(b), `${a} = ${b}`);
  const different: [string, string][] = [['市医保局', '县医保局'], ['市卫生健康委', '市卫生健康局'], ['市财政局', '市民政局']];
  for (const [a, b] of different) assert.notEqual(canonicalUnitName(a), canonicalUnitName(b), `${a} ≠ ${b}`);
  const units = [{ id: 'a', name: '市医疗保障局', aliases: [] }, { id: 'b', name: '市财政局', aliases: [] }, { id: 'c', name: '海东市卫生健康委员会', aliases: ['市卫健委'] }];
  assert.equal(resolveUnit('市医保局', units)?.id, 'a');
  assert.equal(resolveUnit('市卫生健康委', units)?.id, 'c', 'an alias, compared canonically');
  assert.equal(resolveUnit('财政局', units, ['市'])?.id, 'b', 'printed without its level, beside 市 units');
  assert.equal(resolveUnit('财政局', units, ['县']), null);
  assert.equal(resolveUnit('县财政局', units, ['市']), null, 'a unit of another level is another unit');
  assert.deepEqual(levelPrefixes(['市财政局', '市医保局', '县卫健局', '各县区人民政府']), ['市', '县']);
});

test('quarters, and the status the ledger shows', () => {
  const q: [string, string][] = [['2025-01-01', '2025Q1'], ['2025-03-31', '2025Q1'], ['2025-04-01', '2025Q2'], ['2025-09-30', '2025Q3'], ['2025-12-31', '2025Q4']];
  for (const [d, want] of q) assert.equal(quarterOf(d), want, d);
  assert.deepEqual(quarterBounds('2025Q1'), { from: '2025-01-01', to: '2025-03-31' });
  assert.deepEqual(quarterBounds('2024Q4'), { from: '2024-10-01', to: '2024-12-31' });
  const s: [Parameters<typeof displayStatus>, string][] = [
    [['in_progress', '2025-06-30', '2025-06-30'], 'in_progress'], [['in_progress', '2025-06-30', '2025-07-01'], 'overdue'], [['not_started', '2025-06-30', '2025-07-01'], 'overdue'],
    [['done', '2025-06-30', '2025-07-01'], 'done'], [['not_started', null, '2099-01-01'], 'not_started']];
  for (const [args, want] of s) assert.equal(displayStatus(...args), want, JSON.stringify(args));
  assert.equal(statusFromReport(99, false), 'in_progress');
  assert.equal(statusFromReport(100, false), 'done');
  assert.equal(statusFromReport(0, false), 'in_progress');
  assert.equal(statusFromReport(50, true), 'done');
});

test('attachments: type and size limits on both sides', () => {
  const ok = { fileName: 'a.pdf', mediaType: 'application/pdf', size: 2 * 1024 * 1024 };
  assert.deepEqual(attachmentProblems(ok, 'f'), []);
  assert.deepEqual(attachmentProblems({ ...ok, size: 2 * 1024 * 1024 + 1 }, 'f').map((p) => p.path), ['f.content']);
  assert.deepEqual(attachmentProblems({ ...ok, size: 0 }, 'f').map((p) => p.path), ['f.content']);
  assert.deepEqual(attachmentProblems({ ...ok, mediaType: 'application/zip', fileName: '../x' }, 'f').map((p) => p.path), ['f.mediaType', 'f.fileName']);
});

const PLAN = parsePlanText(['某县要点', '一、任务', '1．甲任务。内容一。内容二，达到90%以上。', '责任单位：县卫健局', '配合单位：县财政局', '2．乙任务。内容三。', '责任单位：县医保局'].join('\n'));

test('preview corrections: merge, split, re-assign, fix a target', () => {
  assert.equal(PLAN.tasks.length, 2);
  const m = mergeTasks(PLAN, 0, 1);
  assert.equal(m.tasks.length, 1);
  assert.deepEqual(m.tasks[0].responsibleUnits, ['县卫健局', '县医保局']);
  assert.equal(m.tasks[0].text, '内容一。内容二，达到90%以上。乙任务。内容三。');
  const s = splitTask(PLAN, 0, PLAN.tasks[0].text.indexOf('内容二'), '丙任务');
  assert.deepEqual(s.tasks.map((t) => [t.number, t.title, t.text]), [['1', '甲任务', '内容一。'], ['1-2', '丙任务', '内容二，达到90%以上。'], ['2', '乙任务', '内容三。']]);
  assert.deepEqual(s.tasks[1].responsibleUnits, ['县卫健局']);
  const a = assignUnits(PLAN, 1, 'responsible', ['县医保局', '县卫健局']);
  assert.deepEqual(a.tasks[1].responsibleUnits, ['县医保局', '县卫健局']);
  const l = assignUnits(PLAN, 1, 'lead', ['县卫健局']);
  assert.deepEqual([l.tasks[1].leadUnits, l.tasks[1].responsibleUnits], [['县卫健局'], ['县卫健局', '县医保局']]);
  const f = fixTarget(PLAN, 0, { value: 95, comparator: '>=' });
  assert.deepEqual([f.targets[0].value, f.targets[0].comparator, PLAN.targets[0].value], [95, '>=', 90], 'the original is untouched');
  assert.deepEqual(planProblems(PLAN), []);
  assert.deepEqual(planProblems(mergeTasks(PLAN, 0, 1)), [], 'the merged task keeps its targets');
});

test('preview: a missed target is added after its task\'s targets (or at the end); indicator codes are checked against the catalogue\'s', () => {
  const tk = (n: string) => ({ path: [n], number: n, title: n, text: '', leadUnits: [], responsibleUnits: ['市财政局'], cooperatingUnits: [], deadline: null });
  const tg = (n: string | null, metric: string, indicator: string | null = null) => ({ taskPath: n ? [n] : null, text: metric, metric, comparator: '>=' as const, value: 1, unit: '%', year: null, indicator });
  const plan = { title: 'p', issuer: null, docNumber: null, date: null, tasks: [tk('一'), tk('二')], targets: [tg('一', 'a'), tg('二', 'b'), tg(null, 'c')] };
  const cases: [string[] | null, string[]][] = [[['一'], ['a', 'x', 'b', 'c']], [['二'], ['a', 'b', 'x', 'c']], [null, ['a', 'b', 'c', 'x']], [['三'], ['a', 'b', 'c', 'x']]];
  for (const [path, order] of cases) {
    const added = addTarget(plan, { ...blankTarget(path), metric: 'x' });
    assert.deepEqual(added.targets.map((t) => t.metric), order, String(path));
  }
  assert.deepEqual(blankTarget(['一']), { taskPath: ['一'], text: '', metric: null, comparator: '>=', value: 0, unit: '%', year: null, indicator: null });
  const codes = new Set(['known']);
  const withCodes = { ...plan, targets: [tg('一', 'a', 'known'), tg('二', 'b', 'unknown'), tg(null, 'c', null)] };
  assert.deepEqual(planProblems(withCodes, codes), [{ path: 'plan.targets.1.indicator', problem: 'unknown indicator code unknown / 指标目录中无此代码' }]);
  assert.deepEqual(planProblems(withCodes), [], 'without the catalogue (the web app) codes are not checked');
  const blank = addTarget(plan, blankTarget(null));
  assert.deepEqual(planProblems(blank, codes), [{ path: 'plan.targets.3.metric', problem: 'what is measured, or the plan\'s words, is required / 须填写指标名称或原文' }]);
  assert.deepEqual(planProblems(fixTarget(blank, 3, { text: '覆盖率达到90%' }), codes), [], 'the plan\'s words alone are enough');
});
