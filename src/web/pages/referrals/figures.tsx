// Referral figures: up and down by township, facility or month; the share accepted; hours to acceptance
// and to arrival; plans returned; the down-referral ratio. Aggregates only.
import { useMemo, useState } from 'react';
import { Card, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { useT } from '../../i18n';
import { Chart, type ChartOption } from '../../components/chart';
import { today } from '../../../shared/time.ts';
import { useApiQuery, type ApiData } from '../../api/hooks';

type Out = ApiData<'/api/referrals/figures'>;
type Row = Out['items'][number];
type Group = 'township' | 'facility' | 'month';
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
const hours = (v: number | null) => (v == null ? '—' : v.toFixed(1));

/** The figures page. */
export function ReferralFiguresPage() {
  const t = useT();
  const thisYear = Number(today().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [group, setGroup] = useState<Group>('township');
  const data = useApiQuery('/api/referrals/figures', { params: { query: { year, groupBy: group } } }).data;
  const rows = data?.items ?? [];
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 10, top: 40, bottom: group === 'month' ? 30 : 90 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: group === 'month' ? 0 : 40 } }, yAxis: { type: 'value' },
    series: [{ name: t('referrals.up'), type: 'bar', data: rows.map((r) => r.up) }, { name: t('referrals.down'), type: 'bar', data: rows.map((r) => r.down) }],
  }), [rows, t, group]);
  const tot = data?.totals;
  return (
    <Card title={`${t('referrals.figures')} · ${year}`} extra={<Space>
      <Segmented value={year} onChange={(v) => setYear(Number(v))} options={[thisYear - 1, thisYear]} />
      <Segmented value={group} onChange={(v) => setGroup(v as Group)} data-testid="figures-group"
        options={[{ value: 'township', label: t('referrals.byTownship') }, { value: 'facility', label: t('referrals.byFacility') }, { value: 'month', label: t('referrals.byMonth') }]} /></Space>}>
      {tot && (
        <Space size="large" wrap style={{ marginBottom: 16 }} data-testid="figures-totals">
          <Statistic title={t('referrals.up')} value={tot.up} />
          <Statistic title={t('referrals.down')} value={tot.down} />
          <Statistic title={t('referrals.acceptedShare')} value={pct(tot.acceptedShare)} />
          <Statistic title={t('referrals.hoursToAccept')} value={hours(tot.medianHoursToAccept)} />
          <Statistic title={t('referrals.hoursToArrival')} value={hours(tot.medianHoursToArrival)} />
          <Statistic title={t('referrals.planShare')} value={pct(tot.planShare)} />
          <Statistic title={t('referrals.downRatio')} value={pct(tot.downRatio)} />
        </Space>
      )}
      <Chart option={option} height={300} testId="figures-chart" />
      <Table<Row> rowKey="key" size="small" dataSource={rows} pagination={false} data-testid="figures-table" columns={[
        { title: t(group === 'month' ? 'referrals.month' : group === 'facility' ? 'referrals.facility' : 'referrals.township'), dataIndex: 'name' },
        { title: t('referrals.up'), dataIndex: 'up', sorter: (a, b) => a.up - b.up },
        { title: t('referrals.down'), dataIndex: 'down', sorter: (a, b) => a.down - b.down },
        { title: t('referrals.sentCount'), dataIndex: 'sent' },
        { title: t('referrals.acceptedShare'), render: (_, r) => pct(r.acceptedShare), sorter: (a, b) => (a.acceptedShare ?? 0) - (b.acceptedShare ?? 0) },
        { title: t('referrals.hoursToAccept'), render: (_, r) => hours(r.medianHoursToAccept) },
        { title: t('referrals.hoursToArrival'), render: (_, r) => hours(r.medianHoursToArrival) },
        { title: t('referrals.planShare'), render: (_, r) => pct(r.planShare) },
        { title: t('referrals.downRatio'), render: (_, r) => pct(r.downRatio) },
        { title: t('referrals.expiredCount'), dataIndex: 'expired' },
      ]} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>{t('referrals.figuresDefinitions')}</Typography.Paragraph>
    </Card>
  );
}
