import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { errorText, inLang, type ApiErrorBody } from '../api/client';
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
  // A resident's first sign-in (or a lost password): their own password set with the code from their clinic.
  const [activating, setActivating] = useState(false);
  // the server's refusals of a field (the password policy), shown beside it until the field is edited
  const [serverProblems, setServerProblems] = useState<Record<string, string[]>>({});
  const beside = (name: string) => (serverProblems[name] ? { validateStatus: 'error' as const, help: serverProblems[name].join('；') } : {});
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
  const activateMut = useApiMutation('post', '/api/auth/resident-activate', {
    meta: { ownError: true },
    onError: (e: unknown) => {
      // the password policy's problems beside the password, every other refusal above the form
      const fields = (e as Partial<ApiErrorBody>).error?.fields ?? [];
      const byField: Record<string, string[]> = {};
      for (const f of fields) if (['login', 'code', 'password'].includes(f.path)) (byField[f.path] ??= []).push(inLang(f.problem, lang));
      if (Object.keys(byField).length) setServerProblems(byField);
      else setFailure(e);
    },
    // then signed in with the same login and the new password
    onSuccess: (_d: unknown, v: { body: { login: string; password: string } }) => loginMut.mutate({ body: { username: v.body.login, password: v.body.password } }),
  });
  const busy = loginMut.isPending || mfaMut.isPending || activateMut.isPending;
  const onActivate = (v: { login: string; code: string; password: string }) => {
    setFailure(null);
    setServerProblems({});
    activateMut.mutate({ body: { login: v.login.trim(), code: v.code.trim(), password: v.password } });
  };
  const required = (field: string) => ({ required: true, message: t('app.login.required', { field }) });
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
        {activating ? (
          <Form layout="vertical" onFinish={onActivate} requiredMark={false} data-testid="activate-form"
            onValuesChange={(changed: Record<string, unknown>) => setServerProblems((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !(k in changed))))}>
            <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('app.activate.how')} />
            <Form.Item name="login" label={t('app.activate.login')} rules={[required(t('app.activate.login')), { min: 5, max: 30, message: t('app.activate.loginShape') }]} {...beside('login')}>
              <Input autoFocus autoComplete="username" data-testid="activate-login" />
            </Form.Item>
            <Form.Item name="code" label={t('app.activate.code')} rules={[required(t('app.activate.code')), { pattern: /^\s*\d{6}\s*$/, message: t('app.activate.codeShape') }]} {...beside('code')}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={8} data-testid="activate-code" />
            </Form.Item>
            <Form.Item name="password" label={t('app.activate.password')} extra={t('app.activate.policy')} rules={[required(t('app.activate.password'))]} {...beside('password')}>
              <Input.Password autoComplete="new-password" data-testid="activate-password" />
            </Form.Item>
            <Form.Item name="again" label={t('app.activate.again')} dependencies={['password']} rules={[required(t('app.activate.again')),
              ({ getFieldValue }) => ({ validator: (_r, v) => (!v || v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('app.activate.mismatch')))) })]}>
              <Input.Password autoComplete="new-password" data-testid="activate-again" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="activate-submit">{t('app.activate.submit')}</Button>
            <Button type="link" size="small" style={{ padding: 0, marginTop: 8 }} onClick={() => { setActivating(false); setFailure(null); }}>{t('app.activate.back')}</Button>
          </Form>
        ) : mfa ? (
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
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0, fontSize: 13 }}>
            {t('app.activate.lead')} <Button type="link" size="small" style={{ padding: 0 }} onClick={() => { setActivating(true); setFailure(null); }} data-testid="activate-open">{t('app.activate.open')}</Button>
          </Typography.Paragraph>
        </Form>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>{t('app.login.demo')}</Typography.Paragraph>
        <Button type="link" size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} style={{ padding: 0 }}>{t('app.shell.lang')}</Button>
      </Card>
    </div>
  );
}
