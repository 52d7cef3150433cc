// Residents' online contract requests to the user's teams: confirm (the contract is signed online,
// or renewed from the day after the old year ends) or decline with a reason the resident reads.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Card, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { useT, type MessageKey } from '../../i18n';
import { minuteOf, today } from '../../../shared/time.ts';
import { ageOn } from '../../../modules/registry/rules';

type Request = ApiItem<'/api/contracts/requests'>;
const STATUS_COLOR: Record<Request['status'], string> = { requested: 'blue', confirmed: 'green', declined: 'red', withdrawn: 'default' };

/** The team's inbox of online contract requests. */
export function ContractRequestsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState<'true' | 'false'>('true');
  const q = useApiQuery('/api/contracts/requests', { params: { query: { open } } });
  const [declining, setDeclining] = useState<Request | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const invalidates = ['/api/contracts/requests', '/api/contracts/rates', '/api/chronic/worklist'] as const;
  const confirm = useApiMutation('post', '/api/contracts/requests/{id}/confirm', {
    invalidates: [...invalidates], onSuccess: (d) => message.success(t('contracts.requests.confirmed', { from: d.startsOn, to: d.endsOn })),
  });
  const decline = useApiMutation('post', '/api/contracts/requests/{id}/decline', {
    invalidates: [...invalidates], onSuccess: () => { message.success(t('contracts.requests.declined')); setDeclining(null); form.resetFields(); },
  });
  const sendDecline = async () => {
    const v = await form.validateFields();
    if (declining) decline.mutate({ params: { path: { id: declining.id } }, body: { reason: v.reason } });
  };
  const day = today();
  return (
    <Card title={t('contracts.requests.title')} extra={
      <Segmented value={open} onChange={(v) => setOpen(v as 'true' | 'false')} options={[{ value: 'true', label: t('contracts.requests.open') }, { value: 'false', label: t('contracts.requests.recent') }]} data-testid="requests-filter" />}>
      <Table<Request> rowKey="id" size="small" loading={q.isLoading} dataSource={q.data?.items ?? []} pagination={{ pageSize: 50, hideOnSinglePage: true }} data-testid="contract-requests"
        scroll={{ x: 900 }}
        locale={{ emptyText: t('contracts.requests.none') }}
        columns={[
          { title: t('contracts.requests.col.resident'), render: (_, r) => <Link to={`/records/${r.residentId}`}>{r.name}</Link> },
          { title: t('contracts.requests.col.sexAge'), render: (_, r) => `${t(r.sex === 'M' ? 'contracts.requests.male' : 'contracts.requests.female')} · ${ageOn(r.birthDate, day)}` },
          { title: t('contracts.requests.col.village'), dataIndex: 'villageName' },
          { title: t('contracts.requests.col.team'), dataIndex: 'teamName' },
          { title: t('contracts.requests.col.kind'), render: (_, r) => r.kind === 'renew' ? <Tag color="purple">{t('contracts.requests.renew', { date: r.previousEndsOn ?? '' })}</Tag> : <Tag>{t('contracts.requests.sign')}</Tag> },
          { title: t('contracts.requests.col.packages'), render: (_, r) => r.packageCodes.join('、') },
          { title: t('contracts.requests.col.note'), render: (_, r) => r.note ?? '—' },
          { title: t('contracts.requests.col.at'), render: (_, r) => minuteOf(r.requestedAt) },
          { title: t('contracts.requests.col.status'), render: (_, r) => <Space direction="vertical" size={0}>
            <Tag color={STATUS_COLOR[r.status]}>{t(`me.contract.status.${r.status}` as MessageKey)}</Tag>
            {r.decisionNote && <Typography.Text type="secondary">{r.decisionNote}</Typography.Text>}</Space> },
          { title: '', render: (_, r) => r.status !== 'requested' ? null : (
            <Space>
              <Popconfirm title={t('contracts.requests.confirmAsk', { name: r.name })} onConfirm={() => confirm.mutate({ params: { path: { id: r.id } } })}>
                <Button type="primary" size="small" loading={confirm.isPending} data-testid="confirm-request">{t('contracts.requests.confirm')}</Button>
              </Popconfirm>
              <Button size="small" danger onClick={() => setDeclining(r)} data-testid="decline-request">{t('contracts.requests.decline')}</Button>
            </Space>
          ) },
        ]} />
      <Modal open={!!declining} title={t('contracts.requests.declineTitle', { name: declining?.name ?? '' })} onOk={sendDecline} onCancel={() => setDeclining(null)} confirmLoading={decline.isPending} okButtonProps={{ danger: true }}>
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t('contracts.requests.reason')} rules={[{ required: true, whitespace: true, min: 2, max: 200, message: t('contracts.requests.reasonRule') }]}>
            <Input.TextArea rows={3} maxLength={200} showCount data-testid="decline-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
