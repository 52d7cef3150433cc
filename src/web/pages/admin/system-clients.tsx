import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useT } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

type ClientRow = ApiItem<'/api/system-clients'>;

/** Administrators register facility systems (HIS/LIS), see the secret once, and revoke them. */
export function SystemClientsPage() {
  const t = useT();
  const { modal } = App.useApp();
  const list = useApiQuery('/api/system-clients');
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [form] = Form.useForm();
  const createMut = useApiMutation('post', '/api/system-clients', {
    invalidates: ['/api/system-clients'],
    onSuccess: (d) => { setOpen(false); form.resetFields(); setCreated({ clientId: d.client.clientId, clientSecret: d.clientSecret }); },
  });
  const create = async () => createMut.mutate({ body: await form.validateFields() });
  const revokeMut = useApiMutation('post', '/api/system-clients/{clientId}/revoke', { invalidates: ['/api/system-clients'] });
  const revoke = (c: ClientRow) => modal.confirm({
    title: t('admin.clients.revokeConfirm', { name: c.name }),
    okButtonProps: { danger: true },
    onOk: () => revokeMut.mutateAsync({ params: { path: { clientId: c.clientId } } }),
  });
  return (
    <Card title={t('admin.menu.clients')} extra={<Button type="primary" onClick={() => setOpen(true)}>{t('admin.clients.add')}</Button>}>
      <Typography.Paragraph type="secondary">{t('admin.clients.intro')}</Typography.Paragraph>
      <Table<ClientRow>
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        size="middle"
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('admin.clients.name'), dataIndex: 'name' },
          { title: t('admin.clients.facility'), render: (_, r) => `${r.facilityName} (${r.facilityCode})` },
          { title: t('admin.clients.clientId'), dataIndex: 'clientId', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
          { title: t('admin.clients.createdAt'), dataIndex: 'createdAt', render: (v: string) => v.slice(0, 10) },
          { title: t('admin.users.status'), render: (_, r) => (r.revokedAt ? <Tag color="red">{t('admin.clients.revoked')}</Tag> : <Tag color="green">{t('admin.users.active')}</Tag>) },
          { title: '', render: (_, r) => (r.revokedAt ? null : <Button size="small" danger onClick={() => revoke(r)}>{t('admin.clients.revoke')}</Button>) },
        ]}
      />
      <Modal open={open} title={t('admin.clients.add')} onOk={create} onCancel={() => setOpen(false)} okText={t('common.save')} cancelText={t('common.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="facilityCode" label={t('admin.clients.facility')} rules={[{ required: true }]}><Input placeholder="H0001" /></Form.Item>
          <Form.Item name="name" label={t('admin.clients.name')} rules={[{ required: true, max: 100 }]}><Input placeholder={t('admin.clients.namePlaceholder')} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={!!created} title={t('admin.clients.createdTitle')} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon message={t('admin.clients.secretOnce')} style={{ marginBottom: 12 }} />
        <div>client_id: <Typography.Text code copyable>{created?.clientId}</Typography.Text></div>
        <div>client_secret: <Typography.Text code copyable data-testid="client-secret">{created?.clientSecret}</Typography.Text></div>
      </Modal>
    </Card>
  );
}
