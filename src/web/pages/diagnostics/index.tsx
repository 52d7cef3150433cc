// Shared diagnostic centres: the township's orders (with mutual recognition and the acquisition), the
// centre's worklist and reading screen (template, keyboard-fast entry, Ctrl+Enter to verify and
// publish), the critical-value desk with its timers, the centres, the figures and remote consultations.
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, List, Radio, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';
import type { MessageKey } from '../../i18n';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { minuteOf, today } from '../../../shared/time';
import { DIAGNOSTIC_ORDERERS, READING_DOCTORS, RESULT_READERS } from '../../../shared/roles';

type Order = ApiItem<'/api/diagnostics/orders'>;
type Centre = ApiItem<'/api/diagnostics/centres'>;
type Alert_ = ApiItem<'/api/diagnostics/alerts'>;
type Version = NonNullable<Order['report']>['versions'][number];

const STATUS_COLOR: Record<Order['status'], string> = {
  ordered: 'default', scheduled: 'cyan', acquired: 'blue', received: 'geekblue', rejected: 'red', preliminary: 'gold', verified: 'purple', published: 'green', cancelled: 'default',
};
const ORDERS_ROUTES = ['/api/diagnostics/orders', '/api/diagnostics/worklist', '/api/diagnostics/orders/{id}', '/api/diagnostics/alerts', '/api/diagnostics/messages'] as const;

function StatusTag({ s }: { s: Order['status'] }) {
  const t = useT();
  return <Tag color={STATUS_COLOR[s]} data-testid="order-status">{t(`diagnostics.status.${s}`)}</Tag>;
}

function DueTag({ o }: { o: Order }) {
  const t = useT();
  if (o.minutesLeft == null) return o.dueAt ? <span>{minuteOf(o.dueAt).slice(5)}</span> : null;
  return <Tag color={o.minutesLeft < 0 ? 'red' : o.minutesLeft < 10 ? 'orange' : 'blue'} data-testid="due-timer">{o.minutesLeft < 0 ? t('diagnostics.overdue', { n: -o.minutesLeft }) : t('diagnostics.minutesLeft', { n: o.minutesLeft })}</Tag>;
}

/** One version of a report, as the requesting facility and the centre read it. */
function VersionView({ v }: { v: Version }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <div data-testid={`report-v${v.version}`}>
      <Typography.Text strong>{t('diagnostics.report.version', { v: v.version })}</Typography.Text>
      {v.critical.length > 0 && <Alert type="error" showIcon style={{ margin: '6px 0' }} data-testid="report-critical"
        message={t('diagnostics.report.criticalFound', { list: v.critical.map((c) => `${lang === 'zh' ? c.nameZh : c.nameEn}${c.value != null ? ` ${c.value} ${c.unit} (${c.bound})` : ''}`).join('；') })} />}
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('diagnostics.report.findings')}>{v.findings}</Descriptions.Item>
        <Descriptions.Item label={t('diagnostics.report.impression')}><span data-testid="report-impression">{v.impression}</span></Descriptions.Item>
        {v.observations.length > 0 && <Descriptions.Item label={t('diagnostics.report.observations')}>
          {v.observations.map((x) => `${lang === 'zh' ? x.nameZh : x.nameEn} ${x.value} ${x.unit}${t(`diagnostics.flag.${x.flag}`)}`).join('；')}
        </Descriptions.Item>}
      </Descriptions>
      <Typography.Text type="secondary">
        {t('diagnostics.report.by', { w: v.writtenBy, v: v.verifiedBy ? t('diagnostics.report.verifiedBy', { v: v.verifiedBy }) : '' })} · {minuteOf(v.publishedAt ?? v.writtenAt)}
      </Typography.Text>
      {v.amendReason && <div><Tag color="orange">{t('diagnostics.report.amended', { r: v.amendReason })}</Tag></div>}
    </div>
  );
}

function ReportView({ o }: { o: Order }) {
  const t = useT();
  if (!o.report) return <Typography.Text type="secondary">{t('diagnostics.report.none')}</Typography.Text>;
  return <Space direction="vertical" style={{ width: '100%' }}>{[...o.report.versions].reverse().map((v) => <VersionView key={v.version} v={v} />)}</Space>;
}

/** The township's acquisition step for an order: the study UID and viewer link (image, tracing), or the specimen's collection and dispatch. */
/** A DICOM file from a centre without a PACS: read in the browser, sent as base64; its tags fill the study. */
function DicomUpload({ o }: { o: Order }) {
  const t = useT();
  const upload = useApiMutation('post', '/api/diagnostics/orders/{id}/dicom', { invalidates: [...ORDERS_ROUTES] });
  const send = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    upload.mutate({ params: { path: { id: o.id } }, body: { fileBase64: btoa(bin) } });
  };
  return (
    <label>
      <input type="file" accept=".dcm,application/dicom" style={{ display: 'none' }} data-testid={`dicom-${o.id}`}
        onChange={(e) => { const f = e.target.files?.[0]; if (f) void send(f); e.target.value = ''; }} />
      <Button size="small" loading={upload.isPending} onClick={(e) => (e.currentTarget.previousElementSibling as HTMLInputElement | null)?.click()}>{t('diagnostics.acquire.dicom')}</Button>
    </label>
  );
}

function AcquireControls({ o }: { o: Order }) {
  const t = useT();
  const [uid, setUid] = useState('');
  const [viewer, setViewer] = useState('');
  const acquire = useApiMutation('post', '/api/diagnostics/orders/{id}/acquire', { invalidates: [...ORDERS_ROUTES] });
  const specimen = useApiMutation('post', '/api/diagnostics/orders/{id}/specimen', { invalidates: [...ORDERS_ROUTES] });
  const cancel = useApiMutation('post', '/api/diagnostics/orders/{id}/cancel', { invalidates: [...ORDERS_ROUTES] });
  const specimenKind = o.centre.modality === 'laboratory' || o.centre.modality === 'pathology';
  if (o.status === 'ordered' || o.status === 'scheduled') {
    return (
      <Space wrap>
        {specimenKind
          ? <Button size="small" type="primary" loading={acquire.isPending} data-testid={`collect-${o.id}`} onClick={() => acquire.mutate({ params: { path: { id: o.id } }, body: {} })}>{t('diagnostics.acquire.collect')}</Button>
          : <>
            <Input size="small" style={{ width: 200 }} placeholder={t('diagnostics.acquire.uid')} value={uid} onChange={(e) => setUid(e.target.value)} data-testid={`uid-${o.id}`} />
            <Input size="small" style={{ width: 220 }} placeholder={t('diagnostics.acquire.viewer')} value={viewer} onChange={(e) => setViewer(e.target.value)} data-testid={`viewer-${o.id}`} />
            <Button size="small" type="primary" disabled={!uid.trim()} loading={acquire.isPending} data-testid={`acquire-${o.id}`}
              onClick={() => acquire.mutate({ params: { path: { id: o.id } }, body: { studyUid: uid.trim(), viewerUrl: viewer.trim() || undefined } })}>{t('diagnostics.acquire')}</Button>
            <DicomUpload o={o} />
          </>}
        <Button size="small" danger loading={cancel.isPending} onClick={() => cancel.mutate({ params: { path: { id: o.id } }, body: { reason: t('diagnostics.cancel') } })}>{t('diagnostics.cancel')}</Button>
      </Space>
    );
  }
  if (!specimenKind && o.study?.source === 'dicom_upload' && ['acquired', 'received', 'preliminary'].includes(o.status)) return <DicomUpload o={o} />;
  if (specimenKind && o.status === 'acquired' && !o.events.some((e) => e.step === 'specimen.sent')) {
    return <Button size="small" loading={specimen.isPending} data-testid={`send-${o.id}`} onClick={() => specimen.mutate({ params: { path: { id: o.id } }, body: { step: 'sent' } })}>{t('diagnostics.specimen.sent')}</Button>;
  }
  return null;
}

/** The ordering form: centre, item, clinical question, priority; a standing recognisable result is shown first. */
function NewOrder({ residentId: given, centres }: { residentId: string; centres: Centre[] }) {
  const t = useT();
  const { lang } = useLang();
  const [form] = Form.useForm();
  const [residentId, setResident] = useState(given);
  const [centreId, setCentre] = useState<string | undefined>(centres[0]?.id);
  const [itemCode, setItem] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const centre = centres.find((c) => c.id === centreId);
  const uuid = /^[0-9a-f-]{36}$/i.test(residentId);
  const rec = useApiQuery('/api/diagnostics/recognition', { params: { query: { residentId, itemCode: itemCode ?? '' } } }, { enabled: uuid && !!itemCode });
  const standing = (rec.data?.items ?? []).filter((x) => x.standing);
  const place = useApiMutation('post', '/api/diagnostics/orders', { invalidates: [...ORDERS_ROUTES] });
  const recognise = useApiMutation('post', '/api/diagnostics/recognitions', { invalidates: ['/api/diagnostics/recognition'] });
  const submit = (v: { question: string; priority: 'routine' | 'urgent' | 'stat' }) => {
    if (!centreId || !itemCode) return;
    place.mutate({ body: { residentId, centreId, itemCode, clinicalQuestion: v.question, priority: v.priority, notRecognised: standing[0] ? { reportId: standing[0].reportId, reason } : undefined } },
      { onSuccess: (d: ApiData<'/api/diagnostics/orders', 'post'>) => { setSaved(t('diagnostics.order.saved', { placer: d.placerNumber })); form.resetFields(['question']); } });
  };
  return (
    <Card size="small" title={t('diagnostics.order.new')}>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ priority: 'routine' }}>
        {!given && <Form.Item label={t('diagnostics.order.residentId')} required validateStatus={residentId && !uuid ? 'error' : undefined} help={residentId && !uuid ? t('diagnostics.order.required', { field: t('diagnostics.col.resident') }) : undefined}>
          <Input value={residentId} onChange={(e) => setResident(e.target.value.trim())} data-testid="order-resident" />
        </Form.Item>}
        <Space wrap align="start">
          <Form.Item label={t('diagnostics.order.centre')} required>
            <Select style={{ width: 220 }} value={centreId} onChange={(v) => { setCentre(v); setItem(undefined); }} data-testid="order-centre"
              options={centres.map((c) => ({ value: c.id, label: `${c.name}（${t(`diagnostics.modality.${c.modality}`)}）` }))} />
          </Form.Item>
          <Form.Item label={t('diagnostics.order.item')} required validateStatus={place.isError && !itemCode ? 'error' : undefined}>
            <Select style={{ width: 240 }} value={itemCode} onChange={setItem} data-testid="order-item" placeholder={t('diagnostics.order.item')}
              options={(centre?.items ?? []).map((i) => ({ value: i.code, label: `${lang === 'zh' ? i.nameZh : i.nameEn}（${t('diagnostics.centres.turnaround', { n: i.turnaroundMinutes })}）` }))} />
          </Form.Item>
          <Form.Item label={t('diagnostics.order.priority')} name="priority">
            <Radio.Group options={(['routine', 'urgent', 'stat'] as const).map((p) => ({ value: p, label: t(`diagnostics.priority.${p}`) }))} />
          </Form.Item>
        </Space>
        {standing.length > 0 && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="recognition-standing" message={t('diagnostics.recognition.title')}
            description={<Space direction="vertical" style={{ width: '100%' }}>
              {standing.map((s) => <span key={s.reportId}>{t('diagnostics.recognition.result', { centre: s.centre, at: minuteOf(s.publishedAt), impression: s.impression })}</span>)}
              <Space wrap>
                <Button type="primary" size="small" loading={recognise.isPending} data-testid="recognise"
                  onClick={() => centreId && itemCode && recognise.mutate({ body: { residentId, centreId, itemCode, reportId: standing[0].reportId } },
                    { onSuccess: (d: ApiData<'/api/diagnostics/recognitions', 'post'>) => setSaved(t('diagnostics.recognition.accepted', { yuan: (d.costAvoidedFen / 100).toFixed(2) })) })}>{t('diagnostics.recognition.accept')}</Button>
                <Input size="small" style={{ width: 280 }} placeholder={t('diagnostics.recognition.reason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="recognition-reason" />
              </Space>
            </Space>} />
        )}
        <Form.Item label={t('diagnostics.order.question')} name="question" rules={[{ required: true, whitespace: true, message: t('diagnostics.order.required', { field: t('diagnostics.order.question') }) }]}>
          <Input.TextArea rows={2} maxLength={1000} data-testid="order-question" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={place.isPending} disabled={!uuid || !itemCode || (standing.length > 0 && reason.trim().length < 2)} data-testid="order-submit">
            {standing.length ? t('diagnostics.recognition.reject') : t('diagnostics.order.submit')}
          </Button>
          {saved && <Typography.Text type="success" data-testid="order-saved">{saved}</Typography.Text>}
        </Space>
      </Form>
    </Card>
  );
}

/** The ordering facility's page: a new order (for the resident in the address) and the facility's orders with their steps and reports. */
export function DiagnosticOrdersPage() {
  const t = useT();
  const { lang } = useLang();
  const { user } = useSession();
  const [params] = useSearchParams();
  const residentId = params.get('residentId') ?? '';
  const centres = useApiQuery('/api/diagnostics/centres');
  const orders = useApiQuery('/api/diagnostics/orders', { params: { query: residentId ? { residentId } : {} } }, { refetchInterval: 15_000 });
  const canOrder = !!user && DIAGNOSTIC_ORDERERS.includes(user.role);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canOrder && centres.data && <NewOrder residentId={residentId} centres={centres.data.items} />}
      <Card title={t('diagnostics.menu.orders')}>
        <Table<Order> rowKey="id" size="small" loading={orders.isPending} dataSource={orders.data?.items ?? []}
          expandable={{ expandedRowRender: (o) => <ReportView o={o} />, rowExpandable: (o) => !!o.report }}
          columns={[
            { title: t('diagnostics.col.ordered'), width: 100, render: (_, o) => minuteOf(o.orderedAt).slice(5) },
            { title: t('diagnostics.col.resident'), render: (_, o) => o.resident.name },
            { title: t('diagnostics.col.item'), render: (_, o) => <span>{lang === 'zh' ? o.item.nameZh : o.item.nameEn} {o.priority !== 'routine' && <Tag color="red">{t(`diagnostics.priority.${o.priority}` as MessageKey)}</Tag>}</span> },
            { title: t('diagnostics.col.centre'), render: (_, o) => o.centre.name },
            { title: t('diagnostics.col.status'), render: (_, o) => <span data-testid={`status-${o.id}`}><StatusTag s={o.status} />{o.report?.status === 'amended' && <Tag color="orange">{t('diagnostics.report.amend')}</Tag>}</span> },
            { title: t('diagnostics.col.due'), render: (_, o) => <DueTag o={o} /> },
            { title: '', render: (_, o) => <AcquireControls o={o} /> },
          ]} />
      </Card>
    </Space>
  );
}

/** The centre's worklist by deadline: to report, specimens to receive, to verify, to publish. */
export function DiagnosticWorklistPage() {
  const t = useT();
  const { lang } = useLang();
  const [view, setView] = useState<'to_read' | 'to_receive' | 'to_verify' | 'to_publish' | 'open'>('to_read');
  const wl = useApiQuery('/api/diagnostics/worklist', { params: { query: { view } } }, { refetchInterval: 15_000 });
  const specimen = useApiMutation('post', '/api/diagnostics/orders/{id}/specimen', { invalidates: [...ORDERS_ROUTES] });
  const [reasons, setReasons] = useState<Record<string, string>>({});
  return (
    <Card title={t('diagnostics.menu.worklist')}>
      <Tabs activeKey={view} onChange={(k) => setView(k as typeof view)} items={(['to_read', 'to_receive', 'to_verify', 'to_publish', 'open'] as const).map((k) => ({ key: k, label: t(`diagnostics.worklist.view.${k}`) }))} />
      <Table<Order> rowKey="id" size="small" loading={wl.isPending} dataSource={wl.data?.items ?? []} pagination={false} locale={{ emptyText: t('diagnostics.worklist.empty') }}
        columns={[
          { title: t('diagnostics.col.due'), width: 130, render: (_, o) => <DueTag o={o} /> },
          { title: t('diagnostics.col.resident'), render: (_, o) => `${o.resident.name}（${t(`diagnostics.sex.${o.resident.sex}`)}，${o.resident.age}）` },
          { title: t('diagnostics.col.item'), render: (_, o) => lang === 'zh' ? o.item.nameZh : o.item.nameEn },
          { title: t('diagnostics.col.facility'), render: (_, o) => o.facility.name },
          { title: t('diagnostics.col.question'), dataIndex: 'clinicalQuestion' },
          { title: t('diagnostics.col.status'), render: (_, o) => <StatusTag s={o.status} /> },
          { title: '', render: (_, o) => view === 'to_receive'
            ? <Space>
              <Button size="small" type="primary" loading={specimen.isPending} onClick={() => specimen.mutate({ params: { path: { id: o.id } }, body: { step: 'received' } })}>{t('diagnostics.specimen.received')}</Button>
              <Input size="small" style={{ width: 120 }} placeholder={t('diagnostics.specimen.reason')} value={reasons[o.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [o.id]: e.target.value })} />
              <Button size="small" danger disabled={!(reasons[o.id] ?? '').trim()} onClick={() => specimen.mutate({ params: { path: { id: o.id } }, body: { step: 'rejected', note: reasons[o.id] } })}>{t('diagnostics.specimen.rejected')}</Button>
            </Space>
            : <Link to={`/diagnostics/read/${o.id}`} data-testid={`read-${o.id}`}>{t('diagnostics.read')}</Link> },
        ]} />
    </Card>
  );
}

type Entry = { code: string; nameZh: string; nameEn: string; unit: string; low: number | null; high: number | null; value: number | null };

/** The reading screen: a template fills the text and the result fields; Ctrl+Enter verifies and publishes where one level suffices. */
export function DiagnosticReadingPage() {
  const t = useT();
  const { lang } = useLang();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user } = useSession();
  const order = useApiQuery('/api/diagnostics/orders/{id}', { params: { path: { id } } });
  const centres = useApiQuery('/api/diagnostics/centres');
  const o = order.data;
  const centre = centres.data?.items.find((c) => c.id === o?.centre.id);
  const [findings, setFindings] = useState('');
  const [impression, setImpression] = useState('');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [critical, setCritical] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const current = o?.report?.versions.at(-1);
  // the form is filled from the saved report only when a new version arrives, never under the reader's typing
  useEffect(() => {
    if (!current) return;
    setFindings(current.findings);
    setImpression(current.impression);
    setEntries(current.observations.map((x) => ({ code: x.code, nameZh: x.nameZh, nameEn: x.nameEn, unit: x.unit, low: x.low, high: x.high, value: x.value })));
    setCritical(current.critical.filter((c) => c.value == null).map((c) => c.code));
  }, [o?.report?.id, current?.version]);
  const invalid = ['/api/diagnostics/orders/{id}', ...ORDERS_ROUTES] as const;
  const write = useApiMutation('post', '/api/diagnostics/orders/{id}/report', { invalidates: [...invalid] });
  const verify = useApiMutation('post', '/api/diagnostics/orders/{id}/verify', { invalidates: [...invalid] });
  const publish = useApiMutation('post', '/api/diagnostics/orders/{id}/publish', { invalidates: [...invalid] });
  const amend = useApiMutation('post', '/api/diagnostics/orders/{id}/amend', { invalidates: [...invalid] });
  const findingRules = (centre?.rules ?? []).filter((r) => r.kind === 'finding');
  const templates = (centre?.templates ?? []).filter((x) => !x.itemCode || x.itemCode === o?.item.code);
  const missing = !findings.trim() || !impression.trim();
  const body = () => ({
    findings: findings.trim(), impression: impression.trim(), criticalFindings: critical,
    observations: entries.filter((e) => e.value != null).map((e) => ({ code: e.code, nameZh: e.nameZh, nameEn: e.nameEn, value: e.value!, unit: e.unit, low: e.low, high: e.high })),
  });
  const send = (mode: 'save' | 'publish') => {
    setTouched(true);
    if (missing || !o) return;
    write.mutate({ params: { path: { id } }, body: { ...body(), verify: mode === 'publish', publish: mode === 'publish' } }, { onSuccess: () => mode === 'publish' && navigate('/diagnostics/worklist') });
  };
  const readingNow = o && ['acquired', 'received', 'preliminary'].includes(o.status) && (!o.report || !o.report.versions.at(-1)?.verifiedAt);
  const ownDraft = current && !current.verifiedAt && current.writtenBy === user?.displayName;
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && readingNow && !o?.centre.twoLevel) { e.preventDefault(); send('publish'); }
  };
  if (!o) return <Card loading />;
  return (
    <Card title={t('diagnostics.report.title', { item: lang === 'zh' ? o.item.nameZh : o.item.nameEn, name: o.resident.name, sex: t(`diagnostics.sex.${o.resident.sex}`), age: o.resident.age })}
      extra={<Space><StatusTag s={o.status} /><DueTag o={o} /></Space>} onKeyDown={onKey}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('diagnostics.report.question', { q: o.clinicalQuestion })} · {o.facility.name} · {o.requester}</Typography.Text>
        {o.study && <Typography.Text>{t('diagnostics.report.study', { uid: o.study.studyUid })} {o.study.viewerUrl && <a href={o.study.viewerUrl} target="_blank" rel="noreferrer">{t('diagnostics.report.openViewer')}</a>}</Typography.Text>}
        {readingNow && (
          <>
            <Select style={{ width: 300 }} placeholder={t('diagnostics.report.template')} data-testid="report-template"
              options={templates.map((x) => ({ value: x.id, label: x.name }))}
              onChange={(v) => {
                const x = templates.find((y) => y.id === v);
                if (!x) return;
                setFindings(x.findings);
                setImpression(x.impression);
                setEntries(x.fields.map((f) => ({ ...f, value: null })));
              }} />
            <Form layout="vertical">
              <Form.Item label={t('diagnostics.report.findings')} required validateStatus={touched && !findings.trim() ? 'error' : undefined} help={touched && !findings.trim() ? t('diagnostics.report.fieldRequired', { field: t('diagnostics.report.findings') }) : undefined}>
                <Input.TextArea rows={4} value={findings} onChange={(e) => setFindings(e.target.value)} data-testid="report-findings" autoFocus />
              </Form.Item>
              {entries.length > 0 && (
                <Form.Item label={t('diagnostics.report.observations')}>
                  <Space wrap>
                    {entries.map((e, i) => (
                      <Space key={e.code} size={4}>
                        <span>{lang === 'zh' ? e.nameZh : e.nameEn}</span>
                        <InputNumber value={e.value} onChange={(v) => setEntries(entries.map((x, j) => (j === i ? { ...x, value: typeof v === 'number' ? v : null } : x)))} data-testid={`obs-${e.code}`} style={{ width: 100 }} />
                        <Typography.Text type="secondary">{e.unit}{e.low != null || e.high != null ? ` (${e.low ?? ''}–${e.high ?? ''})` : ''}</Typography.Text>
                      </Space>
                    ))}
                  </Space>
                </Form.Item>
              )}
              <Form.Item label={t('diagnostics.report.impression')} required validateStatus={touched && !impression.trim() ? 'error' : undefined} help={touched && !impression.trim() ? t('diagnostics.report.fieldRequired', { field: t('diagnostics.report.impression') }) : undefined}>
                <Input.TextArea rows={2} value={impression} onChange={(e) => setImpression(e.target.value)} data-testid="report-impression-input" />
              </Form.Item>
              {findingRules.length > 0 && (
                <Form.Item label={t('diagnostics.report.critical')}>
                  <Checkbox.Group value={critical} onChange={(v) => setCritical(v as string[])} data-testid="report-critical-findings"
                    options={findingRules.map((r) => ({ value: r.code, label: lang === 'zh' ? r.nameZh : r.nameEn }))} />
                </Form.Item>
              )}
            </Form>
            <Space>
              <Button loading={write.isPending} onClick={() => send('save')} data-testid="report-save">{t('diagnostics.report.save')}</Button>
              {o.centre.twoLevel
                ? <Typography.Text type="secondary">{t('diagnostics.report.twoLevel')}</Typography.Text>
                : <Button type="primary" loading={write.isPending} onClick={() => send('publish')} data-testid="report-publish">{t('diagnostics.report.verifyPublish')}</Button>}
            </Space>
          </>
        )}
        {o.status === 'preliminary' && o.centre.twoLevel && !ownDraft && (
          <Button type="primary" loading={verify.isPending} data-testid="report-verify" onClick={() => verify.mutate({ params: { path: { id } }, body: { publish: true } })}>{t('diagnostics.report.verifyAndPublish')}</Button>
        )}
        {o.status === 'verified' && <Button type="primary" loading={publish.isPending} onClick={() => publish.mutate({ params: { path: { id } } })}>{t('diagnostics.report.publish')}</Button>}
        {o.status === 'published' && (
          <Card size="small" title={t('diagnostics.report.amend')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea rows={3} value={findings} onChange={(e) => setFindings(e.target.value)} />
              <Input.TextArea rows={2} value={impression} onChange={(e) => setImpression(e.target.value)} />
              <Input placeholder={t('diagnostics.report.amendReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="amend-reason"
                status={touched && !reason.trim() ? 'error' : undefined} />
              {touched && !reason.trim() && <Typography.Text type="danger">{t('diagnostics.report.fieldRequired', { field: t('diagnostics.report.amendReason') })}</Typography.Text>}
              <Button danger loading={amend.isPending} data-testid="amend-submit" onClick={() => {
                setTouched(true);
                if (!reason.trim() || missing) return;
                const b = body();
                amend.mutate({ params: { path: { id } }, body: { findings: b.findings, impression: b.impression, observations: b.observations, criticalFindings: b.criticalFindings, reason: reason.trim() } }, { onSuccess: () => { setReason(''); setTouched(false); } });
              }}>{t('diagnostics.report.amend')}</Button>
            </Space>
          </Card>
        )}
        <ReportView o={o} />
      </Space>
    </Card>
  );
}

function useNow(ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => { const h = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(h); }, [ms]);
  return now;
}

function AlertCard({ a, canAck }: { a: Alert_; canAck: boolean }) {
  const t = useT();
  const { lang } = useLang();
  const now = useNow();
  const [readBack, setReadBack] = useState('');
  const [action, setAction] = useState('');
  const [touched, setTouched] = useState(false);
  const ack = useApiMutation('post', '/api/diagnostics/alerts/{id}/acknowledge', { invalidates: ['/api/diagnostics/alerts', '/api/diagnostics/messages'] });
  const left = Math.round((new Date(a.ackDueAt).getTime() - now) / 1000);
  const timer = a.acknowledgedAt
    ? <Tag color="green" data-testid="alert-state">{t('diagnostics.alerts.acknowledged', { who: a.acknowledgedBy ?? '', at: minuteOf(a.acknowledgedAt), n: a.minutesToAck ?? 0 })}</Tag>
    : left >= 0
      ? <Tag color={left < 300 ? 'orange' : 'red'} data-testid="alert-timer">{t('diagnostics.alerts.left', { m: Math.floor(left / 60), s: String(left % 60).padStart(2, '0') })}</Tag>
      : <Tag color="magenta" data-testid="alert-timer">{t('diagnostics.alerts.overdue', { m: Math.ceil(-left / 60) })}</Tag>;
  return (
    <Card size="small" data-testid={`alert-${a.id}`} title={<Space><Typography.Text type="danger" strong>{a.what.map((w) => `${lang === 'zh' ? w.nameZh : w.nameEn}${w.value != null ? ` ${w.value} ${w.unit}` : ''}`).join('；')}</Typography.Text>{timer}</Space>}
      extra={<span>{a.resident.name} · {lang === 'zh' ? a.item.zh : a.item.en} · {a.placerNumber}</span>}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{a.centre} → {a.facility} · {minuteOf(a.raisedAt)}</Typography.Text>
        {canAck && !a.acknowledgedAt && (
          <Space wrap align="start">
            <div>
              <Input style={{ width: 260 }} placeholder={t('diagnostics.alerts.readBack')} value={readBack} onChange={(e) => setReadBack(e.target.value)} data-testid="ack-readback" status={touched && !readBack.trim() ? 'error' : undefined} />
              {touched && !readBack.trim() && <div><Typography.Text type="danger">{t('diagnostics.report.fieldRequired', { field: t('diagnostics.alerts.readBack') })}</Typography.Text></div>}
            </div>
            <div>
              <Input style={{ width: 300 }} placeholder={t('diagnostics.alerts.action')} value={action} onChange={(e) => setAction(e.target.value)} data-testid="ack-action" status={touched && !action.trim() ? 'error' : undefined} />
              {touched && !action.trim() && <div><Typography.Text type="danger">{t('diagnostics.report.fieldRequired', { field: t('diagnostics.alerts.action') })}</Typography.Text></div>}
            </div>
            <Button type="primary" danger loading={ack.isPending} data-testid="ack-submit" onClick={() => {
              setTouched(true);
              if (!readBack.trim() || !action.trim()) return;
              ack.mutate({ params: { path: { id: a.id } }, body: { readBack: readBack.trim(), action: action.trim() } });
            }}>{t('diagnostics.alerts.ack')}</Button>
          </Space>
        )}
        {a.acknowledgedAt && <Typography.Text>{t('diagnostics.alerts.readBack')}：{a.readBack} · {t('diagnostics.alerts.action')}：{a.actionTaken}</Typography.Text>}
        <Timeline items={a.events.map((e) => ({ children: `${minuteOf(e.at).slice(11)} ${t(`diagnostics.alerts.step.${e.step}` as MessageKey)}${e.note ? ` · ${e.note}` : ''}` }))} />
      </Space>
    </Card>
  );
}

/** The critical-value desk: open alerts first, each with its countdown; the requesting facility reads back and acknowledges. Refreshed every 5 s. */
export function CriticalDeskPage() {
  const t = useT();
  const { user } = useSession();
  const [all, setAll] = useState(false);
  const alerts = useApiQuery('/api/diagnostics/alerts', { params: { query: { open: all ? 'no' : 'yes' } } }, { refetchInterval: 5_000 });
  const canAck = !!user && RESULT_READERS.includes(user.role);
  const items = alerts.data?.items ?? [];
  return (
    <Card title={t('diagnostics.alerts.title')} extra={<Checkbox checked={all} onChange={(e) => setAll(e.target.checked)}>{t('diagnostics.alerts.all')}</Checkbox>} loading={alerts.isPending}>
      {items.length === 0 ? <Typography.Text type="secondary" data-testid="alerts-empty">{t('diagnostics.alerts.empty')}</Typography.Text>
        : <Space direction="vertical" style={{ width: '100%' }}>{items.map((a) => <AlertCard key={a.id} a={a} canAck={canAck} />)}</Space>}
    </Card>
  );
}

type LabMessage = ApiItem<'/api/diagnostics/lab-messages'>;
const LAB_STATUS_COLOR: Record<LabMessage['status'], string> = { received: 'gold', accepted: 'green', error: 'red', rejected: 'volcano', unmatched: 'orange', duplicate: 'default' };

/** One laboratory message not accepted: match it to an order (placer number) or dismiss it with a reason. */
function LabMessageActions({ m, canMatch }: { m: LabMessage; canMatch: boolean }) {
  const t = useT();
  const [placer, setPlacer] = useState('');
  const [reason, setReason] = useState('');
  const match = useApiMutation('post', '/api/diagnostics/lab-messages/{id}/match', { invalidates: ['/api/diagnostics/lab-messages', ...ORDERS_ROUTES] });
  const dismiss = useApiMutation('post', '/api/diagnostics/lab-messages/{id}/dismiss', { invalidates: ['/api/diagnostics/lab-messages'] });
  if (m.resolvedAt || m.status === 'accepted' || m.status === 'duplicate') {
    return <Typography.Text type="secondary">{m.resolution ? t.code('diagnostics.lab.resolution', m.resolution) : ''} {m.resolutionNote ?? ''}</Typography.Text>;
  }
  return (
    <Space direction="vertical" size={4}>
      {canMatch && m.status !== 'rejected' && (
        <Space.Compact>
          <Input size="small" style={{ width: 190 }} placeholder={t('diagnostics.lab.placer')} value={placer} onChange={(e) => setPlacer(e.target.value)} data-testid={`lab-placer-${m.id}`} />
          <Button size="small" type="primary" disabled={!placer.trim()} loading={match.isPending} data-testid={`lab-match-${m.id}`}
            onClick={() => match.mutate({ params: { path: { id: m.id } }, body: { placerNumber: placer.trim() } })}>{t('diagnostics.lab.match')}</Button>
        </Space.Compact>
      )}
      <Space.Compact>
        <Input size="small" style={{ width: 190 }} placeholder={t('diagnostics.lab.dismissReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid={`lab-reason-${m.id}`} />
        <Button size="small" danger disabled={!reason.trim()} loading={dismiss.isPending} data-testid={`lab-dismiss-${m.id}`}
          onClick={() => dismiss.mutate({ params: { path: { id: m.id } }, body: { reason: reason.trim() } })}>{t('diagnostics.lab.dismiss')}</Button>
      </Space.Compact>
    </Space>
  );
}

/** The laboratory interface (HL7 v2 over MLLP): the messages not accepted, with their reasons, for a person to match or dismiss; or every message. */
export function LabMessagesPage() {
  const t = useT();
  const { user } = useSession();
  const [state, setState] = useState<'unresolved' | 'all'>('unresolved');
  const list = useApiQuery('/api/diagnostics/lab-messages', { params: { query: { state } } }, { refetchInterval: 15_000 });
  const canMatch = !!user && READING_DOCTORS.includes(user.role);
  const items = list.data?.items ?? [];
  return (
    <Card title={t('diagnostics.lab.title')} loading={list.isPending}
      extra={<Radio.Group size="small" value={state} onChange={(e) => setState(e.target.value)} optionType="button"
        options={[{ value: 'unresolved', label: t('diagnostics.lab.unresolved') }, { value: 'all', label: t('diagnostics.lab.all') }]} />}>
      <Typography.Paragraph type="secondary">{t('diagnostics.lab.about')}</Typography.Paragraph>
      <Table<LabMessage> rowKey="id" size="small" dataSource={items} pagination={{ pageSize: 20 }} data-testid="lab-messages"
        locale={{ emptyText: t('diagnostics.lab.empty') }}
        expandable={{ expandedRowRender: (m) => (m.raw ? <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0 }}>{m.raw.replaceAll('\r', '\n')}</pre> : <Typography.Text type="secondary">{t('diagnostics.lab.rawWithheld')}</Typography.Text>) }}
        columns={[
          { title: t('diagnostics.lab.received'), dataIndex: 'receivedAt', width: 150, render: (v: string) => minuteOf(v) },
          { title: t('diagnostics.lab.sender'), width: 150, render: (_, m) => <>{m.sender ?? m.sendingFacility ?? '—'}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.controlId ?? ''}</Typography.Text></> },
          { title: t('diagnostics.lab.status'), width: 110, render: (_, m) => <Tag color={LAB_STATUS_COLOR[m.status]} data-testid={`lab-status-${m.id}`}>{t.code('diagnostics.lab.status', m.status)} {m.ackCode ?? ''}</Tag> },
          { title: t('diagnostics.lab.names'), render: (_, m) => <>{m.placerNumber ?? '—'}{m.fillerNumber ? ` / ${m.fillerNumber}` : ''}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.service ?? ''} {m.resultStatus ?? ''} · {t('diagnostics.lab.results', { n: m.results })}</Typography.Text></> },
          { title: t('diagnostics.lab.reason'), dataIndex: 'reason', render: (v: string | null) => <Typography.Text style={{ fontSize: 12 }}>{v ?? ''}</Typography.Text> },
          { title: '', width: 300, render: (_, m) => <LabMessageActions m={m} canMatch={canMatch} /> },
        ]} />
    </Card>
  );
}

/** The centres with their members, items (targets, recognition), critical-value list with sources, templates and who is on duty. */
export function CentresPage() {
  const t = useT();
  const { lang } = useLang();
  const centres = useApiQuery('/api/diagnostics/centres');
  const items = centres.data?.items ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {!centres.isPending && items.length === 0 && <Card><Typography.Text type="secondary">{t('diagnostics.centres.empty')}</Typography.Text></Card>}
      {items.map((c) => (
        <Card key={c.id} title={`${c.name} · ${c.facility.name}${c.department}`} extra={<Space>{c.twoLevel && <Tag>{t('diagnostics.centres.twoLevel')}</Tag>}<Tag color="red">{t('diagnostics.centres.ack', { n: c.ackMinutes })}</Tag></Space>}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('diagnostics.centres.onDuty')}>{c.onDuty.map((d) => d.name).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('diagnostics.centres.members')}>{c.members.length}：{c.members.slice(0, 12).map((m) => m.name).join('、')}{c.members.length > 12 ? '…' : ''}</Descriptions.Item>
            <Descriptions.Item label={t('diagnostics.centres.items')}>
              <List size="small" dataSource={c.items} renderItem={(i) => <List.Item>{lang === 'zh' ? i.nameZh : i.nameEn}（{i.code}{i.loinc ? ` · LOINC ${i.loinc}` : ''}）· {t('diagnostics.centres.turnaround', { n: i.turnaroundMinutes })} · {i.recognitionScope ? t('diagnostics.centres.recognition', { scope: t(`diagnostics.scope.${i.recognitionScope}` as MessageKey), days: i.recognitionDays ?? 0 }) : t('diagnostics.centres.noRecognition')} · ¥{(i.priceFen / 100).toFixed(2)}</List.Item>} />
            </Descriptions.Item>
            <Descriptions.Item label={t('diagnostics.centres.rules')}>
              <List size="small" dataSource={c.rules} renderItem={(r) => <List.Item>{lang === 'zh' ? r.nameZh : r.nameEn}{r.kind === 'numeric' ? `：${r.below != null ? `< ${r.below}` : ''}${r.below != null && r.above != null ? ' / ' : ''}${r.above != null ? `> ${r.above}` : ''} ${r.unit}` : ''}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>（{t('diagnostics.centres.source')}：{r.source}）</Typography.Text></List.Item>} />
            </Descriptions.Item>
            <Descriptions.Item label={t('diagnostics.centres.templates')}>{c.templates.map((x) => x.name).join('、') || '—'}</Descriptions.Item>
          </Descriptions>
        </Card>
      ))}
    </Space>
  );
}

/** Turnaround, critical-value timeliness, recognition, orders and consultations over a period, with their definitions. */
export function DiagnosticFiguresPage() {
  const t = useT();
  const { lang } = useLang();
  const [range, setRange] = useState<[string, string]>([`${today().slice(0, 7)}-01`, today()]);
  const f = useApiQuery('/api/diagnostics/figures', { params: { query: { from: range[0], to: range[1] } } });
  const d = f.data;
  const pct = (v: number | null) => (v == null ? '—' : `${v}%`);
  const def = (k: string) => d?.definitions[k]?.[lang];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <DatePicker.RangePicker value={[dayjs(range[0]), dayjs(range[1])]} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])} />
      <Card size="small" title={t('diagnostics.figures.turnaround')} extra={<Typography.Text type="secondary">{def('turnaround')}</Typography.Text>}>
        <Table size="small" rowKey={(r) => `${r.centre}${r.itemCode}`} loading={f.isPending} pagination={false} dataSource={d?.turnaround ?? []} columns={[
          { title: t('diagnostics.col.centre'), dataIndex: 'centre' }, { title: t('diagnostics.col.item'), render: (_, r) => r.item[lang] },
          { title: t('diagnostics.figures.reports'), dataIndex: 'reports' }, { title: t('diagnostics.figures.median'), render: (_, r) => r.medianMinutes ?? '—' },
          { title: t('diagnostics.figures.target'), dataIndex: 'targetMinutes' }, { title: t('diagnostics.figures.within'), render: (_, r) => pct(r.withinTargetShare) },
        ]} />
      </Card>
      <Card size="small" title={t('diagnostics.figures.critical')} extra={<Typography.Text type="secondary">{def('critical')}</Typography.Text>}>
        <Table size="small" rowKey="centre" loading={f.isPending} pagination={false} dataSource={d?.critical ?? []} columns={[
          { title: t('diagnostics.col.centre'), dataIndex: 'centre' }, { title: t('diagnostics.figures.alerts'), dataIndex: 'alerts' }, { title: t('diagnostics.figures.acked'), dataIndex: 'acknowledged' },
          { title: t('diagnostics.figures.withinLimit'), render: (_, r) => pct(r.withinLimitShare) }, { title: t('diagnostics.figures.medianAck'), render: (_, r) => r.medianMinutesToAck ?? '—' },
        ]} />
      </Card>
      <Card size="small" title={t('diagnostics.figures.recognition')} extra={<Typography.Text type="secondary">{def('recognition')}</Typography.Text>}>
        <Table size="small" rowKey="facility" loading={f.isPending} pagination={false} dataSource={d?.recognition ?? []} columns={[
          { title: t('diagnostics.col.facility'), dataIndex: 'facility' }, { title: t('diagnostics.figures.decisions'), dataIndex: 'decisions' }, { title: t('diagnostics.figures.recognised'), dataIndex: 'recognised' },
          { title: t('diagnostics.figures.rate'), render: (_, r) => pct(r.rate) }, { title: t('diagnostics.figures.saved'), render: (_, r) => (r.costAvoidedFen / 100).toFixed(2) },
        ]} />
      </Card>
      <Card size="small" title={t('diagnostics.figures.orders')} extra={<Typography.Text type="secondary">{def('orders')}</Typography.Text>}>
        <Table size="small" rowKey="facility" loading={f.isPending} dataSource={d?.orders ?? []} columns={[
          { title: t('diagnostics.col.facility'), dataIndex: 'facility' }, { title: t('diagnostics.figures.orderCount'), dataIndex: 'orders' }, { title: t('diagnostics.figures.consultations'), dataIndex: 'consultations' },
        ]} />
      </Card>
    </Space>
  );
}

/** Remote consultations: the township requests one (for the resident in the address); the centre schedules it and records the opinion. */
export function ConsultationsPage() {
  const t = useT();
  const { user } = useSession();
  const [params] = useSearchParams();
  const residentId = params.get('residentId') ?? '';
  const list = useApiQuery('/api/diagnostics/consultations');
  const centres = useApiQuery('/api/diagnostics/centres');
  const reader = !!user && READING_DOCTORS.includes(user.role);
  const create = useApiMutation('post', '/api/diagnostics/consultations', { invalidates: ['/api/diagnostics/consultations'] });
  const schedule = useApiMutation('post', '/api/diagnostics/consultations/{id}/schedule', { invalidates: ['/api/diagnostics/consultations'] });
  const opinion = useApiMutation('post', '/api/diagnostics/consultations/{id}/opinion', { invalidates: ['/api/diagnostics/consultations'] });
  const [form] = Form.useForm();
  const [drafts, setDrafts] = useState<Record<string, { username?: string; at?: string; link?: string; opinion?: string }>>({});
  const set = (id: string, k: string, v: string) => setDrafts({ ...drafts, [id]: { ...drafts[id], [k]: v } });
  type C = ApiItem<'/api/diagnostics/consultations'>;
  const centreOptions = useMemo(() => (centres.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })), [centres.data]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {!reader && residentId && (
        <Card size="small" title={t('diagnostics.consult.new')}>
          <Form form={form} layout="vertical" onFinish={(v: { centreId: string; summary: string; question: string }) => create.mutate({ body: { residentId, ...v } }, { onSuccess: () => form.resetFields() })}>
            <Form.Item name="centreId" label={t('diagnostics.order.centre')} rules={[{ required: true, message: t('diagnostics.order.required', { field: t('diagnostics.order.centre') }) }]}><Select options={centreOptions} style={{ width: 260 }} /></Form.Item>
            <Form.Item name="summary" label={t('diagnostics.consult.summary')} rules={[{ required: true, whitespace: true, message: t('diagnostics.order.required', { field: t('diagnostics.consult.summary') }) }]}><Input.TextArea rows={3} /></Form.Item>
            <Form.Item name="question" label={t('diagnostics.consult.question')} rules={[{ required: true, whitespace: true, message: t('diagnostics.order.required', { field: t('diagnostics.consult.question') }) }]}><Input /></Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending}>{t('diagnostics.consult.submit')}</Button>
          </Form>
        </Card>
      )}
      <Card title={t('diagnostics.menu.consultations')}>
        <Table<C> rowKey="id" size="small" loading={list.isPending} dataSource={list.data?.items ?? []} columns={[
          { title: t('diagnostics.col.ordered'), render: (_, c) => minuteOf(c.requestedAt).slice(5) },
          { title: t('diagnostics.col.resident'), render: (_, c) => c.resident.name },
          { title: t('diagnostics.col.facility'), dataIndex: 'facility' },
          { title: t('diagnostics.consult.question'), dataIndex: 'question' },
          { title: t('diagnostics.col.status'), render: (_, c) => <Tag>{t(`diagnostics.consult.status.${c.status}`)}</Tag> },
          { title: '', render: (_, c) => {
            if (c.status === 'held') return c.opinion;
            if (!reader) return c.scheduledAt ? <span>{minuteOf(c.scheduledAt)} {c.link && <a href={c.link} target="_blank" rel="noreferrer">{t('diagnostics.consult.link')}</a>}</span> : null;
            const d = drafts[c.id] ?? {};
            return c.status === 'requested'
              ? <Space wrap>
                <Input size="small" style={{ width: 120 }} placeholder={t('diagnostics.consult.specialist')} value={d.username} onChange={(e) => set(c.id, 'username', e.target.value)} />
                <DatePicker size="small" showTime onChange={(v) => set(c.id, 'at', v ? v.toISOString() : '')} />
                <Input size="small" style={{ width: 160 }} placeholder={t('diagnostics.consult.link')} value={d.link} onChange={(e) => set(c.id, 'link', e.target.value)} />
                <Button size="small" disabled={!d.username || !d.at} loading={schedule.isPending} onClick={() => schedule.mutate({ params: { path: { id: c.id } }, body: { username: d.username!, at: d.at!, link: d.link || undefined } })}>{t('diagnostics.consult.schedule')}</Button>
              </Space>
              : <Space>
                <Input.TextArea rows={2} style={{ width: 260 }} placeholder={t('diagnostics.consult.opinion')} value={d.opinion} onChange={(e) => set(c.id, 'opinion', e.target.value)} />
                <Button size="small" type="primary" disabled={!d.opinion?.trim()} loading={opinion.isPending} onClick={() => opinion.mutate({ params: { path: { id: c.id } }, body: { opinion: d.opinion!.trim() } })}>{t('diagnostics.consult.record')}</Button>
              </Space>;
          } },
        ]} />
      </Card>
    </Space>
  );
}

/** On every page of a clinician at an ordering facility: how many critical values wait for acknowledgement, linking to the desk (checked every 10 s). */
export function CriticalBanner() {
  const t = useT();
  const { user } = useSession();
  const enabled = !!user && RESULT_READERS.includes(user.role);
  const c = useApiQuery('/api/diagnostics/alerts/open-count', undefined, { enabled, refetchInterval: 10_000 });
  if (!enabled || !c.data?.open) return null;
  return <Link to="/diagnostics/alerts" data-testid="critical-banner"><Tag color="red">{t('diagnostics.alerts.banner', { n: c.data.open })}</Tag></Link>;
}
