import { useMemo, useState } from 'react';
import { Card, InputNumber, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useSession } from '../../session';
import { PROGRAMME_STAFF } from '../../../shared/roles';
import { useLang, useT } from '../../i18n';
import { Chart, type ChartOption } from '../../components/chart';
import { initialLevelPeriod, LevelPeriodPicker, levelPeriodQuery, type LevelPeriod } from './period';
import { useApiQuery, type ApiData } from '../../api/hooks';
import { NumberProblem, numberProblem } from '../../components/numbers';

type Data = ApiData<'/api/chronic/rates'>;
type Row = Data['items'][number];
type Measure = 'managed' | 'standard' | 'controlled';
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Programme rates by team, township, community or county over a month, quarter, year or the year to date, with their definitions and the drill-down to the residents. */
export function RatesPage() {
  const t = useT();
  const { lang } = useLang();
  const [programme, setProgramme] = useState<'hypertension' | 'diabetes'>('hypertension');
  const [lp, setLp] = useState<LevelPeriod>(initialLevelPeriod);
  const [prevalence, setPrevalence] = useState<number | null>(null);
  // The prevalence as typed (never clamped); one out of range is named and not asked for.
  const prevalenceProblem = numberProblem(t, t('chronic.prevalence'), prevalence, { min: 0.01, max: 0.99 });
  const data = useApiQuery('/api/chronic/rates', { params: { query: { programme, ...levelPeriodQuery(lp), ...(prevalence && !prevalenceProblem ? { prevalence } : {}) } } }).data;
  const { user } = useSession();
  const canDrill = !!user && PROGRAMME_STAFF.includes(user.role);
  // The residents behind a cell are read when it is clicked.
  const [drillOf, setDrillOf] = useState<{ title: string; query: { programme: 'hypertension' | 'diabetes'; measure: Measure; code: string } & ReturnType<typeof levelPeriodQuery> } | null>(null);
  const drillRead = useApiQuery('/api/chronic/rates/residents', { params: { query: drillOf?.query ?? { programme, measure: 'managed', code: '', ...levelPeriodQuery(lp) } } }, { enabled: !!drillOf });
  const drill = drillOf && drillRead.data ? { title: drillOf.title, items: drillRead.data.items } : null;
  const setDrill = (x: null) => setDrillOf(x);
  const open = (r: Row, measure: Measure, title: string) => setDrillOf({ title: `${r.name} · ${title}`, query: { programme, measure, code: r.code, ...levelPeriodQuery(lp) } });
  const cell = (r: Row, v: number | null, measure: Measure) => (canDrill ? <a onClick={() => open(r, measure, t(`chronic.drill.${measure}`))}>{pct(v)}</a> : pct(v));
  const rows = data?.items ?? [];
  const controlTitle = t(programme === 'hypertension' ? 'chronic.col.bpControl' : 'chronic.col.glucoseControl');
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.name.replace(/（.*）$/, '')), axisLabel: { rotate: 40, width: 110, overflow: 'truncate', interval: 0 } }, yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: t('chronic.col.standardRate'), type: 'bar', data: rows.map((r) => (r.standardRate == null ? null : +(r.standardRate * 100).toFixed(1))) },
      { name: controlTitle, type: 'bar', data: rows.map((r) => (r.controlRate == null ? null : +(r.controlRate * 100).toFixed(1))) },
    ],
  }), [rows, lang]);
  return (
    <Card title={t('chronic.rates.title')} extra={<Segmented value={programme} onChange={(v) => setProgramme(v as 'hypertension' | 'diabetes')} options={[{ value: 'hypertension', label: t('chronic.hypertension') }, { value: 'diabetes', label: t('chronic.diabetes') }]} />}>
      <Space wrap style={{ marginBottom: 12 }}>
        <LevelPeriodPicker value={lp} onChange={setLp} />
        <span>{t('chronic.prevalence')}</span>
        <InputNumber data-testid="rates-prevalence" step={0.005} value={prevalence ?? data?.prevalence} onChange={(v) => setPrevalence(v)} status={prevalenceProblem ? 'error' : undefined} style={{ width: 90 }} />
        <NumberProblem problem={prevalenceProblem} testId="rates-prevalence-problem" />
        {data && <Tag data-testid="rates-range">{t('chronic.period.range', { from: data.from, to: data.to })}</Tag>}
        {data && <Tag>{t('chronic.counted', { from: data.countedFrom, to: data.to })}</Tag>}
        {data && <Tag color="blue">{t('chronic.required', { n: data.requiredFollowUps, to: data.standardTo })}</Tag>}
      </Space>
      <Chart option={option} height={300} />
      <Table<Row> rowKey="code" dataSource={rows} size="small" pagination={false} data-testid="programme-rates" columns={[
        { title: t(`chronic.level.${lp.level}`), dataIndex: 'name' },
        { title: t('chronic.col.adults35'), dataIndex: 'adults35' },
        { title: t('chronic.col.estimated'), dataIndex: 'estimated' },
        { title: t('chronic.col.managed'), dataIndex: 'managed' },
        { title: t('chronic.col.managementRate'), render: (_, r) => cell(r, r.managementRate, 'managed'), sorter: (a, b) => (a.managementRate ?? 0) - (b.managementRate ?? 0) },
        { title: <span title={t('chronic.col.standardOf.tip')}>{t('chronic.col.standardOf')}</span>, dataIndex: 'standardOf' },
        { title: t('chronic.col.standardRate'), render: (_, r) => (data && !data.standardMeasurable
          ? <Typography.Text type="secondary" title={t('chronic.notMeasurable.tip')} data-testid="standard-not-measurable">{t('chronic.notMeasurable')}</Typography.Text>
          : cell(r, r.standardRate, 'standard')), sorter: (a, b) => (a.standardRate ?? 0) - (b.standardRate ?? 0) },
        { title: controlTitle, render: (_, r) => cell(r, r.controlRate, 'controlled'), sorter: (a, b) => (a.controlRate ?? 0) - (b.controlRate ?? 0) },
      ]} />
      <Modal open={!!drill} title={drill?.title} footer={null} onCancel={() => setDrill(null)} width={720}>
        <Table size="small" rowKey="residentId" dataSource={drill?.items ?? []} pagination={{ pageSize: 10 }} columns={[
          { title: t('chronic.col.name'), render: (_, x) => <Link to={`/records/${x.residentId}`}>{x.name}</Link> }, { title: t('chronic.col.age'), dataIndex: 'age' },
          { title: t('chronic.col.village'), dataIndex: 'villageName' }, { title: t('chronic.col.followUps'), dataIndex: 'followUps' }, { title: t('chronic.col.lastVisit'), dataIndex: 'lastVisit' },
        ]} />
      </Modal>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }} data-testid="rates-definitions">
        <b>{t('chronic.definitions')}</b>
        {data && Object.values(data.definitions).map((d) => <div key={d.en}>{d[lang]}</div>)}
      </Typography.Paragraph>
    </Card>
  );
}
