import { useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Button, Card, Input, Segmented, Select, Space, Table, Tag } from 'antd';
import { useLang, useT } from '../../i18n';
import { VISIT_CLASS_LABELS, type VisitClass } from '../../../modules/chronic/rules';
import { useApiQuery, type ApiItem } from '../../api/hooks';

type Row = ApiItem<'/api/chronic/worklist'>;
type Status = Row['status'];
type Sort = 'risk' | 'due' | 'name';
const COLOR: Record<Status, string> = { overdue: 'red', due_this_week: 'orange', never_seen: 'purple', scheduled: 'default' };

/** The family-doctor team's worklist: programme follow-ups and contract package services overdue, due this week or never delivered; riskiest first. */
export function WorklistPage() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [sort, setSort] = useState<Sort>('risk');
  const list = useApiQuery('/api/chronic/worklist', { params: { query: status === 'all' ? { limit: 500, sort } : { status, limit: 500, sort } } });
  const all = useMemo(() => list.data?.items ?? [], [list.data]);
  // Narrowed on the page (the list is the team's whole worklist): by a name or its part, and by village.
  const [text, setText] = useState('');
  const [village, setVillage] = useState<string | null>(null);
  const villages = useMemo(() => [...new Set(all.map((r) => r.villageName).filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b, 'zh-CN')), [all]);
  const rows = useMemo(() => all.filter((r) => (!village || r.villageName === village) && (!text.trim() || r.name.includes(text.trim()))), [all, text, village]);
  const loading = list.isFetching;
  const open = (r: Row) => nav(r.kind === 'chronic' ? `/chronic/followup/${r.residentId}/${r.programme}` : r.kind === 'elderly' ? `/publichealth/elderly/${r.residentId}` : `/records/${r.residentId}`);
  // Come back from a saved follow-up (下一位): the first row has the focus, so Enter opens the next patient.
  const focusFirst = !!(useLocation().state as { focusFirst?: boolean } | null)?.focusFirst;
  const table = useRef<HTMLDivElement | null>(null);
  const focused = useRef(false);
  const focusFirstRow = () => table.current?.querySelector<HTMLElement>('.ant-table-row')?.focus();
  useEffect(() => {
    if (!focusFirst || focused.current || !list.data || list.isFetching) return;
    focused.current = true;
    setTimeout(focusFirstRow, 30);
  }, [focusFirst, list.data, list.isFetching]);
  const q = new URLSearchParams({ sort, ...(status === 'all' ? {} : { status }) });
  const item = (r: Row) => r.serviceName ?? t(r.kind === 'elderly' ? 'chronic.wl.elderlyService' : r.programme === 'hypertension' ? 'chronic.wl.htnFollowUp' : 'chronic.wl.dmFollowUp');
  return (
    <Card title={t('chronic.wl.title')} extra={<Button href={`/api/chronic/worklist.csv?${q}`} data-testid="worklist-export">{t('chronic.wl.export')}</Button>}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented value={status} onChange={(v) => setStatus(v as Status | 'all')}
          options={[{ value: 'all', label: t('chronic.wl.todo') }, ...(['overdue', 'due_this_week', 'never_seen', 'scheduled'] as Status[]).map((s) => ({ value: s, label: t(`chronic.wl.status.${s}`) }))]} />
        <span>{t('chronic.wl.sort')}</span>
        <Select<Sort> value={sort} onChange={setSort} style={{ width: 220 }} data-testid="worklist-sort"
          options={(['risk', 'due', 'name'] as const).map((s) => ({ value: s, label: t(`chronic.wl.sort.${s}`) }))} />
        {/* Keyboard first: type a name, Enter goes to the first row found, Enter opens it. */}
        <Input.Search allowClear autoFocus={!focusFirst} value={text} onChange={(e) => setText(e.target.value)} onSearch={() => setTimeout(focusFirstRow, 30)}
          placeholder={t('chronic.wl.searchName')} style={{ width: 200 }} data-testid="worklist-search" />
        <Select<string> allowClear value={village ?? undefined} onChange={(v) => setVillage(v ?? null)} placeholder={t('chronic.wl.allVillages')} style={{ width: 200 }} data-testid="worklist-village"
          options={villages.map((v) => ({ value: v, label: v }))} />
      </Space>
      <div ref={table}>
      <Table<Row> rowKey={(r) => `${r.residentId}-${r.programme ?? r.service}`} loading={loading} dataSource={rows} size="small" pagination={{ pageSize: 20 }} data-testid="worklist"
        // Each row is reached by Tab and opened by Enter, as by a click.
        onRow={(r) => ({ onClick: () => open(r), tabIndex: 0, onKeyDown: (e) => { if (e.key === 'Enter') open(r); }, style: { cursor: 'pointer' } })}
        columns={[
          { title: t('chronic.col.name'), dataIndex: 'name' },
          { title: t('chronic.wl.sexAge'), render: (_, r) => `${t(r.sex === 'M' ? 'chronic.wl.male' : 'chronic.wl.female')} ${r.age}` },
          { title: t('chronic.col.village'), dataIndex: 'villageName' },
          { title: t('chronic.wl.item'), render: (_, r) => (
            <Space size={4}>
              {r.kind === 'package' ? <Tag color="blue">{t('chronic.wl.packageItem')}</Tag> : r.kind === 'elderly' ? <Tag color="cyan">{t('chronic.wl.publicHealthItem')}</Tag> : null}
              <span>{item(r)}</span>
              {r.frequency ? <span style={{ color: '#888' }}>{r.frequency}</span> : null}
              {r.provisional ? <Tag color="gold">{t('chronic.wl.provisional')}</Tag> : null}
            </Space>) },
          { title: t('chronic.col.lastVisit'), render: (_, r) => (r.kind !== 'chronic' ? (r.owed ? t('chronic.wl.delivered', { delivered: r.delivered ?? 0, owed: r.owed }) : t('chronic.wl.deliveredNoneDue', { delivered: r.delivered ?? 0 })) : r.lastVisit ?? '—') },
          { title: t('chronic.wl.lastClass'), render: (_, r) => (r.lastClass ? <Tag color={r.lastClass === 'controlled' ? 'green' : 'red'}>{VISIT_CLASS_LABELS[r.lastClass as VisitClass][lang]}</Tag> : '—') },
          { title: t('chronic.wl.lastValues'), render: (_, r) => (r.kind !== 'chronic' ? '—' : r.programme === 'hypertension' ? (r.lastSbp ? `${r.lastSbp}/${r.lastDbp}` : '—') : r.lastGlucose ?? '—') },
          { title: t('chronic.wl.due'), dataIndex: 'nextDue' },
          { title: t('chronic.wl.status'), render: (_, r) => <Tag color={COLOR[r.status]}>{t(`chronic.wl.status.${r.status}`)}</Tag> },
        ]} />
      </div>
    </Card>
  );
}
