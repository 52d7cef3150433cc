import { Card, Descriptions, Typography } from 'antd';
import { useLang, useT } from '../i18n';
import { useSession } from '../session';
import { ROLE_LABELS } from '../../shared/roles';
import { ResidentHome } from './me/home';

/** The landing page after sign-in. */
export function HomePage() {
  const t = useT();
  const { lang } = useLang();
  const { user } = useSession();
  if (!user) return null;
  if (user.role === 'resident') return <ResidentHome />;
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="home-welcome">{t('app.home.welcome', { name: user.displayName })}</Typography.Title>
      <Typography.Paragraph>{t('app.home.intro')}</Typography.Paragraph>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('app.home.role')}>{ROLE_LABELS[user.role][lang]}</Descriptions.Item>
        <Descriptions.Item label={t('admin.users.region')}>{user.scope.regionName ?? user.scope.regionCode ?? t('app.shell.scope.all')}</Descriptions.Item>
        <Descriptions.Item label={t('admin.users.facility')}>{user.scope.facilityName ?? user.scope.facilityCode ?? '—'}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
