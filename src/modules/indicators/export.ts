// Exports in the forms health commissions circulate: any table to Excel (xlsx), and a period's
// monitoring report (all targets, values, status, notes) to Word (docx).
import ExcelJS from 'exceljs';
import { safeRow } from '../../shared/spreadsheet.ts';
import { documentDate } from '../../shared/time.ts';
import { AlignmentType, Document, Footer, Packer, PageNumber, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } from 'docx';
import { excelFormat, formatValue, MIN_DENOMINATOR, QUALITY_FLAGS, STATUS_RULE, type QualityFlag, type Status } from './rules.ts';
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
/** The flags as short as the pages show them, for the Word report's table. */
const FLAG_SHORT: Record<QualityFlag, string> = { implausible: '超出合理范围', small_denominator: '例数过少', part_period: '截至目前', not_measurable: '尚不可测' };
const flagText = (flags: QualityFlag[]) => flags.map((f) => FLAG_LABEL[f].zh).join('；');

const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<', range: '' };

/** The target as printed: "≥ 65 %", "60–80 %". */
export function targetText(t: { comparator: string; value: number; valueHigh: number | null; unit: string }): string {
  return t.comparator === 'range' ? `${t.value}–${t.valueHigh} ${t.unit}` : `${CMP[t.comparator]} ${t.value} ${t.unit}`;
}

/**
 * A workbook of one sheet laid out to be printed and handed in: a title row over the table, Chinese column headers
 * (frozen, and repeated on every printed page), columns sized to their content, A4 landscape fitted to one page
 * wide; `numFmt` gives a cell's number format (the value stays exact).
 */
export async function xlsx(sheet: string, title: string, header: string[], rows: (string | number | null)[][], numFmt?: (row: number, col: number) => string | undefined): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const ws = wb.addWorksheet(sheet.slice(0, 31), {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, printTitlesRow: '2:2',
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  const t = ws.addRow(safeRow([title]));
  t.font = { bold: true, size: 14 };
  t.alignment = { horizontal: 'center' };
  ws.mergeCells(1, 1, 1, header.length);
  const h = ws.addRow(safeRow(header));
  h.font = { bold: true };
  h.alignment = { wrapText: true, vertical: 'middle' };
  rows.forEach((r, i) => {
    const row = ws.addRow(safeRow(r));
    if (numFmt) r.forEach((v, c) => { const f = typeof v === 'number' ? numFmt(i, c) : undefined; if (f) row.getCell(c + 1).numFmt = f; });
  });
  ws.columns.forEach((c, i) => {
    // CJK characters take about two widths of a Latin one
    const width = (v: unknown) => [...String(v ?? '')].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
    const widest = Math.max(width(header[i]), 8, ...rows.map((r) => width(r[i])));
    c.width = Math.min(50, widest + 2);
  });
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const LEVEL_ZH: Record<string, string> = { county: '县（区）', township: '乡镇（街道）', community: '医共体', facility: '机构', team: '团队' };

/** The league table of one indicator as a workbook. */
export function valuesWorkbook(code: string, period: string, level: string, items: ValueRow[]): Promise<Buffer> {
  const d = BY_CODE.get(code)!;
  return xlsx(`${d.code} ${period}`, `${d.name.zh}（${period}，按${LEVEL_ZH[level] ?? level}）`,
    ['单位', `${d.name.zh}（${UNIT_LABEL[d.unit].zh}）`, '分子', '分母', '来源', '时间', '录入人', '备注', '数据质量'],
    items.map((r) => [r.name, r.value, r.numerator, r.denominator, r.source === 'entered' ? '录入' : '计算', r.at.slice(0, 16).replace('T', ' '), r.enteredBy, r.note, flagText(r.flags)]),
    (_, c) => (c === 1 ? excelFormat(d.unit) : undefined));
}

/** The commission's targets as a workbook. */
export function targetsWorkbook(targets: TargetRow[], o: { countyName: string; day: string }): Promise<Buffer> {
  return xlsx('规划目标', `${o.countyName}规划目标监测表（截至${documentDate(o.day)}）`,
    ['指标', '地区', '目标', '期限', '当前值', '统计期', '状态', '推算值', '来源规划', '原文', '备注', '数据质量'],
    targets.map((t) => [t.indicatorName?.zh ?? t.metric ?? t.text, t.localityName, targetText(t), t.dueYear, t.current, t.period, STATUS_LABEL[t.status].zh, t.projected, [t.planTitle, t.taskTitle].filter(Boolean).join(' '), t.text, t.note, flagText(t.flags)]),
    (i, c) => { const u = unitOf(targets[i]); return u && (c === 4 || c === 7) ? excelFormat(u) : undefined; });
}

/** The catalogue unit of a target's indicator (none for a target not matched to one). */
const unitOf = (t: TargetRow) => (t.indicatorCode ? BY_CODE.get(t.indicatorCode)?.unit : undefined);

// ---- the Word report, laid out by the conventions of GB/T 9704-2012 (党政机关公文格式) ----
// A4 with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 mm text block), the title
// in 2号 (22 pt) centred, headings 一、 in 黑体 and body text in 3号 仿宋 (16 pt), tables in 五号 (10.5 pt) with fixed
// column widths that fit the text block, the issuing unit and the date written in full with Arabic numerals
// (§7.3.5.4: 2026年12月1日), page numbers "— 1 —" in 4号 at the foot.
const MM = 56.6929; // twips per millimetre
const TEXT_WIDTH = Math.round(156 * MM);
const FONT = { title: '方正小标宋简体', heading: '黑体', body: '仿宋', table: '宋体' };
const run = (text: string, o: { font: string; size: number; bold?: boolean }) => new TextRun({ text, bold: o.bold, size: o.size * 2, font: { eastAsia: o.font, ascii: o.font, hAnsi: o.font } });
const body = (text: string) => new Paragraph({ indent: { firstLine: 640 }, spacing: { line: 560, lineRule: 'exact' }, children: [run(text, { font: FONT.body, size: 16 })] });
const heading = (text: string) => new Paragraph({ keepNext: true, indent: { firstLine: 640 }, spacing: { line: 560, lineRule: 'exact' }, children: [run(text, { font: FONT.heading, size: 16 })] });
const cell = (text: string, width: number, bold = false) => new TableCell({ width: { size: width, type: WidthType.DXA },
  children: [new Paragraph({ children: [run(text, { font: FONT.table, size: 10.5, bold })] })] });

/** The report's table columns and their shares of the 156 mm text block: none narrower than four characters of 五号 and the cell's margins (18.7 mm, 12%), the plan and notes the widest. */
export const REPORT_COLUMNS: [string, number][] = [['序号', 0.12], ['指标', 0.16], ['地区', 0.12], ['目标（期限）', 0.14], ['当前值', 0.12], ['状态', 0.12], ['来源规划及说明', 0.22]];

/** The county health commission that issues the report (文登区 → 文登区卫生健康局). */
export function issuingUnit(countyName: string): string {
  return `${countyName}卫生健康局`;
}

/** The period's monitoring report (监测评价报告): every target with its value, status and note, and the rule. */
export async function reportDocx(o: { countyName: string; period: string; computedAt: string | null; targets: TargetRow[]; issuedOn: string }): Promise<Buffer> {
  const counts = new Map<Status, number>();
  for (const t of o.targets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const summary = (['met', 'on_track', 'at_risk', 'off_track', 'no_data'] as Status[]).map((s) => `${STATUS_LABEL[s].zh}${counts.get(s) ?? 0}项`).join('，');
  const widths = REPORT_COLUMNS.map(([, w]) => Math.floor(w * TEXT_WIDTH));
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA }, columnWidths: widths, layout: TableLayoutType.FIXED,
    rows: [new TableRow({ tableHeader: true, children: REPORT_COLUMNS.map(([h], i) => cell(h, widths[i], true)) }),
      ...o.targets.map((t, i) => new TableRow({ cantSplit: true, children: [
        cell(String(i + 1), widths[0]), cell(t.indicatorName?.zh ?? t.metric ?? '（未匹配指标）', widths[1]), cell(t.localityName, widths[2]), cell(`${targetText(t)}${t.dueYear ? `（${t.dueYear}年）` : ''}`, widths[3]),
        cell(t.current == null ? '—' : `${unitOf(t) ? formatValue(t.current, unitOf(t)!) : t.current}${t.source === 'entered' ? '（录入）' : ''}${t.flags.length ? `（${t.flags.map((f) => FLAG_SHORT[f]).join('；')}）` : ''}`, widths[4]), cell(STATUS_LABEL[t.status].zh, widths[5]),
        cell([t.planTitle, t.taskTitle, t.text, t.note].filter(Boolean).join('；'), widths[6]),
      ] }))],
  });
  const unit = issuingUnit(o.countyName);
  const doc = new Document({
    creator: 'Meridian',
    title: `${o.countyName}医疗卫生服务体系建设监测评价报告（${o.period}年）`,
    sections: [{
      properties: { page: { size: { width: Math.round(210 * MM), height: Math.round(297 * MM) }, margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) } } },
      footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28, font: FONT.table })] })] }) },
      children: [
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 560 }, children: [run(`${o.countyName}医疗卫生服务体系建设监测评价报告`, { font: FONT.title, size: 22 })] }),
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 280 }, children: [run(`（${o.period}年）`, { font: FONT.body, size: 16 })] }),
        heading('一、总体情况'),
        body(`共监测目标${o.targets.length}项：${summary}。指标值由平台按统一口径从诊疗、签约、随访等业务数据自动计算（数据计算时间：${o.computedAt ? o.computedAt.slice(0, 16).replace('T', ' ') : '未计算'}）；标注“录入”的为按期手工录入的数据；当前值后括注的数据质量提示（${QUALITY_FLAGS.map((f) => `${FLAG_SHORT[f]}：${FLAG_LABEL[f].zh}`).join('；')}）解读时请注意。`),
        heading('二、目标完成情况'),
        table,
        heading('三、状态判定规则'),
        body(STATUS_RULE.zh),
        heading('四、指标口径'),
        ...[...new Set(o.targets.map((t) => t.indicatorCode).filter((c): c is string => !!c))].map((c, i) => {
          const d = BY_CODE.get(c);
          return body(`${i + 1}. ${d?.name.zh ?? c}：${d?.definition.zh ?? ''}`);
        }),
        new Paragraph({ spacing: { before: 560, line: 560, lineRule: 'exact' }, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(unit, { font: FONT.body, size: 16 })] }),
        new Paragraph({ spacing: { line: 560, lineRule: 'exact' }, alignment: AlignmentType.RIGHT, indent: { right: 640 }, children: [run(documentDate(o.issuedOn), { font: FONT.body, size: 16 })] }),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}
