// Pieces the ledger pages share: the status tag, a target's wording, reading a file as base64.
import { Tag } from 'antd';
import { useT, type MessageKey } from '../../i18n';
import type { ApiItem } from '../../api/hooks';

export type LedgerTask = ApiItem<'/api/ledger/tasks'>;
export type LedgerTarget = LedgerTask['targets'][number];

const COLORS: Record<LedgerTask['status'], string> = { not_started: 'default', in_progress: 'processing', done: 'success', overdue: 'error' };

/** A task's status (overdue derived by the server) as a coloured tag, with the lagging mark. */
export function StatusTag({ task }: { task: Pick<LedgerTask, 'status' | 'lagging'> }) {
  const t = useT();
  return (
    <span data-testid="task-status">
      <Tag color={COLORS[task.status]}>{t(`ledger.status.${task.status}` as MessageKey)}</Tag>
      {task.lagging && <Tag color="warning">{t('ledger.lagging')}</Tag>}
    </span>
  );
}

const STATUS_COLOR = { met: 'green', on_track: 'blue', at_risk: 'orange', off_track: 'red', no_data: 'default' } as const;
const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<' };

/** "县域就诊率 ≥ 90% (2025)", with the current value when the indicators module has one. */
export function TargetText({ target }: { target: LedgerTarget }) {
  const t = useT();
  const value = target.comparator === 'range' ? `${target.value}–${target.valueHigh}` : `${CMP[target.comparator] ?? target.comparator} ${target.value}`;
  return (
    <div style={{ fontSize: 12 }}>
      {target.metric ?? target.text} {value}{target.unit}{target.year ? ` (${target.year})` : ''}
      {target.current ? (
        <Tag color={STATUS_COLOR[target.current.status]} style={{ marginLeft: 4 }} title={target.current.reason}>
          {t('ledger.current')} {target.current.value}{target.unit === '%' ? '%' : ''} · {t(`indicators.status.${target.current.status}`)}
        </Tag>
      ) : null}
    </div>
  );
}

/** A file's contents as base64 (for JSON uploads). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** The units of a task in a role, as printed. */
export const unitsIn = (task: LedgerTask, roles: string[]) => task.units.filter((u) => roles.includes(u.role)).map((u) => u.printed).join('、');

/** A timestamp as users read it: Asia/Shanghai, in the page's language. */
export const fmtTime = (iso: string, lang: 'zh' | 'en', dateOnly = false) =>
  new Date(iso)[dateOnly ? 'toLocaleDateString' : 'toLocaleString'](lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
