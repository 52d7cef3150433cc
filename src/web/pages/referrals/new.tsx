// A new referral: the patient, where to (the community's facilities first), why and how urgently,
// the clinical summary assembled from the record (editable), and a slot from the target's schedule.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, InputNumber, Radio, Select, Space, Tag, message } from 'antd';
import { errorText } from '../../api/client';
import { useLang, useT, type MessageKey } from '../../i18n';
import { GREEN_CHANNELS, REASONS, type GreenChannel, type Urgency } from '../../../modules/referrals/rules';
import { DIRECTION_LABELS, URGENCY_LABELS } from './labels';
import { SlotPicker } from '../scheduling/slot-picker';
import { NumberProblem, numberProblem } from '../../components/numbers';
import { useApiFetch, useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';

/** The reasons in groups: the hypertension and the diabetes norm's reasons share names (原有并发症加重 …), so each sits under its programme. */
const reasonGroups: { label: MessageKey; codes: string[] }[] = [
  { label: 'referrals.reasonGroup.general', codes: Object.keys(REASONS).filter((k) => !k.startsWith('htn_') && !k.startsWith('dm_')) },
  { label: 'chronic.hypertension', codes: Object.keys(REASONS).filter((k) => k.startsWith('htn_')) },
  { label: 'chronic.diabetes', codes: Object.keys(REASONS).filter((k) => k.startsWith('dm_')) },
];

type Target = ApiItem<'/api/referrals/targets'>;
type Resident = ApiItem<'/api/residents'>;

/** The referral form; saves a draft and sends it with the picked slot in one go. */
export function ReferralNewPage() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [params] = useSearchParams();
  const [residentId, setResidentId] = useState<string | null>(params.get('residentId'));
  const [found, setFound] = useState<Resident[]>([]);
  const [to, setTo] = useState<string | null>(null);
  const [department, setDepartment] = useState('');
  const [reasonCode, setReasonCode] = useState<string>('beyond_capability');
  const [reasonText, setReasonText] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('routine');
  const [green, setGreen] = useState<GreenChannel | null>(null);
  const [summary, setSummary] = useState('');
  const [plan, setPlan] = useState('');
  const [planDays, setPlanDays] = useState<number | null>(14);
  const [slotId, setSlotId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One key per form: a retried send returns the first booking instead of booking twice.
  const idempotencyKey = useMemo(() => `ui-${crypto.randomUUID()}`, []);
  const fetchApi = useApiFetch();
  const targets: Target[] = useApiQuery('/api/referrals/targets', {}).data?.items ?? [];
  // Arriving from a worklist or a record with the patient named: show who it is.
  const [pre] = useState(() => params.get('residentId'));
  const named = useApiQuery('/api/residents/{id}', { params: { path: { id: pre ?? '' } } }, { enabled: !!pre });
  useEffect(() => { if (named.data) setFound([named.data.resident]); }, [named.data]);
  // The summary is assembled from the record for each patient and reason chosen; a failure is shown above the form.
  const preview = useApiQuery('/api/referrals/summary-preview', { params: { query: { residentId: residentId ?? '', reasonCode } } }, { enabled: !!residentId, meta: { ownError: true } });
  const applied = useRef<string | null>(null);
  useEffect(() => {
    const k = `${residentId}|${reasonCode}`;
    if (preview.data && applied.current !== k) { applied.current = k; setSummary(preview.data.text); }
  }, [preview.data, residentId, reasonCode]);
  useEffect(() => { if (preview.error) setError(errorText(preview.error, lang)); }, [preview.error]);
  const target = targets.find((x) => x.code === to);
  const search = async (q: string) => {
    if (q.trim().length < 1) return;
    const r = await fetchApi('/api/residents', { params: { query: { q, pageSize: 20 } } });
    setFound(r?.items ?? []);
  };
  // A failure to save is drawn above the form; a failure to send leaves the saved draft (its reason is shown).
  const createMut = useApiMutation('post', '/api/referrals', { invalidates: ['/api/referrals/inbox'], meta: { ownError: true }, onError: (e) => setError(errorText(e, lang)) });
  const sendMut = useApiMutation('post', '/api/referrals/{id}/{action}', { invalidates: ['/api/referrals/inbox', '/api/referrals/{id}', '/api/scheduling/slots'] });
  const busy = createMut.isPending || sendMut.isPending;
  const daysProblem = numberProblem(t, t('referrals.planDays'), planDays, { min: 1, max: 365, integer: true });
  const submit = (send: boolean) => {
    if (!residentId || !to || (plan && daysProblem)) return;
    setError(null);
    createMut.mutate({ body: { residentId, toFacilityCode: to, toDepartment: department || null, reasonCode, reasonText: reasonText || null, urgency,
      greenChannel: urgency === 'green_channel' ? green : null, summaryText: summary || null, followUpPlan: plan || null, followUpDays: plan ? planDays : null } }, {
      onSuccess: (c) => {
        if (!send) return nav(`/referrals/${c.id}`);
        sendMut.mutate({ params: { path: { id: c.id, action: 'send' } }, body: slotId ? { slotId, idempotencyKey } : {} }, {
          onSuccess: () => { message.success(t('referrals.sent')); nav(`/referrals/${c.id}`); },
          onError: () => { message.warning(t('referrals.savedNotSent')); nav(`/referrals/${c.id}`); },
        });
      },
    });
  };
  const needsPlan = target?.direction === 'down';
  return (
    <Card title={t('referrals.new')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="form-error" />}
      <Form layout="vertical" style={{ maxWidth: 900 }}>
        <Form.Item label={t('referrals.resident')} required>
          <Select showSearch data-testid="resident-select" value={residentId ?? undefined} onSearch={search} filterOption={false} onChange={(v) => setResidentId(v)}
            placeholder={t('referrals.searchResident')} options={found.map((r) => ({ value: r.id, label: `${r.name} · ${r.sex === 'M' ? t('referrals.male') : t('referrals.female')} ${r.age} · ${r.villageName} · ${r.idNumberMasked}` }))} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item label={t('referrals.toFacility')} required>
            <Select data-testid="target-select" style={{ width: 320 }} value={to ?? undefined} onChange={(v) => { setTo(v); setSlotId(null); }} showSearch optionFilterProp="label"
              options={targets.map((x) => ({ value: x.code, label: `${x.name}（${DIRECTION_LABELS[x.direction][lang]}）` }))} />
          </Form.Item>
          <Form.Item label={t('referrals.department')}>
            <Input data-testid="department" value={department} onChange={(e) => setDepartment(e.target.value)} style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Space size="large" wrap>
          <Form.Item label={t('referrals.reason')} required>
            <Select data-testid="reason-select" style={{ width: 360 }} value={reasonCode} onChange={setReasonCode} showSearch optionFilterProp="label"
              options={reasonGroups.map((g) => ({ label: t(g.label), options: g.codes.map((k) => ({ value: k, label: REASONS[k][lang] })) }))}
              labelRender={(v) => { const g = reasonGroups.find((x) => x.codes.includes(String(v.value))); return g && g !== reasonGroups[0] ? `${t(g.label)} · ${v.label}` : v.label; }} />
          </Form.Item>
          <Form.Item label={t('referrals.reasonText')}>
            <Input value={reasonText} onChange={(e) => setReasonText(e.target.value)} style={{ width: 300 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t('referrals.urgency')}>
          <Space wrap>
            <Radio.Group value={urgency} onChange={(e) => setUrgency(e.target.value)} data-testid="urgency">
              {(['routine', 'urgent', 'green_channel'] as const).map((u) => <Radio.Button key={u} value={u}>{URGENCY_LABELS[u][lang]}</Radio.Button>)}
            </Radio.Group>
            {urgency === 'green_channel' && (
              <Select style={{ width: 220 }} value={green ?? undefined} onChange={setGreen} placeholder={t('referrals.greenChannel')}
                options={Object.entries(GREEN_CHANNELS).map(([k, v]) => ({ value: k, label: v[lang] }))} />
            )}
          </Space>
        </Form.Item>
        <Form.Item label={<Space>{t('referrals.summary')}<Tag>{t('referrals.summaryFromRecord')}</Tag></Space>}>
          <Input.TextArea data-testid="summary" rows={7} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Form.Item>
        {needsPlan && (
          <Space size="large" wrap>
            <Form.Item label={t('referrals.plan')} required><Input.TextArea rows={2} value={plan} onChange={(e) => setPlan(e.target.value)} style={{ width: 480 }} /></Form.Item>
            <Form.Item label={t('referrals.planDays')} required><InputNumber value={planDays} onChange={(v) => setPlanDays(v)} status={daysProblem ? 'error' : undefined} /><br /><NumberProblem problem={daysProblem} /></Form.Item>
          </Space>
        )}
        {to && !needsPlan && urgency !== 'green_channel' && (
          <Form.Item label={t('referrals.pickSlot')}>
            <SlotPicker facilityCode={to} value={slotId} onChange={setSlotId} />
          </Form.Item>
        )}
        <Space>
          <Button type="primary" loading={busy} disabled={!residentId || !to} onClick={() => submit(true)} data-testid="send">{t('referrals.saveAndSend')}</Button>
          <Button loading={busy} disabled={!residentId || !to} onClick={() => submit(false)} data-testid="save-draft">{t('referrals.saveDraft')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
