import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Space, Tag, Typography } from 'antd';
import type { InputRef } from 'antd';
import { useApiMutation, useApiQuery, type ApiData } from '../../api/hooks';
import { useLang, useT } from '../../i18n';
import { classifyVisit, DOSE_UNITS, FORM_LIMITS, GRADE, HYPOGLYCAEMIA, PEDIS, SALT, REFERRAL_REASONS, type FormNumber, SYMPTOMS, VISIT_CLASS_LABELS, type Programme, type Symptom, type VisitClass } from '../../../modules/chronic/rules';
import { DateStr, today } from '../../../shared/time.ts';
import { numberRule, plausible, type NumberLimits } from '../../components/numbers';

type Saved = ApiData<'/api/chronic/followups', 'post'>;

const FORM_NUMBERS = ['smokingNow', 'smokingTarget', 'drinkingNow', 'drinkingTarget', 'exerciseTimesNow', 'exerciseTimesTarget', 'exerciseMinutesNow', 'exerciseMinutesTarget', 'stapleNow', 'stapleTarget', 'hba1c'] as const;
const FORM_CHOICES = ['saltNow', 'saltTarget', 'psychology', 'compliance', 'pedisLeft', 'pedisRight', 'hypoglycaemia'] as const;
const FORM_TEXTS = ['adverseReactionText', 'hba1cDate', 'insulinKind', 'insulinDose', 'transferReason', 'transferTo', 'advice', 'nextVisitDate'] as const;
const limits = (k: FormNumber): NumberLimits => ({ min: FORM_LIMITS[k].min, max: FORM_LIMITS[k].max, integer: FORM_LIMITS[k].int });

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
const isRealDate = (x: string) => DateStr.safeParse(x).success;

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
  const nextButton = useRef<HTMLButtonElement | null>(null);
  const values = Form.useWatch([], form) as Record<string, unknown> | undefined;

  // The form starts from the last visit once it has been read (once: a later read never overwrites what is typed).
  const started = useRef<string | null>(null);
  useEffect(() => {
    if (!defaults || started.current === `${residentId}/${programme}`) return;
    started.current = `${residentId}/${programme}`;
    const l = defaults.last;
    form.setFieldsValue({ visitDate: today(), visitMode: 'clinic', weightKg: l?.weightKg ?? undefined, heightCm: l?.heightCm ?? undefined, adherence: l?.adherence ?? 'regular', medication: l?.medication ?? undefined, symptoms: [] });
    setTimeout(() => (first.current as HTMLInputElement | null)?.focus(), 50);
  }, [defaults, form]);
  // Saved: the focus goes to 下一位, so that Enter leads on to the next patient.
  useEffect(() => { if (saved) setTimeout(() => nextButton.current?.focus(), 30); }, [saved]);
  const visitDate = typeof values?.visitDate === 'string' && isRealDate(values.visitDate) ? values.visitDate : today();

  const live = useMemo(() => {
    if (!defaults || !values) return null;
    const v = values as { sbp?: number; dbp?: number; heartRate?: number; fastingGlucose?: number; symptoms?: Symptom[]; flags?: string[] };
    if (programme === 'hypertension' ? !(v.sbp && v.dbp) : !v.fastingGlucose) return null;
    const flags = v.flags ?? [];
    return classifyVisit({ programme, visitDate, ageYears: defaults.resident.age, sbp: v.sbp, dbp: v.dbp, heartRate: v.heartRate, fastingGlucose: v.fastingGlucose, symptoms: v.symptoms,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse') },
      defaults.last ? { visitClass: defaults.last.visitClass, visitDate: defaults.last.visitDate } : null);
  }, [values, defaults, visitDate]);

  const submit = async () => {
    // A problem is shown beside its field; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const flags: string[] = v.flags ?? [];
    saveMut.mutate({ body: {
      residentId, programme, visitDate: v.visitDate, visitMode: v.visitMode, sbp: v.sbp ?? null, dbp: v.dbp ?? null, heartRate: v.heartRate ?? null, weightKg: v.weightKg ?? null, heightCm: v.heightCm ?? null,
      fastingGlucose: v.fastingGlucose ?? null, symptoms: v.symptoms ?? [], adherence: v.adherence ?? null, medication: v.medication || null,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse'),
      noSymptoms: !!v.noSymptoms, ...Object.fromEntries(FORM_NUMBERS.filter((k) => v[k] != null).map((k) => [k, v[k]])),
      ...Object.fromEntries(FORM_CHOICES.filter((k) => v[k]).map((k) => [k, v[k]])),
      ...Object.fromEntries(FORM_TEXTS.filter((k) => v[k]).map((k) => [k, v[k]])),
      medications: (v.medications ?? []).filter((m: { drug?: string }) => m?.drug),
    } });
  };

  // No min/max on the input: a value is never clamped; one outside the plausible range is refused with its field named.
  // No decimal step either: it would redraw a typed 70 as "70.0".
  const num = (name: string, label: string, limits: NumberLimits, autoFocus = false) => (
    <Form.Item name={name} label={label} rules={[{ required: (programme === 'hypertension' && (name === 'sbp' || name === 'dbp')) || (programme === 'diabetes' && name === 'fastingGlucose') }, numberRule(t, label, limits)]}>
      <InputNumber style={{ width: '100%' }} ref={autoFocus ? (first as never) : undefined} id={name} onPressEnter={submit} />
    </Form.Item>
  );

  const formNum = (k: FormNumber) => (
    <Form.Item name={k} label={t(`chronic.fu.${k}` as never)} rules={[numberRule(t, t(`chronic.fu.${k}` as never), limits(k))]}>
      <InputNumber style={{ width: '100%' }} id={k} />
    </Form.Item>
  );
  const choice = (k: string, values: readonly string[], group: string) => (
    <Form.Item name={k} label={t(`chronic.fu.${k}` as never)}>
      <Radio.Group id={k} optionType="button" options={values.map((value) => ({ value, label: t(`chronic.fu.${group}.${value}` as never) }))} />
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
          <Col xs={12} md={4}><Form.Item name="visitDate" label={t('chronic.fu.visitDate')} rules={[{ required: true }, { validator: (_r, x?: string) => (!x || isRealDate(x) ? Promise.resolve() : Promise.reject(new Error(t('chronic.fu.dateFormat')))) },
            { validator: (_r, x?: string) => (x && isRealDate(x) && x > today() ? Promise.reject(new Error(t('chronic.fu.visitInFuture'))) : Promise.resolve()) }]}>
            <Input id="visitDate" placeholder="YYYY-MM-DD" /></Form.Item></Col>
          <Col xs={12} md={8}><Form.Item name="visitMode" label={t('chronic.fu.visitMode')}>
            <Radio.Group id="visitMode" optionType="button" options={(['clinic', 'home', 'phone'] as const).map((value) => ({ value, label: t(`chronic.fu.visitMode.${value}`) }))} /></Form.Item></Col>
        </Row>
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
        <Form.Item name="noSymptoms" valuePropName="checked" dependencies={['symptoms']} rules={[{ validator: (_r, x?: boolean) => (x && (form.getFieldValue('symptoms')?.length ?? 0) > 0 ? Promise.reject(new Error(t('chronic.fu.noSymptomsWithSymptoms'))) : Promise.resolve()) }]}>
          <Checkbox id="noSymptoms">{t('chronic.fu.noSymptoms')}</Checkbox>
        </Form.Item>
        {/* 无症状 ticked: the symptoms are out of reach (and out of the Tab order), as the form's either-or asks. */}
        <Form.Item name="symptoms" label={t('chronic.fu.symptoms')}>
          <Checkbox.Group disabled={!!values?.noSymptoms} options={(Object.keys(SYMPTOMS) as Symptom[]).filter((s) => programme === 'diabetes' || !['ketotic_breath', 'deep_fast_breathing'].includes(s)).map((s) => ({ value: s, label: SYMPTOMS[s][lang] }))} />
        </Form.Item>
        <Form.Item name="flags" label={t('chronic.fu.flags')}>
          <Checkbox.Group options={(['adverse', 'adverseUncontrollable', 'newComplication', 'complicationWorse'] as const).map((value) => ({ value, label: t(`chronic.fu.flag.${value}`) }))} />
        </Form.Item>
        {/* The medication is one line of text, as the server keeps it (a tag list sent an array, and Tab after Enter removed the tag). */}
        <Form.Item name="medication" label={t('chronic.fu.medication')} rules={[{ max: 500 }]}><Input id="medication" data-testid="medication" /></Form.Item>
        <Typography.Title level={5}>{t('chronic.fu.lifestyle')}</Typography.Title>
        <Row gutter={12}>
          {(['smoking', 'drinking', 'exerciseTimes', 'exerciseMinutes', ...(programme === 'diabetes' ? ['staple'] as const : [])] as const).flatMap((k) => [
            <Col xs={12} md={3} key={`${k}Now`}>{formNum(`${k}Now`)}</Col>,
            <Col xs={12} md={3} key={`${k}Target`}>{formNum(`${k}Target`)}</Col>])}
        </Row>
        <Row gutter={12}>
          {programme === 'hypertension' && (['saltNow', 'saltTarget'] as const).map((k) => <Col xs={24} md={6} key={k}>{choice(k, SALT, 'salt')}</Col>)}
          <Col xs={24} md={6}>{choice('psychology', GRADE, 'grade')}</Col>
          <Col xs={24} md={6}>{choice('compliance', GRADE, 'grade')}</Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} md={12}><Form.Item name="adverseReactionText" label={t('chronic.fu.adverseReactionText')} rules={[{ max: 100 }]}><Input id="adverseReactionText" /></Form.Item></Col>
        </Row>
        {programme === 'diabetes' && (
          <Row gutter={12}>
            <Col xs={24} md={6}>{choice('pedisLeft', PEDIS, 'pedis')}</Col>
            <Col xs={24} md={6}>{choice('pedisRight', PEDIS, 'pedis')}</Col>
            <Col xs={12} md={3}>{formNum('hba1c')}</Col>
            <Col xs={12} md={3}><Form.Item name="hba1cDate" label={t('chronic.fu.hba1cDate')} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('chronic.fu.dateFormat') }]}><Input id="hba1cDate" placeholder="YYYY-MM-DD" /></Form.Item></Col>
            <Col xs={24} md={6}>{choice('hypoglycaemia', HYPOGLYCAEMIA, 'hypo')}</Col>
          </Row>
        )}
        <Typography.Title level={5}>{t('chronic.fu.medications')}</Typography.Title>
        <Form.List name="medications">
          {(lines, { add, remove }) => (<>
            {lines.map((line, i) => (
              <Row gutter={8} key={line.key}>
                <Col xs={24} md={8}><Form.Item name={[line.name, 'drug']} label={t('chronic.fu.drug')} rules={[{ required: true }, { max: 60 }]}><Input id={`med-${i}-drug`} /></Form.Item></Col>
                <Col xs={8} md={4}><Form.Item name={[line.name, 'dose']} label={t('chronic.fu.dose')} rules={[{ required: true }, numberRule(t, t('chronic.fu.dose'), limits('dose'))]}><InputNumber id={`med-${i}-dose`} style={{ width: '100%' }} /></Form.Item></Col>
                <Col xs={8} md={4}><Form.Item name={[line.name, 'unit']} label={t('chronic.fu.unit')} initialValue="mg"><Radio.Group id={`med-${i}-unit`} options={DOSE_UNITS.slice(0, 4).map((u) => ({ value: u, label: u }))} /></Form.Item></Col>
                <Col xs={8} md={4}><Form.Item name={[line.name, 'timesPerDay']} label={t('chronic.fu.timesPerDay')} rules={[{ required: true }, numberRule(t, t('chronic.fu.timesPerDay'), limits('timesPerDay'))]}>
                  <InputNumber id={`med-${i}-times`} style={{ width: '100%' }} onPressEnter={(e) => { e.preventDefault(); add(); setTimeout(() => document.getElementById(`med-${i + 1}-drug`)?.focus(), 30); }} /></Form.Item></Col>
                <Col xs={24} md={4}><Button style={{ marginTop: 30 }} onClick={() => remove(line.name)}>{t('chronic.fu.removeLine')}</Button></Col>
              </Row>))}
            <Button onClick={() => { add(); setTimeout(() => document.getElementById(`med-${lines.length}-drug`)?.focus(), 30); }} data-testid="add-medication">{t('chronic.fu.addLine')}</Button>
          </>)}
        </Form.List>
        {programme === 'diabetes' && (
          <Row gutter={12}>
            <Col xs={24} md={8}><Form.Item name="insulinKind" label={t('chronic.fu.insulinKind')} rules={[{ max: 60 }]}><Input id="insulinKind" /></Form.Item></Col>
            <Col xs={24} md={8}><Form.Item name="insulinDose" label={t('chronic.fu.insulinDose')} rules={[{ max: 100 }]}><Input id="insulinDose" /></Form.Item></Col>
          </Row>
        )}
        <Row gutter={12}>
          <Col xs={24} md={8}><Form.Item name="transferReason" label={t('chronic.fu.transferReason')} rules={[{ max: 200 }]}><Input id="transferReason" /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="transferTo" label={t('chronic.fu.transferTo')} rules={[{ max: 100 }]}><Input id="transferTo" /></Form.Item></Col>
        </Row>
        <Form.Item name="advice" label={t('chronic.fu.advice')} rules={[{ max: 500 }]}><Input.TextArea id="advice" rows={2} /></Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={6}><Form.Item name="nextVisitDate" label={t('chronic.fu.nextVisitDate')} extra={live ? `${t('chronic.fu.ruleDate')} ${live.nextVisitDate}` : undefined}
            rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('chronic.fu.dateFormat') }, { validator: (_r, x?: string) => (x && x < today() ? Promise.reject(new Error(t('chronic.fu.nextBeforeVisit'))) : Promise.resolve()) }]}>
            <Input id="nextVisitDate" placeholder={live?.nextVisitDate ?? 'YYYY-MM-DD'} /></Form.Item></Col>
          <Col xs={24} md={6}><Form.Item label={t('chronic.fu.doctor')}><Typography.Text data-testid="doctor">{t('chronic.fu.doctorSelf')}</Typography.Text></Form.Item></Col>
        </Row>
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
            <Button ref={nextButton} type="primary" onClick={() => nav('/chronic/worklist', { state: { focusFirst: true } })} data-testid="followup-next">{t('chronic.fu.next')}</Button></Space>} />
      )}
    </Card>
  );
}
