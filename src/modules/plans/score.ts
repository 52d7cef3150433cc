// Scores the plan reader against an expected reading written by hand: recall and precision of tasks
// (number and title), units (responsible and cooperating, per matched task; a clause read as a unit is
// always wrong), targets (task, comparator, value and unit), target years and task deadlines.
import type { ParsedPlan } from './parse.ts';

export interface ExpectedPlan {
  title: string;
  issuer: string | null;
  docNumber: string | null;
  date: string | null;
  tasks: { number: string; title: string; lead?: string[]; responsible: string[]; cooperating: string[]; deadline?: string | null }[];
  targets: { task: string | null; metric: string; comparator: string; value: number | number[]; unit: string; year: number | null }[];
}

export interface PlanScore {
  taskRecall: number;
  taskPrecision: number;
  unitRecall: number;
  unitPrecision: number;
  unitF1: number;
  targetRecall: number;
  targetPrecision: number;
  yearRecall: number;
  yearPrecision: number;
  deadlineRecall: number;
  deadlinePrecision: number;
  missedTasks: string[];
  missedTargets: string[];
  extraTargets: string[];
  unitErrors: string[];
  yearErrors: string[];
  deadlineErrors: string[];
}

const norm = (s: string) => s.replace(/[\s。．.，,；;]/g, '').replace(/％/g, '%').replace(/（/g, '(').replace(/）/g, ')');
const sameTitle = (a: string, b: string) => { const x = norm(a), y = norm(b); return x === y || (x.length >= 4 && y.length >= 4 && (x.includes(y) || y.includes(x))); };
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/** A sentence about who carries out tasks, read as if it were a unit's name ("其余任务由各相关部门按职责分工负责"). */
export function isClauseAsUnit(u: string): boolean {
  return /任务|负责|落实|职责|分工|^(其余|其他|其它|上述|以下|下列|由)/.test(u);
}

/** Compares a reading with the expected one. */
export function scorePlan(got: ParsedPlan, exp: ExpectedPlan): PlanScore {
  const used = new Set<number>();
  const pairs: [ExpectedPlan['tasks'][number], ParsedPlan['tasks'][number]][] = [];
  const missedTasks: string[] = [];
  for (const e of exp.tasks) {
    const i = got.tasks.findIndex((t, k) => !used.has(k) && t.number === e.number && sameTitle(t.title, e.title));
    if (i < 0) { missedTasks.push(`${e.number} ${e.title}`); continue; }
    used.add(i);
    pairs.push([e, got.tasks[i]]);
  }
  let tp = 0, fp = 0, fn = 0;
  const unitErrors: string[] = [];
  for (const [e, g] of pairs) {
    for (const [want, have, role] of [[e.responsible, g.responsibleUnits, 'responsible'], [e.cooperating, g.cooperatingUnits ?? [], 'cooperating']] as const) {
      const w = new Set(want.map(norm)), h = new Set(have.map(norm));
      for (const u of w) if (h.has(u) && !isClauseAsUnit(u)) tp++; else { fn++; unitErrors.push(`${e.number} ${role} missing ${u}`); }
      for (const u of h) if (!w.has(u) || isClauseAsUnit(u)) { fp++; unitErrors.push(`${e.number} ${role} extra ${u}${isClauseAsUnit(u) ? ' (a clause, not a unit)' : ''}`); }
    }
  }
  // Units of tasks the reader made up count against precision, those of tasks it missed against recall.
  for (const [k, g] of got.tasks.entries()) if (!used.has(k)) fp += g.responsibleUnits.length + g.cooperatingUnits.length;
  for (const e of exp.tasks) if (!pairs.some(([x]) => x === e)) fn += e.responsible.length + e.cooperating.length;
  const unitPrecision = ratio(tp, tp + fp), unitRecall = ratio(tp, tp + fn);

  // Deadlines: of the matched tasks, those the plan dates (recall) and those the reader dated (precision).
  const deadlineErrors: string[] = [];
  let dOk = 0;
  for (const [e, g] of pairs) {
    const want = e.deadline ?? null;
    if (want !== null && g.deadline === want) dOk++;
    else if (want !== null || g.deadline !== null) deadlineErrors.push(`${e.number} ${e.title}: want ${want}, got ${g.deadline}`);
  }
  const deadlineRecall = ratio(dOk, exp.tasks.filter((t) => (t.deadline ?? null) !== null).length);
  const deadlinePrecision = ratio(dOk, got.tasks.filter((t) => t.deadline !== null).length);

  const taskOf = (path: string[] | null) => (path ? path[path.length - 1].replace(/[（）()]/g, '') : null);
  const usedT = new Set<number>();
  const missedTargets: string[] = [];
  const yearErrors: string[] = [];
  let yOk = 0;
  const same = (e: ExpectedPlan['targets'][number], t: ParsedPlan['targets'][number]) => taskOf(t.taskPath) === e.task && JSON.stringify(t.value) === JSON.stringify(e.value)
    && norm(t.unit) === norm(e.unit) && t.comparator === e.comparator;
  for (const e of exp.targets) {
    // The same number may stand twice with different years: prefer the one with the year.
    let i = got.targets.findIndex((t, k) => !usedT.has(k) && same(e, t) && t.year === e.year);
    if (i < 0) i = got.targets.findIndex((t, k) => !usedT.has(k) && same(e, t));
    if (i < 0) { missedTargets.push(`${e.task} ${e.metric} ${e.comparator} ${JSON.stringify(e.value)}${e.unit} ${e.year ?? ''}`); continue; }
    usedT.add(i);
    const g = got.targets[i];
    if (e.year !== null && g.year === e.year) yOk++;
    else if (e.year !== null || g.year !== null) yearErrors.push(`${e.task} ${e.metric}: want ${e.year}, got ${g.year}`);
  }
  const extraTargets = got.targets.filter((_, k) => !usedT.has(k)).map((t) => `${taskOf(t.taskPath)} ${t.text} → ${t.comparator} ${JSON.stringify(t.value)}${t.unit} ${t.year ?? ''}`);
  return {
    taskRecall: ratio(pairs.length, exp.tasks.length), taskPrecision: ratio(pairs.length, got.tasks.length),
    unitRecall, unitPrecision, unitF1: unitPrecision + unitRecall === 0 ? 0 : (2 * unitPrecision * unitRecall) / (unitPrecision + unitRecall),
    targetRecall: ratio(usedT.size, exp.targets.length), targetPrecision: ratio(usedT.size, got.targets.length),
    yearRecall: ratio(yOk, exp.targets.filter((t) => t.year !== null).length), yearPrecision: ratio(yOk, got.targets.filter((t) => t.year !== null).length),
    deadlineRecall, deadlinePrecision,
    missedTasks, missedTargets, extraTargets, unitErrors, yearErrors, deadlineErrors,
  };
}
