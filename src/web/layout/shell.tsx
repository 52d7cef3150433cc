import { useState } from 'react';
import { Button, Dropdown, Form, Input, Layout, Menu, Modal, Space, Tag, Typography, App } from 'antd';
import { GlobalOutlined, LogoutOutlined, UserOutlined, KeyOutlined } from '@ant-design/icons';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import type { MenuProps } from 'antd';
import { useApiMutation } from '../api/hooks';
import { useLang, useT } from '../i18n';
import { useSession } from '../session';
import { pagesFor } from '../modules';
import { ROLE_LABELS } from '../../shared/roles';
import { CriticalBanner } from '../pages/diagnostics/index';

/** The signed-in layout: module menu by role, user, scope, language switch, sign-out. */
export function Shell() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { user, setUser } = useSession();
  const nav = useNavigate();
  const loc = useLocation();
  const { message } = App.useApp();
  const [pwOpen, setPwOpen] = useState(false);
  const [form] = Form.useForm();
  // Signed out here whatever the answer (a failure is shown); the next sign-in starts with an empty cache.
  const logoutMut = useApiMutation('post', '/api/auth/logout', { onSettled: () => { setUser(null); nav('/'); } });
  const passwordMut = useApiMutation('post', '/api/auth/password', {
    onSuccess: () => { message.success(t('app.password.changed')); setPwOpen(false); form.resetFields(); },
  });
  if (!user) return null;
  const pages = pagesFor(user.role);

  const items: MenuProps['items'] = [];
  const groups = new Map<string, { key: string; label: string; icon: React.ReactNode; children: { key: string; label: string; icon: React.ReactNode }[] }>();
  for (const p of pages.filter((x) => !x.hidden)) {
    const item = { key: p.path, label: t(p.label), icon: p.icon };
    if (!p.group) items.push(item);
    else {
      let g = groups.get(p.group.key);
      if (!g) {
        g = { key: p.group.key, label: t(p.group.label), icon: p.group.icon, children: [] };
        groups.set(p.group.key, g);
        items.push(g);
      }
      g.children.push(item);
    }
  }

  const logout = () => logoutMut.mutate({});
  const changePassword = async () => {
    const v = await form.validateFields();
    passwordMut.mutate({ body: v });
  };
  const scope = [user.scope.regionName, user.scope.facilityName].filter(Boolean).join(' · ') || t('app.shell.scope.all');

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={220} style={{ borderRight: '1px solid #eee' }}>
        <div style={{ padding: '16px 20px', fontWeight: 600, color: '#0b6e69' }}>{t('app.short')}<div style={{ fontSize: 12, color: '#888', fontWeight: 400 }}>县域整合型医疗卫生服务平台</div></div>
        <Menu mode="inline" selectedKeys={[loc.pathname]} defaultOpenKeys={[...groups.keys()]} items={items} onClick={(e) => nav(e.key)} data-testid="module-menu" />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', borderBottom: '1px solid #eee', height: 56 }}>
          <Space size="middle" wrap>
            <CriticalBanner />
            {user.role !== 'resident' && <Typography.Text type="secondary" data-testid="user-scope">{t('app.shell.scope')}：{scope}</Typography.Text>}
            <Tag color="cyan" data-testid="user-role">{ROLE_LABELS[user.role][lang]}</Tag>
            <Dropdown
              menu={{
                items: [
                  { key: 'pw', icon: <KeyOutlined />, label: t('app.shell.password'), onClick: () => setPwOpen(true) },
                  { key: 'out', icon: <LogoutOutlined />, label: t('app.shell.logout'), onClick: logout },
                ],
              }}
            >
              <Button type="text" icon={<UserOutlined />} data-testid="user-menu">{user.displayName}</Button>
            </Dropdown>
            <Button size="small" icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">{t('app.shell.lang')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16 }}>
          <Routes>
            {pages.map((p) => <Route key={p.path} path={p.path} element={p.element} />)}
            <Route path="*" element={pages[0].element} />
          </Routes>
        </Layout.Content>
      </Layout>
      <Modal open={pwOpen} title={t('app.shell.password')} onOk={changePassword} confirmLoading={passwordMut.isPending} onCancel={() => setPwOpen(false)} okText={t('common.save')} cancelText={t('common.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="currentPassword" label={t('app.password.current')} rules={[{ required: true }]}><Input.Password /></Form.Item>
          <Form.Item name="newPassword" label={t('app.password.new')} rules={[{ required: true, min: 8 }]}><Input.Password /></Form.Item>
        </Form>
      </Modal>
    </Layout>
  );
}
