// Supervision (督查) for a quarter: overdue and lagging tasks, units that have not reported, reminders.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { App, Button, Card, Input, Space, Table, Tag } from 'antd';
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
  const s = useApiQuery('/api/ledger/supervision', { params: { query: picked ? { quarter: picked } : {} } }).data;
  const quarter = picked || s?.quarter || '';
  const setQuarter = setPicked;
  const load = (q?: string) => setPicked(q ?? '');
  const remindMut = useApiMutation('post', '/api/ledger/reminders', {
    invalidates: ['/api/ledger/supervision', '/api/ledger/reminders'],
    onSuccess: (d) => { message.success(t('ledger.sup.sent', { n: d.sent })); },
  });
  const remind = (unitIds?: string[]) => remindMut.mutate({ body: { quarter, ...(unitIds ? { unitIds } : {}) } });
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
        <Space>
          <Input style={{ width: 100 }} value={quarter} onChange={(e) => setQuarter(e.target.value)} onPressEnter={() => load(quarter)} data-testid="sup-quarter" />
          <Button onClick={() => load(quarter)}>{t('ledger.sup.show')}</Button>
          <Button type="primary" onClick={() => remind()} data-testid="sup-remind-all">{t('ledger.sup.remindAll')}</Button>
          <Button href={`/api/ledger/bulletin.docx?quarter=${quarter}`}>{t('ledger.exportBulletin')}</Button>
        </Space>} loading={!s}>
        <h4>{t('ledger.sup.overdue')} ({s?.overdue.length ?? 0})</h4>
        <Table<LedgerTask> rowKey="id" size="small" pagination={false} dataSource={s?.overdue ?? []} columns={taskCols} data-testid="sup-overdue" />
        <h4 style={{ marginTop: 16 }}>{t('ledger.sup.lagging')} ({s?.lagging.length ?? 0})</h4>
        <Table<LedgerTask> rowKey="id" size="small" pagination={false} dataSource={s?.lagging ?? []} columns={taskCols} />
      </Card>
      <Card title={`${t('ledger.sup.notReported')} · ${s?.quarter ?? ''}`}>
        <Table rowKey="unitId" size="small" pagination={false} dataSource={s?.notReported ?? []} data-testid="sup-not-reported" columns={[
          { title: t('ledger.unit'), dataIndex: 'unitName', width: 200 },
          { title: t('ledger.sup.tasks'), render: (_, r) => r.tasks.map((x) => <Tag key={x.id}><Link to={`/ledger/tasks/${x.id}`}>{x.number}. {x.title}</Link></Tag>) },
          { title: '', width: 100, render: (_, r) => <Button size="small" onClick={() => remind([r.unitId])}>{t('ledger.sup.remind')}</Button> },
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
