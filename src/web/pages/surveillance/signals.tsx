// The CDC's outbreak signals: the detection run on demand, responsiveness, the township grid of the
// last 7 days, the worklist, and one signal's series with its baseline and threshold and the response.
import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Drawer, Input, Modal, Row, Select, Space, Table, Tag } from 'antd';
import { useLang, useT } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { Chart, type ChartOption } from '../../components/chart';
import { minuteOf } from '../../../shared/time';

type Signal = ApiItem<'/api/surveillance/signals'>;
const COLOR: Record<string, string> = { open: 'red', investigating: 'orange', confirmed: 'volcano', excluded: 'default', closed: 'default' };

function SignalDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const q = useApiQuery('/api/surveillance/signals/{id}', { params: { path: { id } } });
  const cards = useApiQuery('/api/surveillance/cards', { params: { query: {} } });
  const [ask, setAsk] = useState<{ action: 'exclude' | 'investigate' | 'confirm' | 'close'; note: string; cardIds: string[] } | null>(null);
  const respond = useApiMutation('post', '/api/surveillance/signals/{id}/respond', { invalidates: ['/api/surveillance/signals', '/api/surveillance/signals/{id}', '/api/surveillance/signals/figures', '/api/surveillance/grid'], onSuccess: () => message.success(t('surveillance.done')) });
  const s = q.data;
  const option = useMemo<ChartOption | null>(() => (s ? {
    tooltip: { trigger: 'axis' }, legend: { data: [t('surveillance.chartCount'), t('surveillance.chartExpected'), t('surveillance.chartThreshold')] },
    xAxis: { type: 'category', data: s.points.map((p) => p.day.slice(5)) }, yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('surveillance.chartCount'), type: 'bar', data: s.points.map((p) => p.n) },
      // The baseline and the threshold of the method that raised the signal (for the moving percentile, per 7 days; EARS, per day).
      { name: t('surveillance.chartExpected'), type: 'line', data: s.points.map(() => s.expected), lineStyle: { type: 'dashed' }, symbol: 'none' },
      { name: t('surveillance.chartThreshold'), type: 'line', data: s.points.map(() => (s.method === 'scan' ? null : s.method === 'ears_c3' ? null : s.threshold)), lineStyle: { color: '#cf1322' }, symbol: 'none' },
    ],
  } : null), [s, t]);
  if (!s) return null;
  const eligible = (cards.data?.items ?? []).filter((c) => c.disease === s.series && c.status !== 'deleted' && c.status !== 'duplicate');
  const go = () => {
    if (!ask) return;
    respond.mutate({ params: { path: { id } }, body: { action: ask.action, ...(ask.note ? { note: ask.note } : {}), ...(ask.action === 'confirm' ? { cardIds: ask.cardIds } : {}) } });
    setAsk(null);
  };
  return (
    <>
      <Descriptions size="small" bordered column={2} items={[
        { key: 's', label: t('surveillance.series'), children: lang === 'zh' ? s.seriesNameZh : s.seriesNameEn },
        { key: 'm', label: t('surveillance.method'), children: t.code('surveillance.m', s.method) },
        { key: 'd', label: t('surveillance.day'), children: s.day },
        { key: 't', label: t('surveillance.township'), children: s.cluster ? s.cluster.townshipNames.join('、') : s.townshipName ?? t('surveillance.countyLevel') },
        { key: 'o', label: t('surveillance.observed'), children: s.observed },
        { key: 'e', label: t('surveillance.expected'), children: s.expected },
        { key: 'th', label: t('surveillance.threshold'), children: s.threshold },
        { key: 'st', label: t('surveillance.statistic'), children: `${s.statistic}${s.pValue !== null ? `（${t('surveillance.pValue')} ${s.pValue}）` : ''}` },
        { key: 'b', label: t('surveillance.expected'), children: s.baseline.join(', ') || '—' },
        { key: 'v', label: t('surveillance.verifyBy'), children: <>{minuteOf(s.verifyDueAt)} {s.overdue ? <Tag color="red">{t('surveillance.overdue')}</Tag> : null}</> },
        { key: 'x', label: t('surveillance.statusCol'), children: <Tag color={COLOR[s.status]} data-testid="signal-status">{t.code('surveillance.signal', s.status)}</Tag> },
        { key: 'c', label: t('surveillance.cases'), children: s.cases.length },
      ]} />
      {option ? <Chart option={option} height={260} testId="signal-chart" /> : null}
      <Space style={{ marginTop: 12 }}>
        {s.actions.map((a) => <Button key={a} type={a === 'confirm' || a === 'investigate' ? 'primary' : 'default'} data-testid={`respond-${a}`} onClick={() => setAsk({ action: a, note: '', cardIds: a === 'confirm' ? eligible.map((c) => c.id) : [] })}>{t.code('surveillance.action', a)}</Button>)}
        <Button onClick={onClose}>{t('surveillance.done')}</Button>
      </Space>
      <Modal open={!!ask} title={ask ? t.code('surveillance.action', ask.action) : ''} onOk={go} onCancel={() => setAsk(null)}>
        {ask?.action === 'confirm' ? (
          <Select mode="multiple" style={{ width: '100%', marginBottom: 12 }} placeholder={t('surveillance.pickCases')} value={ask.cardIds} data-testid="pick-cases"
            onChange={(v) => setAsk({ ...ask, cardIds: v })} options={eligible.map((c) => ({ value: c.id, label: `${c.patient?.name ?? ''} ${c.patient?.address ?? ''} ${minuteOf(c.diagnosedAt)}` }))} />
        ) : null}
        <Input.TextArea rows={3} placeholder={t('surveillance.note')} value={ask?.note ?? ''} onChange={(e) => ask && setAsk({ ...ask, note: e.target.value })} data-testid="respond-note" />
      </Modal>
    </>
  );
}

/** The worklist with the grid and figures above it. */
export function SignalsPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const list = useApiQuery('/api/surveillance/signals', {});
  const figures = useApiQuery('/api/surveillance/signals/figures', {});
  const grid = useApiQuery('/api/surveillance/grid', {});
  const [openId, setOpenId] = useState<string | null>(null);
  const run = useApiMutation('post', '/api/surveillance/detection/run', { invalidates: ['/api/surveillance/signals', '/api/surveillance/signals/figures', '/api/surveillance/grid'],
    onSuccess: (r: { stored: number; countMs: number; detectMs: number }) => message.success(t('surveillance.ran', { n: r.stored, c: r.countMs, d: r.detectMs })) });
  const f = figures.data;
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);
  return (
    <Card title={t('surveillance.signalsTitle')} extra={<Button type="primary" loading={run.isPending} onClick={() => run.mutate({ body: {} })} data-testid="run-detection">{t('surveillance.run')}</Button>}>
      {f ? <p data-testid="figures">{t('surveillance.figures', { n: f.signals, r: pct(f.respondedShare), t: pct(f.inTimeShare), m: f.medianHours ?? '—' })}</p> : null}
      <h4>{t('surveillance.grid')}</h4>
      <Row gutter={[8, 8]} style={{ marginBottom: 16 }} data-testid="grid">
        {(grid.data?.townships ?? []).map((x) => (
          <Col key={x.code} xs={12} sm={8} md={6} lg={4}>
            <div style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 8, background: x.signals ? (x.signals > 1 ? '#ffccc7' : '#fff1f0') : '#fafafa' }}>
              <b>{x.name}</b>
              <div>{t('surveillance.gridSignals', { n: x.signals })}</div>
              <div style={{ color: '#8c8c8c' }}>{t('surveillance.gridCases', { n: x.cases })} · {t('surveillance.gridSyndromes', { n: x.syndromes })}</div>
            </div>
          </Col>
        ))}
      </Row>
      <Table<Signal> rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items ?? []} data-testid="signals" pagination={{ pageSize: 20 }}
        onRow={(s) => ({ onClick: () => setOpenId(s.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('surveillance.day'), dataIndex: 'day' },
          { title: t('surveillance.series'), render: (_, s) => (lang === 'zh' ? s.seriesNameZh : s.seriesNameEn) },
          { title: t('surveillance.method'), render: (_, s) => t.code('surveillance.m', s.method) },
          { title: t('surveillance.township'), render: (_, s) => (s.cluster ? s.cluster.townshipNames.join('、') : s.townshipName ?? t('surveillance.countyLevel')) },
          { title: t('surveillance.observed'), dataIndex: 'observed' },
          { title: t('surveillance.expected'), dataIndex: 'expected' },
          { title: t('surveillance.statusCol'), render: (_, s) => <Space size={4}><Tag color={COLOR[s.status]}>{t.code('surveillance.signal', s.status)}</Tag>{s.overdue ? <Tag color="red">{t('surveillance.overdue')}</Tag> : null}</Space> },
        ]} />
      <Drawer open={!!openId} width={820} title={t('surveillance.signalsTitle')} onClose={() => setOpenId(null)} destroyOnHidden>
        {openId ? <SignalDetail id={openId} onClose={() => setOpenId(null)} /> : null}
      </Drawer>
    </Card>
  );
}
