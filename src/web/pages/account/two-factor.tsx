// Enrolling a TOTP authenticator: the password again, the QR code and secret, a first code, then
// the one-time recovery codes (shown once).
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { errorText } from '../../api/client';
import { useApiMutation, useApiQuery, type ApiData } from '../../api/hooks';
import { useLang, useT } from '../../i18n';

type Enrol = ApiData<'/api/auth/2fa/enrol', 'post'>;

/** The two-factor enrolment page. */
export function TwoFactorPage() {
  const t = useT();
  const { lang } = useLang();
  // Failures are drawn above the form (a wrong password or code is read there, next to what to do).
  const stateQ = useApiQuery('/api/auth/2fa', undefined, { meta: { ownError: true } });
  const state = stateQ.data ?? null;
  const [enrol, setEnrol] = useState<Enrol | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const error = failure ? errorText(failure, lang) : stateQ.error ? errorText(stateQ.error, lang) : null;
  const own = { meta: { ownError: true }, onError: (e: unknown) => setFailure(e) };
  const enrolMut = useApiMutation('post', '/api/auth/2fa/enrol', { ...own, onSuccess: (r) => setEnrol(r) });
  const confirmMut = useApiMutation('post', '/api/auth/2fa/confirm', { ...own, invalidates: ['/api/auth/2fa'], onSuccess: (r) => { setCodes(r.recoveryCodes); setEnrol(null); } });

  const start = (v: { password: string }) => {
    setFailure(null);
    enrolMut.mutate({ body: v });
  };
  const confirm = (v: { code: string }) => {
    setFailure(null);
    confirmMut.mutate({ body: v });
  };

  return (
    <Card title={t('account.mfa.title')} style={{ maxWidth: 640 }}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="mfa-error" />}
      {state && (
        <Typography.Paragraph data-testid="mfa-state">
          {state.enrolled ? t('account.mfa.enrolled', { n: state.recoveryCodesLeft }) : t('account.mfa.notEnrolled')}{' '}
          {!state.enrolled && state.enrolmentOverdue && t('account.mfa.overdue')}
          {!state.enrolled && !state.enrolmentOverdue && state.enrolmentDue && t('account.mfa.required', { due: state.enrolmentDue.slice(0, 10) })}
        </Typography.Paragraph>
      )}
      {codes && (
        <Alert type="success" title={t('account.mfa.done')} showIcon style={{ marginBottom: 16 }} description={
          <div>{t('account.mfa.recovery')}<pre data-testid="mfa-recovery" style={{ userSelect: 'all' }}>{codes.join('\n')}</pre></div>} />
      )}
      {!enrol && (
        <Form layout="inline" onFinish={start}>
          <Form.Item name="password" label={t('account.mfa.password')} rules={[{ required: true, message: t('app.login.required', { field: t('account.mfa.password') }) }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={enrolMut.isPending} data-testid="mfa-start">{state?.enrolled ? t('account.mfa.restart') : t('account.mfa.start')}</Button>
        </Form>
      )}
      {enrol && (
        <Space direction="vertical">
          <Typography.Text>{t('account.mfa.scan')}</Typography.Text>
          <img alt="otpauth QR" width={200} height={200} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrol.qrSvg)}`} data-testid="mfa-qr" />
          <Typography.Text code copyable data-testid="mfa-secret">{enrol.secret}</Typography.Text>
          <Form layout="inline" onFinish={confirm}>
            <Form.Item name="code" label={t('account.mfa.code')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('account.mfa.codeHint') }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={confirmMut.isPending} data-testid="mfa-confirm">{t('account.mfa.confirm')}</Button>
          </Form>
        </Space>
      )}
    </Card>
  );
}
