import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Space, Tag, Typography } from 'antd';
import type { InputRef } from 'antd';
import { useApiMutation, useApiQuery, type ApiData } from '../../api/hooks';
import { useLang, useT } from '../../i18n';
import { classifyVisit, REFERRAL_REASONS, SYMPTOMS, VISIT_CLASS_LABELS, type Programme, type Symptom, type VisitClass } from '../../../modules/chronic/rules';
import { today } from '../../../shared/time.ts';
import { numberRule, plausible, type NumberLimits } from '../../components/numbers';

type Saved = ApiData<'/api/chronic/followups', 'post'>;

const CLASS_COLOR: Record<VisitClass, string> = { controlled: 'green', uncontrolled: 'red', adverse_reaction: 'orange', complication: 'magenta' };

/** One-screen, keyboard-only follow-up: defaults from the last visit, class and next date shown as values are typed. */
export function FollowUpPage() {
  const { residentId, programme } = useParams() as { residentId: string; programme: Programme };
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [form] = Form.useForm();
  const defaults = useApiQuery('/api/chronic/followups/last', { params: { query: { residentId, programme } } }).data;
  const [saved, setSaved] = useState<Saved | null>(null);
  const saveMut = useApiMutation('post', '/api/chronic/followups', {
    invalidates: ['/api/chronic/followups/last', '/api/chronic/worklist', '/api/chronic/rates', '/api/records/{residentId}/summary', '/api/records/{residentId}/timeline', '/api/records/{residentId}/trends'],
    onSuccess: setSaved,
  });
  const first = useRef<InputRef | HTMLInputElement | null>(null);
  const values = Form.useWatch([], form) as Record<string, unknown> | undefined;

  // The form starts from the last visit once it has been read (once: a later read never overwrites what is typed).
  const started = useRef<string | null>(null);
  useEffect(() => {
    if (!defaults || started.current === `${residentId}/${programme}`) return;
    started.current = `${residentId}/${programme}`;
    const l = defaults.last;
    form.setFieldsValue({ weightKg: l?.weightKg ?? undefined, heightCm: l?.heightCm ?? undefined, adherence: l?.adherence ?? 'regular', medication: l?.medication ?? undefined, symptoms: [] });
    setTimeout(() => (first.current as HTMLInputElement | null)?.focus(), 50);
  }, [defaults, form]);

  const live = useMemo(() => {
    if (!defaults || !values) return null;
    const v = values as { sbp?: number; dbp?: number; heartRate?: number; fastingGlucose?: number; symptoms?: Symptom[]; flags?: string[] };
    if (programme === 'hypertension' ? !(v.sbp && v.dbp) : !v.fastingGlucose) return null;
    const flags = v.flags ?? [];
    return classifyVisit({ programme, visitDate: today(), ageYears: defaults.resident.age, sbp: v.sbp, dbp: v.dbp, heartRate: v.heartRate, fastingGlucose: v.fastingGlucose, symptoms: v.symptoms,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse') },
      defaults.last ? { visitClass: defaults.last.visitClass, visitDate: defaults.last.visitDate } : null);
  }, [values, defaults]);

  const submit = async () => {
    // A problem is shown beside its field; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const flags: string[] = v.flags ?? [];
    saveMut.mutate({ body: {
      residentId, programme, visitDate: today(), sbp: v.sbp ?? null, dbp: v.dbp ?? null, heartRate: v.heartRate ?? null, weightKg: v.weightKg ?? null, heightCm: v.heightCm ?? null,
      fastingGlucose: v.fastingGlucose ?? null, symptoms: v.symptoms ?? [], adherence: v.adherence ?? null, medication: v.medication || null,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse'),
    } });
  };

  // No min/max on the input: a value is never clamped; one outside the plausible range is refused with its field named.
  // No decimal step either: it would redraw a typed 70 as "70.0".
  const num = (name: string, label: string, limits: NumberLimits, autoFocus = false) => (
    <Form.Item name={name} label={label} rules={[{ required: (programme === 'hypertension' && (name === 'sbp' || name === 'dbp')) || (programme === 'diabetes' && name === 'fastingGlucose') }, numberRule(t, label, limits)]}>
      <InputNumber style={{ width: '100%' }} ref={autoFocus ? (first as never) : undefined} id={name} onPressEnter={submit} />
    </Form.Item>
  );

  if (!defaults) return <Card loading />;
  const last = defaults.last;
  return (
    <Card title={`${t(`chronic.fu.title.${programme}`)} · ${defaults.resident.name}（${t('chronic.fu.ageYears', { age: defaults.resident.age })}）`}
      extra={<Button onClick={() => nav('/chronic/worklist')}>{t('chronic.fu.back')}</Button>}>
      {last && (
        <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('chronic.fu.lastVisit')}>{last.visitDate}</Descriptions.Item>
          <Descriptions.Item label={t('chronic.fu.lastClass')}><Tag color={CLASS_COLOR[last.visitClass]} data-testid="last-class">{VISIT_CLASS_LABELS[last.visitClass][lang]}</Tag></Descriptions.Item>
          <Descriptions.Item label={t('chronic.fu.lastValues')}>{programme === 'hypertension' ? `${last.sbp}/${last.dbp} mmHg` : `${last.fastingGlucose} mmol/L`}</Descriptions.Item>
          <Descriptions.Item label={t('chronic.fu.due')}>{last.nextVisitDate}</Descriptions.Item>
        </Descriptions>
      )}
      <Form form={form} layout="vertical" onFinish={submit} disabled={!!saved}>
        <Row gutter={12}>
          {programme === 'hypertension' ? (<>
            <Col xs={12} md={4}>{num('sbp', t('chronic.fu.sbp'), plausible('8480-6', true), true)}</Col>
            <Col xs={12} md={4}>{num('dbp', t('chronic.fu.dbp'), plausible('8462-4', true))}</Col>
          </>) : (
            <Col xs={12} md={4}>{num('fastingGlucose', t('chronic.fu.glucose'), plausible('1558-6'), true)}</Col>
          )}
          <Col xs={12} md={4}>{num('heartRate', t('chronic.fu.heartRate'), plausible('8867-4', true))}</Col>
          <Col xs={12} md={4}>{num('weightKg', t('chronic.fu.weight'), plausible('29463-7'))}</Col>
          <Col xs={12} md={4}>{num('heightCm', t('chronic.fu.height'), plausible('8302-2'))}</Col>
          <Col xs={24} md={4}>
            <Form.Item name="adherence" label={t('chronic.fu.adherence')}>
              <Radio.Group optionType="button" options={(['regular', 'intermittent', 'none'] as const).map((value) => ({ value, label: t(`chronic.fu.adherence.${value}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="symptoms" label={t('chronic.fu.symptoms')}>
          <Checkbox.Group options={(Object.keys(SYMPTOMS) as Symptom[]).filter((s) => programme === 'diabetes' || !['ketotic_breath', 'deep_fast_breathing'].includes(s)).map((s) => ({ value: s, label: SYMPTOMS[s][lang] }))} />
        </Form.Item>
        <Form.Item name="flags" label={t('chronic.fu.flags')}>
          <Checkbox.Group options={(['adverse', 'adverseUncontrollable', 'newComplication', 'complicationWorse'] as const).map((value) => ({ value, label: t(`chronic.fu.flag.${value}`) }))} />
        </Form.Item>
        {/* The medication is one line of text, as the server keeps it (a tag list sent an array, and Tab after Enter removed the tag). */}
        <Form.Item name="medication" label={t('chronic.fu.medication')} rules={[{ max: 500 }]}><Input id="medication" data-testid="medication" /></Form.Item>
        <Space align="center" wrap>
          <Typography.Text>{t('chronic.fu.thisVisit')}：</Typography.Text>
          {live ? <Tag color={CLASS_COLOR[live.class]} data-testid="live-class">{VISIT_CLASS_LABELS[live.class][lang]}</Tag> : <Tag>—</Tag>}
          <Typography.Text>{t('chronic.fu.nextVisit')}：<b data-testid="live-next">{live?.nextVisitDate ?? '—'}</b></Typography.Text>
          <Button type="primary" htmlType="submit" loading={saveMut.isPending} data-testid="save-followup">{t('chronic.fu.save')}</Button>
        </Space>
        {live?.referral && !saved && (
          <Alert style={{ marginTop: 12 }} type={live.referral.urgency === 'urgent' ? 'error' : 'warning'} showIcon
            title={`${t('chronic.fu.referralAdvised')}：${REFERRAL_REASONS[live.referral.reason][lang]}`} />
        )}
      </Form>
      {saved && (
        <Alert style={{ marginTop: 16 }} type={saved.referral ? 'warning' : 'success'} showIcon data-testid="followup-saved"
          title={`${t('chronic.fu.saved')} · ${VISIT_CLASS_LABELS[saved.class][lang]} · ${t('chronic.fu.savedNext')} ${saved.nextVisitDate}`}
          description={saved.referral ? (
            <Space direction="vertical">
              <span data-testid="referral-offer">{t('chronic.fu.upReferral')}：{REFERRAL_REASONS[saved.referral.reason as keyof typeof REFERRAL_REASONS]?.[lang] ?? saved.referral.reason}{saved.referralId ? t('chronic.fu.draftCreated') : ''}</span>
            </Space>) : null}
          action={<Space><Button onClick={() => nav(`/medicines/prescribe/${residentId}?encounterId=${saved.encounterId}`)} data-testid="followup-prescribe">{t('medicines.fu.prescribe')}</Button>
            <Button onClick={() => nav('/chronic/worklist')}>{t('chronic.fu.next')}</Button></Space>} />
      )}
    </Card>
  );
}
