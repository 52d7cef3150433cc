import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { errorText } from '../api/client';
import { useQueryClient } from '@tanstack/react-query';
import { keyOf, useApiMutation } from '../api/hooks';
import { useLang, useT } from '../i18n';
import { useSession } from '../session';

/** The sign-in page. */
export function LoginPage() {
  const t = useT();
  const { lang, setLang } = useLang();
  const { setUser } = useSession();
  const [failure, setFailure] = useState<unknown>(null);
  const error = failure ? errorText(failure, lang) : null;
  const [mfa, setMfa] = useState(false);
  const qc = useQueryClient();
  const signedIn = (d: { user: Parameters<typeof setUser>[0]; twoFactor: { enrolled: boolean; enrolmentOverdue: boolean } }) => {
    // Nothing read for an earlier user (on this page no query is in use) is shown to this one.
    qc.removeQueries({ predicate: (q) => q.queryKey[1] !== keyOf('/api/auth/me')[1] });
    // A role that must use two factors and has not enrolled yet goes straight to enrolment.
    if (!d.twoFactor.enrolled && d.twoFactor.enrolmentOverdue) window.history.replaceState(null, '', '/account/two-factor');
    setUser(d.user);
  };
  // A refused sign-in is drawn above the form, not as a passing message.
  const own = { meta: { ownError: true }, onError: (e: unknown) => setFailure(e) };
  const loginMut = useApiMutation('post', '/api/auth/login', { ...own, onSuccess: (d) => { if ('mfaRequired' in d) setMfa(true); else signedIn(d); } });
  const mfaMut = useApiMutation('post', '/api/auth/mfa', { ...own, onSuccess: signedIn });
  const busy = loginMut.isPending || mfaMut.isPending;
  const onFinish = (v: { username: string; password: string }) => {
    setFailure(null);
    loginMut.mutate({ body: v });
  };
  const onCode = (v: { code: string }) => {
    setFailure(null);
    mfaMut.mutate({ body: v });
  };
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg,#e6f4f1,#f5f7fa)', padding: 16 }}>
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>{t('app.name')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.login.title')}</Typography.Paragraph>
        {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} showIcon data-testid="login-error" />}
        {mfa ? (
          <Form layout="vertical" onFinish={onCode} requiredMark={false}>
            <Form.Item name="code" label={t('account.mfa.code')} extra={t('account.mfa.codeHint')} rules={[{ required: true, message: t('app.login.required', { field: t('account.mfa.code') }) }]}>
              <Input autoFocus autoComplete="one-time-code" id="code" data-testid="mfa-code" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="mfa-submit">{t('account.mfa.verify')}</Button>
          </Form>
        ) : (
        <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item name="username" label={t('app.login.username')} rules={[{ required: true, message: t('app.login.required', { field: t('app.login.username') }) }]}>
            <Input autoFocus autoComplete="username" id="username" />
          </Form.Item>
          <Form.Item name="password" label={t('app.login.password')} rules={[{ required: true, message: t('app.login.required', { field: t('app.login.password') }) }]}>
            <Input.Password autoComplete="current-password" id="password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">{t('app.login.submit')}</Button>
        </Form>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>{t('app.login.demo')}</Typography.Paragraph>
        <Button type="link" size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} style={{ padding: 0 }}>{t('app.shell.lang')}</Button>
      </Card>
    </div>
  );
}
