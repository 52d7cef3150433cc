import { useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useLang, useT } from '../../i18n';
import { ROLES, ROLE_LABELS, TWO_FACTOR_ROLES, type Role } from '../../../shared/roles';
import { useSession } from '../../session';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

type UserRow = ApiItem<'/api/users'>;

/** Administrators list, create, disable and reset users. */
export function UsersPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const list = useApiQuery('/api/users');
  const rows = list.data?.items ?? [];
  const loading = list.isFetching;
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as Role | undefined;
  // A department user needs its unit: the units are read once the role is chosen.
  const units = useApiQuery('/api/ledger/units', undefined, { enabled: role === 'department' }).data?.items ?? [];
  const createMut = useApiMutation('post', '/api/users', {
    invalidates: ['/api/users'],
    onSuccess: (_d, v) => { message.success(t('admin.users.created', { name: v.body.username })); setOpen(false); form.resetFields(); },
  });
  const create = async () => {
    const v = await form.validateFields();
    createMut.mutate({ body: { ...v, regionCode: v.regionCode || null, facilityCode: v.facilityCode || null, workerId: v.workerId || null, unitId: v.unitId || null } });
  };
  const toggleMut = useApiMutation('post', '/api/users/{username}/disable', { invalidates: ['/api/users'] });
  const toggle = (u: UserRow) => toggleMut.mutate({ params: { path: { username: u.username } }, body: { disabled: !u.disabled } });
  const resetMut = useApiMutation('post', '/api/users/{username}/reset-password', { onSuccess: () => message.success(t('common.saved')) });
  const reset = (u: UserRow) => {
    let pw = '';
    Modal.confirm({
      title: `${t('admin.users.reset')}: ${u.username}`,
      content: <Input.Password onChange={(e) => (pw = e.target.value)} placeholder={t('admin.users.password')} />,
      onOk: async () => {
        // A refusal is shown by the data layer and keeps the dialog open.
        await resetMut.mutateAsync({ params: { path: { username: u.username } }, body: { password: pw } });
      },
    });
  };
  const { user: self } = useSession();
  const reset2faMut = useApiMutation('post', '/api/auth/2fa/reset', { onSuccess: (_d, v) => message.success(t('admin.users.reset2faDone', { name: v.body.username })) });
  const reset2fa = (u: UserRow) => {
    let reason = '';
    Modal.confirm({
      title: t('admin.users.reset2faTitle', { name: u.username }),
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{t('admin.users.reset2faHelp')}</span>
          <Input.TextArea rows={2} maxLength={500} onChange={(e) => (reason = e.target.value)} placeholder={t('admin.users.reset2faReason')} aria-label={t('admin.users.reset2faReason')} />
        </Space>
      ),
      onOk: async () => {
        // A refusal (no reason given) is shown by the data layer and keeps the dialog open.
        await reset2faMut.mutateAsync({ body: { username: u.username, reason } });
      },
    });
  };
  return (
    <Card title={t('admin.menu.users')} extra={<Button type="primary" onClick={() => setOpen(true)}>{t('admin.users.add')}</Button>}>
      <Table<UserRow>
        rowKey="id"
        loading={loading}
        dataSource={rows}
        size="middle"
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('admin.users.username'), dataIndex: 'username', sorter: (a, b) => a.username.localeCompare(b.username) },
          { title: t('admin.users.name'), dataIndex: 'displayName' },
          { title: t('admin.users.role'), dataIndex: 'role', render: (r: Role) => ROLE_LABELS[r][lang], filters: ROLES.map((r) => ({ text: ROLE_LABELS[r][lang], value: r })), onFilter: (v, r) => r.role === v },
          { title: t('admin.users.region'), render: (_, r) => r.scope.regionName ?? r.scope.regionCode ?? '—' },
          { title: t('admin.users.facility'), render: (_, r) => r.scope.facilityName ?? r.scope.facilityCode ?? '—' },
          { title: t('admin.users.status'), render: (_, r) => (r.disabled ? <Tag color="red">{t('admin.users.disabled')}</Tag> : <Tag color="green">{t('admin.users.active')}</Tag>) },
          {
            title: '',
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => toggle(r)}>{r.disabled ? t('admin.users.enable') : t('admin.users.disable')}</Button>
                <Button size="small" onClick={() => reset(r)}>{t('admin.users.reset')}</Button>
                {TWO_FACTOR_ROLES.includes(r.role) && r.username !== self?.username && <Button size="small" onClick={() => reset2fa(r)}>{t('admin.users.reset2fa')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('admin.users.add')} onOk={create} onCancel={() => setOpen(false)} okText={t('common.save')} cancelText={t('common.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="username" label={t('admin.users.username')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="displayName" label={t('admin.users.name')}><Input /></Form.Item>
          <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r][lang] }))} />
          </Form.Item>
          <Form.Item name="regionCode" label={t('admin.users.region')}><Input placeholder="371003" /></Form.Item>
          <Form.Item name="facilityCode" label={t('admin.users.facility')}><Input /></Form.Item>
          <Form.Item name="workerId" label={t('admin.users.workerId')}><Input /></Form.Item>
          {role === 'department' && <Form.Item name="unitId" label={t('ledger.unit')} rules={[{ required: true }]}><Select showSearch optionFilterProp="label" options={units.map((u) => ({ value: u.id, label: u.name }))} /></Form.Item>}
          <Form.Item name="password" label={t('admin.users.password')} rules={[{ required: true, min: 8 }]}><Input.Password /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
