// Exports in the forms health commissions circulate: any table to Excel (xlsx), and a period's
// monitoring report (all targets, values, status, notes) to Word (docx).
import { layoutWorkbook } from '../../platform/xlsx.ts';
import { documentDate } from '../../shared/time.ts';
import { body, fixedTable, heading, officialDocument } from '../../platform/official-document.ts';
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

/** A workbook of one sheet laid out to be printed and handed in (src/platform/xlsx.ts); `numFmt` gives a cell's number format. */
export function xlsx(sheet: string, title: string, header: string[], rows: (string | number | null)[][], numFmt?: (row: number, col: number) => string | undefined, maxWidths?: number[]): Promise<Buffer> {
  return layoutWorkbook({ sheet, title, header, rows, numFmt, maxWidths, ruled: true });
}

const LEVEL_ZH: Record<string, string> = { county: '县（区）', township: '乡镇（街道）', community: '医共体', facility: '机构', team: '团队' };

/** The league table of one indicator as a workbook. */
export function valuesWorkbook(code: string, period: string, level: string, items: ValueRow[]): Promise<Buffer> {
  const d = BY_CODE.get(code)!;
  return xlsx(`${d.code} ${period}`, `${d.name.zh}（${period}，按${LEVEL_ZH[level] ?? level}）`,
    ['单位', `${d.name.zh}（${UNIT_LABEL[d.unit].zh}）`, '分子', '分母', '来源', '时间', '录入人', '备注', '数据质量'],
    items.map((r) => [r.name, r.value, r.numerator, r.denominator, r.source === 'entered' ? '录入' : '计算', r.at.slice(0, 16).replace('T', ' '), r.enteredBy, r.note, flagText(r.flags)]),
    (_, c) => (c === 1 ? excelFormat(d.unit) : undefined), [24, 16, 10, 10, 10, 18, 12, 24, 30]);
}

/** The commission's targets as a workbook. */
export function targetsWorkbook(targets: TargetRow[], o: { countyName: string; day: string }): Promise<Buffer> {
  return xlsx('规划目标', `${o.countyName}规划目标监测表（截至${documentDate(o.day)}）`,
    ['指标', '地区', '目标', '期限', '当前值', '统计期', '状态', '推算值', '来源规划', '原文', '备注', '数据质量'],
    targets.map((t) => [t.indicatorName?.zh ?? t.metric ?? t.text, t.localityName, targetText(t), t.dueYear, t.current, t.period, STATUS_LABEL[t.status].zh, t.projected, [t.planTitle, t.taskTitle].filter(Boolean).join(' '), t.text, t.note, flagText(t.flags)]),
    (i, c) => { const u = unitOf(targets[i]); return u && (c === 4 || c === 7) ? excelFormat(u) : undefined; }, [22, 12, 14, 10, 10, 10, 10, 10, 26, 30, 16, 20]);
}

/** The catalogue unit of a target's indicator (none for a target not matched to one). */
const unitOf = (t: TargetRow) => (t.indicatorCode ? BY_CODE.get(t.indicatorCode)?.unit : undefined);

// ---- the Word report, laid out by the conventions of GB/T 9704-2012 (src/platform/official-document.ts) ----

/** The report's table columns and their shares of the 156 mm text block: none narrower than four characters of 五号 and the cell's margins (18.7 mm, 12%), the plan and notes the widest. */
export const REPORT_COLUMNS: [string, number][] = [['序号', 0.12], ['指标', 0.16], ['地区', 0.12], ['目标（期限）', 0.14], ['当前值', 0.12], ['状态', 0.12], ['来源规划及说明', 0.22]];

/** The county health commission that issues the report (文登区 → 文登区卫生健康局). */
export function issuingUnit(countyName: string): string {
  return `${countyName}卫生健康局`;
}

/** The period's monitoring report (监测评价报告): every target with its value, status and note, and the rule. */
export function reportDocx(o: { countyName: string; period: string; computedAt: string | null; targets: TargetRow[]; issuedOn: string }): Promise<Buffer> {
  const counts = new Map<Status, number>();
  for (const t of o.targets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const summary = (['met', 'on_track', 'at_risk', 'off_track', 'no_data'] as Status[]).map((s) => `${STATUS_LABEL[s].zh}${counts.get(s) ?? 0}项`).join('，');
  const table = fixedTable(REPORT_COLUMNS, o.targets.map((t, i) => [
    String(i + 1), t.indicatorName?.zh ?? t.metric ?? '（未匹配指标）', t.localityName, `${targetText(t)}${t.dueYear ? `（${t.dueYear}年）` : ''}`,
    t.current == null ? '—' : `${unitOf(t) ? formatValue(t.current, unitOf(t)!) : t.current}${t.source === 'entered' ? '（录入）' : ''}${t.flags.length ? `（${t.flags.map((f) => FLAG_SHORT[f]).join('；')}）` : ''}`,
    STATUS_LABEL[t.status].zh, [t.planTitle, t.taskTitle, t.text, t.note].filter(Boolean).join('；'),
  ]));
  return officialDocument({
    title: `${o.countyName}医疗卫生服务体系建设监测评价报告`, subtitle: `（${o.period}年）`, issuingUnit: issuingUnit(o.countyName), issuedOn: o.issuedOn,
    children: [
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
    ],
  });
}
