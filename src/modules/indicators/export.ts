// Exports in the forms health commissions circulate: any table to Excel (xlsx), and a period's
// monitoring report (all targets, values, status, notes) to Word (docx).
import ExcelJS from 'exceljs';
import { safeRow } from '../../shared/spreadsheet.ts';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { excelFormat, formatValue, MIN_DENOMINATOR, STATUS_RULE, type QualityFlag, type Status } from './rules.ts';
import type { TargetRow, ValueRow } from './schema.ts';
import { BY_CODE, UNIT_LABEL } from './catalogue.ts';

export const STATUS_LABEL: Record<Status, { zh: string; en: string }> = {
  met: { zh: '已达标', en: 'Met' }, on_track: { zh: '按期可达', en: 'On track' }, at_risk: { zh: '有风险', en: 'At risk' }, off_track: { zh: '偏离', en: 'Off track' }, no_data: { zh: '无数据', en: 'No data' },
};
/** The data-quality flags in words (the web app's strings say the same in its locale files). */
export const FLAG_LABEL: Record<QualityFlag, { zh: string; en: string }> = {
  implausible: { zh: '超出合理范围，请核实', en: 'outside the plausible range: check it' },
  small_denominator: { zh: `例数不足${MIN_DENOMINATOR}，比例不宜解读`, en: `fewer than ${MIN_DENOMINATOR} cases: the share says little` },
  part_period: { zh: '统计期未结束，为截至目前的数', en: 'period not over: a figure so far' },
  not_measurable: { zh: '本期尚不可测（规则尚无法判定）', en: 'not yet measurable (the rule cannot judge this period yet)' },
};
const flagText = (flags: QualityFlag[]) => flags.map((f) => `${FLAG_LABEL[f].zh} ${FLAG_LABEL[f].en}`).join('；');

const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<', range: '' };

/** The target as printed: "≥ 65 %", "60–80 %". */
export function targetText(t: { comparator: string; value: number; valueHigh: number | null; unit: string }): string {
  return t.comparator === 'range' ? `${t.value}–${t.valueHigh} ${t.unit}` : `${CMP[t.comparator]} ${t.value} ${t.unit}`;
}

/** A workbook of one sheet with a header row; columns sized to their content; `numFmt` gives a cell's number format (the value stays exact). */
export async function xlsx(sheet: string, header: string[], rows: (string | number | null)[][], numFmt?: (row: number, col: number) => string | undefined): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const ws = wb.addWorksheet(sheet.slice(0, 31));
  ws.addRow(safeRow(header)).font = { bold: true };
  rows.forEach((r, i) => {
    const row = ws.addRow(safeRow(r));
    if (numFmt) r.forEach((v, c) => { const f = typeof v === 'number' ? numFmt(i, c) : undefined; if (f) row.getCell(c + 1).numFmt = f; });
  });
  ws.columns.forEach((c, i) => {
    const widest = Math.max(header[i]?.length ?? 4, ...rows.map((r) => String(r[i] ?? '').length));
    c.width = Math.min(60, Math.max(8, widest * 1.6));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The league table of one indicator as a workbook. */
export function valuesWorkbook(code: string, period: string, items: ValueRow[]): Promise<Buffer> {
  const d = BY_CODE.get(code)!;
  return xlsx(`${d.code} ${period}`, ['单位 Unit', `${d.name.zh} (${UNIT_LABEL[d.unit].zh})`, '分子 Numerator', '分母 Denominator', '来源 Source', '时间 At', '录入人 Entered by', '备注 Note', '数据质量 Data quality'],
    items.map((r) => [r.name, r.value, r.numerator, r.denominator, r.source === 'entered' ? '录入 entered' : '计算 computed', r.at.slice(0, 16).replace('T', ' '), r.enteredBy, r.note, flagText(r.flags)]),
    (_, c) => (c === 1 ? excelFormat(d.unit) : undefined));
}

/** The commission's targets as a workbook. */
export function targetsWorkbook(targets: TargetRow[]): Promise<Buffer> {
  return xlsx('目标 Targets', ['指标 Indicator', '地区 Locality', '目标 Target', '期限 Due', '当前值 Value', '统计期 Period', '状态 Status', '推算值 Projected', '来源规划 Plan', '原文 Text', '备注 Note', '数据质量 Data quality'],
    targets.map((t) => [t.indicatorName?.zh ?? t.metric ?? t.text, t.localityName, targetText(t), t.dueYear, t.current, t.period, `${STATUS_LABEL[t.status].zh} ${STATUS_LABEL[t.status].en}`, t.projected, [t.planTitle, t.taskTitle].filter(Boolean).join(' '), t.text, t.note, flagText(t.flags)]),
    (i, c) => { const u = unitOf(targets[i]); return u && (c === 4 || c === 7) ? excelFormat(u) : undefined; });
}

/** The catalogue unit of a target's indicator (none for a target not matched to one). */
const unitOf = (t: TargetRow) => (t.indicatorCode ? BY_CODE.get(t.indicatorCode)?.unit : undefined);

const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 20 })] })] });

/** The period's monitoring report (监测评价报告): every target with its value, status and note, and the rule. */
export async function reportDocx(o: { countyName: string; period: string; computedAt: string | null; targets: TargetRow[] }): Promise<Buffer> {
  const counts = new Map<Status, number>();
  for (const t of o.targets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const summary = (['met', 'on_track', 'at_risk', 'off_track', 'no_data'] as Status[]).map((s) => `${STATUS_LABEL[s].zh} ${counts.get(s) ?? 0} 项`).join('，');
  const header = ['序号', '指标', '地区', '目标', '期限', '当前值', '状态', '来源规划及说明'];
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...o.targets.map((t, i) => new TableRow({ children: [
        cell(String(i + 1)), cell(t.indicatorName?.zh ?? t.metric ?? '（未匹配指标）'), cell(t.localityName), cell(targetText(t)), cell(t.dueYear ? `${t.dueYear}年` : ''),
        cell(t.current == null ? '—' : `${unitOf(t) ? formatValue(t.current, unitOf(t)!) : t.current}${t.source === 'entered' ? '（录入）' : ''}${t.flags.length ? `（${t.flags.map((f) => FLAG_LABEL[f].zh).join('；')}）` : ''}`), cell(STATUS_LABEL[t.status].zh),
        cell([t.planTitle, t.taskTitle, t.text, t.note].filter(Boolean).join('；')),
      ] }))],
  });
  const doc = new Document({
    creator: 'Meridian',
    title: `${o.countyName}医疗卫生服务体系建设监测评价报告（${o.period}）`,
    sections: [{ children: [
      new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: `${o.countyName}医疗卫生服务体系建设监测评价报告` })] }),
      new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: `统计期：${o.period}，数据计算时间：${o.computedAt ? o.computedAt.slice(0, 16).replace('T', ' ') : '未计算'}` })] }),
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('一、总体情况')] }),
      new Paragraph({ children: [new TextRun(`共监测目标 ${o.targets.length} 项：${summary}。指标值由平台按统一口径从诊疗、签约、随访等业务数据自动计算；标注“录入”的为按期手工录入的数据。`)] }),
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('二、目标完成情况')] }),
      table,
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('三、状态判定规则')] }),
      new Paragraph({ children: [new TextRun(STATUS_RULE.zh)] }),
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('四、指标口径')] }),
      ...[...new Set(o.targets.map((t) => t.indicatorCode).filter((c): c is string => !!c))].map((c) => {
        const d = BY_CODE.get(c);
        return new Paragraph({ children: [new TextRun({ text: `${d?.name.zh ?? c}：`, bold: true }), new TextRun(d?.definition.zh ?? '')] });
      }),
    ] }],
  });
  return Packer.toBuffer(doc);
}
