// The national immunisation schedule, read from its data file (data/publichealth/immunisation-schedule.json,
// with its sources), versions resolved (a later version names the series it replaces). Pure: the web imports it too.
import data from '../../../data/publichealth/immunisation-schedule.json' with { type: 'json' };

/** A span of calendar time after a date: whole days, months or years. */
export interface Span { days?: number; months?: number; years?: number }
export type CatchUpRule = 'bcg' | 'dtp-2021' | 'dtp-2025' | 'mena';

export interface DoseRule {
  dose: number;
  /** The schedule's age: the starting age of the dose (起始接种年龄). */
  age: Span;
  /** The minimum age when it differs from the schedule's age. */
  minAge?: Span;
  /** After the previous dose of the series. */
  minInterval?: Span;
  /** After the first dose of the series (HepB 3). */
  minFromFirst?: Span;
  /** The products that count for this dose. */
  products: string[];
  /** The age the norm says the dose must be given before (完成年龄). */
  completeBy?: Span;
  /** How soon after the schedule's age a dose counts as on time (default one month; HepB 1 within 24 hours). */
  timelyWithin?: Span;
}

export interface SeriesRule {
  code: string; zh: string; en: string;
  catchUp?: CatchUpRule;
  /** A series that starts only some time after another ends (MPSV-AC after MPSV-A). */
  after?: { series: string; interval: Span };
  doses: DoseRule[];
}

export interface ScheduleVersion { id: string; zh: string; en: string; from: string; source: string; sourceText: string; series: SeriesRule[] }
export interface VaccineInfo { code: string; zh: string; en: string; route: 'im' | 'sc' | 'id' | 'oral'; site: string; live: boolean }

interface RawVersion { id: string; zh: string; en: string; from: string; source: string; extends?: string; series?: SeriesRule[]; replace?: SeriesRule[] }

const raw = data as unknown as { sources: Record<string, string>; vaccines: Record<string, Omit<VaccineInfo, 'code'>>; versions: RawVersion[] };

/** Every vaccine product of the programme, by code. */
export const VACCINES: Record<string, VaccineInfo> = Object.fromEntries(Object.entries(raw.vaccines).map(([code, v]) => [code, { code, ...v }]));
export const VACCINE_CODES = Object.keys(VACCINES);
/** The sources of the data, as the file cites them. */
export const SCHEDULE_SOURCES: Record<string, string> = raw.sources;

function resolve(): ScheduleVersion[] {
  const out: ScheduleVersion[] = [];
  for (const v of raw.versions) {
    const base = v.extends ? out.find((x) => x.id === v.extends) : undefined;
    if (v.extends && !base) throw new Error(`immunisation schedule: ${v.id} extends unknown ${v.extends}`);
    const series = base ? base.series.map((s) => v.replace?.find((r) => r.code === s.code) ?? s) : (v.series ?? []);
    for (const s of series) for (const d of s.doses) for (const p of d.products) if (!VACCINES[p]) throw new Error(`immunisation schedule: ${v.id} ${s.code} names unknown vaccine ${p}`);
    out.push({ id: v.id, zh: v.zh, en: v.en, from: v.from, source: v.source, sourceText: raw.sources[v.source] ?? '', series });
  }
  return out.sort((a, b) => a.from.localeCompare(b.from));
}

/** The versions of the schedule, oldest first. */
export const SCHEDULE_VERSIONS: ScheduleVersion[] = resolve();

/** The version in force on a day (the oldest for a day before every version). */
export function versionOn(day: string): ScheduleVersion {
  let v = SCHEDULE_VERSIONS[0];
  for (const x of SCHEDULE_VERSIONS) if (x.from <= day) v = x;
  return v;
}
