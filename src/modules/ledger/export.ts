// The ledger to Excel in the columns of the plans' own appended ledgers (序号, 重点工作, 量化目标, 责任部门,
// 配合部门, 时限要求, then status and latest progress), and the quarterly progress report (通报) to Word.
import { layoutWorkbook, type SheetRow } from '../../platform/xlsx.ts';
import { body, chineseNumeral, fixedTable, heading, officialDocument, plain, subheading } from '../../platform/official-document.ts';
import { documentDate } from '../../shared/time.ts';
import { STATUS_LABEL } from '../indicators/service.ts';
import { printedNumber, type PlanSection } from './rules.ts';
import type { Paragraph, Table } from 'docx';
import type { LedgerTarget, LedgerTask } from './tasks.ts';

export const STATUS_ZH: Record<LedgerTask['status'], string> = { not_started: '未开始', in_progress: '推进中', done: '已完成', overdue: '已逾期' };

const unitsIn = (t: LedgerTask, roles: string[]) => t.units.filter((u) => roles.includes(u.role)).map((u) => u.printed).join('、');
const deadlineZh = (d: string | null) => (d ? `${documentDate(d)}前` : '长期');

/** A section heading's number as the ledger prints it: 二 → 二、; （一） stays; a section misprinted （2） among （一）（三） → （二）. */
export function sectionNumber(label: string, depth: number): string {
  const cn = (x: string) => (depth <= 2 ? x.replace(/\d+/g, (d) => chineseNumeral(Number(d))) : x);
  return /^（/.test(label) ? cn(label) : depth <= 2 ? `${cn(label)}、` : printedNumber(label);
}

/** What a target asks and where it stands: "高血压患者规范管理率 ≥ 65 %（2025年）：当前 66.2（已达标）". */
export function targetLine(t: LedgerTarget): string {
  const what = t.comparator === 'range' ? `${t.value}–${t.valueHigh} ${t.unit}` : `${CMP[t.comparator] ?? t.comparator} ${t.value} ${t.unit}`;
  const now = t.current ? `：当前 ${t.current.value}（${STATUS_LABEL[t.current.status].zh}）` : '';
  return `${t.metric ?? t.text}${t.metric ? ` ${what}` : ''}${t.year ? `（${t.year}年）` : ''}${now}`;
}
const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<' };

export const LEDGER_HEADER = ['序号', '重点工作', '量化目标', '责任部门', '配合部门', '时限要求', '完成状态', '进度', '最新进展'];

/**
 * The ledger's rows: a plan's title when the ledger holds several, its section headings （一）（二）… as rows where
 * they begin (from the plan's own structure), and each task numbered 1, 2, 3 … through the whole ledger, so the
 * numbering neither restarts under a section nor repeats across sections or plans.
 */
export function ledgerRows(tasks: LedgerTask[], sections: Map<string, PlanSection[]>): SheetRow[] {
  const rows: SheetRow[] = [];
  const several = new Set(tasks.map((t) => t.planId)).size > 1;
  let plan = '';
  const shown = new Set<string>();
  let n = 0;
  for (const t of tasks) {
    if (t.planId !== plan) {
      plan = t.planId;
      if (several) rows.push({ section: t.planTitle });
    }
    for (let k = 1; k < t.path.length; k++) {
      const key = `${t.planId}|${t.path.slice(0, k).join('/')}`;
      if (shown.has(key)) continue;
      shown.add(key);
      const s = sections.get(t.planId)?.find((x) => x.path.join('/') === t.path.slice(0, k).join('/'));
      if (s) rows.push({ section: `${sectionNumber(t.path[k - 1], k)}${s.title}` });
    }
    n++;
    rows.push([n, t.title, t.targets.map(targetLine).join('\n') || '——', unitsIn(t, ['lead', 'responsible']), unitsIn(t, ['cooperating']) || '——', deadlineZh(t.deadline),
      STATUS_ZH[t.status] + (t.lagging ? '（滞后）' : ''), t.percentDone / 100, t.latestReport ? `${t.latestReport.quarter} ${t.latestReport.unitName}：${t.latestReport.body}` : '']);
  }
  return rows;
}

/** The ledger as an .xlsx workbook laid out to be handed in (src/platform/xlsx.ts): title row, frozen Chinese headers repeated on each page, section rows, A4 landscape one page wide. */
export function ledgerWorkbook(title: string, tasks: LedgerTask[], sections: Map<string, PlanSection[]>, day: string): Promise<Buffer> {
  return layoutWorkbook({
    sheet: '台账', title: `${title}${/任务$/.test(title) ? '' : '任务'}台账（截至${documentDate(day)}）`, header: LEDGER_HEADER, rows: ledgerRows(tasks, sections), ruled: true, centred: [0, 5, 6],
    maxWidths: [10, 36, 30, 20, 20, 16, 12, 10, 36],
    numFmt: (_, c) => (c === 0 ? '0' : c === 7 ? '0%' : undefined),
  });
}

export interface BulletinInput {
  /** The plan's title, or null for the 通报 of every plan the caller sees. */
  planTitle: string | null;
  quarter: string;
  tasks: LedgerTask[];
  notReported: { unitName: string; tasks: { number: string; title: string; planTitle: string }[] }[];
  issuedOn: string;
  /** Who issues it (文登区卫生健康局). */
  issuingUnit: string;
  /** Cooperating units' notes of the quarter (配合单位工作情况), in task order. */
  cooperation?: { planTitle: string; number: string; title: string; unitName: string; body: string }[];
}

/** The 通报's progress table: none of its columns narrower than four characters of 五号 (12 % of the text block). */
export const BULLETIN_COLUMNS: [string, number][] = [['序号', 0.12], ['重点工作', 0.24], ['责任部门', 0.22], ['完成状态', 0.16], ['最新进展', 0.26]];

/** Items grouped by their plan, in the order the plans first appear. */
function byPlan<T>(items: T[], plan: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of items) m.set(plan(x), [...(m.get(plan(x)) ?? []), x]);
  return [...m];
}

/**
 * The quarterly progress report (通报) laid out as the official document it is (GB/T 9704-2012, through
 * src/platform/official-document.ts): title, addressees, the figures as at the day written in full, then 一、总体情况 with
 * each plan named under （一）（二）, overdue and lagging tasks and units that have not reported (each under its plan,
 * numbered 1. 2.), each task's latest progress in a fixed-width table per plan, the cooperating units' notes, what is
 * asked of the units, and the issuing unit and date.
 */
export function bulletinDocument(b: BulletinInput): Promise<Buffer> {
  const [y, q] = [b.quarter.slice(0, 4), b.quarter.slice(5)];
  const plans = byPlan(b.tasks, (t) => t.planTitle);
  const several = plans.length > 1;
  const name = (title: string) => `《${title}》`;
  const figures = (ts: LedgerTask[]) => {
    const c = (st: LedgerTask['status']) => ts.filter((t) => t.status === st).length;
    const reported = ts.filter((t) => t.latestReport?.quarter === b.quarter).length;
    return `纳入台账的重点任务共${ts.length}项，其中已完成${c('done')}项，推进中${c('in_progress')}项，未开始${c('not_started')}项，已逾期${c('overdue')}项；本季度已报送进展${reported}项，被标记为进展滞后${ts.filter((t) => t.lagging).length}项。`;
  };
  const where = (t: LedgerTask) => `台账第${t.position}项；责任部门：${unitsIn(t, ['lead', 'responsible']) || '未明确'}`;
  /** A section of items under each plan: （一）plan then 1. 2. — or, for one plan, the items directly. */
  const grouped = <T>(items: T[], plan: (x: T) => string, line: (x: T) => string): (Paragraph | Table)[] => {
    if (!items.length) return [body('无。')];
    if (!several) return items.map((x, i) => body(`${i + 1}. ${line(x)}`));
    return byPlan(items, plan).flatMap(([title, xs], k) => [subheading(`（${chineseNumeral(k + 1)}）${name(title)}`), ...xs.map((x, i) => body(`${i + 1}. ${line(x)}`))]);
  };
  // One plan (asked for, or the only one the caller sees) is named in the title; several are named each under its heading.
  const only = b.planTitle ?? (plans.length === 1 ? plans[0][0] : null);
  const subject = only ? name(only) : '重点工作任务';
  const children: (Paragraph | Table)[] = [
    plain('各责任单位：'),
    body(`现将${y}年第${q}季度${subject}推进情况通报如下。`),
    heading('一、总体情况'),
    body(`截至${documentDate(b.issuedOn)}，${figures(b.tasks)}`),
    ...(several ? plans.map(([title, ts], k) => body(`（${chineseNumeral(k + 1)}）${name(title)}：${figures(ts)}`)) : []),
    heading('二、逾期未完成的任务'),
    ...grouped(b.tasks.filter((t) => t.status === 'overdue'), (t) => t.planTitle, (t) => `${t.title}（${where(t)}；时限：${deadlineZh(t.deadline)}；进度${t.percentDone}%）。`),
    heading('三、进展滞后的任务'),
    ...grouped(b.tasks.filter((t) => t.lagging), (t) => t.planTitle, (t) => `${t.title}（${where(t)}；进度${t.percentDone}%）。`),
    heading('四、本季度未报送进展的单位'),
    ...(b.notReported.length
      ? b.notReported.map((u, i) => body(`${i + 1}. ${u.unitName}：${byPlan(u.tasks, (t) => t.planTitle).map(([title, ts]) => `${several ? name(title) : ''}${ts.map((t) => t.title).join('、')}`).join('；')}。`))
      : [body('无。')]),
    heading('五、各项任务进展'),
    ...plans.flatMap(([title, ts], k) => [
      ...(several ? [subheading(`（${chineseNumeral(k + 1)}）${name(title)}`)] : []),
      fixedTable(BULLETIN_COLUMNS, ts.map((t) => [String(t.position), t.title, unitsIn(t, ['lead', 'responsible']) || '未明确', `${STATUS_ZH[t.status]}${t.lagging ? '（滞后）' : ''}，${t.percentDone}%`,
        t.latestReport ? `${t.latestReport.quarter === b.quarter ? '本季度' : quarterZh(t.latestReport.quarter)}：${t.latestReport.body}` : '未报送'])),
    ]),
    heading('六、配合单位工作情况'),
    ...grouped(b.cooperation ?? [], (c) => c.planTitle, (c) => `${c.title}——${c.unitName}（配合）：${c.body}`),
    heading('七、工作要求'),
    body('请各责任单位对照台账抓紧推进，逾期和滞后任务的责任单位于下季度首月10日前书面说明原因和整改措施。'),
  ];
  return officialDocument({ title: `关于${y}年第${q}季度${subject}推进情况的通报`, children, issuingUnit: b.issuingUnit, issuedOn: b.issuedOn });
}

/** 2026Q3 → 2026年第3季度. */
export const quarterZh = (quarter: string) => `${quarter.slice(0, 4)}年第${quarter.slice(5)}季度`;
