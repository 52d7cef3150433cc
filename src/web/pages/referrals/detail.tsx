// One referral: the summary, the booked slot or bed, what happened when, and the actions the caller's
// side may take now (send, cancel; accept with a slot or bed, decline, arrival, completion with a plan).
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Tag, Timeline, Typography, message } from 'antd';
import { errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { GREEN_CHANNELS, REASONS, type GreenChannel, type State } from '../../../modules/referrals/rules';
import { DIRECTION_LABELS, STATE_LABELS, timerText, URGENCY_LABELS } from './labels';
import { SlotPicker, slotLabel } from '../scheduling/slot-picker';
import { NumberProblem, numberProblem } from '../../components/numbers';
import { useApiMutation, useApiQuery, type ApiData } from '../../api/hooks';
import { minuteOf } from '../../../shared/time';

type Ward = ApiData<'/api/scheduling/beds'>['wards'][number];
type Action = 'send' | 'accept' | 'decline' | 'arrive' | 'complete' | 'cancel';

// Notes the system writes on events, shown in the reader's language.
const NOTES: Record<string, 'referrals.note.drafted' | 'referrals.note.chronic' | 'referrals.note.expired' | 'referrals.note.down'> = {
  drafted: 'referrals.note.drafted', 'drafted by the chronic-disease follow-up rules': 'referrals.note.chronic', 'not handled within the service level': 'referrals.note.expired',
  'down-referral with the follow-up plan': 'referrals.note.down',
};
const local = (iso: string | null) => (iso ? minuteOf(iso) : '—');

/** The referral's page. */
export function ReferralDetailPage() {
  const t = useT();
  const { lang } = useLang();
  const { id } = useParams();
  const nav = useNavigate();
  const { user } = useSession();
  // "Not found" or "not yours" is drawn in the page, not as a passing message.
  const detail = useApiQuery('/api/referrals/{id}', { params: { path: { id: id! } } }, { meta: { ownError: true } });
  const d = detail.data ?? null;
  const err = detail.error ? errorText(detail.error, lang) : null;
  const [summary, setSummary] = useState('');
  const [slotId, setSlotId] = useState<string | null>(null);
  const [wardId, setWardId] = useState<string | null>(null);
  const [modal, setModal] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState('');
  const [plan, setPlan] = useState('');
  const [planDays, setPlanDays] = useState<number | null>(14);
  const key = useMemo(() => `ui-${crypto.randomUUID()}`, [id]);
  // The summary box starts from the saved text of each version read (never while the user types).
  useEffect(() => { if (d) setSummary((d.summary as { text?: string } | null)?.text ?? ''); }, [d?.id, d?.version]);
  const facilityCode = user?.scope.facilityCode ?? null;
  const wards: Ward[] = useApiQuery('/api/scheduling/beds', { params: { query: { facilityCode: facilityCode ?? '' } } },
    { enabled: d?.side === 'to' && d.status === 'sent' && !!facilityCode }).data?.wards ?? [];
  const changed = ['/api/referrals/{id}' as const, '/api/referrals/inbox' as const, '/api/referrals/tasks' as const, '/api/scheduling/slots' as const, '/api/scheduling/beds' as const];
  const patchMut = useApiMutation('patch', '/api/referrals/{id}', { invalidates: ['/api/referrals/{id}'] });
  const actMut = useApiMutation('post', '/api/referrals/{id}/{action}', {
    invalidates: changed,
    onSuccess: (r) => { message.success(`${STATE_LABELS[r.status][lang]}`); setModal(null); setSlotId(null); setWardId(null); },
  });
  const busy = patchMut.isPending || actMut.isPending;
  if (err) return <Alert type="error" message={err} />;
  if (!d) return <Card loading />;
  const daysProblem = numberProblem(t, t('referrals.planDays'), planDays, { min: 1, max: 365, integer: true });
  const run = (action: Action) => {
    if (action === 'complete' && plan && daysProblem) return;
    const place = slotId ? { slotId, idempotencyKey: key } : wardId ? { wardId, idempotencyKey: key } : {};
    const body = action === 'send' || action === 'accept' ? place
      : action === 'decline' || action === 'cancel' ? { reason: reason || null }
        : action === 'complete' ? { outcome, followUpPlan: plan || null, followUpDays: plan ? planDays : null } : {};
    const act = () => actMut.mutate({ params: { path: { id: d.id, action } }, body });
    // An edited draft summary is saved first; the action follows only if that worked.
    if (d.status === 'draft' && summary !== ((d.summary as { text?: string } | null)?.text ?? '')) {
      patchMut.mutate({ params: { path: { id: d.id } }, body: { version: d.version, summaryText: summary } }, { onSuccess: act });
    } else act();
  };
  const s: State = d.status;
  const from = d.side === 'from';
  const needsPlace = d.direction !== 'down' && d.urgency !== 'green_channel';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<Space>{t('referrals.referral')} · {d.residentName}<Tag color={STATE_LABELS[s].color} data-testid="referral-status">{STATE_LABELS[s][lang]}</Tag>
        <Tag color={URGENCY_LABELS[d.urgency].color}>{URGENCY_LABELS[d.urgency][lang]}{d.greenChannel ? ` · ${GREEN_CHANNELS[d.greenChannel as GreenChannel][lang]}` : ''}</Tag></Space>}
        extra={<Space><Button onClick={() => nav(`/referrals/${d.id}/print`)} data-testid="open-print">{t('referrals.print.open')}</Button><Button onClick={() => nav('/referrals')}>{t('referrals.inbox')}</Button></Space>}>
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label={t('referrals.direction')}>{DIRECTION_LABELS[d.direction as keyof typeof DIRECTION_LABELS]?.[lang]}</Descriptions.Item>
          <Descriptions.Item label={t('referrals.fromFacility')}>{d.fromFacility.name}</Descriptions.Item>
          <Descriptions.Item label={t('referrals.toFacility')}>{d.toFacility.name}{d.toDepartment ? ` · ${d.toDepartment}` : ''}</Descriptions.Item>
          <Descriptions.Item label={t('referrals.reason')}>{REASONS[d.reasonCode]?.[lang] ?? d.reasonCode}{d.reasonText ? `：${d.reasonText}` : ''}</Descriptions.Item>
          <Descriptions.Item label={t('referrals.slot')}><span data-testid="booked-slot">{d.booking ? `${slotLabel(d.booking.startsAt, lang)} · ${d.booking.schedule}` : d.bed ? `${d.bed.ward} ${d.bed.code}` : '—'}</span></Descriptions.Item>
          <Descriptions.Item label={t('referrals.timer')}>{s === 'sent' ? timerText(d.minutesLeft, lang) : '—'}</Descriptions.Item>
          {d.followUpPlan && <Descriptions.Item label={t('referrals.plan')} span={3}><span data-testid="plan">{d.followUpPlan}（{t('referrals.withinDays', { n: d.followUpDays ?? 0 })}）</span></Descriptions.Item>}
          {d.outcome && <Descriptions.Item label={t('referrals.outcome')} span={3}>{d.outcome}</Descriptions.Item>}
          {d.declineReason && <Descriptions.Item label={t('referrals.declineReason')} span={3}>{d.declineReason}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Card title={t('referrals.summary')} size="small">
        {s === 'draft' && from
          ? <Input.TextArea data-testid="summary" rows={7} value={summary} onChange={(e) => setSummary(e.target.value)} />
          : <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="summary-text">{summary}</Typography.Paragraph>}
      </Card>
      <Card title={t('referrals.actions')} size="small" data-testid="actions">
        {s === 'draft' && from && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {needsPlace && <SlotPicker facilityCode={d.toFacility.code} value={slotId} onChange={setSlotId} />}
            <Space>
              <Button type="primary" loading={busy} onClick={() => run('send')} data-testid="send">{t('referrals.send')}</Button>
              <Button danger onClick={() => setModal('cancel')}>{t('referrals.cancel')}</Button>
            </Space>
          </Space>
        )}
        {(s === 'sent' || s === 'accepted') && from && <Button danger onClick={() => setModal('cancel')}>{t('referrals.cancel')}</Button>}
        {s === 'sent' && !from && (
          <Space direction="vertical" style={{ width: '100%' }}>
            {needsPlace && !d.booking && (
              <>
                <SlotPicker facilityCode={d.toFacility.code} value={slotId} onChange={(v) => { setSlotId(v); if (v) setWardId(null); }} />
                {wards.length > 0 && <Select placeholder={t('referrals.orReserveBed')} style={{ width: 420 }} value={wardId ?? undefined} onChange={(v) => { setWardId(v); setSlotId(null); }}
                  options={wards.map((w) => ({ value: w.id, label: `${w.name} · ${w.department} · ${t('referrals.freeBeds', { n: w.free })}`, disabled: w.free === 0 }))} />}
              </>
            )}
            <Space>
              <Button type="primary" loading={busy} onClick={() => run('accept')} data-testid="accept">{t('referrals.accept')}</Button>
              <Button danger onClick={() => setModal('decline')} data-testid="decline">{t('referrals.decline')}</Button>
            </Space>
          </Space>
        )}
        {s === 'accepted' && !from && <Button type="primary" loading={busy} onClick={() => run('arrive')} data-testid="arrive">{t('referrals.arrive')}</Button>}
        {s === 'arrived' && !from && <Button type="primary" onClick={() => setModal('complete')} data-testid="complete">{t('referrals.complete')}</Button>}
        {['completed', 'declined', 'cancelled', 'expired'].includes(s) && <Typography.Text type="secondary">{t('referrals.closed')}</Typography.Text>}
        {(s === 'accepted' || s === 'arrived') && from && <Typography.Text type="secondary">{t('referrals.awaitingReceiver')}</Typography.Text>}
      </Card>
      <Card title={t('referrals.history')} size="small">
        <Timeline items={d.events.map((e) => ({ color: STATE_LABELS[e.status as State]?.color === 'red' ? 'red' : 'blue',
          children: `${local(e.at)} · ${STATE_LABELS[e.status as State]?.[lang] ?? e.status}${e.by ? ` · ${e.by}` : ''}${e.note ? ` · ${NOTES[e.note] ? t(NOTES[e.note]) : e.note}` : ''}` }))} />
      </Card>
      <Modal open={modal === 'decline' || modal === 'cancel'} title={modal === 'decline' ? t('referrals.decline') : t('referrals.cancel')} onOk={() => run(modal!)} confirmLoading={busy} onCancel={() => setModal(null)}>
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('referrals.declineReason')} data-testid="reason" />
      </Modal>
      <Modal open={modal === 'complete'} title={t('referrals.complete')} onOk={() => run('complete')} confirmLoading={busy} onCancel={() => setModal(null)} width={640} okButtonProps={{ 'data-testid': 'complete-ok' } as Record<string, string>}>
        <Form layout="vertical">
          <Form.Item label={t('referrals.outcome')} required><Input.TextArea rows={4} value={outcome} onChange={(e) => setOutcome(e.target.value)} data-testid="outcome" /></Form.Item>
          {d.direction !== 'down' && (
            <>
              <Alert type="info" showIcon message={t('referrals.downHint')} style={{ marginBottom: 12 }} />
              <Form.Item label={t('referrals.plan')}><Input.TextArea rows={3} value={plan} onChange={(e) => setPlan(e.target.value)} data-testid="plan-input" /></Form.Item>
              <Form.Item label={t('referrals.planDays')}><InputNumber value={planDays} onChange={(v) => setPlanDays(v)} status={daysProblem ? 'error' : undefined} data-testid="plan-days" /><br /><NumberProblem problem={daysProblem} /></Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
