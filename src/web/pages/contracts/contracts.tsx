import { useState } from 'react';
import { App, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { PACKAGE_EDITORS } from '../../../shared/roles';
import { numberRule } from '../../components/numbers';
import { initialLevelPeriod, LevelPeriodPicker, levelPeriodQuery, type LevelPeriod } from '../chronic/period';

type Rate = ApiItem<'/api/contracts/rates'>;
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

/** 签约率, 重点人群签约率 (and per group), 履约率, 续约率 by team, township, community or county over a period, with the definitions beside them. */
export function ContractRatesPage() {
  const t = useT();
  const { lang } = useLang();
  const [lp, setLp] = useState<LevelPeriod>(initialLevelPeriod);
  const data = useApiQuery('/api/contracts/rates', { params: { query: levelPeriodQuery(lp) } }).data;
  return (
    <Card title={t('contracts.rates.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <LevelPeriodPicker value={lp} onChange={setLp} />
        {data && <Tag data-testid="rates-range">{t('chronic.period.range', { from: data.from, to: data.to })}</Tag>}
      </Space>
      <Table<Rate> rowKey="code" size="small" pagination={false} loading={!data} dataSource={data?.items ?? []} data-testid="contract-rates"
        expandable={{ expandedRowRender: (r) => (
          <Table size="small" pagination={false} rowKey="group" title={() => t('contracts.groups', { name: r.name })} dataSource={r.groups.filter((g) => g.population > 0)} columns={[
            { title: t('contracts.col.group'), render: (_, g) => data?.groupLabels[g.group]?.[lang] ?? g.group },
            { title: t('contracts.col.population'), dataIndex: 'population' }, { title: t('contracts.col.contracted'), dataIndex: 'contracted' },
            { title: t('contracts.col.priorityCoverage'), render: (_, g) => pct(g.rate) },
          ]} />
        ) }}
        columns={[
          { title: t(`chronic.level.${lp.level}`), dataIndex: 'name' },
          { title: t('contracts.col.population'), dataIndex: 'population' },
          { title: t('contracts.col.contracted'), dataIndex: 'contracted' },
          { title: t('contracts.col.coverage'), render: (_, r) => pct(r.coverage), sorter: (a, b) => (a.coverage ?? 0) - (b.coverage ?? 0) },
          { title: t('contracts.col.priorityCoverage'), render: (_, r) => pct(r.priorityCoverage), sorter: (a, b) => (a.priorityCoverage ?? 0) - (b.priorityCoverage ?? 0) },
          { title: t('contracts.col.fulfilment'), render: (_, r) => pct(r.fulfilmentRate), sorter: (a, b) => (a.fulfilmentRate ?? 0) - (b.fulfilmentRate ?? 0) },
          { title: t('contracts.col.renewal'), render: (_, r) => pct(r.renewalRate), sorter: (a, b) => (a.renewalRate ?? 0) - (b.renewalRate ?? 0) },
        ]} />
      {data && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }} data-testid="rates-definitions">
          <b>{t('chronic.definitions')}</b>
          {Object.values(data.definitions).map((d) => <div key={d.en}>{d[lang]}</div>)}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

type Pkg = ApiItem<'/api/contracts/packages'>;
const PAYERS = ['insurance', 'public_health', 'resident', 'mixed'] as const;

/** Service packages: staff read them; managers and system administrators create and edit them (items with their frequency, price, who pays). */
export function PackagesPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const { user } = useSession();
  const canEdit = !!user && PACKAGE_EDITORS.includes(user.role);
  const data = useApiQuery('/api/contracts/packages').data;
  const [editing, setEditing] = useState<Pkg | 'new' | null>(null);
  const [form] = Form.useForm();
  const saved = { invalidates: ['/api/contracts/packages' as const], onSuccess: () => { message.success(t('contracts.pkg.saved')); setEditing(null); } };
  const create = useApiMutation('post', '/api/contracts/packages', saved);
  const update = useApiMutation('put', '/api/contracts/packages/{id}', saved);
  const edit = (p: Pkg | 'new') => {
    form.resetFields();
    form.setFieldsValue(p === 'new' ? { kind: 'personalised', payer: 'insurance', price: 0, active: true, items: [{ frequency: '1次/年' }] } : { ...p, price: p.priceFen / 100 });
    setEditing(p);
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = { name: v.name, kind: v.kind, priceFen: Math.round(Number(v.price) * 100), payer: v.payer, items: v.items ?? [] };
    if (editing === 'new') create.mutate({ body: { ...body, code: v.code, active: v.active } });
    else if (editing) update.mutate({ params: { path: { id: editing.id } }, body: { ...body, active: v.active, version: editing.version } });
  };
  const services = data?.services ?? {};
  const req = [{ required: true, message: t('contracts.pkg.required') }];
  return (
    <Card title={t('contracts.pkg.title')} extra={canEdit && <Button type="primary" data-testid="package-new" onClick={() => edit('new')}>{t('contracts.pkg.new')}</Button>}>
      <Table<Pkg> rowKey="id" size="small" pagination={false} loading={!data} dataSource={data?.items ?? []} data-testid="packages" columns={[
        { title: t('contracts.pkg.code'), dataIndex: 'code' },
        { title: t('contracts.pkg.name'), dataIndex: 'name' },
        { title: t('contracts.pkg.kind'), render: (_, p) => <Tag color={p.kind === 'basic' ? 'blue' : 'purple'}>{t(`contracts.pkg.kind.${p.kind}`)}</Tag> },
        { title: t('contracts.pkg.items'), render: (_, p) => p.items.map((i) => <div key={i.service}>{i.name} · {i.frequency}</div>) },
        { title: t('contracts.pkg.price'), render: (_, p) => (p.priceFen / 100).toFixed(2) },
        { title: t('contracts.pkg.payer'), render: (_, p) => t(`contracts.pkg.payer.${p.payer}`) },
        { title: t('contracts.pkg.active'), render: (_, p) => (p.active ? <Tag color="green">{t('contracts.pkg.active')}</Tag> : <Tag>{t('contracts.pkg.inactive')}</Tag>) },
        ...(canEdit ? [{ title: '', render: (_: unknown, p: Pkg) => <Button size="small" onClick={() => edit(p)}>{t('contracts.pkg.edit')}</Button> }] : []),
      ]} />
      <Modal open={!!editing} width={760} title={editing === 'new' ? t('contracts.pkg.new') : `${t('contracts.pkg.edit')} · ${(editing as Pkg | null)?.code ?? ''}`} onOk={save} onCancel={() => setEditing(null)} destroyOnHidden>
        <Form form={form} layout="vertical" data-testid="package-form">
          <Space wrap>
            <Form.Item name="code" label={t('contracts.pkg.code')} rules={req}><Input disabled={editing !== 'new'} style={{ width: 140 }} /></Form.Item>
            <Form.Item name="name" label={t('contracts.pkg.name')} rules={req}><Input style={{ width: 240 }} /></Form.Item>
            <Form.Item name="kind" label={t('contracts.pkg.kind')}><Select style={{ width: 130 }} options={(['basic', 'personalised'] as const).map((k) => ({ value: k, label: t(`contracts.pkg.kind.${k}`) }))} /></Form.Item>
            <Form.Item name="price" label={t('contracts.pkg.price')} rules={[...req, numberRule(t, t('contracts.pkg.price'), { min: 0, decimals: 2 })]}><InputNumber style={{ width: 130 }} /></Form.Item>
            <Form.Item name="payer" label={t('contracts.pkg.payer')}><Select style={{ width: 160 }} options={PAYERS.map((k) => ({ value: k, label: t(`contracts.pkg.payer.${k}`) }))} /></Form.Item>
            <Form.Item name="active" label={t('contracts.pkg.active')} valuePropName="checked"><Switch /></Form.Item>
          </Space>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'service']} rules={req}><Select placeholder={t('contracts.pkg.service')} style={{ width: 180 }}
                      options={Object.entries(services).map(([k, v]) => ({ value: k, label: v[lang] }))}
                      onChange={(v: string) => { if (!form.getFieldValue(['items', f.name, 'name'])) form.setFieldValue(['items', f.name, 'name'], services[v]?.zh); }} /></Form.Item>
                    <Form.Item name={[f.name, 'name']} rules={req}><Input placeholder={t('contracts.pkg.itemName')} style={{ width: 200 }} /></Form.Item>
                    <Form.Item name={[f.name, 'frequency']} rules={req} extra={t('contracts.pkg.frequencyHint')}><Input placeholder={t('contracts.pkg.frequency')} style={{ width: 150 }} /></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ frequency: '1次/年' })} icon={<PlusOutlined />}>{t('contracts.pkg.addItem')}</Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Card>
  );
}

/** Signs a one-year contract for a resident with one of the teams in scope. */
export function SignContractButton({ residentId, onSigned }: { residentId: string; onSigned?: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  // Teams and packages are read when the dialog opens.
  const teams = useApiQuery('/api/contracts/teams', undefined, { enabled: open }).data?.items ?? [];
  const packages = (useApiQuery('/api/contracts/packages', undefined, { enabled: open }).data?.items ?? []).filter((p) => p.active);
  const [form] = Form.useForm();
  const show = () => {
    form.setFieldsValue({ packageCodes: ['BASIC'], signedHow: 'on_site', startsOn: dayjs() });
    setOpen(true);
  };
  const signMut = useApiMutation('post', '/api/contracts', {
    invalidates: ['/api/contracts/rates', '/api/records/{residentId}/summary', '/api/chronic/worklist'],
    onSuccess: (d) => { message.success(t('contracts.sign.signed', { date: d.endsOn })); setOpen(false); onSigned?.(); },
  });
  const sign = async () => {
    const v = await form.validateFields();
    signMut.mutate({ body: { residentId, teamId: v.teamId, packageCodes: v.packageCodes, signedHow: v.signedHow, startsOn: v.startsOn.format('YYYY-MM-DD') } });
  };
  return (
    <>
      <Button onClick={show}>{t('contracts.sign.button')}</Button>
      <Modal open={open} title={t('contracts.sign.title')} onOk={sign} onCancel={() => setOpen(false)}>
        <Form form={form} layout="vertical">
          <Form.Item name="teamId" label={t('contracts.sign.team')} rules={[{ required: true }]}><Select options={teams.map((x) => ({ value: x.id, label: `${x.name}（${x.facilityName}）` }))} /></Form.Item>
          <Form.Item name="packageCodes" label={t('contracts.sign.packages')}><Checkbox.Group options={packages.map((p) => ({ value: p.code, label: p.name, disabled: p.code === 'BASIC' }))} /></Form.Item>
          <Form.Item name="signedHow" label={t('contracts.sign.how')}><Radio.Group options={(['on_site', 'at_home', 'online'] as const).map((value) => ({ value, label: t(`contracts.sign.how.${value}`) }))} /></Form.Item>
          <Form.Item name="startsOn" label={t('contracts.sign.startsOn')} rules={[{ required: true }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
