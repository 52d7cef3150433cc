import { useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Empty, Form, Input, List, Space, Tabs, Tag, Typography } from 'antd';
import { api, errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { RecordPage } from './record';
import { ACTION_LABELS, BASIS_LABELS_UI } from './labels';
import type { ApiData, ApiItem } from '../../api/hooks';

type Access = ApiItem<'/api/me/access-log'>;
type Consent = ApiItem<'/api/me/consents'>;

const fmt = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 16);

/** The resident's own pages (phone-sized): record, who looked, consents. */
export function MyRecordPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const [rid, setRid] = useState<string | null>(null);
  const [log, setLog] = useState<Access[]>([]);
  const [consents, setConsents] = useState<Consent[]>([]);
  const [form] = Form.useForm();
  const loadSide = async () => {
    const [a, c] = await Promise.all([api.GET('/api/me/access-log'), api.GET('/api/me/consents')]);
    setLog(a.data?.items ?? []);
    setConsents(c.data?.items ?? []);
  };
  useEffect(() => {
    api.GET('/api/me/record').then((r) => setRid(r.data?.residentId ?? null));
    void loadSide();
  }, []);
  const give = async () => {
    const v = await form.validateFields();
    const r = await api.POST('/api/me/consents', { body: { facilityCode: v.facilityCode, endsOn: v.endsOn.format('YYYY-MM-DD') } });
    if (r.error) return void message.error(errorText(r.error, lang));
    form.resetFields();
    void loadSide();
  };
  const withdraw = async (id: string) => {
    await api.POST('/api/me/consents/{id}/withdraw', { params: { path: { id } } });
    void loadSide();
  };
  return (
    <Tabs items={[
      { key: 'record', label: t('records.me.record'), children: rid ? <RecordPage residentId={rid} /> : <Empty /> },
      { key: 'access', label: <span data-testid="tab-access">{t('records.me.access')}</span>, children: (
        <Card size="small">
          <List data-testid="access-log" dataSource={log} locale={{ emptyText: t('records.record.none') }} renderItem={(a) => (
            <List.Item>
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{a.who}{a.facility ? ` · ${a.facility}` : ''}</Typography.Text>
                <Typography.Text type="secondary">{fmt(a.at)} · {ACTION_LABELS[a.action]?.[lang] ?? a.action} · {t('records.me.basis')}：<Tag>{a.basis ? BASIS_LABELS_UI[a.basis]?.[lang] ?? a.basis : '—'}</Tag></Typography.Text>
              </Space>
            </List.Item>
          )} />
        </Card>) },
      { key: 'consents', label: t('records.me.consents'), children: (
        <Card size="small">
          <List dataSource={consents} locale={{ emptyText: t('records.record.none') }} renderItem={(c) => (
            <List.Item actions={c.active ? [<Button key="w" size="small" onClick={() => withdraw(c.id)}>{t('records.me.withdraw')}</Button>] : []}>
              {c.facilityName ?? c.workerName} · {c.startsOn} ~ {c.endsOn} {!c.active && <Tag>{c.withdrawnAt ? '已撤回' : '已过期'}</Tag>}
            </List.Item>
          )} />
          <Typography.Title level={5}>{t('records.me.consentAdd')}</Typography.Title>
          <Form form={form} layout="vertical">
            <Form.Item name="facilityCode" label={t('records.me.consentFacility')} rules={[{ required: true }]}><Input /></Form.Item>
            <Form.Item name="endsOn" label={t('records.me.consentUntil')} rules={[{ required: true }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
            <Button type="primary" onClick={give} block>{t('common.save')}</Button>
          </Form>
        </Card>) },
    ]} />
  );
}

/** Managers review emergency (break-glass) accesses. */
export function BreakGlassReviewPage() {
  const t = useT();
  const [rows, setRows] = useState<ApiData<'/api/break-glass'>['items']>([]);
  const load = async () => setRows((await api.GET('/api/break-glass')).data?.items ?? []);
  useEffect(() => {
    void load();
  }, []);
  const review = async (id: string) => {
    let note = '';
    const { Modal } = await import('antd');
    Modal.confirm({
      title: t('records.breakGlass.review'), content: <Input.TextArea onChange={(e) => (note = e.target.value)} placeholder={t('records.breakGlass.note')} />,
      onOk: async () => {
        await api.POST('/api/break-glass/{id}/review', { params: { path: { id } }, body: { note: note || '已审核' } });
        void load();
      },
    });
  };
  return (
    <Card title={t('records.menu.breakGlass')}>
      <List dataSource={rows} locale={{ emptyText: t('records.record.none') }} renderItem={(r) => (
        <List.Item actions={[<Button key="r" onClick={() => review(r.id)}>{t('records.breakGlass.review')}</Button>]}>
          <List.Item.Meta title={`${r.displayName}（${r.facility ?? '—'}） → ${r.residentName}`} description={`${fmt(r.grantedAt)} · ${t('records.breakGlass.reason')}：${r.reason}`} />
        </List.Item>
      )} />
    </Card>
  );
}
