// Labels of the referral states, urgencies and directions (names from the referrals catalogue, colours here), and the timer text.
import type { Direction, State, Urgency } from '../../../modules/referrals/rules';
import { labelsFrom, translate, type Lang } from '../../i18n';

const STATES = ['draft', 'sent', 'accepted', 'declined', 'arrived', 'completed', 'cancelled', 'expired'] as const satisfies readonly State[];
const STATE_COLORS: Record<State, string> = { draft: 'default', sent: 'blue', accepted: 'cyan', declined: 'volcano', arrived: 'geekblue', completed: 'green', cancelled: 'default', expired: 'red' };
const stateNames = labelsFrom('referrals.state', STATES);
export const STATE_LABELS = Object.fromEntries(STATES.map((s) => [s, { ...stateNames[s], color: STATE_COLORS[s] }])) as Record<State, { zh: string; en: string; color: string }>;

const URGENCIES = ['routine', 'urgent', 'green_channel'] as const satisfies readonly Urgency[];
const URGENCY_COLORS: Record<Urgency, string> = { routine: 'default', urgent: 'orange', green_channel: 'red' };
const urgencyNames = labelsFrom('referrals.urgency', URGENCIES);
export const URGENCY_LABELS = Object.fromEntries(URGENCIES.map((u) => [u, { ...urgencyNames[u], color: URGENCY_COLORS[u] }])) as Record<Urgency, { zh: string; en: string; color: string }>;

export const DIRECTION_LABELS: Record<Direction, { zh: string; en: string }> = labelsFrom('referrals.direction', ['up', 'down', 'lateral', 'out'] as const satisfies readonly Direction[]);

/** '3小时20分' / '3 h 20 min' left, or overdue. */
export function timerText(minutes: number | null, lang: Lang): string {
  if (minutes == null) return '—';
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const body = `${h ? translate(lang, 'referrals.timer.hours', { h }) : ''}${translate(lang, 'referrals.timer.minutes', { m: m % 60 })}`;
  return translate(lang, minutes < 0 ? 'referrals.timer.overdue' : 'referrals.timer.left', { body });
}

/** Yuan with two decimals from fen. */
export const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
