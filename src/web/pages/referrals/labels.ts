// Labels of the referral states, urgencies and directions, and the timer text (pure, no React).
import type { Direction, State, Urgency } from '../../../modules/referrals/rules';

export const STATE_LABELS: Record<State, { zh: string; en: string; color: string }> = {
  draft: { zh: '草稿', en: 'Draft', color: 'default' }, sent: { zh: '待接收', en: 'Sent', color: 'blue' }, accepted: { zh: '已接收', en: 'Accepted', color: 'cyan' },
  declined: { zh: '已拒绝', en: 'Declined', color: 'volcano' }, arrived: { zh: '已到诊', en: 'Arrived', color: 'geekblue' }, completed: { zh: '已完成', en: 'Completed', color: 'green' },
  cancelled: { zh: '已撤销', en: 'Cancelled', color: 'default' }, expired: { zh: '已超时', en: 'Expired', color: 'red' },
};
export const URGENCY_LABELS: Record<Urgency, { zh: string; en: string; color: string }> = {
  routine: { zh: '普通', en: 'Routine', color: 'default' }, urgent: { zh: '紧急', en: 'Urgent', color: 'orange' }, green_channel: { zh: '绿色通道', en: 'Green channel', color: 'red' },
};
export const DIRECTION_LABELS: Record<Direction, { zh: string; en: string }> = {
  up: { zh: '上转', en: 'Up' }, down: { zh: '下转', en: 'Down' }, lateral: { zh: '平转', en: 'Lateral' }, out: { zh: '转出医共体', en: 'Out of community' },
};

/** '3小时20分' / '3 h 20 min' left, or overdue. */
export function timerText(minutes: number | null, lang: 'zh' | 'en'): string {
  if (minutes == null) return '—';
  const m = Math.abs(minutes);
  const h = Math.floor(m / 60);
  const body = lang === 'zh' ? `${h ? `${h}小时` : ''}${m % 60}分` : `${h ? `${h} h ` : ''}${m % 60} min`;
  if (minutes < 0) return lang === 'zh' ? `已超时 ${body}` : `overdue by ${body}`;
  return lang === 'zh' ? `剩余 ${body}` : `${body} left`;
}

/** Yuan with two decimals from fen. */
export const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
