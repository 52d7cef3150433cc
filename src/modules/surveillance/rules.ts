// Notifiable diseases and report cards: which diagnosis is notifiable, the legal time limit, duplicate
// cards, the card's revision path. Pure (the web imports it too). The catalogue is data
// (data/surveillance/notifiable-diseases.json, with its legal sources).
import catalogue from '../../../data/surveillance/notifiable-diseases.json' with { type: 'json' };

export type DiseaseClass = 'A' | 'B' | 'C';
export interface DetectionParams { method: 'fixed' | 'mpm'; percentile?: number }
export interface NotifiableDisease {
  code: string;
  /** The statutory disease this entry belongs to (viral hepatitis by type, anthrax by form). */
  group: string;
  class: DiseaseClass;
  nameZh: string;
  nameEn: string;
  icd10: string[];
  managedAsA: boolean;
  detection: DetectionParams | null;
}

/** The statutory catalogue as data. */
export const DISEASES: readonly NotifiableDisease[] = catalogue.diseases.map((d) => ({
  code: d.code, group: (d as { group?: string }).group ?? d.code, class: d.class as DiseaseClass, nameZh: d.nameZh, nameEn: d.nameEn,
  icd10: d.icd10, managedAsA: d.managedAsA, detection: d.detection as DetectionParams | null,
}));
export const CATALOGUE_SOURCE = catalogue.source;

/** Whether an ICD-10 code falls under a catalogue code (A15 covers A15 and A15.x; A22.1 covers A22.1 and A22.1x). */
export function codeCovers(prefix: string, icd10: string): boolean {
  const c = icd10.trim().toUpperCase();
  if (c === prefix) return true;
  if (!c.startsWith(prefix)) return false;
  const next = c[prefix.length];
  return prefix.includes('.') ? /[0-9A-Z]/.test(next) : next === '.';
}

/** The notifiable disease an ICD-10 code is reported as (longest catalogue match), or null. */
export function notifiableDisease(icd10: string, diseases: readonly NotifiableDisease[] = DISEASES): NotifiableDisease | null {
  let best: { d: NotifiableDisease; len: number } | null = null;
  for (const d of diseases) for (const p of d.icd10) if (codeCovers(p, icd10) && (!best || p.length > best.len)) best = { d, len: p.length };
  return best?.d ?? null;
}

/** The disease of a catalogue code, or null. */
export const diseaseByCode = (code: string): NotifiableDisease | null => DISEASES.find((d) => d.code === code) ?? null;

/** Hours allowed from diagnosis to the card's network report: 2 for class A and those managed as A, 24 for the others. */
export const reportLimitHours = (d: Pick<NotifiableDisease, 'class' | 'managedAsA'>): number => (d.class === 'A' || d.managedAsA ? 2 : 24);

/** When a card is due: the diagnosis time plus the limit. */
export const dueAt = (diagnosedAt: Date, d: Pick<NotifiableDisease, 'class' | 'managedAsA'>): Date => new Date(diagnosedAt.getTime() + reportLimitHours(d) * 3_600_000);

export type Countdown = { state: 'on_time' | 'due_soon' | 'overdue'; minutesLeft: number };
/** The countdown of an unsubmitted card: overdue past the limit, due soon in its last quarter (escalated). */
export function countdown(diagnosedAt: Date, due: Date, now: Date): Countdown {
  const left = Math.floor((due.getTime() - now.getTime()) / 60_000);
  const total = (due.getTime() - diagnosedAt.getTime()) / 60_000;
  if (left < 0) return { state: 'overdue', minutesLeft: left };
  return { state: left <= total / 4 ? 'due_soon' : 'on_time', minutesLeft: left };
}

/** Whether a card was submitted within its limit. */
export const onTime = (submittedAt: Date, due: Date): boolean => submittedAt.getTime() <= due.getTime();

/** Days within which a second card for the same person and disease is a probable duplicate (configurable). */
export const DUPLICATE_WINDOW_DAYS = 30;
/** Diseases reported once per person whatever the interval (chronic infections): a later card is always a duplicate unless the earlier was excluded. */
export const ONCE_PER_PERSON = new Set(['hiv_aids', 'hepatitis_b', 'hepatitis_c', 'leprosy', 'echinococcosis']);

/** What two cards must share to duplicate each other: the disease, its forms taken together (anthrax), viral hepatitis by type. */
function duplicateKey(code: string): string {
  const d = diseaseByCode(code);
  return !d || d.group === 'viral_hepatitis' ? code : d.group;
}

export interface CardKey { id: string; residentId: string; disease: string; diagnosedOn: string; status: string; caseClass: CaseClass }
/** The earlier live card this card duplicates (same person, same statutory disease, within the window), or null. */
export function findDuplicate(card: CardKey, others: readonly CardKey[], windowDays = DUPLICATE_WINDOW_DAYS): CardKey | null {
  const group = duplicateKey(card.disease);
  const t = Date.parse(card.diagnosedOn);
  const hits = others.filter((o) => o.id !== card.id && o.residentId === card.residentId && duplicateKey(o.disease) === group
    && !['deleted', 'duplicate'].includes(o.status) && o.caseClass !== 'excluded'
    && (ONCE_PER_PERSON.has(card.disease) || Math.abs(Date.parse(o.diagnosedOn) - t) <= windowDays * 86_400_000));
  hits.sort((a, b) => a.diagnosedOn.localeCompare(b.diagnosedOn));
  return hits[0] ?? null;
}

export type CaseClass = 'suspected' | 'clinical' | 'confirmed' | 'carrier' | 'excluded';
/** Revisions a card's case classification may make (订正): a suspected case is confirmed, clinically diagnosed or excluded; a clinical one confirmed or excluded; a confirmed one excluded. */
export const CASE_REVISIONS: Record<CaseClass, readonly CaseClass[]> = {
  suspected: ['clinical', 'confirmed', 'excluded'], clinical: ['confirmed', 'excluded'], confirmed: ['excluded'], carrier: ['confirmed', 'excluded'], excluded: [],
};
/** Whether a card's classification may be revised from one class to another. */
export const mayRevise = (from: CaseClass, to: CaseClass): boolean => CASE_REVISIONS[from].includes(to);

/** The case classification a diagnosis implies: a diagnosis the doctor marks unconfirmed is suspected. */
export const caseClassOf = (confirmed: boolean | null | undefined): CaseClass => (confirmed === false ? 'suspected' : 'confirmed');

export type CardStatus = 'draft' | 'submitted' | 'returned' | 'accepted' | 'duplicate' | 'deleted';
export type ReviewAction = 'accept' | 'return' | 'duplicate' | 'delete';
/** The CDC's review actions on a card in each status (a returned card goes back to the doctor; an accepted one can still be found a duplicate or deleted). */
export const REVIEWS: Record<CardStatus, readonly ReviewAction[]> = {
  draft: [], submitted: ['accept', 'return', 'duplicate', 'delete'], returned: [], accepted: ['duplicate', 'delete'], duplicate: [], deleted: [],
};
/** The status a review action leaves a card in. */
export const REVIEW_RESULT: Record<ReviewAction, CardStatus> = { accept: 'accepted', return: 'returned', duplicate: 'duplicate', delete: 'deleted' };
/** Review actions that must give a reason. */
export const NEEDS_REASON: ReadonlySet<ReviewAction> = new Set(['return', 'delete']);

/** The fields of the national card (传染病报告卡) that must be filled before it is submitted; the names of those missing. */
export const REQUIRED_FIELDS = ['patientName', 'idNumber', 'sex', 'birthDate', 'address', 'addressCode', 'residence', 'occupation', 'caseClass', 'onsetDate', 'diagnosedAt', 'disease', 'reportingFacility', 'reportingDoctor', 'reportedOn'] as const;
export type CardFields = Partial<Record<(typeof REQUIRED_FIELDS)[number] | 'guardian' | 'phone' | 'workplace' | 'deathDate' | 'remarks', string | null>>;
/** The required card fields that are still empty. */
export const missingFields = (f: CardFields): string[] => REQUIRED_FIELDS.filter((k) => !f[k] || String(f[k]).trim() === '');
/** Whether the card needs a guardian's name (patients under 14, by the card's rule). */
export const needsGuardian = (ageYears: number): boolean => ageYears < 14;

// ---- the response to a signal ----
export type SignalStatus = 'open' | 'excluded' | 'investigating' | 'confirmed' | 'closed';
export type SignalAction = 'exclude' | 'investigate' | 'confirm' | 'close';
/** The CDC's response: an open signal is verified within the limit (excluded, or taken to investigation); an investigation confirms an outbreak (its cases linked) or is closed. */
export const SIGNAL_ACTIONS: Record<SignalStatus, Partial<Record<SignalAction, SignalStatus>>> = {
  open: { exclude: 'excluded', investigate: 'investigating' }, investigating: { confirm: 'confirmed', close: 'closed' }, excluded: {}, confirmed: {}, closed: {},
};
/** Hours within which a signal must be verified (CIDARS: 24). */
export const VERIFY_HOURS = 24;

/** Responsiveness as CIDARS reports it: share of signals responded to, share within the limit, median hours to the response. */
export function responsiveness(xs: readonly { createdAt: Date; respondedAt: Date | null; dueAt: Date }[]): { signals: number; responded: number; respondedShare: number | null; inTimeShare: number | null; medianHours: number | null } {
  const done = xs.filter((x) => x.respondedAt);
  const hours = done.map((x) => (x.respondedAt!.getTime() - x.createdAt.getTime()) / 3_600_000).sort((a, b) => a - b);
  const median = hours.length ? (hours.length % 2 ? hours[(hours.length - 1) / 2] : (hours[hours.length / 2 - 1] + hours[hours.length / 2]) / 2) : null;
  return {
    signals: xs.length, responded: done.length, respondedShare: xs.length ? done.length / xs.length : null,
    inTimeShare: xs.length ? done.filter((x) => x.respondedAt!.getTime() <= x.dueAt.getTime()).length / xs.length : null, medianHours: median === null ? null : Math.round(median * 100) / 100,
  };
}
