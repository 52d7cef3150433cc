// The ledger to Excel in the columns of the plans' own appended ledgers (序号, 重点工作, 责任部门,
// 配合部门, 时限要求, then status and latest progress), and the quarterly progress report (通报) to Word.
import ExcelJS from 'exceljs';
import { safeCell, safeRow } from '../../shared/spreadsheet.ts';
import { documentDate } from '../../shared/time.ts';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { LedgerTask } from './service.ts';

export const STATUS_ZH: Record<LedgerTask['status'], string> = { not_started: '未开始', in_progress: '推进中', done: '已完成', overdue: '已逾期' };

const unitsIn = (t: LedgerTask, roles: string[]) => t.units.filter((u) => roles.includes(u.role)).map((u) => u.printed).join('、');
const deadlineZh = (d: string | null) => (d ? `${documentDate(d)}前` : '长期');

/** The ledger as an .xlsx workbook. */
export async function ledgerWorkbook(title: string, tasks: LedgerTask[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const ws = wb.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = [
    { key: 'no', width: 6 }, { key: 'work', width: 60 }, { key: 'lead', width: 24 }, { key: 'coop', width: 24 }, { key: 'due', width: 16 },
    { key: 'status', width: 10 }, { key: 'pct', width: 8 }, { key: 'progress', width: 50 },
  ];
  ws.mergeCells('A1:H1');
  ws.getCell('A1').value = safeCell(`${title}台账`);
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A1').alignment = { horizontal: 'center' };
  const head = ws.getRow(2);
  head.values = ['序号', '重点工作', '责任部门', '配合部门', '时限要求', '完成状态', '进度', '最新进展'];
  head.font = { bold: true };
  let plan = '';
  let n = 0;
  for (const t of tasks) {
    if (tasks.some((x) => x.planId !== tasks[0].planId) && t.planTitle !== plan) {
      plan = t.planTitle;
      const r = ws.addRow([safeCell(plan)]);
      ws.mergeCells(`A${r.number}:H${r.number}`);
      r.font = { bold: true };
    }
    n++;
    const r = ws.addRow(safeRow([n, `${t.number}. ${t.title}`, unitsIn(t, ['lead', 'responsible']), unitsIn(t, ['cooperating']) || '——', deadlineZh(t.deadline), STATUS_ZH[t.status] + (t.lagging ? '（滞后）' : ''), t.percentDone / 100,
      t.latestReport ? `${t.latestReport.quarter} ${t.latestReport.unitName}：${t.latestReport.body}` : '']));
    r.getCell(7).numFmt = '0%';
    r.alignment = { wrapText: true, vertical: 'top' };
  }
  ws.eachRow((row, i) => { if (i >= 2) row.eachCell((c) => { c.border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } }; }); });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface BulletinInput {
  title: string;
  quarter: string;
  tasks: LedgerTask[];
  notReported: { unitName: string; tasks: { number: string; title: string }[] }[];
  issuedOn: string;
  /** Cooperating units' notes of the quarter (配合单位工作情况), in task order. */
  cooperation?: { number: string; title: string; unitName: string; body: string }[];
}

const p = (text: string, opts: { bold?: boolean; heading?: (typeof HeadingLevel)[keyof typeof HeadingLevel]; center?: boolean } = {}) =>
  new Paragraph({ heading: opts.heading, alignment: opts.center ? AlignmentType.CENTER : undefined, children: [new TextRun({ text, bold: opts.bold, font: '仿宋' })] });
const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });

/** The quarterly progress report (通报) as a .docx document: figures, overdue and lagging tasks, units that have not reported, each task's latest progress, and the cooperating units' notes. */
export async function bulletinDocument(b: BulletinInput): Promise<Buffer> {
  const count = (s: LedgerTask['status']) => b.tasks.filter((t) => t.status === s).length;
  const overdue = b.tasks.filter((t) => t.status === 'overdue');
  const lagging = b.tasks.filter((t) => t.lagging);
  const reported = b.tasks.filter((t) => t.latestReport?.quarter === b.quarter).length;
  const [y, q] = [b.quarter.slice(0, 4), b.quarter.slice(5)];
  const children: (Paragraph | Table)[] = [
    p(`关于${y}年第${q}季度${b.title}推进情况的通报`, { bold: true, heading: HeadingLevel.TITLE, center: true }),
    p(`截至${b.issuedOn}，纳入台账的重点任务共${b.tasks.length}项，其中已完成${count('done')}项，推进中${count('in_progress')}项，未开始${count('not_started')}项，已逾期${overdue.length}项；本季度已报送进展${reported}项，被标记为进展滞后${lagging.length}项。`),
    p('一、逾期未完成的任务', { bold: true, heading: HeadingLevel.HEADING_1 }),
    ...(overdue.length ? overdue.map((t) => p(`${t.number}. ${t.title}（责任部门：${unitsIn(t, ['lead', 'responsible'])}；时限：${deadlineZh(t.deadline)}；进度${t.percentDone}%）`)) : [p('无。')]),
    p('二、进展滞后的任务', { bold: true, heading: HeadingLevel.HEADING_1 }),
    ...(lagging.length ? lagging.map((t) => p(`${t.number}. ${t.title}（责任部门：${unitsIn(t, ['lead', 'responsible'])}）`)) : [p('无。')]),
    p('三、本季度未报送进展的单位', { bold: true, heading: HeadingLevel.HEADING_1 }),
    ...(b.notReported.length ? b.notReported.map((u) => p(`${u.unitName}：${u.tasks.map((t) => `${t.number}. ${t.title}`).join('；')}`)) : [p('无。')]),
    p('四、各项任务进展', { bold: true, heading: HeadingLevel.HEADING_1 }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: ['序号', '重点工作', '责任部门', '状态', '最新进展'].map((h) => cell(h, true)) }),
        ...b.tasks.map((t, i) => new TableRow({ children: [cell(String(i + 1)), cell(`${t.number}. ${t.title}`), cell(unitsIn(t, ['lead', 'responsible'])), cell(`${STATUS_ZH[t.status]} ${t.percentDone}%`),
          cell(t.latestReport ? `${t.latestReport.quarter}：${t.latestReport.body}` : '未报送')] })),
      ],
    }),
    p('五、配合单位工作情况', { bold: true, heading: HeadingLevel.HEADING_1 }),
    ...(b.cooperation?.length ? b.cooperation.map((c) => p(`${c.number}. ${c.title}——${c.unitName}（配合）：${c.body}`)) : [p('无。')]),
    p('请各责任单位对照台账抓紧推进，逾期和滞后任务的责任单位于下季度首月10日前书面说明原因和整改措施。'),
  ];
  const doc = new Document({ creator: 'Meridian', title: `${b.title} ${b.quarter} 通报`, sections: [{ children }] });
  return Packer.toBuffer(doc);
}
