// Sign or renew a family-doctor contract online, on a phone (one column): choose the team (the one
// serving one's village first), the packages (the basic one always), a note for the team, and ask;
// the team confirms or declines. The resident's requests so far below, the open one withdrawable.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Empty, Input, List, Popconfirm, Radio, Space, Tag, Typography } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiData } from '../../api/hooks';
import { dayOf } from '../../../shared/time.ts';

type Options = ApiData<'/api/me/contract'>;
type Request = Options['requests'][number];
const STATUS_COLOR: Record<Request['status'], string> = { requested: 'blue', confirmed: 'green', declined: 'red', withdrawn: 'default' };
const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);

/** The resident's online contract page. */
export function MyContractPage() {
  const t = useT();
  const { message } = App.useApp();
  const q = useApiQuery('/api/me/contract');
  const o = q.data;
  const [teamId, setTeamId] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[]>(['BASIC']);
  const [note, setNote] = useState('');
  // The teams of the resident's own township first; the rest of the county's on request (a long list on a phone).
  const [allTeams, setAllTeams] = useState(false);
  useEffect(() => { if (o && !teamId && o.teams.length) setTeamId(o.teams[0].id); }, [o, teamId]);
  const ask = useApiMutation('post', '/api/me/contract-requests', {
    invalidates: ['/api/me/contract', '/api/me/home'],
    onSuccess: () => { message.success(t('me.contract.sent')); setNote(''); },
  });
  const withdraw = useApiMutation('post', '/api/me/contract-requests/{id}/withdraw', { invalidates: ['/api/me/contract', '/api/me/home'] });
  if (!o) return <Card loading={q.isLoading} />;
  const open = o.requests.find((r) => r.status === 'requested');
  const teamName = (id: string) => o.teams.find((x) => x.id === id)?.name ?? '';
  const pkgName = (code: string) => o.packages.find((x) => x.code === code)?.name ?? code;
  const next = o.next;
  const near = o.teams.filter((x) => x.sameTownship || x.id === teamId);
  const shown = allTeams || near.length === 0 ? o.teams : near;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 560 }} data-testid="my-contract">
      <Typography.Title level={4} style={{ margin: 0, paddingLeft: 44 }}>{t(next.kind === 'sign' ? 'me.contract.titleSign' : 'me.contract.titleRenew')}</Typography.Title>
      {next.kind === 'too_early' && <Alert type="info" showIcon message={t('me.contract.tooEarly', { end: next.endsOn, opens: next.opensOn, days: o.renewalWindowDays })} data-testid="too-early" />}
      {next.kind === 'renew' && <Alert type="warning" showIcon message={t('me.contract.renewFrom', { date: next.startsOn })} />}
      {open && (
        <Alert type="info" showIcon data-testid="open-request" message={t('me.contract.waiting', { team: teamName(open.teamId) })}
          description={t('me.home.packages', { list: open.packageCodes.map(pkgName).join('、') })}
          action={<Popconfirm title={t('me.contract.withdrawConfirm')} onConfirm={() => withdraw.mutate({ params: { path: { id: open.id } } })}>
            <Button size="small" data-testid="withdraw">{t('me.contract.withdraw')}</Button></Popconfirm>} />
      )}
      {next.kind !== 'too_early' && !open && (
        <>
          <Card size="small" title={t('me.contract.team')}>
            {o.teams.length === 0 ? <Empty description={t('me.home.noTeam')} /> : (
              <Radio.Group value={teamId} onChange={(e) => setTeamId(e.target.value)} style={{ width: '100%' }} data-testid="pick-team">
                <Space direction="vertical" style={{ width: '100%' }}>
                  {shown.map((x) => (
                    <Radio key={x.id} value={x.id} style={{ whiteSpace: 'normal' }}>
                      <Typography.Text strong>{x.name}</Typography.Text> <Typography.Text type="secondary">{x.facilityName}</Typography.Text>
                      {x.servesVillage && <Tag color="green" style={{ marginLeft: 4 }}>{t('me.contract.yourVillage')}</Tag>}
                      <div><Typography.Text type="secondary">{x.members.map((m) => `${m.name}（${t(`me.role.${m.role}` as MessageKey)}）`).join('、')}</Typography.Text></div>
                      {x.phone && <Button type="link" size="small" icon={<PhoneOutlined />} href={`tel:${x.phone}`} style={{ paddingLeft: 0 }}>{x.phone}</Button>}
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            )}
            {shown.length < o.teams.length && (
              <Button type="link" style={{ paddingLeft: 0 }} onClick={() => setAllTeams(true)} data-testid="all-teams">{t('me.contract.allTeams', { n: o.teams.length - shown.length })}</Button>
            )}
          </Card>
          <Card size="small" title={t('me.contract.packages')}>
            <Checkbox.Group value={codes} onChange={(v) => setCodes(v.includes('BASIC') ? v as string[] : ['BASIC', ...v as string[]])} style={{ width: '100%' }} data-testid="pick-packages">
              <Space direction="vertical" style={{ width: '100%' }}>
                {o.packages.map((p) => (
                  <Checkbox key={p.code} value={p.code} disabled={p.code === 'BASIC'} style={{ whiteSpace: 'normal' }}>
                    <Typography.Text strong>{p.name}</Typography.Text>{' '}
                    <Tag>{p.priceFen === 0 ? t('me.contract.free') : t('me.contract.price', { yuan: yuan(p.priceFen) })}</Tag>
                    <Tag color="blue">{t(`me.contract.payer.${p.payer}` as MessageKey)}</Tag>
                    {p.items.length > 0 && <div><Typography.Text type="secondary">{p.items.map((i) => `${i.name} ${i.frequency}`).join('；')}</Typography.Text></div>}
                  </Checkbox>
                ))}
              </Space>
            </Checkbox.Group>
          </Card>
          <Card size="small" title={t('me.contract.note')}>
            <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} showCount rows={2} placeholder={t('me.contract.notePlaceholder')} data-testid="request-note" />
          </Card>
          <Button type="primary" size="large" block disabled={!teamId} loading={ask.isPending} data-testid="send-request"
            onClick={() => teamId && ask.mutate({ body: { teamId, packageCodes: codes, note: note.trim() || null } })}>
            {t(next.kind === 'renew' ? 'me.contract.askRenew' : 'me.contract.askSign')}
          </Button>
        </>
      )}
      <Card size="small" title={t('me.contract.history')}>
        {o.requests.length === 0 ? <Empty description={t('me.contract.noRequests')} /> : (
          <List size="small" dataSource={o.requests} data-testid="request-history" renderItem={(r) => (
            <List.Item key={r.id}>
              <List.Item.Meta
                title={<Space wrap><Tag color={STATUS_COLOR[r.status]}>{t(`me.contract.status.${r.status}` as MessageKey)}</Tag>{teamName(r.teamId)}</Space>}
                description={<>
                  <div>{dayOf(r.requestedAt)} · {r.packageCodes.map(pkgName).join('、')}</div>
                  {r.decisionNote && <div>{t('me.contract.reason', { reason: r.decisionNote })}</div>}
                </>} />
            </List.Item>
          )} />
        )}
      </Card>
    </Space>
  );
}
