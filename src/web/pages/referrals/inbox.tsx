// The referral inbox: what awaits the facility (incoming, with timers against the service level),
// what it sent (drafts from the chronic programme included), and the family-doctor team's tasks.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { App, Badge, Button, Card, Input, Modal, Segmented, Table, Tabs, Tag } from 'antd';
import { useLang, useT } from '../../i18n';
import { REASONS } from '../../../modules/referrals/rules';
import { DIRECTION_LABELS, STATE_LABELS, timerText, URGENCY_LABELS } from './labels';
import { slotLabel } from '../scheduling/slot-picker';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

type Row = ApiItem<'/api/referrals/inbox'>;
type Task = ApiItem<'/api/referrals/tasks'>;
type Box = 'incoming' | 'outgoing' | 'tasks';

/** Incoming, outgoing and tasks in three tabs. */
export function ReferralInboxPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const nav = useNavigate();
  const [params, setParams] = useSearchParams();
  const box = (params.get('box') as Box) ?? 'incoming';
  const [status, setStatus] = useState<string>('open');
  const [filter, setFilter] = useState('');
  const st = status === 'open' ? undefined : (status as Row['status']);
  const inbox = useApiQuery('/api/referrals/inbox', { params: { query: { box: box === 'outgoing' ? 'outgoing' : 'incoming', ...(st ? { status: st } : {}) } } }, { enabled: box !== 'tasks' });
  const taskList = useApiQuery('/api/referrals/tasks', {}, { enabled: box === 'tasks' });
  const rows = inbox.data?.items ?? [];
  const tasks = taskList.data?.items ?? [];
  const loading = box === 'tasks' ? taskList.isFetching : inbox.isFetching;
  const [done, setDone] = useState<Task | null>(null);
  const [note, setNote] = useState('');
  const doneMut = useApiMutation('post', '/api/referrals/tasks/{id}/done', { invalidates: ['/api/referrals/tasks'], onSuccess: () => message.success(t('referrals.taskDone')) });
  const finish = () => {
    if (!done) return;
    doneMut.mutate({ params: { path: { id: done.id } }, body: { note: note || null } });
    setDone(null);
    setNote('');
  };
  const awaiting = rows.filter((r) => r.status === 'sent').length;
  const search = <Input.Search allowClear style={{ width: 220, marginInlineEnd: 12, marginBottom: 12 }} placeholder={t('referrals.filterName')} value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="name-filter" />;
  const table = (
    <>
      {search}
      <Segmented style={{ marginBottom: 12 }} value={status} onChange={(v) => setStatus(String(v))} data-testid="status-filter"
        options={[{ value: 'open', label: t('referrals.recent') }, ...(['draft', 'sent', 'accepted', 'arrived', 'completed', 'declined', 'expired'] as const)
          .filter((s) => box === 'outgoing' || s !== 'draft').map((s) => ({ value: s, label: STATE_LABELS[s][lang] }))]} />
      <Table<Row> rowKey="id" size="small" loading={loading} dataSource={filter ? rows.filter((r) => r.residentName.includes(filter.trim())) : rows} pagination={{ pageSize: 20 }} data-testid={`inbox-${box}`}
        onRow={(r) => ({ onClick: () => nav(`/referrals/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('referrals.resident'), dataIndex: 'residentName' },
          { title: t('referrals.direction'), render: (_, r) => DIRECTION_LABELS[r.direction as keyof typeof DIRECTION_LABELS]?.[lang] ?? r.direction },
          { title: t('referrals.urgency'), render: (_, r) => <Tag color={URGENCY_LABELS[r.urgency].color}>{URGENCY_LABELS[r.urgency][lang]}</Tag> },
          { title: t('referrals.reason'), render: (_, r) => REASONS[r.reasonCode]?.[lang] ?? r.reasonCode },
          { title: box === 'incoming' ? t('referrals.fromFacility') : t('referrals.toFacility'), dataIndex: 'facilityName' },
          { title: t('referrals.status'), render: (_, r) => <Tag color={STATE_LABELS[r.status].color}>{STATE_LABELS[r.status][lang]}</Tag> },
          { title: t('referrals.slot'), render: (_, r) => (r.slotAt ? slotLabel(r.slotAt, lang) : '—') },
          { title: t('referrals.timer'), render: (_, r) => (r.minutesLeft == null ? '—' : <span style={{ color: r.minutesLeft < 0 ? '#cf1322' : r.minutesLeft < 60 ? '#d46b08' : undefined }} data-testid="timer">{timerText(r.minutesLeft, lang)}</span>) },
        ]} />
    </>
  );
  return (
    <Card title={t('referrals.inbox')} extra={<Button type="primary" onClick={() => nav('/referrals/new')} data-testid="new-referral">{t('referrals.new')}</Button>}>
      <Tabs activeKey={box} onChange={(k) => setParams({ box: k })} items={[
        { key: 'incoming', label: <Badge count={box === 'incoming' ? awaiting : 0} offset={[10, 0]}>{t('referrals.incoming')}</Badge>, children: box === 'incoming' ? table : null },
        { key: 'outgoing', label: t('referrals.outgoing'), children: box === 'outgoing' ? table : null },
        { key: 'tasks', label: t('referrals.tasks'), children: (<>{search}
          <Table<Task> rowKey="id" size="small" loading={loading} dataSource={filter ? tasks.filter((r) => r.residentName.includes(filter.trim())) : tasks} pagination={{ pageSize: 20 }} data-testid="tasks"
            columns={[
              { title: t('referrals.resident'), dataIndex: 'residentName' },
              { title: t('referrals.village'), dataIndex: 'village' },
              { title: t('referrals.team'), render: (_, x) => x.teamName ?? '—' },
              { title: t('referrals.fromFacility'), dataIndex: 'fromFacility' },
              { title: t('referrals.plan'), dataIndex: 'plan' },
              { title: t('referrals.dueOn'), render: (_, x) => <span style={{ color: x.overdue ? '#cf1322' : undefined }}>{x.dueOn}{x.overdue ? ` (${t('referrals.overdue')})` : ''}</span> },
              { title: '', render: (_, x) => <Button size="small" onClick={() => nav(`/referrals/${x.referralId}`)}>{t('referrals.open')}</Button> },
              { title: '', render: (_, x) => <Button size="small" onClick={() => setDone(x)}>{t('referrals.markDone')}</Button> },
            ]} /></>
        ) },
      ]} />
      <Modal open={!!done} title={t('referrals.markDone')} onOk={finish} onCancel={() => setDone(null)}>
        <Input.TextArea rows={3} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('referrals.doneNote')} />
      </Modal>
    </Card>
  );
}
