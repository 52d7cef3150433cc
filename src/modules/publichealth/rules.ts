// Immunisation rules (pure, used by the web too): which doses of the national schedule a child has,
// which count, which are due, overdue or planned, by the catch-up principles (补种原则) of the
// schedule's 说明; a dose's lot checked before it is given; coverage and timeliness.
import { SCHEDULE_VERSIONS, VACCINES, versionOn, type DoseRule, type ScheduleVersion, type SeriesRule, type Span } from './schedule.ts';

/** A dose in the child's history (from the record). */
export interface GivenDose { vaccine: string; givenOn: string; id?: string }

export type NotCountedReason = 'too_early' | 'interval_short' | 'live_spacing' | 'wrong_product' | 'beyond_series' | 'before_series';
export type DoseStatus = 'given' | 'due' | 'overdue' | 'upcoming' | 'planned' | 'no_catch_up';

export interface DoseLine {
  series: string; dose: number; status: DoseStatus;
  /** The day the schedule puts it (birth + the dose's age, by the version that judges it). */
  scheduledOn: string;
  /** The first day it may be given (pending doses: by the previous dose, projected for later ones). */
  dueOn: string | null;
  /** From this day a pending dose is overdue: a month after its scheduled day. */
  overdueFrom: string | null;
  givenOn: string | null;
  /** Given within the timely window after its scheduled day. */
  timely: boolean | null;
  /** The product to give (pending) or given. */
  vaccine: string;
  /** The version whose rule judged (given) or sets (pending) the dose. */
  version: string;
  /** A note of the catch-up rule that applies: test_first (BCG 3 months–3 years needs a negative PPD/TB-IGRA), dt_catch_up, replaced_by_ac, too_old. */
  note: string | null;
}

export interface NotCounted { vaccine: string; givenOn: string; id?: string; series: string; dose: number; reason: NotCountedReason; version: string }

export interface ChildSchedule { version: string; day: string; ageMonths: number; lines: DoseLine[]; notCounted: NotCounted[] }

/** The date a span after `date` (calendar months and years; a day past the month's end falls on its last day). */
export function addSpan(date: string, s: Span | undefined): string {
  if (!s) return date;
  const [y, m, d] = date.split('-').map(Number);
  const months = (s.years ?? 0) * 12 + (s.months ?? 0);
  const ym = (m - 1) + months;
  const yy = y + Math.floor(ym / 12);
  const mm = ((ym % 12) + 12) % 12;
  const leap = yy % 4 === 0 && (yy % 100 !== 0 || yy % 400 === 0);
  const last = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mm];
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const at = new Date(0);
  at.setUTCFullYear(yy, mm, Math.min(d, last));
  const base = at.getTime();
  return new Date(base + (s.days ?? 0) * 86_400_000).toISOString().slice(0, 10);
}

/** Whole months of age on a day (a month is complete on the same day of the month). */
export function ageInMonths(birth: string, day: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  let n = (y - by) * 12 + (m - bm);
  if (addSpan(birth, { months: n }) > day) n--;
  void bd; void d;
  return n;
}

const maxDay = (...xs: (string | null | undefined)[]): string => xs.filter((x): x is string => !!x).sort().at(-1)!;
const daysBetween = (a: string, b: string): number => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
const LIVE_SPACING_DAYS = 28;

/** Every product a series ever counted, over all versions (a DT dose stays in the DTP series after 2025). */
function productsOf(code: string): Set<string> {
  const out = new Set<string>();
  for (const v of SCHEDULE_VERSIONS) for (const s of v.series) if (s.code === code) for (const d of s.doses) for (const p of d.products) out.add(p);
  return out;
}

function seriesIn(v: ScheduleVersion, code: string): SeriesRule | undefined {
  return v.series.find((s) => s.code === code);
}

/** Injected live vaccines given on another day less than 28 days before (说明 一（五）): the later one does not count. */
function liveTooClose(h: GivenDose, history: GivenDose[]): boolean {
  if (!VACCINES[h.vaccine]?.live || VACCINES[h.vaccine].route === 'oral') return false;
  return history.some((o) => o !== h && VACCINES[o.vaccine]?.live && VACCINES[o.vaccine].route !== 'oral' && o.givenOn < h.givenOn && daysBetween(o.givenOn, h.givenOn) < LIVE_SPACING_DAYS);
}

/**
 * The pending doses a catch-up rule sets instead of the version's own, given the doses counted so
 * far, or null when the version's doses stand. Cited in data/publichealth/immunisation-schedule.json.
 */
function catchUpDoses(rule: SeriesRule['catchUp'], s: SeriesRule, counted: GivenDose[], birth: string, day: string): { doses: DoseRule[]; note: string | null; stop?: string } | null {
  const months = ageInMonths(birth, day);
  if (rule === 'bcg') {
    if (counted.length) return null;
    if (months >= 48) return { doses: [], note: null, stop: 'too_old' };
    if (months >= 3) return { doses: s.doses, note: 'test_first' };
    return null;
  }
  if (rule === 'mena') {
    // 24 months and older: MPSV-A is no longer given; MPSV-AC follows at 3 years.
    if (months >= 24 && counted.length < s.doses.length) return { doses: [], note: null, stop: 'replaced_by_ac' };
    return null;
  }
  if (rule === 'dtp-2021' || rule === 'dtp-2025') {
    if (months < 72) return null;
    // 6 years and older (说明 百白破 补种): DTaP and DT together fewer than 3 → DT up to 3; exactly 3 and none a DT → one DT ≥6 months
    // after the 3rd; 4 DTaP and no DT → one DT ≥12 months after the 4th. Under the 2025 version the 6-year dose is DTaP (to 7 years).
    const product = rule === 'dtp-2025' && months < 84 ? 'DTaP' : 'DT';
    const n = counted.length;
    const hasDt = counted.some((c) => c.vaccine === 'DT');
    const at = (dose: number, minInterval: Span): DoseRule => ({ dose, age: { years: 6 }, minInterval, products: [product, 'DTaP', 'DT'].filter((x, i, a) => a.indexOf(x) === i), completeBy: { years: 7 } });
    if (n < 3) return { doses: [1, 2, 3].slice(n).map((k) => at(k, { days: 28 })), note: 'dt_catch_up' };
    if (n === 3) return hasDt ? { doses: [], note: null } : { doses: [at(4, { months: 6 })], note: 'dt_catch_up' };
    // Four doses: the version's own 5th dose stands (DT in 2021, DTaP from 2025, ≥12 months after the 4th).
    return n === 4 ? null : { doses: [], note: null };
  }
  return null;
}

/**
 * A child's schedule on a day: every dose of the version in force, given (each history dose judged by
 * the version in force on the day it was given: minimum age, interval, product, live-vaccine spacing),
 * or owed — only the unfinished doses, never a restart (补种通用原则) — with the first day each may be
 * given; the doses that do not count, with why. Under 18 years only.
 */
export function childSchedule(birth: string, history: GivenDose[], day: string): ChildSchedule {
  const current = versionOn(day);
  const months = ageInMonths(birth, day);
  const lines: DoseLine[] = [];
  const notCounted: NotCounted[] = [];
  const hist = [...history].filter((h) => h.givenOn <= day).sort((a, b) => a.givenOn.localeCompare(b.givenOn) || (a.id ?? '').localeCompare(b.id ?? ''));
  const countedBySeries = new Map<string, GivenDose[]>();
  const order = current.series.map((s) => s.code);
  for (const code of order) {
    const products = productsOf(code);
    const counted: GivenDose[] = [];
    for (const h of hist.filter((x) => products.has(x.vaccine))) {
      const v = versionOn(h.givenOn);
      const s = seriesIn(v, code) ?? seriesIn(current, code)!;
      const k = counted.length;
      const rule = catchUpDoses(s.catchUp, s, counted, birth, h.givenOn)?.doses.find((d) => d.dose === k + 1) ?? s.doses[k];
      const reason = judge(h, rule, s, k, counted, birth, hist, countedBySeries);
      if (reason) { notCounted.push({ vaccine: h.vaccine, givenOn: h.givenOn, id: h.id, series: code, dose: k + 1, reason, version: v.id }); continue; }
      counted.push(h);
      const sched = addSpan(birth, rule!.age);
      lines.push({ series: code, dose: k + 1, status: 'given', scheduledOn: sched, dueOn: null, overdueFrom: null, givenOn: h.givenOn, timely: h.givenOn < addSpan(sched, rule!.timelyWithin ?? { months: 1 }),
        vaccine: h.vaccine, version: v.id, note: null });
    }
    countedBySeries.set(code, counted);
    const s = seriesIn(current, code)!;
    if (months >= 216) continue;
    const cu = catchUpDoses(s.catchUp, s, counted, birth, day);
    if (cu?.stop) {
      for (const d of s.doses.slice(counted.length)) lines.push({ series: code, dose: d.dose, status: 'no_catch_up', scheduledOn: addSpan(birth, d.age), dueOn: null, overdueFrom: null, givenOn: null, timely: null, vaccine: d.products[0], version: current.id, note: cu.stop });
      continue;
    }
    const pending = cu ? cu.doses : s.doses.slice(counted.length);
    let prev = counted.at(-1)?.givenOn ?? null;
    let first = counted[0]?.givenOn ?? null;
    let firstPending = true;
    for (const d of pending) {
      const sched = addSpan(birth, d.age);
      const product = d.products[0];
      let earliest = maxDay(addSpan(birth, d.minAge ?? d.age), prev ? addSpan(prev, d.minInterval) : null, first && d.minFromFirst ? addSpan(first, d.minFromFirst) : null);
      if (s.after && d.dose === 1) {
        const before = countedBySeries.get(s.after.series)?.at(-1)?.givenOn;
        if (before) earliest = maxDay(earliest, addSpan(before, s.after.interval));
      }
      if (VACCINES[product]?.live && VACCINES[product].route !== 'oral') {
        const lastLive = hist.filter((h) => VACCINES[h.vaccine]?.live && VACCINES[h.vaccine].route !== 'oral').at(-1)?.givenOn;
        if (lastLive && lastLive < day && daysBetween(lastLive, day) < LIVE_SPACING_DAYS) earliest = maxDay(earliest, addSpan(lastLive, { days: LIVE_SPACING_DAYS }));
      }
      const dueOn = maxDay(sched, earliest);
      const overdueFrom = maxDay(addSpan(sched, { months: 1 }), dueOn);
      const status: DoseStatus = !firstPending ? 'planned' : dueOn > day ? 'upcoming' : day >= overdueFrom ? 'overdue' : 'due';
      lines.push({ series: code, dose: d.dose, status, scheduledOn: sched, dueOn, overdueFrom, givenOn: null, timely: null, vaccine: product, version: current.id, note: cu?.note ?? null });
      // A later dose can be given no sooner than the previous one could: today at the earliest.
      prev = maxDay(dueOn, day);
      first ??= prev;
      firstPending = false;
    }
  }
  notCounted.sort((a, b) => a.givenOn.localeCompare(b.givenOn));
  return { version: current.id, day, ageMonths: months, lines, notCounted };
}

function judge(h: GivenDose, rule: DoseRule | undefined, s: SeriesRule, k: number, counted: GivenDose[], birth: string, hist: GivenDose[], countedBySeries: Map<string, GivenDose[]>): NotCountedReason | null {
  if (!rule) return 'beyond_series';
  if (!rule.products.includes(h.vaccine)) return 'wrong_product';
  if (h.givenOn < addSpan(birth, rule.minAge ?? rule.age)) return 'too_early';
  const prev = counted[k - 1]?.givenOn;
  if (prev && h.givenOn < addSpan(prev, rule.minInterval)) return 'interval_short';
  if (counted[0] && rule.minFromFirst && h.givenOn < addSpan(counted[0].givenOn, rule.minFromFirst)) return 'interval_short';
  if (s.after && k === 0) {
    const before = countedBySeries.get(s.after.series)?.at(-1)?.givenOn;
    if (before && h.givenOn < addSpan(before, s.after.interval)) return 'before_series';
  }
  if (liveTooClose(h, hist)) return 'live_spacing';
  return null;
}

/** The line of the next dose of a vaccine product for a child (what the clinic would record next), or null when none is owed. */
export function nextDoseOf(sched: ChildSchedule, vaccine: string): DoseLine | null {
  return sched.lines.find((l) => (l.status === 'due' || l.status === 'overdue') && (l.vaccine === vaccine || seriesAccepts(l.series, vaccine))) ?? null;
}

function seriesAccepts(series: string, vaccine: string): boolean {
  return productsOf(series).has(vaccine);
}

export type LotProblem = 'lot_expired' | 'lot_empty' | 'lot_wrong_vaccine';

/** Why a lot may not be used for a dose on a day (expired on or before it, none left, another vaccine), or null. */
export function lotProblem(lot: { vaccine: string; expiresOn: string; quantity: number }, vaccine: string, day: string): LotProblem | null {
  if (lot.vaccine !== vaccine) return 'lot_wrong_vaccine';
  if (lot.expiresOn < day) return 'lot_expired';
  if (lot.quantity <= 0) return 'lot_empty';
  return null;
}

/** A share as a percentage to 0.1 (null when nothing is in the denominator). */
export function percent(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 1000) / 10;
}

export interface DoseCoverage { series: string; dose: number; eligible: number; given: number; timely: number; coverage: number | null; timeliness: number | null }

/**
 * Coverage of every dose of the version in force over a cohort on a day (接种率 = 实种人数 ÷ 应种人数):
 * the children whose scheduled day for the dose has come (应种; not those the catch-up rules no longer
 * give it to), those with the dose counted (实种), and of those the ones given it on time (及时).
 */
export function coverageOf(children: { birth: string; history: GivenDose[] }[], day: string): DoseCoverage[] {
  const v = versionOn(day);
  const tally = new Map(v.series.flatMap((s) => s.doses.map((d) => [`${s.code}:${d.dose}`, { series: s.code, dose: d.dose, eligible: 0, given: 0, timely: 0 }] as [string, { series: string; dose: number; eligible: number; given: number; timely: number }])));
  for (const c of children) {
    for (const l of childSchedule(c.birth, c.history, day).lines) {
      const t = tally.get(`${l.series}:${l.dose}`);
      if (!t || l.scheduledOn > day || l.status === 'no_catch_up') continue;
      t.eligible++;
      if (l.status === 'given') { t.given++; if (l.timely) t.timely++; }
    }
  }
  return [...tally.values()].map((t) => ({ ...t, coverage: percent(t.given, t.eligible), timeliness: percent(t.timely, t.eligible) }));
}

/** Coverage of one dose over a cohort on a day (see coverageOf). */
export function doseCoverage(children: { birth: string; history: GivenDose[] }[], series: string, dose: number, day: string): Omit<DoseCoverage, 'series' | 'dose'> {
  const x = coverageOf(children, day).find((t) => t.series === series && t.dose === dose);
  const { eligible = 0, given = 0, timely = 0 } = x ?? {};
  return { eligible, given, timely, coverage: percent(given, eligible), timeliness: percent(timely, eligible) };
}
