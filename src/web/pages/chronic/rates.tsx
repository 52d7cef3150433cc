import { useEffect, useMemo, useState } from 'react';
import { Card, Modal, Segmented, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useSession } from '../../session';
import { api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';
import { Chart, type ChartOption } from '../../components/chart';

type Row = paths['/api/chronic/rates']['get']['responses'][200]['content']['application/json']['items'][number];
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Programme rates by township with their definitions. */
export function RatesPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const [programme, setProgramme] = useState<'hypertension' | 'diabetes'>('hypertension');
  const [rows, setRows] = useState<Row[]>([]);
  const { user } = useSession();
  const canDrill = !!user && ['doctor', 'nurse', 'village_doctor', 'public_health'].includes(user.role);
  const [drill, setDrill] = useState<{ title: string; items: { residentId: string; name: string; age: number; villageName: string; followUps: number; lastVisit: string }[] } | null>(null);
  const open = async (r: Row, measure: 'managed' | 'standard' | 'controlled' | 'not_controlled', title: string) => {
    if (!canDrill) return;
    const x = await api.GET('/api/chronic/rates/residents', { params: { query: { programme, year, township: r.code, measure } } });
    setDrill({ title: `${r.name} · ${title}`, items: x.data?.items ?? [] });
  };
  const cell = (r: Row, v: number | null, measure: 'managed' | 'standard' | 'controlled', title: string) =>
    canDrill ? <a onClick={() => open(r, measure, title)}>{pct(v)}</a> : pct(v);
  const year = Number(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
  useEffect(() => {
    api.GET('/api/chronic/rates', { params: { query: { programme, year } } }).then((r) => setRows(r.data?.items ?? []));
  }, [programme]);
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 40, bottom: 80 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 40 } }, yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: zh ? '规范管理率' : 'Norm-compliant', type: 'bar', data: rows.map((r) => (r.standardRate == null ? null : +(r.standardRate * 100).toFixed(1))) },
      { name: zh ? '控制率' : 'Control', type: 'bar', data: rows.map((r) => (r.controlRate == null ? null : +(r.controlRate * 100).toFixed(1))) },
    ],
  }), [rows, lang]);
  return (
    <Card title={`${zh ? '慢病管理指标' : 'Programme rates'} · ${year}`} extra={<Segmented value={programme} onChange={(v) => setProgramme(v as 'hypertension' | 'diabetes')} options={[{ value: 'hypertension', label: zh ? '高血压' : 'Hypertension' }, { value: 'diabetes', label: zh ? '糖尿病' : 'Diabetes' }]} />}>
      <Chart option={option} height={320} />
      <Table<Row> rowKey="code" dataSource={rows} size="small" pagination={false} columns={[
        { title: zh ? '乡镇（街道）' : 'Township', dataIndex: 'name' },
        { title: zh ? '35岁以上人口' : 'Adults 35+', dataIndex: 'adults35' },
        { title: zh ? '估算患者数' : 'Estimated patients', dataIndex: 'estimated' },
        { title: zh ? '管理人数' : 'Managed', dataIndex: 'managed' },
        { title: zh ? '健康管理率' : 'Management rate', render: (_, r) => cell(r, r.managementRate, 'managed', zh ? '管理患者' : 'Managed patients'), sorter: (a, b) => (a.managementRate ?? 0) - (b.managementRate ?? 0) },
        { title: zh ? '规范管理率' : 'Norm-compliant', render: (_, r) => cell(r, r.standardRate, 'standard', zh ? '规范管理患者' : 'Norm-compliant patients'), sorter: (a, b) => (a.standardRate ?? 0) - (b.standardRate ?? 0) },
        { title: zh ? '控制率' : 'Control rate', render: (_, r) => cell(r, r.controlRate, 'controlled', zh ? '控制达标患者' : 'Controlled patients'), sorter: (a, b) => (a.controlRate ?? 0) - (b.controlRate ?? 0) },
      ]} />
      <Modal open={!!drill} title={drill?.title} footer={null} onCancel={() => setDrill(null)} width={720}>
        <Table size="small" rowKey="residentId" dataSource={drill?.items ?? []} pagination={{ pageSize: 10 }} columns={[
          { title: zh ? '姓名' : 'Name', render: (_, x) => <Link to={`/records/${x.residentId}`}>{x.name}</Link> }, { title: zh ? '年龄' : 'Age', dataIndex: 'age' },
          { title: zh ? '村' : 'Village', dataIndex: 'villageName' }, { title: zh ? '随访次数' : 'Follow-ups', dataIndex: 'followUps' }, { title: zh ? '最近随访' : 'Last visit', dataIndex: 'lastVisit' },
        ]} />
      </Modal>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
        {zh
          ? '健康管理率 = 年内接受随访管理的患者数 ÷（35岁及以上常住人口 × 患病率估计）；规范管理率 = 年内随访≥4次的患者数 ÷ 管理患者数；控制率 = 最近一次随访达标的患者数 ÷ 管理患者数（国家基本公共卫生服务规范第三版）。'
          : 'Management rate = patients followed up in the year ÷ (residents 35+ × estimated prevalence); norm-compliant = patients with ≥4 follow-ups ÷ managed; control = patients whose latest follow-up is on target ÷ managed (national basic public health service norms, 3rd ed.).'}
      </Typography.Paragraph>
    </Card>
  );
}
