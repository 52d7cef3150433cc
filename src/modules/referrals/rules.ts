// Two-way referral: pure rules (no I/O; the web app imports them too). The state machine with its
// refusals and stable codes, the direction between tiers, the service level, and the payment rule
// that charges the deductible (起付线) once along an in-community referral.
import { CHRONIC_REFERRAL_REASONS as CHRONIC_REASONS } from '../../shared/referral-reasons.ts';

export const STATES = ['draft', 'sent', 'accepted', 'declined', 'arrived', 'completed', 'cancelled', 'expired'] as const;
export type State = (typeof STATES)[number];
export const ACTIONS = ['send', 'accept', 'decline', 'arrive', 'complete', 'cancel', 'expire'] as const;
export type Action = (typeof ACTIONS)[number];
/** The states and actions by name, for the refusals' text (the web app names them from its catalogue). */
export const STATE_NAMES: Record<State, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'draft' }, sent: { zh: '待接收', en: 'sent' }, accepted: { zh: '已接收', en: 'accepted' }, declined: { zh: '已拒绝', en: 'declined' },
  arrived: { zh: '已到诊', en: 'arrived' }, completed: { zh: '已完成', en: 'completed' }, cancelled: { zh: '已撤销', en: 'cancelled' }, expired: { zh: '已超时', en: 'expired' },
};
/** Each action as the refusal names it: Chinese the verb, English the participle ("cannot be accepted"). */
export const ACTION_NAMES: Record<Action, { zh: string; en: string }> = {
  send: { zh: '发送', en: 'sent' }, accept: { zh: '接收', en: 'accepted' }, decline: { zh: '拒绝', en: 'declined' }, arrive: { zh: '登记到达', en: 'marked as arrived' },
  complete: { zh: '完成', en: 'completed' }, cancel: { zh: '撤销', en: 'cancelled' }, expire: { zh: '标记超时', en: 'marked as expired' },
};
/** "The referral is accepted now and cannot be accepted", in both languages — a refused move named in words, not codes. */
export function transitionText(status: State, action: Action): { zh: string; en: string } {
  return { zh: `转诊单当前为「${STATE_NAMES[status].zh}」，不能${ACTION_NAMES[action].zh}`, en: `The referral is ${STATE_NAMES[status].en} now and cannot be ${ACTION_NAMES[action].en}` };
}
export type Urgency = 'routine' | 'urgent' | 'green_channel';
export type Direction = 'up' | 'down' | 'lateral' | 'out';

export const GREEN_CHANNELS = {
  chest_pain: { zh: '胸痛中心', en: 'Chest pain' },
  stroke: { zh: '卒中中心', en: 'Stroke' },
  trauma: { zh: '创伤中心', en: 'Trauma' },
  high_risk_pregnancy: { zh: '危重孕产妇救治中心', en: 'High-risk pregnancy' },
  critical_newborn: { zh: '危重新生儿救治中心', en: 'Critically ill newborn' },
} as const;
export type GreenChannel = keyof typeof GREEN_CHANNELS;

/** Coded reasons: the chronic programme's, and the general ones of a referral. */
export const REASONS: Record<string, { zh: string; en: string }> = {
  ...CHRONIC_REASONS,
  diagnosis_unclear: { zh: '诊断不明确，需上级医院明确诊断', en: 'Diagnosis unclear: needs the higher level' },
  beyond_capability: { zh: '超出本机构诊疗能力', en: 'Beyond this facility\'s capability' },
  examination: { zh: '需上级医院设备检查', en: 'Needs equipment of the higher level' },
  surgery: { zh: '需手术治疗', en: 'Needs surgery' },
  green_channel: { zh: '急危重症，绿色通道', en: 'Emergency: green channel' },
  rehabilitation: { zh: '病情稳定，转回基层康复', en: 'Stable: back to primary care for rehabilitation' },
  chronic_management: { zh: '诊断明确，转回基层慢病管理', en: 'Diagnosis clear: back to primary care for chronic management' },
  palliative: { zh: '转回基层安宁疗护', en: 'Back to primary care for palliative care' },
  other: { zh: '其他', en: 'Other' },
};

export const TIERS = ['village', 'township', 'county', 'city'] as const;
export type Tier = (typeof TIERS)[number];

/** The direction from one tier to another: within the community up/down/lateral, out of it 'out'. */
export function directionOf(from: Tier, to: Tier, sameCommunity: boolean): Direction {
  if (!sameCommunity) return 'out';
  const a = TIERS.indexOf(from);
  const b = TIERS.indexOf(to);
  return b > a ? 'up' : b < a ? 'down' : 'lateral';
}

export type Sla = Record<Urgency, number>;
/** Minutes a referral of each urgency may wait for acceptance (the defaults of migration 010). */
export const DEFAULT_SLA: Sla = { routine: 2880, urgent: 240, green_channel: 30 };

/** When a referral sent at `sentAt` must be accepted or declined. */
export function dueAt(sentAt: Date, urgency: Urgency, sla: Sla): Date {
  return new Date(sentAt.getTime() + sla[urgency] * 60_000);
}

/** Minutes left before the deadline (negative once overdue). */
export function minutesLeft(due: Date, now: Date): number {
  return Math.floor((due.getTime() - now.getTime()) / 60_000);
}

export interface TransitionContext {
  now: Date;
  dueAt: Date | null;
  urgency: Urgency;
  direction: Direction;
  /** A slot booked or a bed reserved for the referral (or given with the acceptance). */
  hasPlace: boolean;
  summary: boolean;
  declineReason?: string | null;
  outcome?: string | null;
  followUpPlan?: string | null;
  followUpDays?: number | null;
  everAccepted: boolean;
}

export type Refusal =
  | 'referral.invalid_transition' | 'referral.expired' | 'referral.not_accepted' | 'referral.not_arrived' | 'referral.needs_place'
  | 'referral.decline_reason_required' | 'referral.summary_required' | 'referral.outcome_required' | 'referral.plan_required' | 'referral.not_overdue';

export const REFUSAL_TEXT: Record<Refusal, { zh: string; en: string }> = {
  'referral.invalid_transition': { zh: '转诊单当前状态不允许此操作', en: 'The referral\'s state does not allow this' },
  'referral.expired': { zh: '转诊单已超过服务时限，已失效', en: 'The referral passed its service level and has expired' },
  'referral.not_accepted': { zh: '转诊单尚未被接收', en: 'The referral was never accepted' },
  'referral.not_arrived': { zh: '患者尚未到达', en: 'The patient has not arrived' },
  'referral.needs_place': { zh: '接收转诊须预约号源或预留床位（绿色通道除外）', en: 'Accepting needs a booked slot or a reserved bed (except the green channel)' },
  'referral.decline_reason_required': { zh: '拒绝转诊须说明原因', en: 'A decline needs a reason' },
  'referral.summary_required': { zh: '发送前须有病情摘要', en: 'A clinical summary is needed before sending' },
  'referral.outcome_required': { zh: '完成转诊须填写出院或就诊小结', en: 'Completing needs the discharge or visit summary' },
  'referral.plan_required': { zh: '下转须有随访计划和随访天数', en: 'A down-referral needs a follow-up plan and its days' },
  'referral.not_overdue': { zh: '转诊单尚未超时', en: 'The referral is not overdue' },
};

/** Refusals caused by a missing input (answered 400); the others are state conflicts (409). */
export const INPUT_REFUSALS: ReadonlySet<Refusal> = new Set(['referral.needs_place', 'referral.decline_reason_required', 'referral.outcome_required', 'referral.plan_required']);

const FROM: Record<Action, readonly State[]> = {
  send: ['draft'],
  accept: ['sent'],
  decline: ['sent'],
  arrive: ['accepted'],
  complete: ['arrived'],
  cancel: ['draft', 'sent', 'accepted'],
  expire: ['sent'],
};
const TO: Record<Action, State> = { send: 'sent', accept: 'accepted', decline: 'declined', arrive: 'arrived', complete: 'completed', cancel: 'cancelled', expire: 'expired' };

/** The next state of a referral under an action, or the refusal with its stable code. */
export function transition(from: State, action: Action, c: TransitionContext): { to: State } | { refusal: Refusal; field?: string } {
  const overdue = c.dueAt !== null && c.now.getTime() > c.dueAt.getTime();
  if (from === 'expired' && action !== 'cancel') return { refusal: 'referral.expired' };
  if ((action === 'accept' || action === 'decline') && from === 'sent' && overdue) return { refusal: 'referral.expired' };
  if (action === 'expire' && from === 'sent' && !overdue) return { refusal: 'referral.not_overdue' };
  if (!FROM[action].includes(from)) {
    if ((action === 'complete' || action === 'arrive') && !c.everAccepted) return { refusal: 'referral.not_accepted' };
    if (action === 'complete' && from === 'accepted') return { refusal: 'referral.not_arrived' };
    return { refusal: 'referral.invalid_transition' };
  }
  if (action === 'send') {
    if (!c.summary) return { refusal: 'referral.summary_required', field: 'summary' };
    if (c.direction === 'down' && (!c.followUpPlan?.trim() || !c.followUpDays)) return { refusal: 'referral.plan_required', field: 'followUpPlan' };
  }
  // A down-referral is accepted by the family-doctor team (its task), not into a slot.
  if (action === 'accept' && !c.hasPlace && c.urgency !== 'green_channel' && c.direction !== 'down') return { refusal: 'referral.needs_place', field: 'slotId' };
  if (action === 'decline' && !c.declineReason?.trim()) return { refusal: 'referral.decline_reason_required', field: 'reason' };
  if (action === 'complete' && !c.outcome?.trim()) return { refusal: 'referral.outcome_required', field: 'outcome' };
  return { to: TO[action] };
}

// ---------------------------------------------------------------- payment

export interface TierParameters {
  deductibleFen: number;
  /** Share the fund pays above the deductible, in basis points (8000 = 80 %). */
  reimburseBp: number;
  capFen: number;
}

export interface Stay {
  tier: Tier;
  totalFen: number;
}

export interface StayShare {
  tier: Tier;
  totalFen: number;
  deductibleFen: number;
  fundFen: number;
  residentFen: number;
}

/**
 * The resident's share of a chain of inpatient stays. With `deductibleOnce` (an in-community referred
 * inpatient) the deductible is charged once: each stay charges only what its tier's deductible exceeds
 * the deductible already charged along the chain (补差), so the chain pays at most the highest one.
 * Without it, each stay charges its own. The fund pays its share above the deductible (rounded down to
 * the fen), up to the annual cap.
 */
export function residentShare(stays: Stay[], params: Record<Tier, TierParameters>, deductibleOnce: boolean): { stays: StayShare[]; residentFen: number; fundFen: number; deductibleFen: number } {
  let charged = 0;
  let fundSoFar = 0;
  const out: StayShare[] = [];
  for (const s of stays) {
    const p = params[s.tier];
    const due = deductibleOnce ? Math.max(0, p.deductibleFen - charged) : p.deductibleFen;
    const deductible = Math.min(due, s.totalFen);
    charged += deductible;
    const above = s.totalFen - deductible;
    const fund = Math.max(0, Math.min(Math.floor((above * p.reimburseBp) / 10_000), p.capFen - fundSoFar));
    fundSoFar += fund;
    out.push({ tier: s.tier, totalFen: s.totalFen, deductibleFen: deductible, fundFen: fund, residentFen: s.totalFen - fund });
  }
  return { stays: out, residentFen: out.reduce((a, b) => a + b.residentFen, 0), fundFen: fundSoFar, deductibleFen: charged };
}

// ---------------------------------------------------------------- figures

/** A share as a fraction rounded to four places, or null when there is nothing to divide. */
export function share(n: number, d: number): number | null {
  return d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null;
}
