// The elderly 65+ programme (老年人健康管理): the township GP's or village doctor's list of the area's
// residents 65+ with this year's annual service done, due or overdue (by village, found by name, each
// row reached by Tab and opened by Enter); the national annual service form (健康体检表: symptoms,
// general condition, the self-care table scored item by item, lifestyle, organ function, examination,
// tests, evaluation, guidance), every field checked beside it by the module's own rules (elderly.ts,
// the server's too) in the user's language — a value out of range refused as typed, never clamped,
// nothing saved while one is wrong; and 老年人健康管理率 by township with its definition beside it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { FormInstance, Rule } from 'antd/es/form';
import { useApiMutation, useApiQuery, type ApiBody, type ApiData, type ApiItem } from '../../api/hooks';
import { inLang, type ApiErrorBody } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { DateStr, today } from '../../../shared/time.ts';
import {
  ELDERLY_CHOICES, ELDERLY_LIMITS, ELDERLY_MULTI, FINDING, SELF_CARE_ITEMS, SELF_CARE_KEYS, URINE_GRADES, bmiBand, bmiOf, elderlyFormProblems, selfCareScore,
  type ElderlyChoice, type ElderlyFormIn, type ElderlyMulti, type ElderlyNumber, type SelfCareItem,
} from '../../../modules/publichealth/elderly';

type Row = ApiItem<'/api/publichealth/elderly/due'>;
type Status = Row['status'];
type Body = ApiBody<'/api/publichealth/elderly/services'>;
type Saved = ApiData<'/api/publichealth/elderly/services', 'post'>;
const COLOR: Record<Status, string> = { overdue: 'red', due: 'blue', done: 'green' };
const ELDERLY_ROUTES = ['/api/publichealth/elderly/due', '/api/publichealth/elderly/residents/{residentId}', '/api/publichealth/elderly/rate', '/api/publichealth/elderly/rate/townships', '/api/chronic/worklist'] as const;
const isRealDate = (x: string) => DateStr.safeParse(x).success;
/** A problem of the rules is written "English / 中文": the user's half. */

/** The area's residents 65+ and this year's service of each; the rate by township below. */
export function ElderlyPage() {
  const t = useT();
  const nav = useNavigate();
  const [status, setStatus] = useState<Status | 'all'>('all');
  const list = useApiQuery('/api/publichealth/elderly/due', { params: { query: { limit: 1000 } } });
  const d = list.data;
  const [text, setText] = useState('');
  const [village, setVillage] = useState<string | null>(null);
  const all = useMemo(() => d?.items ?? [], [d]);
  const villages = useMemo(() => [...new Map(all.map((r) => [r.villageCode, r.villageName])).entries()].sort((a, b) => a[0].localeCompare(b[0])), [all]);
  const rows = useMemo(() => all.filter((r) => (status === 'all' || r.status === status) && (!village || r.villageCode === village) && (!text.trim() || r.name.includes(text.trim()))), [all, status, village, text]);
  const table = useRef<HTMLDivElement | null>(null);
  const focusFirstRow = () => table.current?.querySelector<HTMLElement>('.ant-table-row')?.focus();
  const open = (r: Row) => nav(`/publichealth/elderly/${r.residentId}`);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={d ? t('publichealth.elderly.title', { year: d.year, facility: d.facility.name }) : t('publichealth.menu.elderly')}>
        {d && <div style={{ marginBottom: 8 }} data-testid="elderly-summary">{t('publichealth.elderly.summary', { residents: d.residents, done: d.counts.done, due: d.counts.due, overdue: d.counts.overdue })}
          <Typography.Text type="secondary" style={{ marginLeft: 12 }}>{t('publichealth.elderly.overdueNote')}</Typography.Text></div>}
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented value={status} onChange={(v) => setStatus(v as Status | 'all')}
            options={[{ value: 'all', label: t('publichealth.elderly.all') }, ...(['overdue', 'due', 'done'] as const).map((s) => ({ value: s, label: t(`publichealth.elderly.status.${s}`) }))]} />
          {/* Keyboard first: type a name, Enter goes to the first row found, Enter opens it. */}
          <Input.Search allowClear autoFocus value={text} onChange={(e) => setText(e.target.value)} onSearch={() => setTimeout(focusFirstRow, 30)}
            placeholder={t('publichealth.elderly.search')} style={{ width: 240 }} data-testid="elderly-search" />
          <Select<string> allowClear value={village ?? undefined} onChange={(v) => setVillage(v ?? null)} placeholder={t('publichealth.elderly.allVillages')} style={{ width: 200 }}
            data-testid="elderly-village" options={villages.map(([value, label]) => ({ value, label }))} />
        </Space>
        <div ref={table}>
          <Table<Row> rowKey="residentId" size="small" dataSource={rows} loading={list.isFetching} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="elderly-list"
            onRow={(r) => ({ onClick: () => open(r), tabIndex: 0, onKeyDown: (e) => { if (e.key === 'Enter') open(r); }, style: { cursor: 'pointer' }, 'data-testid': `elderly-row-${r.residentId}` } as React.HTMLAttributes<HTMLElement>)}
            columns={[
              { title: t('publichealth.elderly.col.name'), dataIndex: 'name' },
              { title: t('publichealth.elderly.col.sexAge'), render: (_, r) => t('publichealth.elderly.age', { sex: t(`publichealth.sex.${r.sex}`), age: r.age }) },
              { title: t('publichealth.elderly.col.village'), dataIndex: 'villageName' },
              { title: t('publichealth.elderly.col.status'), render: (_, r) => <Tag color={COLOR[r.status]}>{t(`publichealth.elderly.status.${r.status}`)}</Tag> },
              { title: t('publichealth.elderly.col.servedOn'), render: (_, r) => r.servedOn ?? '—' },
              { title: t('publichealth.elderly.col.daysLate'), render: (_, r) => (r.status === 'overdue' ? r.daysLate : '') },
            ]} />
        </div>
      </Card>
      <ElderlyRateCard />
    </Space>
  );
}

/** 老年人健康管理率 by township of the user's region, with the definition beside the numbers. */
function ElderlyRateCard() {
  const t = useT();
  const { lang } = useLang();
  const r = useApiQuery('/api/publichealth/elderly/rate/townships').data;
  const pct = (v: number | null) => (v == null ? '—' : `${v.toFixed(1)}%`);
  type Cell = { code: string; name: string; residents: number; managed: number; rate: number | null };
  const rows: Cell[] = r ? [...r.townships, { ...r.total, name: t('publichealth.elderly.rate.total') }] : [];
  return (
    <Card title={r ? t('publichealth.elderly.rate.title', { year: r.year, day: r.day }) : ''} data-testid="elderly-rate">
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Table<Cell> rowKey={(x) => `${x.code}:${x.name}`} size="small" dataSource={rows} pagination={false}
            columns={[
              { title: t('publichealth.elderly.rate.township'), dataIndex: 'name' },
              { title: t('publichealth.elderly.rate.residents'), dataIndex: 'residents', align: 'right' },
              { title: t('publichealth.elderly.rate.managed'), dataIndex: 'managed', align: 'right' },
              { title: t('publichealth.elderly.rate.rate'), align: 'right', render: (_, x) => <b data-testid={`elderly-rate-${x.code}`}>{pct(x.rate)}</b> },
            ]} />
        </Col>
        <Col xs={24} lg={9}>
          {r && <Alert type="info" message={t('publichealth.elderly.rate.definition')} description={r.definition[lang]} data-testid="elderly-rate-definition" />}
        </Col>
      </Row>
    </Card>
  );
}

/** The form's field names as antd names them (the self-care items nested under selfCare). */
const nameOf = (path: string) => (path.startsWith('selfCare.') ? ['selfCare', path.slice(9)] : [path]);

/** The rules' problems for the form as it stands (the same function the server runs). */
function problemsOf(form: FormInstance): Map<string, string> {
  const v = form.getFieldsValue(true) as ElderlyFormIn;
  const problems = elderlyFormProblems({ ...v, serviceDate: v.serviceDate && isRealDate(v.serviceDate) ? v.serviceDate : today(), selfCare: v.selfCare ?? ({} as ElderlyFormIn['selfCare']) }, today());
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.path)) out.set(p.path, p.problem);
  return out;
}

/** One resident's annual services: those recorded, and the national form for this year's. */
export function ElderlyServicePage() {
  const { residentId = '' } = useParams();
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [form] = Form.useForm();
  const rec = useApiQuery('/api/publichealth/elderly/residents/{residentId}', { params: { path: { residentId } } }, { meta: { ownError: true } });
  const [saved, setSaved] = useState<Saved | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const back = useRef<HTMLButtonElement | null>(null);
  const first = useRef<HTMLInputElement | null>(null);
  const save = useApiMutation('post', '/api/publichealth/elderly/services', {
    invalidates: [...ELDERLY_ROUTES],
    meta: { ownError: true },
    onError: (err) => {
      const e = (err as Partial<ApiErrorBody>).error;
      const fields = e?.fields ?? [];
      // Each refused field beside itself, in the user's language; the form keeps what was typed.
      form.setFields(fields.map((f) => ({ name: nameOf(f.path) as never, errors: [inLang(f.problem, lang)] })));
      setServerError(e ? e.message[lang] : String(err));
    },
    onSuccess: (r: Saved) => { setSaved(r); setServerError(null); },
  });
  useEffect(() => { if (saved) setTimeout(() => back.current?.focus(), 30); }, [saved]);
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !rec.data) return;
    started.current = true;
    form.setFieldsValue({ serviceDate: today() });
    setTimeout(() => first.current?.focus(), 50);
  }, [rec.data, form]);
  const values = Form.useWatch([], form) as (ElderlyFormIn & Record<string, unknown>) | undefined;

  if (rec.isError) return <Card><Alert type="warning" showIcon message={t('publichealth.elderly.form.notFound')} data-testid="elderly-not-found" /><Button style={{ marginTop: 12 }} onClick={() => nav('/publichealth/elderly')}>{t('publichealth.elderly.form.back')}</Button></Card>;
  const d = rec.data;
  if (!d) return <Card loading />;

  // One rule for every field: the module's problems for its path, in the user's language.
  const ruleFor = (path: string): Rule => ({ validator: () => { const p = problemsOf(form).get(path); return p ? Promise.reject(new Error(inLang(p, lang))) : Promise.resolve(); } });
  const submit = async () => {
    setServerError(null);
    const ok = await form.validateFields({ recursive: true }).then(() => true).catch((e: { errorFields?: unknown[] }) => { setServerError(t('publichealth.elderly.form.problems', { n: e.errorFields?.length ?? 0 })); return false; });
    if (!ok) return;
    const v = form.getFieldsValue(true) as Record<string, unknown>;
    const body: Record<string, unknown> = { residentId, serviceDate: v.serviceDate, selfCare: v.selfCare };
    for (const [k, x] of Object.entries(v)) if (k !== 'serviceDate' && k !== 'selfCare' && x != null && x !== '' && !(Array.isArray(x) && !x.length)) body[k] = typeof x === 'string' ? x.trim() : x;
    save.mutate({ body: body as Body });
  };
  // Every field re-checked when any changes (a follow-on number depends on its answer).
  const deps = ['cognition', 'emotion', 'smoking', 'drinking', 'exerciseFrequency', 'riskFactors', 'symptoms', 'evaluation', 'ecg', 'ultrasound', 'systolicLeft', 'diastolicLeft', 'systolicRight', 'diastolicRight', 'totalCholesterol', 'ldl'];

  const num = (k: ElderlyNumber, span = 6) => (
    <Col xs={12} md={span} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k)]} dependencies={deps}>
        {/* No min/max/precision: a value is never clamped or redrawn; one out of range is refused beside the field. */}
        <InputNumber id={k} style={{ width: '100%' }} />
      </Form.Item>
    </Col>
  );
  const choice = (k: ElderlyChoice, span = 12) => (
    <Col xs={24} md={span} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k)]}>
        <Radio.Group id={k} options={(ELDERLY_CHOICES[k].options as readonly string[]).map((value) => ({ value, label: t.code(`publichealth.elderly.opt.${k}`, value) }))} />
      </Form.Item>
    </Col>
  );
  const multi = (k: ElderlyMulti, span = 24) => (
    <Col xs={24} md={span} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k)]}>
        <Checkbox.Group data-testid={`elderly-${k}`} options={(ELDERLY_MULTI[k].options as readonly string[]).map((value) => ({ value, label: t.code(`publichealth.elderly.opt.${k}`, value) }))} />
      </Form.Item>
    </Col>
  );
  const text = (k: 'symptomsOther' | 'ecgText' | 'ultrasoundText' | 'evaluationText', span = 12) => (
    <Col xs={24} md={span} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k), { max: k === 'symptomsOther' ? 200 : 500 }]} dependencies={deps}>
        <Input id={k} />
      </Form.Item>
    </Col>
  );
  const finding = (k: 'ecg' | 'ultrasound') => (
    <Col xs={24} md={6} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k)]}>
        <Radio.Group id={k} options={FINDING.map((value) => ({ value, label: t.code(`publichealth.elderly.opt.${k}`, value) }))} />
      </Form.Item>
    </Col>
  );
  const grade = (k: 'urineProtein' | 'urineGlucose') => (
    <Col xs={24} md={12} key={k}>
      <Form.Item name={k} label={t(`publichealth.elderly.f.${k}`)} rules={[ruleFor(k)]}>
        <Radio.Group id={k} optionType="button" options={URINE_GRADES.map((g) => ({ value: g, label: g }))} />
      </Form.Item>
    </Col>
  );

  const sc = values?.selfCare;
  const scDone = sc && SELF_CARE_KEYS.every((k) => (SELF_CARE_ITEMS[k].scores as readonly number[]).includes(sc[k]));
  const live = scDone ? selfCareScore(sc) : null;
  const h = values?.heightCm, w = values?.weightKg;
  const bmi = typeof h === 'number' && typeof w === 'number' && h >= ELDERLY_LIMITS.heightCm.min && h <= ELDERLY_LIMITS.heightCm.max && w >= ELDERLY_LIMITS.weightKg.min && w <= ELDERLY_LIMITS.weightKg.max ? bmiOf(w, h) : null;
  const missingNames = (items: string[]) => items.map((k) => t.code('publichealth.elderly.f', k)).join('、');

  return (
    <Card title={t('publichealth.elderly.form.title', { name: d.resident.name, sex: t(`publichealth.sex.${d.resident.sex}`), age: d.resident.age })}
      extra={<Button onClick={() => nav('/publichealth/elderly')}>{t('publichealth.elderly.form.back')}</Button>}>
      <Card size="small" type="inner" title={t('publichealth.elderly.form.previous')} style={{ marginBottom: 12 }}>
        <Table rowKey="id" size="small" pagination={false} dataSource={d.services} data-testid="elderly-previous" locale={{ emptyText: t('publichealth.elderly.form.none') }}
          columns={[
            { title: t('publichealth.elderly.form.col.date'), dataIndex: 'serviceDate' },
            { title: t('publichealth.elderly.form.col.facility'), render: (_, s) => s.facilityName ?? '' },
            { title: t('publichealth.elderly.form.col.selfCare'), render: (_, s) => `${t.code('publichealth.elderly.band', s.selfCareBand)}（${s.selfCareTotal}）` },
            { title: t('publichealth.elderly.form.col.bp'), render: (_, s) => (s.form.systolicLeft ? `${s.form.systolicLeft}/${s.form.diastolicLeft}` : '—') },
            { title: 'BMI', render: (_, s) => s.bmi ?? '—' },
            { title: t('publichealth.elderly.form.col.complete'), render: (_, s) => (s.complete ? <Tag color="green">{t('publichealth.yes')}</Tag> : <Tag color="orange">{missingNames(s.missing)}</Tag>) },
          ]} />
      </Card>
      {saved && (
        <Alert type={saved.complete ? 'success' : 'warning'} showIcon style={{ marginBottom: 12 }} data-testid="elderly-saved"
          message={t('publichealth.elderly.form.saved', { band: t.code('publichealth.elderly.band', saved.selfCareBand), total: saved.selfCareTotal,
            bmi: saved.bmi == null ? '' : t('publichealth.elderly.form.bmi', { bmi: saved.bmi, band: t.code('publichealth.elderly.bmiBand', saved.bmiBand ?? '') }) })}
          description={saved.complete ? t('publichealth.elderly.form.complete') : t('publichealth.elderly.form.incomplete', { items: missingNames(saved.missing) })}
          action={<Button ref={back} type="primary" onClick={() => nav('/publichealth/elderly')} data-testid="elderly-back">{t('publichealth.elderly.form.back')}</Button>} />
      )}
      {serverError && <Alert type="error" showIcon message={serverError} style={{ marginBottom: 12 }} data-testid="elderly-error" />}
      <Form form={form} layout="vertical" disabled={!!saved} onFinish={submit}
        onFinishFailed={({ errorFields }) => setServerError(t('publichealth.elderly.form.problems', { n: errorFields.length }))}>
        <Row gutter={12}>
          <Col xs={12} md={6}>
            <Form.Item name="serviceDate" label={t('publichealth.elderly.form.serviceDate')} rules={[{ required: true, message: t('publichealth.elderly.form.dateFormat') },
              { validator: (_r, x?: string) => (!x || isRealDate(x) ? Promise.resolve() : Promise.reject(new Error(t('publichealth.elderly.form.dateFormat')))) },
              { validator: (_r, x?: string) => (x && isRealDate(x) && x > today() ? Promise.reject(new Error(t('publichealth.elderly.form.inFuture'))) : Promise.resolve()) }]}>
              <Input id="serviceDate" placeholder="YYYY-MM-DD" ref={(x) => { first.current = x?.input ?? null; }} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.symptoms')}</Typography.Title>
        <Row gutter={12}>{multi('symptoms')}{text('symptomsOther')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.general')}</Typography.Title>
        <Row gutter={12}>
          {(['temperature', 'pulse', 'respiration'] as const).map((k) => num(k, 4))}
          {(['systolicLeft', 'diastolicLeft', 'systolicRight', 'diastolicRight'] as const).map((k) => num(k, 6))}
          {(['heightCm', 'weightKg', 'waistCm'] as const).map((k) => num(k, 4))}
          <Col xs={24} md={12}><Form.Item label="BMI"><span data-testid="elderly-bmi">{bmi == null ? '—' : t('publichealth.elderly.bmiLive', { bmi, band: t(`publichealth.elderly.bmiBand.${bmiBand(bmi)}`) })}</span></Form.Item></Col>
          {choice('healthSelfRating', 24)}
        </Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.selfCare')}</Typography.Title>
        <Row gutter={12}>
          {SELF_CARE_KEYS.map((k: SelfCareItem) => (
            <Col xs={24} md={12} key={k}>
              <Form.Item name={['selfCare', k]} label={t(`publichealth.elderly.sc.${k}`)} rules={[ruleFor(`selfCare.${k}`)]} extra={t(`publichealth.elderly.sc.${k}.desc`)}>
                <InputNumber id={`selfCare-${k}`} style={{ width: 120 }} aria-label={t('publichealth.elderly.selfCare.scoreOf', { item: SELF_CARE_ITEMS[k][lang] })} />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} md={12}><Form.Item label=" "><b data-testid="elderly-selfcare-total">{live ? t('publichealth.elderly.selfCare.total', { total: live.total, band: t(`publichealth.elderly.band.${live.band}`) }) : '—'}</b></Form.Item></Col>
        </Row>
        <Row gutter={12}>{choice('cognition')}{num('mmse')}</Row>
        <Row gutter={12}>{choice('emotion')}{num('gds')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.lifestyle')}</Typography.Title>
        <Row gutter={12}>{choice('exerciseFrequency')}{num('exerciseMinutes', 6)}{num('exerciseYears', 6)}</Row>
        <Row gutter={12}>{multi('diet')}</Row>
        <Row gutter={12}>{choice('smoking')}{num('cigarettesPerDay')}</Row>
        <Row gutter={12}>{choice('drinking')}{num('alcoholLiang')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.organs')}</Typography.Title>
        <Row gutter={12}>{choice('lips')}{choice('dentition')}{choice('pharynx')}{num('visionLeft', 6)}{num('visionRight', 6)}{choice('hearing')}{choice('motor')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.exam')}</Typography.Title>
        <Row gutter={12}>{choice('skin', 24)}{choice('lymphNodes')}{choice('breathSounds')}{choice('rales')}{num('heartRate')}{choice('heartRhythm')}{choice('murmur')}{choice('abdomen')}{choice('oedema')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.tests')}</Typography.Title>
        <Row gutter={12}>
          {(['haemoglobin', 'wbc', 'platelets'] as const).map((k) => num(k, 8))}
          {grade('urineProtein')}{grade('urineGlucose')}
          {num('fastingGlucose', 6)}
          {(['alt', 'ast', 'totalBilirubin', 'creatinine', 'urea', 'totalCholesterol', 'triglycerides', 'ldl', 'hdl'] as const).map((k) => num(k, 6))}
          {finding('ecg')}{text('ecgText', 18)}{finding('ultrasound')}{text('ultrasoundText', 18)}
        </Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.evaluation')}</Typography.Title>
        <Row gutter={12}>{choice('evaluation')}{text('evaluationText')}</Row>
        <Typography.Title level={5}>{t('publichealth.elderly.sec.guidance')}</Typography.Title>
        <Row gutter={12}>{multi('guidance')}{multi('riskFactors', 18)}{num('targetWeightKg')}</Row>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="elderly-save">{t('publichealth.elderly.form.save')}</Button>
      </Form>
    </Card>
  );
}
