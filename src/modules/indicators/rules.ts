// Pure rules of the indicators module: periods and their date windows, the value of a ratio, and the
// status of a target (met / on track / at risk / off track) from the current value, its trend and
// the due date. No I/O: the web app imports these to show the rule beside each status.

import { countingOf } from '../chronic/rules.ts';

/** How a definition reads its period: `flow` = events within the period; `ytd` = from 1 January to the period's end
 *  (the programme rates of the norm are annual); `point` = the state on the period's last day (or today, if earlier);
 *  `quarters` = from 1 January to the last quarter end by the period's end or today (norm-compliance, chronic/rules.ts countingOf). */
export type Window = 'flow' | 'ytd' | 'point' | 'quarters';
export type Comparator = '>=' | '<=' | '=' | '>' | '<' | 'range';
export type Status = 'met' | 'on_track' | 'at_risk' | 'off_track' | 'no_data';

const PERIOD_RE = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;

/** True for a period string: 2025, 2025-Q1 or 2025-03. */
export function isPeriod(p: string): boolean {
  return PERIOD_RE.test(p);
}

function lastDay(y: number, month: number): string {
  const d = new Date(Date.UTC(y, month, 0));
  return d.toISOString().slice(0, 10);
}

/** First and last day of a period. */
export function periodBounds(p: string): { from: string; to: string } {
  const m = PERIOD_RE.exec(p);
  if (!m) throw new Error(`not a period: ${p}`);
  const y = Number(m[1]);
  if (m[2]) return { from: `${m[1]}-${m[2]}-01`, to: lastDay(y, Number(m[2])) };
  if (m[3]) {
    const q = Number(m[3]);
    return { from: `${m[1]}-${String(q * 3 - 2).padStart(2, '0')}-01`, to: lastDay(y, q * 3) };
  }
  return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
}

/** The dates a definition reads for a period: `from`–`to` for events, `asOf` for a state (never after today). */
export function windowOf(p: string, w: Window, today: string): { from: string; to: string; asOf: string } {
  const b = periodBounds(p);
  const asOf = b.to < today ? b.to : today;
  if (w === 'ytd') return { from: `${p.slice(0, 4)}-01-01`, to: b.to, asOf };
  if (w === 'quarters') {
    const c = countingOf(b.to, today);
    return { from: c.countedFrom, to: c.standardTo, asOf: c.standardTo };
  }
  if (w === 'point') return { from: asOf, to: asOf, asOf };
  return { from: b.from, to: b.to, asOf };
}

/** Every month, quarter and year of a year that has begun by `today` (months and quarters only once begun). */
export function periodsOfYear(year: number, today: string): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const p = `${year}-${String(m).padStart(2, '0')}`;
    if (periodBounds(p).from <= today) out.push(p);
  }
  for (let q = 1; q <= 4; q++) if (periodBounds(`${year}-Q${q}`).from <= today) out.push(`${year}-Q${q}`);
  if (`${year}-01-01` <= today) out.push(String(year));
  return out;
}

/** The periods whose window reaches `date` or later (a record dated `date` changes them): from its month onward, up to today. */
export function periodsTouchedBy(date: string, w: Window, today: string): string[] {
  const out: string[] = [];
  for (let y = Number(date.slice(0, 4)); y <= Number(today.slice(0, 4)); y++) {
    for (const p of periodsOfYear(y, today)) {
      const win = windowOf(p, w, today);
      // A point-in-time state counts records up to its day; events count within their window.
      if (w === 'point' ? win.asOf >= date : win.from <= date && win.to >= date) out.push(p);
    }
  }
  return out;
}

/** The value of a ratio in its unit's scale (100 for %, 1000 per thousand, …); null when the denominator is empty. */
export function ratioValue(num: number, den: number | null, scale: number): number | null {
  if (den == null) return num;
  if (!(den > 0)) return null;
  return Math.round(((num * scale) / den) * 1e6) / 1e6;
}

/** The midpoint date of a period as a fractional year (for trends). */
export function periodTime(p: string): number {
  const { from, to } = periodBounds(p);
  const t = (Date.parse(from) + Date.parse(to)) / 2;
  const y = Number(p.slice(0, 4));
  return y + (t - Date.UTC(y, 0, 1)) / (365.25 * 86400_000);
}

/** Least-squares slope per year of a series; null with fewer than two distinct points. */
export function slopePerYear(points: { t: number; v: number }[]): number | null {
  if (points.length < 2) return null;
  const mt = points.reduce((s, p) => s + p.t, 0) / points.length;
  const mv = points.reduce((s, p) => s + p.v, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.t - mt) * (p.v - mv), 0) / sxx;
}

export interface TargetSpec {
  comparator: Comparator;
  value: number;
  valueHigh?: number | null;
}

/** True when a value satisfies a target ('=' within 1% of the value, at least 0.01). */
export function satisfies(t: TargetSpec, v: number): boolean {
  switch (t.comparator) {
    case '>=': return v >= t.value;
    case '>': return v > t.value;
    case '<=': return v <= t.value;
    case '<': return v < t.value;
    case '=': return Math.abs(v - t.value) <= Math.max(0.01, Math.abs(t.value) * 0.01);
    case 'range': return v >= t.value && v <= (t.valueHigh ?? t.value);
  }
}

/** How far a value is from a target (0 when it satisfies it) and which way it must move (+1 up, −1 down, 0 none). */
export function gap(t: TargetSpec, v: number): { distance: number; direction: 1 | -1 | 0 } {
  if (satisfies(t, v)) return { distance: 0, direction: 0 };
  const hi = t.comparator === 'range' ? (t.valueHigh ?? t.value) : t.value;
  if (t.comparator === '>=' || t.comparator === '>' || ((t.comparator === 'range' || t.comparator === '=') && v < t.value)) return { distance: t.value - v, direction: 1 };
  if (t.comparator === 'range') return { distance: v - hi, direction: -1 };
  return { distance: v - t.value, direction: -1 };
}

export interface StatusConfig {
  /** A miss within this share of the target value counts as at risk, not off track. */
  tolerance: number;
}
export const DEFAULT_STATUS_CONFIG: StatusConfig = { tolerance: 0.1 };

export interface StatusInput extends TargetSpec {
  dueYear: number | null;
  current: number | null;
  /** Trend of the value per year (least squares over the recent periods), null when unknown. */
  slope: number | null;
  asOf: string;
}

export interface StatusResult {
  status: Status;
  projected: number | null;
  reason: 'no_value' | 'satisfied' | 'past_due' | 'projected_met' | 'closing_gap' | 'within_tolerance' | 'not_closing';
}

/** The status of a target: met if the value satisfies it; past the due date and not met → off track; else the value
 *  projected to 31 December of the due year along its trend: meets it → on track; moving toward it, or missing by no more
 *  than the tolerance → at risk; otherwise off track. Without a trend, only the tolerance decides (at risk or off track). */
export function targetStatus(i: StatusInput, c: StatusConfig = DEFAULT_STATUS_CONFIG): StatusResult {
  if (i.current == null) return { status: 'no_data', projected: null, reason: 'no_value' };
  if (satisfies(i, i.current)) return { status: 'met', projected: i.current, reason: 'satisfied' };
  const due = `${i.dueYear ?? Number(i.asOf.slice(0, 4))}-12-31`;
  if (i.asOf > due) return { status: 'off_track', projected: i.current, reason: 'past_due' };
  const years = (Date.parse(due) - Date.parse(i.asOf)) / (365.25 * 86400_000);
  const projected = i.slope == null ? null : i.current + i.slope * years;
  if (projected != null && satisfies(i, projected)) return { status: 'on_track', projected, reason: 'projected_met' };
  const g = gap(i, projected ?? i.current);
  const scale = Math.abs(i.value) > 0 ? Math.abs(i.value) : 1;
  if (g.distance / scale <= c.tolerance) return { status: 'at_risk', projected, reason: 'within_tolerance' };
  if (i.slope != null && Math.sign(i.slope) === g.direction && i.slope !== 0) return { status: 'at_risk', projected, reason: 'closing_gap' };
  return { status: 'off_track', projected, reason: 'not_closing' };
}

/** The comparator a target is judged by: a plan's "达到 50%" ('=') on an indicator that is better higher (or lower) is met at or beyond the value. */
export function judgedComparator(c: Comparator, betterWhen: 'higher' | 'lower' | undefined): Comparator {
  if (c !== '=' || !betterWhen) return c;
  return betterWhen === 'higher' ? '>=' : '<=';
}

export const STATUS_RULE = {
  zh: '达标：当前值满足目标；已过期限仍未满足：偏离；否则按近期趋势（最小二乘斜率）推算到期限年末的值：满足目标为“按期可达”；正在接近目标、或差距不超过目标值的10%为“有风险”；其余为“偏离”。无趋势时只按差距判断。规划“达到N”的目标按指标的改善方向理解为“不低于N”（或“不高于N”）。',
  en: 'Met: the current value satisfies the target. Past the due year and not met: off track. Otherwise the value is projected to 31 December of the due year along its recent trend (least-squares slope): meeting the target there is on track; moving toward it, or missing by no more than 10% of the target value, is at risk; anything else is off track. Without a trend only the gap decides. A plan\'s "reach N" (=) is read in the indicator\'s better direction: at least N (or at most N).',
} as const;

// ---- precision ----------------------------------------------------------------------------------------

/** The decimals each unit is shown with everywhere (pages, Excel number formats, Word): shares to 0.1%, rates per 1,000 or 10,000 and ratios to 0.01, counts whole. */
export const UNIT_DECIMALS: Record<string, number> = { '%': 1, per_1000: 2, per_10000: 2, count: 0, ratio: 2 };

/** A value as shown for its unit: "66.2", "3.40", "473"; "—" for none. Values are stored exact; only their showing is rounded. */
export function formatValue(v: number | null | undefined, unit: string): string {
  if (v == null) return '—';
  return v.toFixed(UNIT_DECIMALS[unit] ?? 2);
}

/** A value rounded to its unit's precision, for answers that are read as shown (the ledger's current value of a target). */
export function roundValue(v: number, unit: string): number {
  const f = 10 ** (UNIT_DECIMALS[unit] ?? 2);
  return Math.round(v * f) / f;
}

/** The Excel number format of a unit's values (the cell keeps the exact value). */
export function excelFormat(unit: string): string {
  const d = UNIT_DECIMALS[unit] ?? 2;
  return d === 0 ? '0' : `0.${'0'.repeat(d)}`;
}

// ---- data quality -----------------------------------------------------------------------------------

/** The range inside which a value of the indicator is believable for a county or township, and why. */
export interface Plausible {
  low: number;
  high: number;
  basis: { zh: string; en: string };
  /** The levels the range holds at: county and township, or the county alone where a township's figure leaves out the county seat's hospitals. */
  levels: ('county' | 'township')[];
}

/**
 * What a reader must know before trusting a figure: `implausible` (outside the indicator's plausible
 * range), `small_denominator` (a 0% or 100% resting on fewer than MIN_DENOMINATOR cases) and
 * `part_period` (the period has not ended: the figure is so far, not final) and `not_measurable` (the
 * indicator's rule cannot judge this period yet, so it has no value: a norm-compliant rate before two
 * quarters have ended would be 100% by construction).
 */
export const QUALITY_FLAGS = ['implausible', 'small_denominator', 'part_period', 'not_measurable'] as const;
export type QualityFlag = (typeof QUALITY_FLAGS)[number];
/** Fewer cases than this make a 0% or 100% say nothing (the usual small-number rule of public-health statistics). */
export const MIN_DENOMINATOR = 30;

export interface QualityInput {
  value: number | null;
  denominator: number | null;
  period: string;
  /** Ranges are held at the levels they were set for (Plausible.levels). */
  level: string;
  /** False when the definition's rule cannot judge the period yet (Definition.measurable); default true. */
  measurable?: boolean;
}

/** The flags of one stored value (pure; the same on the dashboard, the league table, the trend and the exports). */
export function qualityFlags(v: QualityInput, o: { unit: string; plausible?: Plausible; today: string }): QualityFlag[] {
  const out: QualityFlag[] = [];
  if (v.value != null && o.plausible && (o.plausible.levels as string[]).includes(v.level) && (v.value < o.plausible.low || v.value > o.plausible.high)) out.push('implausible');
  if (v.value != null && o.unit === '%' && v.denominator != null && v.denominator < MIN_DENOMINATOR && (v.value === 0 || v.value === 100)) out.push('small_denominator');
  if (isPeriod(v.period) && periodBounds(v.period).to >= o.today) out.push('part_period');
  if (v.measurable === false) out.push('not_measurable');
  return out;
}
