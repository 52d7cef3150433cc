// Insurance pages (医保局): settlement lists and their import, DIP for a year (groups, point values,
// each hospital's points, payment and balance), and the fund supervision worklist with decisions.
import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, List, Modal, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { showError, useApiMutation, useApiQuery, type ApiBody, type ApiData, type ApiItem } from '../../api/hooks';
import { useLang, useT } from '../../i18n';
import { fileToBase64 } from '../ledger/shared';
import { today } from '../../../shared/time';
import { COST_CATEGORIES } from '../../../modules/insurance/list';

type Problem = { path: string; problem: string };
const fieldsOf = (e: unknown): Problem[] => (e as { error?: { fields?: Problem[] } }).error?.fields ?? [];
const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Settlement lists of the region, and the import (all rows or none; each bad cell listed). */
export function SettlementsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [range, setRange] = useState<[string, string]>([`${today().slice(0, 4)}-01-01`, today()]);
  const [page, setPage] = useState(1);
  const [problems, setProblems] = useState<Problem[]>([]);
  const list = useApiQuery('/api/insurance/settlements', { params: { query: { from: range[0], to: range[1], limit: 50, offset: (page - 1) * 50 } } });
  const imp = useApiMutation('post', '/api/insurance/settlements/import', {
    invalidates: ['/api/insurance/settlements'], meta: { ownError: true },
    onSuccess: (r) => { setProblems([]); message.success(t('insurance.import.done', { n: r.imported, matched: r.matchedResidents })); },
    onError: (e: unknown) => { const f = fieldsOf(e); if (f.length) setProblems(f); else showError(e); },
  });
  const upload = async (file: File) => {
    try { imp.mutate({ body: { fileName: file.name, contentBase64: await fileToBase64(file) } }); } catch (err) { showError(err); }
  };
  type S = ApiItem<'/api/insurance/settlements'>;
  return (
    <Card title={t('insurance.menu.settlements')} extra={
      <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }}>
        <Button icon={<UploadOutlined />} loading={imp.isPending} data-testid="settlement-import">{t('insurance.import.button')}</Button>
      </Upload>}>
      {problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('insurance.import.problems', { n: problems.length })} data-testid="import-problems"
          description={<List size="small" dataSource={problems.slice(0, 200)} renderItem={(p) => <List.Item>{p.path}：{p.problem}</List.Item>} />} />
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        <DatePicker.RangePicker value={[dayjs(range[0]), dayjs(range[1])]} allowClear={false} onChange={(v) => { if (v?.[0] && v[1]) { setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')]); setPage(1); } }} />
        <Typography.Text type="secondary">{t('insurance.import.columns')}</Typography.Text>
      </Space>
      <Table<S> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} scroll={{ x: 1200 }}
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        expandable={{ expandedRowRender: (r) => (
          <Descriptions size="small" column={4} items={COST_CATEGORIES.map(([k]) => ({ key: k, label: t(`insurance.cost.${k}`), children: yuan(r.costs[k] ?? 0) }))} />) }}
        columns={[
          { title: t('insurance.col.listNo'), dataIndex: 'listNo' },
          { title: t('insurance.col.facility'), dataIndex: 'facilityName' },
          { title: t('insurance.col.type'), dataIndex: 'insuranceType', render: (v: S['insuranceType']) => t(`insurance.type.${v}`) },
          { title: t('insurance.col.patient'), dataIndex: 'idMasked', render: (v: string, r) => `${v} ${t(`insurance.sex.${r.sex}`)} ${r.ageYears}` },
          { title: t('insurance.col.dates'), dataIndex: 'admittedOn', render: (v: string, r) => `${v} ~ ${r.dischargedOn}` },
          { title: t('insurance.col.days'), dataIndex: 'days' },
          { title: t('insurance.col.diagnosis'), dataIndex: 'mainDiagnosis', render: (v: string, r) => [v, ...r.otherDiagnoses].join('、') },
          { title: t('insurance.col.procedures'), dataIndex: 'procedures', render: (v: string[]) => v.join('、') },
          { title: t('insurance.col.total'), dataIndex: 'totalFen', align: 'right', render: yuan },
          { title: t('insurance.col.fund'), dataIndex: 'fundFen', align: 'right', render: yuan },
          { title: t('insurance.col.self'), dataIndex: 'selfFen', align: 'right', render: yuan },
        ]} />
    </Card>
  );
}

type DipBody = ApiBody<'/api/insurance/dip'>;
type DipForm = { year: number; fundBudgetYuan: number; fundAvailableYuan: number; fundSharePct: number; threshold: number };

/** DIP for a year: the form of the year's figures, then groups, point values and hospitals. */
export function DipPage() {
  const t = useT();
  const [form] = Form.useForm<DipForm>();
  const [result, setResult] = useState<ApiData<'/api/insurance/dip', 'post'> | null>(null);
  const [coefficients, setCoefficients] = useState<Record<string, number>>({});
  const dip = useApiMutation('post', '/api/insurance/dip', {
    meta: { ownError: true },
    onSuccess: (r) => setResult(r),
    onError: (e: unknown) => {
      const map: Record<string, keyof DipForm> = { year: 'year', fundBudgetFen: 'fundBudgetYuan', fundAvailableFen: 'fundAvailableYuan', fundShare: 'fundSharePct', threshold: 'threshold' };
      const f = fieldsOf(e).filter((x) => map[x.path.replace(/^body\./, '')]);
      if (f.length) form.setFields(f.map((x) => ({ name: map[x.path.replace(/^body\./, '')], errors: [x.problem] }))); else showError(e);
    },
  });
  const run = (v: DipForm, coef = coefficients) => {
    const body: DipBody = { year: v.year, fundBudgetFen: Math.round(v.fundBudgetYuan * 100), fundAvailableFen: Math.round(v.fundAvailableYuan * 100), fundShare: v.fundSharePct / 100, threshold: v.threshold, scale: 1000, coefficients: coef };
    dip.mutate({ body });
  };
  type H = ApiData<'/api/insurance/dip', 'post'>['hospitals'][number];
  type G = ApiData<'/api/insurance/dip', 'post'>['groups'][number];
  const r = result;
  return (
    <Card title={t('insurance.menu.dip')}>
      <Form<DipForm> form={form} layout="inline" onFinish={(v) => run(v)} style={{ marginBottom: 16, rowGap: 8 }}
        initialValues={{ year: Number(today().slice(0, 4)) - 1, fundBudgetYuan: 0, fundAvailableYuan: 0, fundSharePct: 70, threshold: 15 }}>
        <Form.Item name="year" label={t('insurance.dip.year')} rules={[{ required: true, message: t('insurance.form.required') }]}><InputNumber min={2000} max={2100} precision={0} /></Form.Item>
        <Form.Item name="fundBudgetYuan" label={t('insurance.dip.budget')} rules={[{ required: true, message: t('insurance.form.required') }]}><InputNumber min={0} precision={2} style={{ width: 160 }} /></Form.Item>
        <Form.Item name="fundAvailableYuan" label={t('insurance.dip.available')} rules={[{ required: true, message: t('insurance.form.required') }]}><InputNumber min={0} precision={2} style={{ width: 160 }} /></Form.Item>
        <Form.Item name="fundSharePct" label={t('insurance.dip.share')} rules={[{ required: true, message: t('insurance.form.required') }, { type: 'number', min: 1, max: 100, message: t('insurance.dip.shareRange') }]}><InputNumber min={1} max={100} addonAfter="%" /></Form.Item>
        <Form.Item name="threshold" label={t('insurance.dip.threshold')} rules={[{ required: true, message: t('insurance.form.required') }]}><InputNumber min={1} max={10000} precision={0} /></Form.Item>
        <Form.Item><Button type="primary" htmlType="submit" loading={dip.isPending} data-testid="dip-run">{t('insurance.dip.run')}</Button></Form.Item>
      </Form>
      {r && (
        <>
          <Descriptions size="small" bordered column={4} style={{ marginBottom: 16 }} items={[
            { key: 'b', label: t('insurance.dip.baseYears'), children: `${r.baseYears[0]}–${r.baseYears[2]}（${r.baseCases}）` },
            { key: 'c', label: t('insurance.dip.cases'), children: `${r.yearCases}（${t('insurance.dip.grouped')} ${r.groupedCases}）` },
            { key: 'core', label: t('insurance.dip.coreShare'), children: `${(r.coreShare * 100).toFixed(1)}%` },
            { key: 'm', label: t('insurance.dip.allMean'), children: yuan(r.allMeanFen) },
            { key: 'bp', label: t('insurance.dip.budgetPv'), children: `${yuan(r.budgetPointValueFen)}（${r.expectedPoints}）` },
            { key: 'sp', label: t('insurance.dip.settledPv'), children: `${yuan(r.settledPointValueFen)}（${r.settledPoints}）` },
            { key: 'bands', label: t('insurance.dip.bands'), span: 2, children: (['normal', 'low', 'high', 'review', 'ungrouped'] as const).map((k) => `${t(`insurance.band.${k}`)} ${r.bands[k]}`).join('　') },
          ]} />
          <Typography.Title level={5}>{t('insurance.dip.hospitals')}</Typography.Title>
          <Table<H> size="small" rowKey="facilityCode" dataSource={r.hospitals} pagination={false} style={{ marginBottom: 16 }}
            columns={[
              { title: t('insurance.col.facility'), dataIndex: 'facilityName' },
              { title: t('insurance.dip.coefficient'), dataIndex: 'coefficient', render: (v: number, h) => (
                <InputNumber size="small" min={0.1} max={3} step={0.05} value={coefficients[h.facilityCode] ?? v}
                  onChange={(x) => setCoefficients({ ...coefficients, [h.facilityCode]: Number(x ?? 1) })} />) },
              { title: t('insurance.dip.cases'), dataIndex: 'cases', render: (v: number, h) => `${v}（${h.grouped}）` },
              { title: t('insurance.dip.points'), dataIndex: 'points', align: 'right' },
              { title: t('insurance.dip.outliers'), dataIndex: 'highCases', render: (_: number, h) => `${t('insurance.band.low')} ${h.lowCases} / ${t('insurance.band.high')} ${h.highCases} / ${t('insurance.band.review')} ${h.reviewCases}` },
              { title: t('insurance.col.total'), dataIndex: 'totalFen', align: 'right', render: yuan },
              { title: t('insurance.dip.payment'), dataIndex: 'paymentFen', align: 'right', render: yuan },
              { title: t('insurance.dip.balance'), dataIndex: 'balanceFen', align: 'right', render: (v: number) => <Typography.Text type={v < 0 ? 'danger' : 'success'}>{yuan(v)}</Typography.Text> },
            ]} />
          <Button style={{ marginBottom: 16 }} onClick={() => form.validateFields().then((v) => run(v)).catch(() => undefined)}>{t('insurance.dip.recompute')}</Button>
          <Typography.Title level={5}>{t('insurance.dip.groups')}</Typography.Title>
          <Table<G> size="small" rowKey="key" dataSource={r.groups} pagination={{ pageSize: 20 }}
            columns={[
              { title: t('insurance.dip.group'), dataIndex: 'key' },
              { title: t('insurance.dip.kind'), dataIndex: 'kind', render: (v: G['kind']) => <Tag color={v === 'core' ? 'blue' : 'default'}>{t(`insurance.kind.${v}`)}</Tag> },
              { title: t('insurance.dip.baseCases'), dataIndex: 'baseCases' },
              { title: t('insurance.dip.standard'), dataIndex: 'standardFen', align: 'right', render: yuan },
              { title: t('insurance.dip.score'), dataIndex: 'score', align: 'right' },
              { title: t('insurance.dip.yearCases'), dataIndex: 'yearCases' },
            ]} />
        </>
      )}
    </Card>
  );
}

/** The fund supervision worklist: run the rules for a year, then confirm or dismiss each hit with a note. */
export function FundSupervisionPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'open' | 'confirmed' | 'dismissed'>('open');
  const [year, setYear] = useState(Number(today().slice(0, 4)));
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<{ id: string; decision: 'confirmed' | 'dismissed' } | null>(null);
  const [noteForm] = Form.useForm<{ note: string }>();
  const hits = useApiQuery('/api/insurance/supervision/hits', { params: { query: { status, limit: 50, offset: (page - 1) * 50 } } });
  const runRules = useApiMutation('post', '/api/insurance/supervision/run', {
    invalidates: ['/api/insurance/supervision/hits'],
    onSuccess: (r) => message.success(t('insurance.sup.ran', { cases: r.cases, hits: r.hits, fresh: r.newHits })),
  });
  const decide = useApiMutation('post', '/api/insurance/supervision/hits/{id}/decision', {
    invalidates: ['/api/insurance/supervision/hits'], meta: { ownError: true },
    onSuccess: () => { setDeciding(null); noteForm.resetFields(); },
    onError: (e: unknown) => { const f = fieldsOf(e).filter((x) => x.path.endsWith('note')); if (f.length) noteForm.setFields([{ name: 'note', errors: f.map((x) => x.problem) }]); else showError(e); },
  });
  type Hit = ApiItem<'/api/insurance/supervision/hits'>;
  type Rule = ApiData<'/api/insurance/supervision/hits'>['rules'][number];
  return (
    <Card title={t('insurance.menu.supervision')} extra={
      <Space>
        <InputNumber min={2000} max={2100} value={year} onChange={(v) => setYear(Number(v ?? year))} />
        <Button type="primary" loading={runRules.isPending} onClick={() => runRules.mutate({ body: { year, threshold: 15, scale: 1000 } })} data-testid="supervision-run">{t('insurance.sup.run')}</Button>
      </Space>}>
      <Table<Rule> size="small" rowKey="code" dataSource={hits.data?.rules ?? []} pagination={false} style={{ marginBottom: 16 }}
        columns={[
          { title: t('insurance.sup.rule'), dataIndex: 'name', render: (v: Rule['name'], r) => <span title={r.source}>{v[lang]}</span> },
          { title: t('insurance.sup.params'), dataIndex: 'params', render: (v: Rule['params']) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{Object.entries(v).filter(([, x]) => typeof x !== 'object').map(([k, x]) => `${k}=${String(x)}`).join('，')}</Typography.Text> },
          { title: t('insurance.status.open'), dataIndex: 'open' },
          { title: t('insurance.status.confirmed'), dataIndex: 'confirmed' },
          { title: t('insurance.status.dismissed'), dataIndex: 'dismissed' },
          { title: t('insurance.sup.precision'), dataIndex: 'precision', render: (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`) },
        ]} />
      <Radio.Group optionType="button" value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }} style={{ marginBottom: 12 }}
        options={(['open', 'confirmed', 'dismissed'] as const).map((s) => ({ value: s, label: t(`insurance.status.${s}`) }))} />
      <Table<Hit> size="small" rowKey="id" loading={hits.isPending} dataSource={hits.data?.items ?? []} scroll={{ x: 1100 }}
        pagination={{ current: page, pageSize: 50, total: hits.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('insurance.sup.rule'), dataIndex: 'ruleName', render: (v: Hit['ruleName']) => <Tag color="orange">{v[lang]}</Tag> },
          { title: t('insurance.col.listNo'), dataIndex: ['settlement', 'listNo'] },
          { title: t('insurance.col.facility'), dataIndex: ['settlement', 'facilityName'] },
          { title: t('insurance.col.patient'), dataIndex: ['settlement', 'idMasked'], render: (v: string, h) => `${v} ${t(`insurance.sex.${h.settlement.sex}`)}` },
          { title: t('insurance.col.dates'), dataIndex: ['settlement', 'admittedOn'], render: (v: string, h) => `${v} ~ ${h.settlement.dischargedOn}` },
          { title: t('insurance.col.diagnosis'), dataIndex: ['settlement', 'mainDiagnosis'] },
          { title: t('insurance.sup.evidence'), dataIndex: 'evidence', render: (v: Hit['evidence']) => <Typography.Text code style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify(v)}</Typography.Text> },
          { title: t('insurance.sup.decision'), key: 'd', render: (_: unknown, h) => (h.status === 'open' ? (
            <Space>
              <Button size="small" danger onClick={() => setDeciding({ id: h.id, decision: 'confirmed' })}>{t('insurance.sup.confirm')}</Button>
              <Button size="small" onClick={() => setDeciding({ id: h.id, decision: 'dismissed' })}>{t('insurance.sup.dismiss')}</Button>
            </Space>) : <span>{t(`insurance.status.${h.status}`)}：{h.note}（{h.decidedBy}）</span>) },
        ]} />
      <Modal open={!!deciding} title={deciding ? t(deciding.decision === 'confirmed' ? 'insurance.sup.confirm' : 'insurance.sup.dismiss') : ''} confirmLoading={decide.isPending}
        onCancel={() => { setDeciding(null); noteForm.resetFields(); }}
        onOk={() => noteForm.validateFields().then((v) => deciding && decide.mutate({ params: { path: { id: deciding.id } }, body: { decision: deciding.decision, note: v.note } })).catch(() => undefined)}>
        <Form form={noteForm} layout="vertical">
          <Form.Item name="note" label={t('insurance.sup.note')} rules={[{ required: true, whitespace: true, message: t('insurance.sup.noteRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="decision-note" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
