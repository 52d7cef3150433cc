// Enrolling a TOTP authenticator: the password again, the QR code and secret, a first code, then
// the one-time recovery codes (shown once).
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { api, errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import type { paths } from '../../api/schema';

type State = paths['/api/auth/2fa']['get']['responses'][200]['content']['application/json'];
type Enrol = paths['/api/auth/2fa/enrol']['post']['responses'][200]['content']['application/json'];

/** The two-factor enrolment page. */
export function TwoFactorPage() {
  const t = useT();
  const { lang } = useLang();
  const [state, setState] = useState<State | null>(null);
  const [enrol, setEnrol] = useState<Enrol | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.GET('/api/auth/2fa').then((r) => { if (r.data) setState(r.data); else setError(errorText(r.error, lang)); });
  useEffect(() => { void load(); }, []);

  const start = async (v: { password: string }) => {
    setError(null);
    const r = await api.POST('/api/auth/2fa/enrol', { body: v });
    if (r.data) setEnrol(r.data);
    else setError(errorText(r.error, lang));
  };
  const confirm = async (v: { code: string }) => {
    setError(null);
    const r = await api.POST('/api/auth/2fa/confirm', { body: v });
    if (r.data) { setCodes(r.data.recoveryCodes); setEnrol(null); void load(); }
    else setError(errorText(r.error, lang));
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
          <Button type="primary" htmlType="submit" data-testid="mfa-start">{state?.enrolled ? t('account.mfa.restart') : t('account.mfa.start')}</Button>
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
            <Button type="primary" htmlType="submit" data-testid="mfa-confirm">{t('account.mfa.confirm')}</Button>
          </Form>
        </Space>
      )}
    </Card>
  );
}
