// Scores the plan reader against an expected reading written by hand: task recall and precision
// (number and title), unit F1 (responsible and cooperating, per matched task), target recall and
// precision (task, value, unit and — where the plan states one — year).
import type { ParsedPlan } from './parse.ts';

export interface ExpectedPlan {
  title: string;
  docNumber: string | null;
  date: string | null;
  tasks: { number: string; title: string; lead?: string[]; responsible: string[]; cooperating: string[] }[];
  targets: { task: string | null; metric: string; comparator: string; value: number | number[]; unit: string; year: number | null }[];
}

export interface PlanScore {
  taskRecall: number;
  taskPrecision: number;
  unitF1: number;
  targetRecall: number;
  targetPrecision: number;
  missedTasks: string[];
  missedTargets: string[];
  extraTargets: string[];
  unitErrors: string[];
}

const norm = (s: string) => s.replace(/[\s。．.，,；;]/g, '').replace(/％/g, '%');
const sameTitle = (a: string, b: string) => { const x = norm(a), y = norm(b); return x === y || (x.length >= 4 && y.length >= 4 && (x.includes(y) || y.includes(x))); };
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

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
      for (const u of w) if (h.has(u)) tp++; else { fn++; unitErrors.push(`${e.number} ${role} missing ${u}`); }
      for (const u of h) if (!w.has(u)) { fp++; unitErrors.push(`${e.number} ${role} extra ${u}`); }
    }
  }
  const unitP = ratio(tp, tp + fp), unitR = ratio(tp, tp + fn);
  const taskOf = (path: string[] | null) => (path ? path[path.length - 1].replace(/[（）()]/g, '') : null);
  const usedT = new Set<number>();
  const missedTargets: string[] = [];
  for (const e of exp.targets) {
    const i = got.targets.findIndex((t, k) => !usedT.has(k) && taskOf(t.taskPath) === e.task && JSON.stringify(t.value) === JSON.stringify(e.value)
      && norm(t.unit) === norm(e.unit) && (e.year === null || t.year === e.year));
    if (i < 0) { missedTargets.push(`${e.task} ${e.metric} ${JSON.stringify(e.value)}${e.unit} ${e.year ?? ''}`); continue; }
    usedT.add(i);
  }
  const extraTargets = got.targets.filter((_, k) => !usedT.has(k)).map((t) => `${taskOf(t.taskPath)} ${t.text} → ${JSON.stringify(t.value)}${t.unit} ${t.year ?? ''}`);
  return {
    taskRecall: ratio(pairs.length, exp.tasks.length), taskPrecision: ratio(pairs.length, got.tasks.length),
    unitF1: unitP + unitR === 0 ? 0 : (2 * unitP * unitR) / (unitP + unitR),
    targetRecall: ratio(usedT.size, exp.targets.length), targetPrecision: ratio(usedT.size, got.targets.length),
    missedTasks, missedTargets, extraTargets, unitErrors,
  };
}
