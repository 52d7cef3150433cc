// The resident's home on a phone (mobile-first, one column): what is due, the family-doctor team
// with a call button, and links to the record, the bookings and the access log. One read: GET /api/me/home.
import { Alert, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useLang, useT, type MessageKey } from '../../i18n';
import { useApiQuery, type ApiData } from '../../api/hooks';
import { slotLabel } from '../scheduling/slot-picker';
import { dayFromToday } from '../../../shared/time.ts';

type Home = ApiData<'/api/me/home'>;
interface Due { key: string; title: string; text: string; tone: 'red' | 'orange' | 'blue' | 'green' }

function dueItems(h: Home, t: ReturnType<typeof useT>, lang: 'zh' | 'en'): Due[] {
  const out: Due[] = [];
  for (const f of h.followUps) {
    const title = t('me.home.followUp', { programme: t(`chronic.${f.programme}` as MessageKey) });
    if (!f.nextVisit) out.push({ key: `fu-${f.programme}`, title, text: t('me.home.followUpNever'), tone: 'orange' });
    else out.push({ key: `fu-${f.programme}`, title, text: f.overdue ? t('me.home.followUpOverdue', { date: f.nextVisit }) : t('me.home.followUpOn', { date: f.nextVisit }), tone: f.overdue ? 'red' : 'blue' });
  }
  if (h.elderly) {
    const e = h.elderly;
    out.push({ key: 'elderly', title: t('me.home.elderly', { year: e.year, age: e.age }),
      text: e.status === 'done' ? t('me.home.elderly.done', { date: e.servedOn ?? '' }) : t(`me.home.elderly.${e.status}` as MessageKey), tone: e.status === 'done' ? 'green' : e.status === 'overdue' ? 'red' : 'orange' });
  }
  for (const b of h.bookings) out.push({ key: b.id, title: t('me.home.booking', { where: b.facilityName }), text: `${slotLabel(b.startsAt, lang, { year: true })} · ${b.scheduleName}`, tone: 'blue' });
  return out;
}

/** The signed-in resident's home. */
export function ResidentHome() {
  const t = useT();
  const { lang } = useLang();
  const q = useApiQuery('/api/me/home');
  const h = q.data;
  if (!h) return <Card loading={q.isLoading} />;
  const due = dueItems(h, t, lang);
  const team = h.team;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 560 }} data-testid="resident-home">
      {/* room for the shell's menu trigger, which floats at the content's top left when the side menu folds away on a phone */}
      <Typography.Title level={4} style={{ margin: 0, paddingLeft: 44 }}>{t('me.home.hello', { name: h.name })}</Typography.Title>
      {h.contractRequest && (
        <Alert data-testid="home-request" showIcon type={h.contractRequest.status === 'confirmed' ? 'success' : h.contractRequest.status === 'declined' ? 'error' : 'info'}
          message={t(`me.home.request.${h.contractRequest.status}` as MessageKey)}
          description={h.contractRequest.decisionNote ? t('me.contract.reason', { reason: h.contractRequest.decisionNote }) : undefined}
          action={h.contractRequest.status === 'declined' ? <Link to="/me/contract"><Button size="small">{t('me.home.askAgain')}</Button></Link> : undefined} />
      )}
      <Card size="small" title={t('me.home.due')} data-testid="home-due">
        {due.length === 0 ? <Empty description={t('me.home.nothingDue')} /> : (
          <List dataSource={due} renderItem={(d) => (
            <List.Item key={d.key} data-testid="due-item">
              <List.Item.Meta title={d.title} description={<Tag color={d.tone} style={{ whiteSpace: 'normal' }}>{d.text}</Tag>} />
            </List.Item>
          )} />
        )}
      </Card>
      <Card size="small" title={t('me.home.team')} data-testid="home-team">
        {!team ? <Typography.Text type="secondary">{t('me.home.noTeam')}</Typography.Text> : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text strong>{team.team.name} · {team.team.facilityName}</Typography.Text>
            <Typography.Text type="secondary">{team.contract ? t('me.home.contracted', { from: team.contract.startsOn, to: team.contract.endsOn }) : t('me.home.notContracted')}</Typography.Text>
            {team.contract && team.contract.packages.length > 0 && <Typography.Text>{t('me.home.packages', { list: team.contract.packages.join('、') })}</Typography.Text>}
            <List size="small" dataSource={team.team.members} renderItem={(m) => <List.Item>{m.name} <Typography.Text type="secondary">{t(`me.role.${m.role}` as MessageKey)}</Typography.Text></List.Item>} />
            {(!team.contract || dayFromToday(30) >= team.contract.endsOn) && h.contractRequest?.status !== 'requested' && (
              <Link to="/me/contract"><Button block size="large" data-testid="sign-online">{t(team.contract ? 'me.home.renewOnline' : 'me.home.signOnline')}</Button></Link>
            )}
            {team.team.phone
              ? <Button type="primary" block size="large" icon={<PhoneOutlined />} href={`tel:${team.team.phone}`} data-testid="call-team">{t('me.home.call')}</Button>
              : <Typography.Text type="warning" data-testid="no-phone">{t('me.home.noPhone', { facility: team.team.facilityName })}</Typography.Text>}
          </Space>
        )}
      </Card>
      <Card size="small" title={t('me.home.links')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Link to="/me"><Button block size="large">{t('me.home.record')}</Button></Link>
          <Link to="/scheduling/my"><Button block size="large">{t('me.home.bookings')}</Button></Link>
          <Link to="/me/contract"><Button block size="large" data-testid="link-contract">{t('me.menu.contract')}</Button></Link>
          <Link to="/me?tab=access"><Button block size="large" data-testid="link-access">{t('me.home.accessLog')}</Button></Link>
        </Space>
      </Card>
    </Space>
  );
}
