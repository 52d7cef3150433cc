// The ledger (台账): tasks with status, owner units, deadline, linked targets and latest progress;
// a department sees its own unit's tasks and the reminders sent to it.
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Progress, Select, Space, Table, Typography } from 'antd';
import { useT, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { StatusTag, TargetText, unitsIn, type LedgerTask } from './shared';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

type PlanRow = ApiItem<'/api/ledger/plans'>;
const STATUSES = ['not_started', 'in_progress', 'done', 'overdue'] as const;

/** The ledger of every plan the caller may see. */
export function LedgerPage() {
  const t = useT();
  const { message, modal } = App.useApp();
  const nav = useNavigate();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const planId = params.get('planId') ?? undefined;
  const status = (params.get('status') ?? undefined) as LedgerTask['status'] | undefined;
  const isDept = user?.role === 'department';
  const plans = useApiQuery('/api/ledger/plans').data?.items ?? [];
  const reminders = (useApiQuery('/api/ledger/reminders', undefined, { enabled: isDept }).data?.items ?? []).filter((m) => !m.acknowledgedAt);
  const taskList = useApiQuery('/api/ledger/tasks', { params: { query: { planId, status } } });
  const tasks = taskList.isFetching && !taskList.isPlaceholderData ? null : taskList.data?.items ?? null;
  const ackMut = useApiMutation('post', '/api/ledger/reminders/{id}/ack', { invalidates: ['/api/ledger/reminders'] });
  const withdrawMut = useApiMutation('delete', '/api/plans/{id}', { invalidates: ['/api/ledger/plans', '/api/ledger/tasks', '/api/ledger/supervision'] });
  const set = (k: string, v: string | undefined) => { const p = new URLSearchParams(params); if (v) p.set(k, v); else p.delete(k); setParams(p); };
  const ack = (id: string) => ackMut.mutate({ params: { path: { id } }, body: {} });
  const exportQuery = planId ? `?planId=${planId}` : '';
  const plan = plans.find((p) => p.id === planId);
  // Withdrawing a plan imported by mistake: the server refuses (409) once any unit has reported on it.
  const withdraw = (p: PlanRow) => modal.confirm({
    title: t('ledger.withdraw'), content: t('ledger.withdraw.confirm', { title: p.title }), okType: 'danger',
    onOk: async () => {
      const d = await withdrawMut.mutateAsync({ params: { path: { id: p.id } } });
      message.success(t('ledger.withdraw.done', { tasks: d.tasks, targets: d.targets }));
      set('planId', undefined);
    },
  });

  return (
    <Card title={isDept ? t('ledger.mine') : t('ledger.title')} extra={
      <Space>
        <Button href={`/api/ledger/export.xlsx${exportQuery}`} data-testid="ledger-export">{t('ledger.exportExcel')}</Button>
        {!isDept && <Button href={`/api/ledger/bulletin.docx${exportQuery}`} data-testid="ledger-bulletin">{t('ledger.exportBulletin')}</Button>}
        {!isDept && plan && <Button danger onClick={() => withdraw(plan)} data-testid="ledger-withdraw">{t('ledger.withdraw')}</Button>}
      </Space>}>
      {reminders.map((m) => (
        <Alert key={m.id} type="warning" showIcon style={{ marginBottom: 8 }} data-testid="ledger-reminder"
          message={`${t('ledger.reminder')} · ${m.quarter} · ${m.by}`} description={m.message} action={<Button size="small" onClick={() => ack(m.id)}>{t('ledger.ack')}</Button>} />
      ))}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear placeholder={t('ledger.allPlans')} style={{ width: 420 }} value={planId} onChange={(v) => set('planId', v)} data-testid="ledger-plan"
          options={plans.map((p) => ({ value: p.id, label: t('ledger.planOption', { title: p.title, tasks: p.tasks, overdue: p.overdue }) }))} />
        <Select allowClear placeholder={t('ledger.allStatuses')} style={{ width: 140 }} value={status} onChange={(v) => set('status', v)}
          options={STATUSES.map((s) => ({ value: s, label: t(`ledger.status.${s}` as MessageKey) }))} />
      </Space>
      <Table<LedgerTask> rowKey="id" size="small" loading={!tasks} dataSource={tasks ?? []} data-testid="ledger-tasks" pagination={{ pageSize: 50 }} scroll={{ x: 1500 }}
        onRow={(r) => ({ onClick: () => nav(`/ledger/tasks/${r.id}`), style: { cursor: 'pointer' } })} columns={[
          { title: t('ledger.col.number'), width: 70, render: (_, r) => r.number },
          { title: t('ledger.col.title'), width: 280, render: (_, r) => <><div>{r.title}</div>{!planId && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.planTitle}</Typography.Text>}</> },
          { title: t('ledger.col.responsible'), width: 200, render: (_, r) => unitsIn(r, ['lead', 'responsible']) },
          { title: t('ledger.col.cooperating'), width: 160, render: (_, r) => unitsIn(r, ['cooperating']) || '——' },
          { title: t('ledger.col.deadline'), width: 110, dataIndex: 'deadline', render: (d: string | null) => d ?? t('ledger.noDeadline'), sorter: (a, b) => (a.deadline ?? '9').localeCompare(b.deadline ?? '9') },
          { title: t('ledger.col.status'), width: 140, render: (_, r) => <StatusTag task={r} />, filters: STATUSES.map((s) => ({ text: t(`ledger.status.${s}` as MessageKey), value: s })), onFilter: (v, r) => r.status === v },
          { title: t('ledger.col.percent'), width: 110, render: (_, r) => <Progress percent={r.percentDone} size="small" status={r.status === 'overdue' ? 'exception' : undefined} /> },
          { title: t('ledger.col.targets'), width: 260, render: (_, r) => r.targets.map((x) => <TargetText key={x.id} target={x} />) },
          { title: t('ledger.col.latest'), width: 260, render: (_, r) => (r.latestReport ? <Typography.Text style={{ fontSize: 12 }}>{r.latestReport.quarter} {r.latestReport.unitName}：{r.latestReport.body}</Typography.Text> : '') },
        ]} />
    </Card>
  );
}
