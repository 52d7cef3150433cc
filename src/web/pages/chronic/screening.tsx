import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, InputNumber, Modal, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useT } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';
import { numberRule, plausible } from '../../components/numbers';
import { today } from '../../../shared/time.ts';

type Row = ApiItem<'/api/chronic/screening'>;
type Result = ApiData<'/api/chronic/screening/readings', 'post'>;

/** The screening list (35+, no reading this year or awaiting a recheck) and the reading form: the third high day enrols provisionally and drafts a referral to confirm. */
export function ScreeningPage() {
  const t = useT();
  const list = useApiQuery('/api/chronic/screening', { params: { query: { limit: 500 } } });
  const rows = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const loading = list.isFetching;
  const [who, setWho] = useState<Row | null>(null);
  const [result, setResult] = useState<{ name: string; r: Result } | null>(null);
  const [form] = Form.useForm();
  const reading = useApiMutation('post', '/api/chronic/screening/readings', {
    invalidates: ['/api/chronic/screening', '/api/chronic/worklist', '/api/referrals/inbox'],
    onSuccess: (d) => { setResult({ name: who!.name, r: d }); setWho(null); },
  });
  const open = (r: Row) => {
    form.resetFields();
    form.setFieldsValue({ date: dayjs() });
    setWho(r);
  };
  const save = async () => {
    // A problem is shown beside its field; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    reading.mutate({ body: { residentId: who!.residentId, date: v.date.format('YYYY-MM-DD'), sbp: v.sbp, dbp: v.dbp } });
  };
  const text = (x: Result) => (x.status === 'suspected'
    ? (x.enrolmentId ? t('chronic.scr.result.suspected', { date: x.followUpDue ?? '' }) : t('chronic.scr.result.suspectedKnown'))
    : x.status === 'recheck' ? t('chronic.scr.result.recheck', { n: x.highDays }) : t(`chronic.scr.result.${x.status}`));
  return (
    <Card title={`${t('chronic.scr.title')} · ${total}`}>
      {result && <Alert style={{ marginBottom: 12 }} closable onClose={() => setResult(null)} data-testid="screening-result"
        type={result.r.status === 'suspected' ? 'warning' : result.r.status === 'recheck' ? 'info' : 'success'} title={`${result.name}：${text(result.r)}`} />}
      <Table<Row> rowKey="residentId" loading={loading} dataSource={rows} size="small" pagination={{ pageSize: 20 }} data-testid="screening"
        columns={[
          { title: t('chronic.col.name'), dataIndex: 'name' },
          { title: t('chronic.wl.sexAge'), render: (_, r) => `${t(r.sex === 'M' ? 'chronic.wl.male' : 'chronic.wl.female')} ${r.age}` },
          { title: t('chronic.col.village'), dataIndex: 'villageName' },
          { title: t('chronic.scr.lastReading'), render: (_, r) => (r.lastReading ? dayjs(r.lastReading).format('YYYY-MM-DD') : '—') },
          { title: t('chronic.wl.status'), render: (_, r) => (r.reason === 'recheck' ? <Tag color="orange">{t('chronic.scr.reason.recheck', { n: r.highDays })}</Tag> : <Tag>{t('chronic.scr.reason.no_reading')}</Tag>) },
          { title: '', render: (_, r) => <Button size="small" onClick={() => open(r)}>{t('chronic.scr.record')}</Button> },
        ]} />
      <Modal open={!!who} title={`${t('chronic.scr.record')} · ${who?.name ?? ''}`} onOk={save} onCancel={() => setWho(null)} destroyOnHidden>
        <Form form={form} layout="inline" data-testid="screening-form" onFinish={save}>
          {/* A typed date is kept as typed (a disabled date would silently revert to the last one); a future day is refused here. */}
          <Form.Item name="date" label={t('chronic.scr.date')} rules={[{ required: true }, { validator: (_r, d?: dayjs.Dayjs) => (d && d.format('YYYY-MM-DD') > today() ? Promise.reject(new Error(t('common.date.future', { field: t('chronic.scr.date') }))) : Promise.resolve()) }]}>
            <DatePicker allowClear={false} data-testid="screening-date" />
          </Form.Item>
          <Form.Item name="sbp" label={t('chronic.scr.sbp')} rules={[{ required: true }, numberRule(t, t('chronic.scr.sbp'), plausible('8480-6', true))]}><InputNumber autoFocus data-testid="screening-sbp" /></Form.Item>
          <Form.Item name="dbp" label={t('chronic.scr.dbp')} rules={[{ required: true }, numberRule(t, t('chronic.scr.dbp'), plausible('8462-4', true))]}><InputNumber data-testid="screening-dbp" /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
