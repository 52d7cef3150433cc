// Plans into the ledger: reading an upload, previewing how its printed units resolve, saving a corrected
// plan (plan, tasks, units and — through the indicators module — targets, in one transaction), and
// withdrawing one imported by mistake while nobody has reported on it.
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, type Principal } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, conflict, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { parsePlanText, type ParsedPlan } from '../plans/parse.ts';
import { decodeText, docxText } from '../plans/file.ts';
import { BY_CODE } from '../indicators/catalogue.ts';
import { replacePlanTargets } from '../indicators/service.ts';
import { levelPrefixes, planProblems, planSections, resolveUnit, type PlanSection, type UnitRole } from './rules.ts';
import { activeUnits, deletePlan, insertPlan, insertTasks, insertTaskUnits, lockPlan, lockPlanTasks, planCounts, regionName, unitNamed, upsertUnit, type TaskUnitWrite } from './store.ts';
import { history, viewerOf } from './viewer.ts';
import type { ParseInput } from './schema.ts';

export const UPLOAD_MAX_BYTES = 3 * 1024 * 1024;

/** Reads an uploaded plan (.txt, .md or .docx, base64) into its structure. */
export async function readUpload(fileName: string, contentBase64: string): Promise<ParsedPlan & { sections: PlanSection[] }> {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (!['txt', 'md', 'markdown', 'text', 'docx'].includes(ext)) throw invalid([{ path: 'fileName', problem: 'use .txt, .md or .docx / 仅支持 .txt、.md、.docx' }]);
  const buf = Buffer.from(contentBase64, 'base64');
  if (!buf.length) throw invalid([{ path: 'content', problem: 'empty file / 文件为空' }]);
  if (buf.length > UPLOAD_MAX_BYTES) throw invalid([{ path: 'content', problem: 'larger than 3 MB / 超过 3 MB' }]);
  let text: string;
  if (ext === 'docx') {
    try {
      text = await docxText(buf);
    } catch {
      throw invalid([{ path: 'content', problem: 'not a readable .docx / 无法读取的 .docx 文件' }]);
    }
  } else {
    // Plain text as saved on Chinese office machines is often GB18030 (GBK) rather than UTF-8.
    const decoded = decodeText(buf);
    if (decoded === null) throw invalid([{ path: 'content', problem: 'not UTF-8 or GB18030 text / 不是 UTF-8 或 GB18030 编码的文本' }]);
    text = decoded;
  }
  const plan = parsePlanText(text);
  if (!plan.tasks.length) throw badRequest('plan.no_tasks', { zh: '未能从文件中读出任务（需有编号标题和责任单位）', en: 'No tasks found (numbered headings with responsible units are needed)' }, [{ path: 'content', problem: 'no tasks / 无任务' }]);
  return { ...plan, sections: planSections(text, plan.tasks) };
}

function printedUnits(plan: ParsedPlan): string[] {
  return [...new Set(plan.tasks.flatMap((t) => [...t.responsibleUnits, ...t.cooperatingUnits]))];
}

/** How each printed unit of a plan resolves: an existing unit (by name or alias) or a new one. */
export async function previewUnits(q: Queryable, regionCode: string | null, plan: ParsedPlan): Promise<{ printed: string; unitId: string | null; unitName: string | null }[]> {
  const units = await activeUnits(q, regionCode);
  const names = printedUnits(plan);
  const prefixes = levelPrefixes(names);
  return names.map((printed) => {
    const u = resolveUnit(printed, units, prefixes);
    return { printed, unitId: u?.id ?? null, unitName: u?.name ?? null };
  });
}

/** Saves a corrected plan: the plan, its tasks, their units (existing ones by name or alias, new ones created) and its targets, in one transaction. */
export async function savePlan(db: Db, p: Principal, input: { regionCode: string; sourceName: string | null; plan: ParsedPlan; sections?: PlanSection[] }) {
  const v = await viewerOf(db, p);
  const fields: FieldProblem[] = planProblems(input.plan, new Set(BY_CODE.keys()));
  const regionTitle = await regionName(db, input.regionCode);
  if (regionTitle === undefined) fields.unshift({ path: 'regionCode', problem: 'unknown region / 未知行政区划' });
  else if (v.prefix && !input.regionCode.startsWith(v.prefix)) fields.unshift({ path: 'regionCode', problem: 'outside your region / 超出您的管辖范围' });
  if (input.plan.date && !/^\d{4}-\d{2}-\d{2}$/.test(input.plan.date)) fields.push({ path: 'plan.date', problem: 'a date YYYY-MM-DD / 日期格式' });
  if (fields.length) throw invalid(fields);
  const plan = input.plan;
  return db.tx(async (q) => {
    const pl = { id: await insertPlan(q, { title: plan.title.trim(), issuer: plan.issuer, docNumber: plan.docNumber, issuedOn: plan.date, regionCode: input.regionCode, sourceName: input.sourceName, userId: p.userId, sections: input.sections ?? [] }) };
    // Units: each printed name resolves to a unit of the region (name or alias); the rest are created under the printed name.
    const units = await activeUnits(q, input.regionCode);
    const names = printedUnits(plan);
    const prefixes = levelPrefixes(names);
    const unitIds = new Map<string, string>();
    const created: string[] = [];
    for (const printed of names) {
      let u = resolveUnit(printed, units, prefixes);
      if (!u) {
        // 市财政局 of another city is another unit: a name taken elsewhere gets the region's name beside it.
        const taken = await unitNamed(q, printed);
        const name = taken && taken.region_code !== input.regionCode ? `${printed}（${regionTitle}）` : printed;
        u = { id: await upsertUnit(q, name, input.regionCode), name, aliases: [] };
        units.push(u);
        created.push(printed);
      }
      unitIds.set(printed, u.id);
    }
    // Tasks in one statement, then their units in one statement.
    const taskRows = await insertTasks(q, pl.id, plan.tasks.map((t, i) => ({ position: i + 1, path: t.path, number: t.number, title: t.title.trim(), body: t.text, deadline: t.deadline })));
    const idAt = new Map(taskRows.map((r) => [r.position, r.id]));
    const tu: TaskUnitWrite[] = [];
    plan.tasks.forEach((t, i) => {
      const task = idAt.get(i + 1)!;
      const seen = new Set<string>();
      let pos = 0;
      const add = (printed: string, role: UnitRole) => {
        const unit = unitIds.get(printed)!;
        if (seen.has(unit)) return;
        seen.add(unit);
        tu.push({ task, unit, role, printed, pos: pos++ });
      };
      for (const u of t.leadUnits) add(u, 'lead');
      for (const u of t.responsibleUnits) add(u, 'responsible');
      for (const u of t.cooperatingUnits) add(u, 'cooperating');
    });
    await insertTaskUnits(q, tu);
    // Targets: the plan's region is their locality; the indicator is the preview's (the reader matched it; the reviewer may change or clear it).
    const byPath = new Map(plan.tasks.map((t, i) => [t.path.join('/'), idAt.get(i + 1)!]));
    const tg = plan.targets;
    // The targets table is the indicators module's: it writes them.
    await replacePlanTargets(q, pl.id, {
      locality: input.regionCode, userId: p.userId,
      targets: tg.map((t) => ({
        indicator: t.indicator, comparator: t.comparator, value: Array.isArray(t.value) ? t.value[0] : t.value, valueHigh: Array.isArray(t.value) ? t.value[1] ?? null : null,
        unit: t.unit, year: t.year, taskId: t.taskPath ? byPath.get(t.taskPath.join('/')) ?? null : null, text: t.text, metric: t.metric,
      })),
    });
    await history(q, p, pl.id, null, 'plan.import', { title: plan.title, tasks: plan.tasks.length, targets: tg.length, newUnits: created, source: input.sourceName });
    await writeAudit(q, actorOf(p, p.ip), { action: 'plan.import', outcome: 'ok', recordType: 'plan', recordId: pl.id, details: { tasks: plan.tasks.length, targets: tg.length, newUnits: created.length } });
    return { id: pl.id, tasks: plan.tasks.length, targets: tg.length, newUnits: created };
  });
}

/**
 * Withdraws a plan imported by mistake (the commission or a system administrator). While nobody has
 * reported on any of its tasks it is deleted — its tasks, their units links, its targets, the
 * commission's reviews, reminders only about its tasks — in one transaction; the plan's history keeps the import and a
 * 'plan.withdraw' row (title, counts, who, when), and the audit log has it too.
 *
 * Once any unit has reported (a cooperating note counts: someone outside the commission has worked on
 * it) the plan is refused with 409 rather than archived: a reported plan is not a mistaken import but
 * a ledger that departments have used, and archiving would hide their reports while leaving the plan's
 * targets alive in the indicators module (which knows nothing of an archive). Such a plan is corrected
 * task by task instead (deadline, status, title), so what departments reported stays where they put it.
 */
export async function withdrawPlan(db: Db, p: Principal, planId: string) {
  const v = await viewerOf(db, p);
  if (v.p.role !== 'officer' && v.p.role !== 'sysadmin') throw forbidden({ zh: '只有卫生健康委员会可以撤回规划', en: 'Only the health commission withdraws a plan' });
  return db.tx(async (q) => {
    const pl = await lockPlan(q, planId, v.prefix ? v.prefix + '%' : null);
    if (!pl) throw notFound({ zh: '规划', en: 'Plan' });
    // Its tasks locked first: a report in flight (which locks its task) either lands before the count below, or finds the task gone.
    await lockPlanTasks(q, planId);
    const c = await planCounts(q, planId);
    if (c.reports > 0) {
      throw conflict('plan.has_reports', { zh: `已有单位报送了该规划任务的进展（${c.reports} 条），不能撤回；请逐项修改任务`, en: `Units have already reported on this plan's tasks (${c.reports} reports); it cannot be withdrawn — correct its tasks instead` },
        [{ path: 'id', problem: `${c.reports} progress reports / 已有 ${c.reports} 条进展报送` }]);
    }
    // The targets are the indicators module's: it clears them; then the plan, its reviews, reminders only about its tasks, units and tasks.
    const { removed: targets } = await replacePlanTargets(q, planId, { locality: pl.region_code ?? '', userId: p.userId, targets: [] });
    const reminders = await deletePlan(q, planId);
    const counts = { tasks: c.tasks, targets, reviews: c.reviews, reminders };
    await history(q, p, planId, null, 'plan.withdraw', { title: pl.title, ...counts });
    await writeAudit(q, actorOf(p, p.ip), { action: 'plan.withdraw', outcome: 'ok', recordType: 'plan', recordId: planId, details: { title: pl.title, regionCode: pl.region_code, ...counts } });
    return { id: planId, ...counts };
  });
}

/** Reads an upload and previews how its printed units resolve in the region asked (or the caller's). */
export async function parseUpload(db: Db, p: Principal, input: ParseInput) {
  const { sections, ...plan } = await readUpload(input.fileName, input.contentBase64);
  return { plan, sections, units: await previewUnits(db, input.regionCode ?? p.regionCode, plan) };
}
