// Supervision (督查) for a quarter, of every plan or one: overdue and lagging tasks, units that have not reported
// (and whether anyone there can sign in), the units that need an account first, reminders.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import { useLang, useT, type MessageKey } from '../../i18n';
import { fmtTime, StatusTag, unitsIn, type LedgerTask } from './shared';
import { useApiMutation, useApiQuery } from '../../api/hooks';


/** The supervision page of the commission. */
export function SupervisionPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  // The current quarter until the user picks another; the server answers which quarter it read.
  const [picked, setPicked] = useState('');
  const [planId, setPlanId] = useState<string | undefined>(undefined);
  const plans = useApiQuery('/api/ledger/plans').data?.items ?? [];
  const s = useApiQuery('/api/ledger/supervision', { params: { query: { ...(picked ? { quarter: picked } : {}), ...(planId ? { planId } : {}) } } }).data;
  const quarter = picked || s?.quarter || '';
  const setQuarter = setPicked;
  const load = (q?: string) => setPicked(q ?? '');
  const remindMut = useApiMutation('post', '/api/ledger/reminders', {
    invalidates: ['/api/ledger/supervision', '/api/ledger/reminders'],
    onSuccess: (d) => {
      if (d.units) message.success(t('ledger.sup.sent', { n: d.sent, units: d.units }));
      if (d.needAccount.length) message.warning(t('ledger.sup.notSent', { n: d.needAccount.length, units: d.needAccount.map((u) => u.unitName).join('、') }));
    },
  });
  const remind = (unitIds?: string[]) => remindMut.mutate({ body: { quarter, ...(planId ? { planId } : {}), ...(unitIds ? { unitIds } : {}) } });
  const bulletinQuery = new URLSearchParams({ ...(quarter ? { quarter } : {}), ...(planId ? { planId } : {}) }).toString();
  const taskCols = [
    { title: t('ledger.col.number'), width: 70, render: (_: unknown, r: LedgerTask) => <Link to={`/ledger/tasks/${r.id}`}>{r.number}</Link> },
    { title: t('ledger.col.title'), render: (_: unknown, r: LedgerTask) => r.title },
    { title: t('ledger.col.responsible'), render: (_: unknown, r: LedgerTask) => unitsIn(r, ['lead', 'responsible']) },
    { title: t('ledger.col.deadline'), width: 110, render: (_: unknown, r: LedgerTask) => r.deadline ?? '' },
    { title: t('ledger.col.status'), width: 140, render: (_: unknown, r: LedgerTask) => <StatusTag task={r} /> },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('ledger.sup.title')} extra={
        <Space wrap>
          <Select allowClear placeholder={t('ledger.allPlans')} style={{ width: 360 }} value={planId} onChange={(v?: string) => setPlanId(v)} data-testid="sup-plan"
            options={plans.map((p) => ({ value: p.id, label: t('ledger.planOption', { title: p.title, tasks: p.tasks, overdue: p.overdue }) }))} />
          <Input style={{ width: 100 }} value={quarter} onChange={(e) => setQuarter(e.target.value)} onPressEnter={() => load(quarter)} data-testid="sup-quarter" />
          <Button onClick={() => load(quarter)}>{t('ledger.sup.show')}</Button>
          <Button type="primary" onClick={() => remind()} data-testid="sup-remind-all">{t('ledger.sup.remindAll')}</Button>
          <Button href={`/api/ledger/bulletin.docx?${bulletinQuery}`} data-testid="sup-bulletin">{t('ledger.exportBulletin')}</Button>
        </Space>} loading={!s}>
        {!!s?.needAccount.length && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="sup-need-account"
            message={t('ledger.sup.needAccount', { n: s.needAccount.length, units: s.needAccount.map((u) => u.unitName).join('、') })} />
        )}
        <h4>{t('ledger.sup.overdue')} ({s?.overdue.length ?? 0})</h4>
        <Table<LedgerTask> rowKey="id" size="small" pagination={false} dataSource={s?.overdue ?? []} columns={taskCols} data-testid="sup-overdue" />
        <h4 style={{ marginTop: 16 }}>{t('ledger.sup.lagging')} ({s?.lagging.length ?? 0})</h4>
        <Table<LedgerTask> rowKey="id" size="small" pagination={false} dataSource={s?.lagging ?? []} columns={taskCols} />
      </Card>
      <Card title={`${t('ledger.sup.notReported')} · ${s?.quarter ?? ''}`}>
        <Table rowKey="unitId" size="small" pagination={false} dataSource={s?.notReported ?? []} data-testid="sup-not-reported" columns={[
          { title: t('ledger.unit'), dataIndex: 'unitName', width: 200 },
          { title: t('ledger.sup.account'), width: 110, render: (_, r) => (r.hasAccount ? <Tag color="green">{t('ledger.sup.hasAccount')}</Tag> : <Tag color="orange">{t('ledger.sup.noAccount')}</Tag>) },
          { title: t('ledger.sup.tasks'), render: (_, r) => r.tasks.map((x) => <Tag key={x.id}><Link to={`/ledger/tasks/${x.id}`}>{x.number}. {x.title}</Link></Tag>) },
          { title: '', width: 100, render: (_, r) => (r.hasAccount
            ? <Button size="small" onClick={() => remind([r.unitId])}>{t('ledger.sup.remind')}</Button>
            : <Tooltip title={t('ledger.sup.remindNoAccount')}><Button size="small" disabled>{t('ledger.sup.remind')}</Button></Tooltip>) },
        ]} />
      </Card>
      <Card title={t('ledger.sup.reminders')}>
        <Table rowKey="id" size="small" pagination={{ pageSize: 20 }} dataSource={s?.reminders ?? []} columns={[
          { title: t('ledger.unit'), dataIndex: 'unitName', width: 180 },
          { title: t('ledger.sup.reason'), width: 100, render: (_, r) => t(`ledger.reason.${r.reason}` as MessageKey) },
          { title: t('ledger.sup.message'), dataIndex: 'message' },
          { title: t('ledger.sup.at'), width: 170, render: (_, r) => `${fmtTime(r.at, lang)} ${r.by}` },
          { title: t('ledger.sup.ack'), width: 110, render: (_, r) => (r.acknowledgedAt ? fmtTime(r.acknowledgedAt, lang, true) : '—') },
        ]} />
      </Card>
    </Space>
  );
}
