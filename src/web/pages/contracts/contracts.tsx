import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, DatePicker, Form, Modal, Radio, Select, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';

type Rate = paths['/api/contracts/rates']['get']['responses'][200]['content']['application/json']['items'][number];
type Team = paths['/api/contracts/teams']['get']['responses'][200]['content']['application/json']['items'][number];
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

/** 签约率, 重点人群签约率, 履约率, 续约率 by township, with the definitions beside them. */
export function ContractRatesPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const [data, setData] = useState<paths['/api/contracts/rates']['get']['responses'][200]['content']['application/json'] | null>(null);
  useEffect(() => {
    api.GET('/api/contracts/rates').then((r) => setData(r.data ?? null));
  }, []);
  return (
    <Card title={zh ? '家庭医生签约指标' : 'Family-doctor contract rates'} loading={!data}>
      <Table<Rate> rowKey="code" size="small" pagination={false} dataSource={data?.items ?? []} data-testid="contract-rates" columns={[
        { title: zh ? '乡镇（街道）' : 'Township', dataIndex: 'name' },
        { title: zh ? '常住人口' : 'Population', dataIndex: 'population' },
        { title: zh ? '签约人数' : 'Contracted', dataIndex: 'contracted' },
        { title: zh ? '签约率' : 'Coverage', render: (_, r) => pct(r.coverage), sorter: (a, b) => (a.coverage ?? 0) - (b.coverage ?? 0) },
        { title: zh ? '重点人群签约率' : 'Priority coverage', render: (_, r) => pct(r.priorityCoverage), sorter: (a, b) => (a.priorityCoverage ?? 0) - (b.priorityCoverage ?? 0) },
        { title: zh ? '履约率' : 'Fulfilment', render: (_, r) => pct(r.fulfilmentRate), sorter: (a, b) => (a.fulfilmentRate ?? 0) - (b.fulfilmentRate ?? 0) },
        { title: zh ? '续约率' : 'Renewal', render: (_, r) => pct(r.renewalRate), sorter: (a, b) => (a.renewalRate ?? 0) - (b.renewalRate ?? 0) },
      ]} />
      {data && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
          {Object.values(data.definitions).map((d) => <div key={d.en}>{d[lang]}</div>)}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/** Signs a one-year contract for a resident with one of the teams in scope. */
export function SignContractButton({ residentId, onSigned }: { residentId: string; onSigned?: () => void }) {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [teams, setTeams] = useState<Team[]>([]);
  const [form] = Form.useForm();
  const show = async () => {
    setTeams((await api.GET('/api/contracts/teams')).data?.items ?? []);
    form.setFieldsValue({ packageCodes: ['BASIC'], signedHow: 'on_site', startsOn: dayjs() });
    setOpen(true);
  };
  const sign = async () => {
    const v = await form.validateFields();
    const r = await api.POST('/api/contracts', { body: { residentId, teamId: v.teamId, packageCodes: v.packageCodes, signedHow: v.signedHow, startsOn: v.startsOn.format('YYYY-MM-DD') } });
    if (r.error) return void message.error(errorText(r.error, lang));
    message.success(zh ? `已签约，至 ${r.data!.endsOn}` : `Signed until ${r.data!.endsOn}`);
    setOpen(false);
    onSigned?.();
  };
  return (
    <>
      <Button onClick={show}>{zh ? '签约家庭医生' : 'Sign a contract'}</Button>
      <Modal open={open} title={zh ? '家庭医生签约' : 'Family-doctor contract'} onOk={sign} onCancel={() => setOpen(false)}>
        <Form form={form} layout="vertical">
          <Form.Item name="teamId" label={zh ? '团队' : 'Team'} rules={[{ required: true }]}><Select options={teams.map((t) => ({ value: t.id, label: `${t.name}（${t.facilityName}）` }))} /></Form.Item>
          <Form.Item name="packageCodes" label={zh ? '服务包' : 'Packages'}><Checkbox.Group options={[{ value: 'BASIC', label: zh ? '基础包' : 'Basic', disabled: true }, { value: 'HTN', label: zh ? '高血压包' : 'Hypertension' }, { value: 'DM', label: zh ? '糖尿病包' : 'Diabetes' }, { value: 'ELDERLY', label: zh ? '老年人包' : 'Elderly' }]} /></Form.Item>
          <Form.Item name="signedHow" label={zh ? '签约方式' : 'How signed'}><Radio.Group options={[{ value: 'on_site', label: zh ? '现场' : 'On site' }, { value: 'at_home', label: zh ? '上门' : 'At home' }, { value: 'online', label: zh ? '线上' : 'Online' }]} /></Form.Item>
          <Form.Item name="startsOn" label={zh ? '开始日期（为期一年）' : 'Starts (for one year)'} rules={[{ required: true }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
