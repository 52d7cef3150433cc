// The ledger's pure rules: department names and their aliases, quarters, a task's status, the
// corrections a reviewer makes to a parsed plan before saving it, and the checks of what is saved.
// No I/O: the web app imports these too.
import { cleanLines, parseHeading, pathLabel, splitTitle, type ParsedPlan, type PlanTarget, type PlanTask } from '../plans/parse.ts';

export type UnitRole = 'lead' | 'responsible' | 'cooperating';
export type TaskStatus = 'not_started' | 'in_progress' | 'done' | 'overdue';

// Short and long forms of the same department, as plans print them. Each pair is [short, full];
// a name is compared by its canonical form (every short form written out), so 市医保局, 县医保局 and
// 区医保局 each resolve to their own 医疗保障局 without a list per locality.
export const UNIT_WORD_ALIASES: readonly [string, string][] = [
  ['医保局', '医疗保障局'],
  ['人社局', '人力资源和社会保障局'],
  ['人力资源社会保障局', '人力资源和社会保障局'],
  ['人力资源与社会保障局', '人力资源和社会保障局'],
  ['卫健局', '卫生健康局'],
  ['卫健委', '卫生健康委员会'],
  ['卫生健康委', '卫生健康委员会'],
  ['卫计局', '卫生和计划生育局'],
  ['发改局', '发展和改革局'],
  ['发展改革局', '发展和改革局'],
  ['发改委', '发展和改革委员会'],
  ['发展改革委', '发展和改革委员会'],
  ['市场监管局', '市场监督管理局'],
  ['住建局', '住房和城乡建设局'],
  ['住房城乡建设局', '住房和城乡建设局'],
  ['教体局', '教育和体育局'],
  ['教育体育局', '教育和体育局'],
  ['自然资源和规划局', '自然资源局'],
  ['农业农村局', '农业农村局'],
  ['财政局', '财政局'],
  ['民政局', '民政局'],
  ['司法局', '司法局'],
  ['公安局', '公安局'],
  ['科技局', '科学技术局'],
  ['审批局', '行政审批服务局'],
  ['疾控中心', '疾病预防控制中心'],
  ['编办', '机构编制委员会办公室'],
];

/** A department's name with every known short form written out (the key aliases are compared by). */
export function canonicalUnitName(name: string): string {
  let s = name.replace(/[\s（）()“”"]/g, '').replace(/^中共/, '');
  for (const [short, full] of UNIT_WORD_ALIASES) {
    if (short !== full && s.endsWith(short) && !s.endsWith(full)) { s = s.slice(0, -short.length) + full; break; }
  }
  // 市委编办 = 市机构编制委员会办公室
  return s.replace(/委机构编制委员会办公室$/, '机构编制委员会办公室');
}

export interface UnitRecord { id: string; name: string; aliases: string[] }

/**
 * The unit a printed name refers to: its name or one of its aliases, compared canonically; a name
 * printed without its level (财政局 beside 市发展和改革局) is tried with the plan's own level prefixes.
 */
export function resolveUnit(printed: string, units: readonly UnitRecord[], levelPrefixes: readonly string[] = []): UnitRecord | null {
  const keyOf = (u: UnitRecord) => [u.name, ...u.aliases].map(canonicalUnitName);
  const tryName = (n: string) => units.find((u) => keyOf(u).includes(canonicalUnitName(n))) ?? null;
  const direct = tryName(printed);
  if (direct) return direct;
  if (/^[市县区州省镇]/.test(printed) || /^各/.test(printed)) return null;
  for (const p of levelPrefixes) {
    const hit = tryName(p + printed);
    if (hit) return hit;
  }
  return null;
}

/** The level prefixes a plan's units use (市, 县, 区 …), most used first. */
export function levelPrefixes(names: readonly string[]): string[] {
  const n = new Map<string, number>();
  for (const x of names) { const m = /^([市县区州省])/.exec(x); if (m) n.set(m[1], (n.get(m[1]) ?? 0) + 1); }
  return [...n.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

/** The quarter a date (YYYY-MM-DD) falls in: 2025Q3. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The first and last day of a quarter. */
export function quarterBounds(quarter: string): { from: string; to: string } {
  const y = Number(quarter.slice(0, 4)), q = Number(quarter.slice(5));
  const from = `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  const to = new Date(Date.UTC(y, q * 3, 0)).toISOString().slice(0, 10);
  return { from, to };
}

/** A task's status as the ledger shows it: overdue when the deadline has passed and it is not done. */
export function displayStatus(stored: 'not_started' | 'in_progress' | 'done', deadline: string | null, today: string): TaskStatus {
  if (stored !== 'done' && deadline !== null && deadline < today) return 'overdue';
  return stored;
}

/** The stored status a progress report implies: 100% is done, anything reported is in progress. */
export function statusFromReport(percent: number, done: boolean): 'in_progress' | 'done' {
  return done || percent >= 100 ? 'done' : 'in_progress';
}

export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;
export const ATTACHMENTS_PER_REPORT = 5;
export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/msword', 'application/vnd.ms-excel'] as const;

/** Problems with one attachment: its type and its decoded size. */
export function attachmentProblems(a: { fileName: string; mediaType: string; size: number }, path: string): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(a.mediaType)) out.push({ path: `${path}.mediaType`, problem: 'type not accepted (pdf, image, text, Word, Excel) / 不支持的文件类型' });
  if (a.size === 0) out.push({ path: `${path}.content`, problem: 'empty file / 文件为空' });
  if (a.size > ATTACHMENT_MAX_BYTES) out.push({ path: `${path}.content`, problem: `larger than ${ATTACHMENT_MAX_BYTES / 1048576} MB / 超过 2 MB` });
  if (!a.fileName.trim() || /[\\/]/.test(a.fileName)) out.push({ path: `${path}.fileName`, problem: 'a plain file name is required / 须为文件名' });
  return out;
}

// ---- corrections made in the import preview ----

const uniq = (xs: string[]) => [...new Set(xs)];
const joinSentences = (xs: string[]) => { const parts = xs.map((x) => x.trim().replace(/[。；;]$/, '')).filter(Boolean); return parts.length ? `${parts.join('。')}。` : ''; };

/** Merges task j into task i (text appended, units united, j's targets moved to i); j disappears. */
export function mergeTasks(plan: ParsedPlan, i: number, j: number): ParsedPlan {
  if (i === j || !plan.tasks[i] || !plan.tasks[j]) return plan;
  const a = plan.tasks[i], b = plan.tasks[j];
  const merged: PlanTask = {
    ...a, text: joinSentences([a.text, b.title, b.text]),
    leadUnits: uniq([...a.leadUnits, ...b.leadUnits]), responsibleUnits: uniq([...a.responsibleUnits, ...b.responsibleUnits]),
    cooperatingUnits: uniq([...a.cooperatingUnits, ...b.cooperatingUnits]).filter((u) => !a.responsibleUnits.includes(u) && !b.responsibleUnits.includes(u)),
    deadline: [a.deadline, b.deadline].filter((x): x is string => !!x).sort().pop() ?? null,
  };
  const bKey = b.path.join('/');
  return {
    ...plan,
    tasks: plan.tasks.map((t, k) => (k === i ? merged : t)).filter((_, k) => k !== j),
    targets: plan.targets.map((t) => (t.taskPath?.join('/') === bKey ? { ...t, taskPath: a.path } : t)),
  };
}

/** Splits task i at a character offset of its text: the second part becomes a new task after it, with the same units. */
export function splitTask(plan: ParsedPlan, i: number, at: number, newTitle: string): ParsedPlan {
  const t = plan.tasks[i];
  if (!t || at <= 0 || at >= t.text.length) return plan;
  const number = `${t.number}-2`;
  const second: PlanTask = { ...t, number, path: [...t.path.slice(0, -1), number], title: newTitle.trim() || t.text.slice(at, at + 20), text: t.text.slice(at).trim() };
  const first: PlanTask = { ...t, text: t.text.slice(0, at).trim() };
  return { ...plan, tasks: [...plan.tasks.slice(0, i), first, second, ...plan.tasks.slice(i + 1)] };
}

/** Sets a task's units in one role (a re-assignment), keeping lead units among the responsible ones. */
export function assignUnits(plan: ParsedPlan, i: number, role: UnitRole, units: string[]): ParsedPlan {
  const t = plan.tasks[i];
  if (!t) return plan;
  const clean = uniq(units.map((u) => u.trim()).filter(Boolean));
  const next: PlanTask = role === 'lead' ? { ...t, leadUnits: clean, responsibleUnits: uniq([...clean, ...t.responsibleUnits]) }
    : role === 'responsible' ? { ...t, responsibleUnits: uniq([...t.leadUnits.filter((u) => clean.includes(u)), ...clean]), leadUnits: t.leadUnits.filter((u) => clean.includes(u)) }
    : { ...t, cooperatingUnits: clean };
  return { ...plan, tasks: plan.tasks.map((x, k) => (k === i ? next : x)) };
}

/** Replaces target k with corrected fields. */
export function fixTarget(plan: ParsedPlan, k: number, patch: Partial<PlanTarget>): ParsedPlan {
  if (!plan.targets[k]) return plan;
  return { ...plan, targets: plan.targets.map((t, n) => (n === k ? { ...t, ...patch } : t)) };
}

/** A target the reader missed, added in the preview under a task (or among the general goals): to be filled in. */
export function blankTarget(taskPath: string[] | null): PlanTarget {
  return { taskPath, text: '', metric: null, comparator: '>=', value: 0, unit: '%', year: null, indicator: null };
}

/** Adds a target after the last one of its task (or at the end), so the preview lists it where the plan states its task's goals. */
export function addTarget(plan: ParsedPlan, target: PlanTarget): ParsedPlan {
  const key = target.taskPath?.join('/') ?? null;
  let at = plan.targets.length;
  if (key !== null) {
    const last = plan.targets.map((t) => t.taskPath?.join('/') ?? null).lastIndexOf(key);
    if (last >= 0) at = last + 1;
  }
  return { ...plan, targets: [...plan.targets.slice(0, at), target, ...plan.targets.slice(at)] };
}

/**
 * Problems that stop a corrected plan from being saved, each with its field path. A target's
 * indicator code, where given, must be one of `indicatorCodes` (the catalogue's) when those are passed.
 */
export function planProblems(plan: ParsedPlan, indicatorCodes?: ReadonlySet<string>): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  if (!plan.title.trim()) out.push({ path: 'plan.title', problem: 'required / 必填' });
  if (!plan.tasks.length) out.push({ path: 'plan.tasks', problem: 'a plan needs at least one task / 至少一项任务' });
  const paths = new Set<string>();
  plan.tasks.forEach((t, i) => {
    const key = t.path.join('/');
    if (!t.title.trim()) out.push({ path: `plan.tasks.${i}.title`, problem: 'required / 必填' });
    if (!t.number.trim()) out.push({ path: `plan.tasks.${i}.number`, problem: 'required / 必填' });
    if (!t.responsibleUnits.some((u) => u.trim())) out.push({ path: `plan.tasks.${i}.responsibleUnits`, problem: 'every task needs a responsible unit / 须有责任单位' });
    if (t.leadUnits.some((u) => !t.responsibleUnits.includes(u))) out.push({ path: `plan.tasks.${i}.leadUnits`, problem: 'lead units are among the responsible / 牵头单位须在责任单位中' });
    if (paths.has(key)) out.push({ path: `plan.tasks.${i}.path`, problem: `duplicate heading path ${key} / 编号重复` });
    paths.add(key);
    if (t.deadline !== null && !/^\d{4}-\d{2}-\d{2}$/.test(t.deadline)) out.push({ path: `plan.tasks.${i}.deadline`, problem: 'a date YYYY-MM-DD / 日期格式' });
  });
  plan.targets.forEach((t, k) => {
    if (t.taskPath && !paths.has(t.taskPath.join('/'))) out.push({ path: `plan.targets.${k}.taskPath`, problem: 'no such task / 无此任务' });
    const vals = Array.isArray(t.value) ? t.value : [t.value];
    if (!vals.length || vals.some((v) => typeof v !== 'number' || !Number.isFinite(v))) out.push({ path: `plan.targets.${k}.value`, problem: 'a number / 须为数字' });
    if (t.comparator === 'range' && (!Array.isArray(t.value) || t.value.length !== 2 || t.value[0] > t.value[1])) out.push({ path: `plan.targets.${k}.value`, problem: 'a range is [low, high] / 区间须为 [下限, 上限]' });
    if (!t.unit.trim()) out.push({ path: `plan.targets.${k}.unit`, problem: 'required / 必填' });
    if (t.year !== null && (t.year < 2000 || t.year > 2100)) out.push({ path: `plan.targets.${k}.year`, problem: 'a year 2000–2100 / 年份' });
    if (!t.text.trim() && !t.metric?.trim()) out.push({ path: `plan.targets.${k}.metric`, problem: 'what is measured, or the plan\'s words, is required / 须填写指标名称或原文' });
    if (t.indicator !== null && indicatorCodes && !indicatorCodes.has(t.indicator)) out.push({ path: `plan.targets.${k}.indicator`, problem: `unknown indicator code ${t.indicator} / 指标目录中无此代码` });
  });
  return out;
}

export interface PlanSection { path: string[]; title: string }

/**
 * The titles of the headings above a plan's tasks (二、主要任务, （一）强化基层医疗卫生资源配置), read from its text in
 * document order: each section path the tasks name is matched to the next heading line printed with its number and a
 * title alone (no sentence), after the task before it, so a sub-item （2） inside a task is not taken for a section （2）.
 */
export function planSections(text: string, tasks: Pick<PlanTask, 'path'>[]): PlanSection[] {
  const lines = cleanLines(text);
  const out: PlanSection[] = [];
  const done = new Set<string>();
  let at = 0;
  const find = (label: string, section: boolean): number => {
    for (let i = at; i < lines.length; i++) {
      const h = parseHeading(lines[i]);
      if (!h || pathLabel(h) !== label) continue;
      if (section && (/[。；;：:，,]/.test(h.rest.replace(/[。．]$/, '')) || h.rest.length > 40)) continue;
      return i;
    }
    return -1;
  };
  for (const t of tasks) {
    for (let k = 1; k < t.path.length; k++) {
      const path = t.path.slice(0, k);
      const key = path.join('/');
      if (done.has(key)) continue;
      done.add(key);
      const i = find(path[k - 1], true);
      if (i < 0) continue;
      out.push({ path, title: splitTitle(parseHeading(lines[i])!.rest).title });
      at = i + 1;
    }
    const i = find(t.path[t.path.length - 1], false);
    if (i >= 0) at = i + 1;
  }
  return out;
}

/** A heading's number as printed before its title: 二 → 二、, （一） → （一）, 1 → 1. */
export function printedNumber(label: string): string {
  return /^（/.test(label) ? label : /^\d+$/.test(label) ? `${label}.` : `${label}、`;
}
