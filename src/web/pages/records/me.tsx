import { Button, Card, DatePicker, Empty, Form, Input, List, Modal, Space, Tabs, Tag, Typography } from 'antd';
import { useLang, useT } from '../../i18n';
import { RecordPage } from './record';
import { ACTION_LABELS, BASIS_LABELS_UI } from './labels';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { minuteOf } from '../../../shared/time';
import { useSearchParams } from 'react-router-dom';

type Access = ApiItem<'/api/me/access-log'>;
type Consent = ApiItem<'/api/me/consents'>;
type BreakGlass = ApiItem<'/api/break-glass'>;

const fmt = minuteOf;

/** The resident's own pages (phone-sized): record, who looked, consents. */
export function MyRecordPage() {
  const t = useT();
  const { lang } = useLang();
  const rid = useApiQuery('/api/me/record').data?.residentId ?? null;
  // ?tab=access opens the access log (the resident's home links there)
  const [search] = useSearchParams();
  const log: Access[] = useApiQuery('/api/me/access-log').data?.items ?? [];
  const consents: Consent[] = useApiQuery('/api/me/consents').data?.items ?? [];
  const [form] = Form.useForm();
  const side = ['/api/me/access-log' as const, '/api/me/consents' as const];
  const giveMut = useApiMutation('post', '/api/me/consents', { invalidates: side, onSuccess: () => form.resetFields() });
  const give = async () => {
    const v = await form.validateFields();
    giveMut.mutate({ body: { facilityCode: v.facilityCode, endsOn: v.endsOn.format('YYYY-MM-DD') } });
  };
  const withdrawMut = useApiMutation('post', '/api/me/consents/{id}/withdraw', { invalidates: side });
  const withdraw = (id: string) => withdrawMut.mutate({ params: { path: { id } } });
  return (
    <Tabs defaultActiveKey={search.get('tab') ?? 'record'} items={[
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
            <Button type="primary" onClick={give} loading={giveMut.isPending} block>{t('common.save')}</Button>
          </Form>
        </Card>) },
    ]} />
  );
}

/** Managers review emergency (break-glass) accesses. */
export function BreakGlassReviewPage() {
  const t = useT();
  const rows: BreakGlass[] = useApiQuery('/api/break-glass').data?.items ?? [];
  const reviewMut = useApiMutation('post', '/api/break-glass/{id}/review', { invalidates: ['/api/break-glass'] });
  const review = (id: string) => {
    let note = '';
    // The dialog waits for the answer and closes either way (a failure is shown).
    Modal.confirm({
      title: t('records.breakGlass.review'), content: <Input.TextArea onChange={(e) => (note = e.target.value)} placeholder={t('records.breakGlass.note')} />,
      onOk: () => new Promise<void>((resolve) => reviewMut.mutate({ params: { path: { id } }, body: { note: note || '已审核' } }, { onSettled: () => resolve() })),
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
