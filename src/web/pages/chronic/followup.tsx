import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Form, InputNumber, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import type { InputRef } from 'antd';
import { api, errorText } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';
import { classifyVisit, REFERRAL_REASONS, SYMPTOMS, VISIT_CLASS_LABELS, type Programme, type Symptom, type VisitClass } from '../../../modules/chronic/rules';
import { today } from '../../../shared/time.ts';

type Defaults = paths['/api/chronic/followups/last']['get']['responses'][200]['content']['application/json'];
type Saved = paths['/api/chronic/followups']['post']['responses'][200]['content']['application/json'];

const CLASS_COLOR: Record<VisitClass, string> = { controlled: 'green', uncontrolled: 'red', adverse_reaction: 'orange', complication: 'magenta' };

/** One-screen, keyboard-only follow-up: defaults from the last visit, class and next date shown as values are typed. */
export function FollowUpPage() {
  const { residentId, programme } = useParams() as { residentId: string; programme: Programme };
  const { lang } = useLang();
  const { message } = App.useApp();
  const nav = useNavigate();
  const [form] = Form.useForm();
  const [defaults, setDefaults] = useState<Defaults | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<InputRef | HTMLInputElement | null>(null);
  const values = Form.useWatch([], form) as Record<string, unknown> | undefined;
  const zh = lang === 'zh';

  useEffect(() => {
    api.GET('/api/chronic/followups/last', { params: { query: { residentId, programme } } }).then((r) => {
      if (!r.data) return;
      setDefaults(r.data);
      const l = r.data.last;
      form.setFieldsValue({ weightKg: l?.weightKg ?? undefined, heightCm: l?.heightCm ?? undefined, adherence: l?.adherence ?? 'regular', medication: l?.medication ?? undefined, symptoms: [] });
      setTimeout(() => (first.current as HTMLInputElement | null)?.focus(), 50);
    });
  }, [residentId, programme]);

  const live = useMemo(() => {
    if (!defaults || !values) return null;
    const v = values as { sbp?: number; dbp?: number; heartRate?: number; fastingGlucose?: number; symptoms?: Symptom[]; flags?: string[] };
    if (programme === 'hypertension' ? !(v.sbp && v.dbp) : !v.fastingGlucose) return null;
    const flags = v.flags ?? [];
    return classifyVisit({ programme, visitDate: today(), ageYears: defaults.resident.age, sbp: v.sbp, dbp: v.dbp, heartRate: v.heartRate, fastingGlucose: v.fastingGlucose, symptoms: v.symptoms,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse') },
      defaults.last?.visitClass ?? null);
  }, [values, defaults]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    const flags: string[] = v.flags ?? [];
    const r = await api.POST('/api/chronic/followups', { body: {
      residentId, programme, visitDate: today(), sbp: v.sbp ?? null, dbp: v.dbp ?? null, heartRate: v.heartRate ?? null, weightKg: v.weightKg ?? null, heightCm: v.heightCm ?? null,
      fastingGlucose: v.fastingGlucose ?? null, symptoms: v.symptoms ?? [], adherence: v.adherence ?? null, medication: v.medication ?? null,
      adverseReaction: flags.includes('adverse'), adverseUncontrollable: flags.includes('adverseUncontrollable'), newComplication: flags.includes('newComplication'), complicationWorse: flags.includes('complicationWorse'),
    } });
    setBusy(false);
    if (r.error) return void message.error(errorText(r.error, lang));
    setSaved(r.data!);
  };

  const num = (name: string, label: string, min: number, max: number, step = 1, autoFocus = false) => (
    <Form.Item name={name} label={label} rules={[{ required: (programme === 'hypertension' && (name === 'sbp' || name === 'dbp')) || (programme === 'diabetes' && name === 'fastingGlucose') }]}>
      <InputNumber min={min} max={max} step={step} style={{ width: '100%' }} ref={autoFocus ? (first as never) : undefined} id={name} onPressEnter={submit} />
    </Form.Item>
  );

  if (!defaults) return <Card loading />;
  const last = defaults.last;
  return (
    <Card title={`${programme === 'hypertension' ? (zh ? '高血压患者随访' : 'Hypertension follow-up') : zh ? '2型糖尿病患者随访' : 'Type 2 diabetes follow-up'} · ${defaults.resident.name}（${defaults.resident.age}${zh ? '岁' : ' y'}）`}
      extra={<Button onClick={() => nav('/chronic/worklist')}>{zh ? '返回工作清单' : 'Back to worklist'}</Button>}>
      {last && (
        <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={zh ? '上次随访' : 'Last visit'}>{last.visitDate}</Descriptions.Item>
          <Descriptions.Item label={zh ? '上次分类' : 'Last class'}><Tag color={CLASS_COLOR[last.visitClass]} data-testid="last-class">{VISIT_CLASS_LABELS[last.visitClass][lang]}</Tag></Descriptions.Item>
          <Descriptions.Item label={zh ? '上次测量' : 'Last values'}>{programme === 'hypertension' ? `${last.sbp}/${last.dbp} mmHg` : `${last.fastingGlucose} mmol/L`}</Descriptions.Item>
          <Descriptions.Item label={zh ? '应随访' : 'Due'}>{last.nextVisitDate}</Descriptions.Item>
        </Descriptions>
      )}
      <Form form={form} layout="vertical" onFinish={submit} disabled={!!saved}>
        <Row gutter={12}>
          {programme === 'hypertension' ? (<>
            <Col xs={12} md={4}>{num('sbp', zh ? '收缩压 mmHg' : 'Systolic mmHg', 50, 300, 1, true)}</Col>
            <Col xs={12} md={4}>{num('dbp', zh ? '舒张压 mmHg' : 'Diastolic mmHg', 20, 200)}</Col>
          </>) : (
            <Col xs={12} md={4}>{num('fastingGlucose', zh ? '空腹血糖 mmol/L' : 'Fasting glucose mmol/L', 1, 40, 0.1, true)}</Col>
          )}
          <Col xs={12} md={4}>{num('heartRate', zh ? '心率 次/分' : 'Heart rate /min', 20, 250)}</Col>
          <Col xs={12} md={4}>{num('weightKg', zh ? '体重 kg' : 'Weight kg', 2, 350, 0.1)}</Col>
          <Col xs={12} md={4}>{num('heightCm', zh ? '身高 cm' : 'Height cm', 30, 250, 0.1)}</Col>
          <Col xs={24} md={4}>
            <Form.Item name="adherence" label={zh ? '服药依从性' : 'Adherence'}>
              <Radio.Group optionType="button" options={[{ value: 'regular', label: zh ? '规律' : 'Regular' }, { value: 'intermittent', label: zh ? '间断' : 'Intermittent' }, { value: 'none', label: zh ? '不服药' : 'None' }]} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="symptoms" label={zh ? '症状' : 'Symptoms'}>
          <Checkbox.Group options={(Object.keys(SYMPTOMS) as Symptom[]).filter((s) => programme === 'diabetes' || !['ketotic_breath', 'deep_fast_breathing'].includes(s)).map((s) => ({ value: s, label: SYMPTOMS[s][lang] }))} />
        </Form.Item>
        <Form.Item name="flags" label={zh ? '不良反应与并发症' : 'Adverse reactions and complications'}>
          <Checkbox.Group options={[{ value: 'adverse', label: zh ? '药物不良反应' : 'Adverse reaction' }, { value: 'adverseUncontrollable', label: zh ? '不良反应难以控制' : 'Reaction hard to control' },
            { value: 'newComplication', label: zh ? '新发并发症' : 'New complication' }, { value: 'complicationWorse', label: zh ? '并发症加重' : 'Complication worse' }]} />
        </Form.Item>
        <Form.Item name="medication" label={zh ? '用药' : 'Medication'}><Select mode="tags" tokenSeparators={[',', '，']} style={{ width: '100%' }} /></Form.Item>
        <Space align="center" wrap>
          <Typography.Text>{zh ? '此次随访分类' : 'This visit'}：</Typography.Text>
          {live ? <Tag color={CLASS_COLOR[live.class]} data-testid="live-class">{VISIT_CLASS_LABELS[live.class][lang]}</Tag> : <Tag>—</Tag>}
          <Typography.Text>{zh ? '下次随访' : 'Next visit'}：<b data-testid="live-next">{live?.nextVisitDate ?? '—'}</b></Typography.Text>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="save-followup">{zh ? '保存（回车）' : 'Save (Enter)'}</Button>
        </Space>
        {live?.referral && !saved && (
          <Alert style={{ marginTop: 12 }} type={live.referral.urgency === 'urgent' ? 'error' : 'warning'} showIcon
            title={`${zh ? '建议转诊' : 'Referral advised'}：${REFERRAL_REASONS[live.referral.reason][lang]}`} />
        )}
      </Form>
      {saved && (
        <Alert style={{ marginTop: 16 }} type={saved.referral ? 'warning' : 'success'} showIcon data-testid="followup-saved"
          title={`${zh ? '已保存' : 'Saved'} · ${VISIT_CLASS_LABELS[saved.class][lang]} · ${zh ? '下次随访' : 'next visit'} ${saved.nextVisitDate}`}
          description={saved.referral ? (
            <Space direction="vertical">
              <span data-testid="referral-offer">{zh ? '建议上转' : 'Up-referral advised'}：{REFERRAL_REASONS[saved.referral.reason as keyof typeof REFERRAL_REASONS]?.[lang] ?? saved.referral.reason}{saved.referralId ? (zh ? '（已生成转诊草稿，待医生完善后发送）' : ' (a referral draft was created for the doctor to complete and send)') : ''}</span>
            </Space>) : null}
          action={<Button onClick={() => nav('/chronic/worklist')}>{zh ? '下一位' : 'Next patient'}</Button>} />
      )}
    </Card>
  );
}
