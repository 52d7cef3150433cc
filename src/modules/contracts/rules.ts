// Family-doctor contract rules: package item schedules, fulfilment to date, and the rates'
// definitions (DOMAIN.md §3; no national formula — local use, shown beside each number).
import { addDays } from '../../shared/time.ts';

/** How often a package item is owed per contract year: "4次/年" → 4; "按需" (on demand) → 0. */
export function parseFrequency(f: string): number {
  const m = /(\d+)\s*次\s*\/\s*年/.exec(f) ?? /(\d+)\s*\/\s*(year|yr)/i.exec(f);
  return m ? Number(m[1]) : 0;
}

/** The dates by which each of `perYear` services is owed: the last day of each n-th of the contract year. */
export function dueDates(perYear: number, start: string): string[] {
  const out: string[] = [];
  const [y, m, d] = start.split('-').map(Number);
  for (let k = 1; k <= perYear; k++) {
    const months = (12 * k) / perYear;
    const whole = Math.floor(months);
    const end = new Date(Date.UTC(y, m - 1 + whole, d));
    // A fractional month (5 a year) adds its share of the following month's days.
    if (months > whole) end.setUTCDate(end.getUTCDate() + Math.round((months - whole) * 30));
    end.setUTCDate(end.getUTCDate() - 1);
    out.push(end.toISOString().slice(0, 10));
  }
  return out;
}

/** How many times an item is owed by `asOf` (its due dates on or before it; never past the contract's end). */
export function dueCount(perYear: number, start: string, end: string, asOf: string): number {
  if (perYear <= 0) return 0;
  const until = asOf < end ? asOf : end;
  return dueDates(perYear, start).filter((d) => d <= until).length;
}

export interface PackageItem {
  service: string;
  name: string;
  frequency: string;
}

export interface ItemFulfilment {
  service: string;
  name: string;
  frequency: string;
  due: number;
  delivered: number;
  ok: boolean;
}

/** Fulfilment to date of a contract: each item's due count against services delivered since the start. */
export function fulfilment(items: PackageItem[], delivered: Record<string, number>, start: string, end: string, asOf: string): { items: ItemFulfilment[]; fulfilled: boolean } {
  const seen = new Map<string, ItemFulfilment>();
  for (const it of items) {
    const due = dueCount(parseFrequency(it.frequency), start, end, asOf);
    const prev = seen.get(it.service);
    // The same service in two packages (a health check in both the HTN and DM packages) is owed once.
    if (!prev || due > prev.due) seen.set(it.service, { service: it.service, name: it.name, frequency: it.frequency, due, delivered: delivered[it.service] ?? 0, ok: (delivered[it.service] ?? 0) >= due });
  }
  const list = [...seen.values()];
  return { items: list, fulfilled: list.every((x) => x.ok) };
}

/** What a contract owes by `asOf`, each service once with its count due above zero (`fulfilment`'s schedule): it is fulfilled when every one was delivered at least that often. */
export function owedToDate(items: PackageItem[], start: string, end: string, asOf: string): { service: string; due: number }[] {
  return fulfilment(items, {}, start, end, asOf).items.filter((x) => x.due > 0).map((x) => ({ service: x.service, due: x.due }));
}

export const RATE_DEFINITIONS = {
  contract_coverage: { zh: '签约率 = 签约居民数 ÷ 常住人口数', en: 'Coverage = contracted residents ÷ permanent population' },
  contract_coverage_priority: { zh: '重点人群签约率 = 签约的重点人群居民数 ÷ 重点人群居民数（每人只计一次）', en: 'Priority coverage = contracted priority-group residents ÷ priority-group residents (each once)' },
  contract_fulfilment: { zh: '履约率 = 截至目前所有应提供服务均已提供的签约居民数 ÷ 签约居民数', en: 'Fulfilment = contracted residents who received every service due so far ÷ contracted residents' },
  contract_renewal: { zh: '续约率 = 上一周期签约且本周期续约的居民数 ÷ 上一周期签约居民数', en: 'Renewal = residents of the previous cycle who re-signed ÷ residents contracted in the previous cycle' },
} as const;

/** A frequency's problem, or null when valid: "N次/年" with N from 1 to 365, or "按需" (on demand, never owed). */
export function frequencyProblem(f: string): string | null {
  const s = f.trim();
  if (s === '按需') return null;
  const m = /^(\d+)\s*次\s*\/\s*年$/.exec(s);
  if (!m) return 'write it as "N次/年" (e.g. 4次/年) or "按需" / 频次应写作“N次/年”（如 4次/年）或“按需”';
  const n = Number(m[1]);
  if (n < 1 || n > 365) return 'between 1 and 365 a year / 每年 1 至 365 次';
  return null;
}

export type ItemStatus = 'overdue' | 'due_this_week' | 'never_seen' | 'scheduled';

/** Where a package item stands on a day: behind its schedule (overdue), next one owed within the week, nothing delivered yet this contract year, or on schedule. */
export function itemStatus(perYear: number, start: string, end: string, delivered: number, asOf: string, weekEnd: string): { status: ItemStatus; nextDue: string | null; due: number } | null {
  if (perYear <= 0) return null;
  const dates = dueDates(perYear, start);
  const due = dueCount(perYear, start, end, asOf);
  if (delivered < due) return { status: 'overdue', nextDue: dates[delivered], due };
  const next = dates[delivered] ?? null;
  if (next && next <= end && next <= weekEnd) return { status: 'due_this_week', nextDue: next, due };
  if (delivered === 0) return { status: 'never_seen', nextDue: next, due };
  return { status: 'scheduled', nextDue: next, due };
}

export const RATE_ATTRIBUTION = {
  zh: '团队：居民计入其当前签约团队，未签约者计入服务其所在村的团队；医共体：按乡镇卫生院所属医共体；签约率、履约率按期末（或今天）计，续约率按期内到期的签约计',
  en: 'Team: a resident counts for the team of their current contract, else the team serving their village; community: by the medical community of the township centre; coverage and fulfilment on the period\'s last day (or today), renewal over contracts whose year ended in the period',
} as const;

/** The services a package item may promise, each counted automatically from the record. */
export const SERVICE_LABELS = {
  htn_followup: { zh: '高血压随访', en: 'Hypertension follow-up' },
  dm_followup: { zh: '糖尿病随访', en: 'Diabetes follow-up' },
  health_check: { zh: '健康体检', en: 'Health check' },
  elderly_check: { zh: '老年人健康体检', en: 'Elderly health check' },
  immunisation: { zh: '预防接种', en: 'Immunisation' },
  home_visit: { zh: '上门服务', en: 'Home visit' },
  consultation: { zh: '一般诊疗与健康咨询', en: 'Consultation' },
} as const;

export interface PackageInput {
  code: string; name: string; kind: 'basic' | 'personalised'; priceFen: number; payer: 'insurance' | 'public_health' | 'resident' | 'mixed'; items: PackageItem[];
}

/** Every problem of a package as [path, problem]: the code, at least one item, known services each once, valid frequencies, a free basic package. */
export function packageProblems(p: PackageInput): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  if (!/^[A-Z][A-Z0-9_]{1,19}$/.test(p.code)) out.push({ path: 'code', problem: 'capital letters, digits or _, 2–20 long / 代码应为2–20位大写字母、数字或下划线' });
  if (!Number.isInteger(p.priceFen) || p.priceFen < 0) out.push({ path: 'priceFen', problem: 'a whole number of fen, 0 or more / 价格应为不小于0的整数（分）' });
  if (p.kind === 'basic' && p.priceFen !== 0) out.push({ path: 'priceFen', problem: 'the basic package is free to the resident / 基础服务包不收费' });
  if (!p.items.length) out.push({ path: 'items', problem: 'at least one item / 至少一个服务项目' });
  const seen = new Set<string>();
  p.items.forEach((it, i) => {
    if (!(it.service in SERVICE_LABELS)) out.push({ path: `items[${i}].service`, problem: `unknown service ${it.service} / 未知的服务项目` });
    else if (seen.has(it.service)) out.push({ path: `items[${i}].service`, problem: 'listed twice / 服务项目重复' });
    seen.add(it.service);
    if (!it.name.trim()) out.push({ path: `items[${i}].name`, problem: 'required / 必填' });
    const f = frequencyProblem(it.frequency);
    if (f) out.push({ path: `items[${i}].frequency`, problem: f });
  });
  return out;
}

/**
 * How many days before a contract year ends its renewal may be asked for online. Local practice (no
 * national figure): renewal is taken in the month before the year ends, so the new year follows on.
 */
export const RENEWAL_WINDOW_DAYS = 30;

export type RequestKind =
  | { kind: 'sign'; startsOn: string }
  | { kind: 'renew'; previousId: string; startsOn: string }
  | { kind: 'too_early'; opensOn: string; endsOn: string };

/**
 * What a resident's online request would be on `day`, from their latest contract not ended (signed or
 * renewed): none, or one that has run out → a new contract from the day; one ending within the renewal
 * window → its renewal from the day after it ends; one ending later → too early (the window opens on `opensOn`).
 */
export function requestKind(latest: { id: string; endsOn: string } | null | undefined, day: string): RequestKind {
  if (!latest || latest.endsOn < day) return { kind: 'sign', startsOn: day };
  const opensOn = addDays(latest.endsOn, -RENEWAL_WINDOW_DAYS);
  if (day < opensOn) return { kind: 'too_early', opensOn, endsOn: latest.endsOn };
  return { kind: 'renew', previousId: latest.id, startsOn: addDays(latest.endsOn, 1) };
}
