// The vaccination clinic's day: the due list (latest first), a dose recorded from one of the clinic's
// lots (refusals shown beside the field), the clinic's stock by lot, a child's vaccination card, the
// coverage by dose; and the schedule's versions.
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, message } from 'antd';
import dayjs from 'dayjs';
import { Link, useParams } from 'react-router-dom';
import { errorText, type ApiErrorBody } from '../../api/client';
import { useApiMutation, useApiQuery, type ApiBody, type ApiData, type ApiItem } from '../../api/hooks';
import { useLang, useT } from '../../i18n';

type Due = ApiItem<'/api/publichealth/immunisation/due'>;
type Lot = ApiItem<'/api/publichealth/immunisation/lots'>;
type Line = ApiData<'/api/publichealth/immunisation/children/{residentId}'>['lines'][number];
type Span = { days?: number; months?: number; years?: number };
type VaccineCode = ApiBody<'/api/publichealth/immunisation/lots'>['vaccine'];
const STATUS_COLOR: Record<Line['status'], string> = { given: 'green', due: 'blue', overdue: 'red', upcoming: 'default', planned: 'default', no_catch_up: 'default' };
const SITES = ['left_upper_arm', 'right_upper_arm', 'left_thigh', 'right_thigh', 'left_buttock', 'right_buttock', 'oral'] as const;
const CLINIC_ROUTES = ['/api/publichealth/immunisation/due', '/api/publichealth/immunisation/lots', '/api/publichealth/immunisation/children/{residentId}', '/api/publichealth/immunisation/coverage'] as const;

/** Vaccine and series names from the schedule, in the UI's language. */
function useNames() {
  const { lang } = useLang();
  const s = useApiQuery('/api/publichealth/immunisation/schedule').data;
  const vaccines = new Map((s?.vaccines ?? []).map((v) => [v.code, v[lang]]));
  const series = new Map((s?.versions.at(-1)?.series ?? []).map((x) => [x.code, x[lang]]));
  const versions = new Map((s?.versions ?? []).map((v) => [v.id, v[lang]]));
  return { vaccine: (c: string) => vaccines.get(c) ?? c, series: (c: string) => series.get(c) ?? c, version: (c: string) => versions.get(c) ?? c, schedule: s };
}

export function ClinicPage() {
  const t = useT();
  const names = useNames();
  const [status, setStatus] = useState<'all' | 'due' | 'overdue'>('all');
  const due = useApiQuery('/api/publichealth/immunisation/due', { params: { query: { status: status === 'all' ? undefined : status } } });
  const [giving, setGiving] = useState<Due | null>(null);
  const [cardOf, setCardOf] = useState<{ id: string; name: string } | null>(null);
  const d = due.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={d ? t('publichealth.due.title', { day: d.day, facility: d.facility.name }) : t('publichealth.menu.clinic')}
        extra={<Segmented value={status} onChange={(v) => setStatus(v as typeof status)} options={[{ value: 'all', label: t('publichealth.due.all') }, { value: 'overdue', label: t('publichealth.status.overdue') }, { value: 'due', label: t('publichealth.status.due') }]} />}>
        {d && <div style={{ marginBottom: 8 }} data-testid="due-summary">{t('publichealth.due.summary', { children: d.children, total: d.total })}</div>}
        <Table<Due> rowKey={(r) => `${r.residentId}:${r.series}:${r.dose}`} size="small" dataSource={d?.items ?? []} loading={due.isFetching} pagination={{ pageSize: 50 }} data-testid="due-list"
          columns={[
            { title: t('publichealth.col.name'), render: (_, r) => <a onClick={() => setCardOf({ id: r.residentId, name: r.name })} data-testid={`card-${r.residentId}`}>{r.name}</a> },
            { title: t('publichealth.col.age'), dataIndex: 'ageMonths' },
            { title: t('publichealth.col.village'), dataIndex: 'villageName' },
            { title: t('publichealth.col.vaccine'), render: (_, r) => `${names.vaccine(r.vaccine)} ${t('publichealth.dose', { n: r.dose })}` },
            { title: t('publichealth.col.status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`publichealth.status.${r.status}`)}</Tag> },
            { title: t('publichealth.col.dueOn'), dataIndex: 'dueOn' },
            { title: t('publichealth.col.daysLate'), dataIndex: 'daysLate' },
            { title: t('publichealth.col.note'), render: (_, r) => (r.note ? t.code('publichealth.note', r.note) : '') },
            { title: '', render: (_, r) => <Button size="small" type="primary" onClick={() => setGiving(r)} data-testid={`give-${r.residentId}-${r.series}`}>{t('publichealth.action.vaccinate')}</Button> },
          ]} />
      </Card>
      <LotsCard />
      <CoverageCard />
      {giving && <DoseDrawer row={giving} onClose={() => setGiving(null)} onSaved={() => { setCardOf({ id: giving.residentId, name: giving.name }); setGiving(null); }} />}
      <Drawer open={!!cardOf} onClose={() => setCardOf(null)} width={960} title={cardOf?.name} destroyOnHidden>
        {cardOf && <ChildCard residentId={cardOf.id} />}
      </Drawer>
    </Space>
  );
}

function DoseDrawer({ row, onClose, onSaved }: { row: Due; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const { lang } = useLang();
  const names = useNames();
  const [form] = Form.useForm<{ lotId: string; site: string; givenOn?: dayjs.Dayjs }>();
  const [error, setError] = useState<string | null>(null);
  const lots = (useApiQuery('/api/publichealth/immunisation/lots').data?.items ?? []).filter((l) => l.vaccine === row.vaccine && !l.expired && l.quantity > 0);
  const save = useApiMutation('post', '/api/publichealth/immunisation/vaccinations', {
    invalidates: [...CLINIC_ROUTES],
    meta: { ownError: true },
    onError: (err) => {
      const e = (err as Partial<ApiErrorBody>).error;
      const beside = (e?.fields ?? []).filter((f) => ['lotId', 'site', 'givenOn'].includes(f.path));
      setError(beside.length ? null : errorText(err, lang));
      form.setFields(beside.map((f) => ({ name: f.path as 'lotId' | 'site' | 'givenOn', errors: [e!.message[lang]] })));
    },
    onSuccess: (r: ApiData<'/api/publichealth/immunisation/vaccinations', 'post'>) => {
      message.success(t('publichealth.form.saved', { vaccine: names.vaccine(row.vaccine), dose: r.dose, left: r.lotLeft }));
      onSaved();
    },
  });
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    save.mutate({ body: { residentId: row.residentId, vaccine: row.vaccine as VaccineCode, lotId: v.lotId, site: v.site as (typeof SITES)[number], givenOn: v.givenOn ? v.givenOn.format('YYYY-MM-DD') : undefined } });
  };
  const oral = names.schedule?.vaccines.find((x) => x.code === row.vaccine)?.route === 'oral';
  return (
    <Drawer open onClose={onClose} width={520} title={t('publichealth.form.title', { name: row.name })}
      extra={<Button type="primary" loading={save.isPending} onClick={submit} data-testid="dose-save">{t('publichealth.action.save')}</Button>}>
      <p><b>{names.vaccine(row.vaccine)} {t('publichealth.dose', { n: row.dose })}</b> · {names.series(row.series)}</p>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="dose-error" />}
      {!lots.length && <Alert type="warning" showIcon message={t('publichealth.form.noLot')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ site: oral ? 'oral' : undefined }}>
        <Form.Item name="lotId" label={t('publichealth.form.lot')} rules={[{ required: true, message: t('publichealth.form.required') }]}>
          <Select data-testid="dose-lot" options={lots.map((l) => ({ value: l.id, label: t('publichealth.form.lotOption', { lot: l.lot, manufacturer: l.manufacturer, expiresOn: l.expiresOn, quantity: l.quantity }) }))} />
        </Form.Item>
        <Form.Item name="site" label={t('publichealth.form.site')} rules={[{ required: true, message: t('publichealth.form.required') }]}>
          <Select data-testid="dose-site" options={SITES.filter((s) => (s === 'oral') === oral).map((s) => ({ value: s, label: t(`publichealth.site.${s}`) }))} />
        </Form.Item>
        <Form.Item name="givenOn" label={t('publichealth.col.givenOn')}>
          <DatePicker disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function LotsCard() {
  const t = useT();
  const names = useNames();
  const lots = useApiQuery('/api/publichealth/immunisation/lots');
  const [form] = Form.useForm<{ vaccine: string; manufacturer: string; lot: string; expiresOn: dayjs.Dayjs; quantity: number }>();
  const { lang } = useLang();
  const receive = useApiMutation('post', '/api/publichealth/immunisation/lots', {
    invalidates: ['/api/publichealth/immunisation/lots'],
    meta: { ownError: true },
    onError: (err) => {
      const e = (err as Partial<ApiErrorBody>).error;
      const paths = ['vaccine', 'manufacturer', 'lot', 'expiresOn', 'quantity'];
      const beside = (e?.fields ?? []).filter((f) => paths.includes(f.path));
      if (!beside.length) message.error(errorText(err, lang));
      form.setFields(beside.map((f) => ({ name: f.path as 'lot', errors: [e!.message[lang]] })));
    },
    onSuccess: (r: { quantity: number }) => { message.success(t('publichealth.lots.received', { n: r.quantity })); form.resetFields(); },
  });
  const submit = async () => {
    const v = await form.validateFields();
    receive.mutate({ body: { vaccine: v.vaccine as VaccineCode, manufacturer: v.manufacturer, lot: v.lot, expiresOn: v.expiresOn.format('YYYY-MM-DD'), quantity: v.quantity } });
  };
  const req = [{ required: true, message: t('publichealth.form.required') }];
  return (
    <Card title={t('publichealth.lots.title', { facility: lots.data?.facility.name ?? '' })}>
      <Form form={form} layout="inline" style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item name="vaccine" rules={req}><Select style={{ width: 200 }} placeholder={t('publichealth.col.vaccine')} data-testid="lot-vaccine" options={(names.schedule?.vaccines ?? []).map((v) => ({ value: v.code, label: names.vaccine(v.code) }))} /></Form.Item>
        <Form.Item name="manufacturer" rules={req}><Input style={{ width: 160 }} placeholder={t('publichealth.col.manufacturer')} data-testid="lot-manufacturer" /></Form.Item>
        <Form.Item name="lot" rules={req}><Input style={{ width: 120 }} placeholder={t('publichealth.col.lot')} data-testid="lot-lot" /></Form.Item>
        <Form.Item name="expiresOn" rules={req}><DatePicker placeholder={t('publichealth.col.expiresOn')} data-testid="lot-expires" /></Form.Item>
        <Form.Item name="quantity" rules={req}><InputNumber min={1} precision={0} placeholder={t('publichealth.col.quantity')} data-testid="lot-quantity" /></Form.Item>
        <Button onClick={submit} loading={receive.isPending} data-testid="lot-receive">{t('publichealth.action.receive')}</Button>
      </Form>
      <Table<Lot> rowKey="id" size="small" dataSource={lots.data?.items ?? []} loading={lots.isFetching} pagination={false} data-testid="lot-table"
        columns={[
          { title: t('publichealth.col.vaccine'), render: (_, r) => names.vaccine(r.vaccine) },
          { title: t('publichealth.col.manufacturer'), dataIndex: 'manufacturer' },
          { title: t('publichealth.col.lot'), dataIndex: 'lot' },
          { title: t('publichealth.col.expiresOn'), render: (_, r) => <Space>{r.expiresOn}{r.expired && <Tag color="red">{t('publichealth.lots.expired')}</Tag>}</Space> },
          { title: t('publichealth.col.quantity'), render: (_, r) => <span data-testid={`lot-qty-${r.lot}`}>{r.quantity}</span> },
        ]} />
    </Card>
  );
}

function CoverageCard() {
  const t = useT();
  const names = useNames();
  const { lang } = useLang();
  const cov = useApiQuery('/api/publichealth/immunisation/coverage').data;
  const pct = (v: number | null) => (v == null ? '—' : `${v.toFixed(1)}%`);
  return (
    <Card title={cov ? t('publichealth.coverage.title', { day: cov.day, children: cov.children }) : ''}>
      {cov && <p style={{ color: '#666' }}>{cov.definitions.coverage[lang]}<br />{cov.definitions.timeliness[lang]}</p>}
      <Table rowKey={(r) => `${r.series}:${r.dose}`} size="small" dataSource={cov?.items ?? []} pagination={false}
        columns={[
          { title: t('publichealth.col.vaccine'), render: (_, r) => `${names.series(r.series)} ${t('publichealth.dose', { n: r.dose })}` },
          { title: t('publichealth.col.eligible'), dataIndex: 'eligible' },
          { title: t('publichealth.col.given'), dataIndex: 'given' },
          { title: t('publichealth.col.timelyN'), dataIndex: 'timely' },
          { title: t('publichealth.col.coverage'), render: (_, r) => pct(r.coverage) },
          { title: t('publichealth.col.timeliness'), render: (_, r) => pct(r.timeliness) },
        ]} />
    </Card>
  );
}

/** A child's vaccination card: every dose of the schedule with its state, the details of doses given here, the doses not counted. */
export function ChildCard({ residentId }: { residentId: string }) {
  const t = useT();
  const names = useNames();
  const card = useApiQuery('/api/publichealth/immunisation/children/{residentId}', { params: { path: { residentId } } });
  const c = card.data;
  if (!c) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="child-card">
      <b>{t('publichealth.card.title', { name: c.resident.name, sex: t(`publichealth.sex.${c.resident.sex}`), months: c.resident.ageMonths })}</b>
      <span>{t('publichealth.card.version', { version: names.version(c.version) })}</span>
      <Table<Line> rowKey={(r) => `${r.series}:${r.dose}`} size="small" dataSource={c.lines} pagination={false}
        columns={[
          { title: t('publichealth.col.vaccine'), render: (_, r) => `${names.vaccine(r.vaccine)} ${t('publichealth.dose', { n: r.dose })}` },
          { title: t('publichealth.col.status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]} data-testid={`line-${r.series}-${r.dose}`}>{t(`publichealth.status.${r.status}`)}</Tag> },
          { title: t('publichealth.col.scheduledOn'), dataIndex: 'scheduledOn' },
          { title: t('publichealth.col.dueOn'), render: (_, r) => r.givenOn ?? r.dueOn ?? '' },
          { title: t('publichealth.col.timely'), render: (_, r) => (r.timely == null ? '' : t(r.timely ? 'publichealth.yes' : 'publichealth.no')) },
          { title: t('publichealth.col.lot'), render: (_, r) => (r.detail ? `${r.detail.lot}（${r.detail.manufacturer}）` : '') },
          { title: t('publichealth.col.site'), render: (_, r) => (r.detail ? t.code('publichealth.site', r.detail.site) : '') },
          { title: t('publichealth.col.vaccinator'), render: (_, r) => (r.detail ? `${r.detail.vaccinator} · ${r.detail.facilityName ?? ''}` : '') },
          { title: t('publichealth.col.note'), render: (_, r) => (r.note ? t.code('publichealth.note', r.note) : '') },
        ]} />
      {c.notCounted.length > 0 && (
        <Card size="small" title={t('publichealth.card.notCounted')}>
          <Table rowKey={(r) => `${r.vaccine}:${r.givenOn}`} size="small" dataSource={c.notCounted} pagination={false}
            columns={[
              { title: t('publichealth.col.vaccine'), render: (_, r) => names.vaccine(r.vaccine) },
              { title: t('publichealth.col.givenOn'), dataIndex: 'givenOn' },
              { title: t('publichealth.col.reason'), render: (_, r) => t.code('publichealth.reason', r.reason) },
              { title: t('publichealth.col.version'), render: (_, r) => names.version(r.version) },
            ]} />
        </Card>
      )}
    </Space>
  );
}

/** A child's card on its own page (from the record or a link). */
export function ChildCardPage() {
  const { residentId } = useParams();
  return residentId ? <Card><ChildCard residentId={residentId} /></Card> : null;
}

function spanText(t: ReturnType<typeof useT>, s: Span | null, gap = false): string {
  if (!s) return '';
  if (s.years) return t(gap ? 'publichealth.span.yearsGap' : 'publichealth.span.years', { n: s.years });
  if (s.months) return t(gap ? 'publichealth.span.monthsGap' : 'publichealth.span.months', { n: s.months });
  if (s.days) return t('publichealth.span.days', { n: s.days });
  return t('publichealth.span.birth');
}

/** The schedule's versions, each with its start day, source and doses. */
export function SchedulePage() {
  const t = useT();
  const { lang } = useLang();
  const names = useNames();
  const s = names.schedule;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {(s?.versions ?? []).slice().reverse().map((v) => (
        <Card key={v.id} title={`${v[lang]} · ${t('publichealth.schedule.from', { from: v.from })}`} extra={v.id === s?.current && <Tag color="green">{t('publichealth.schedule.current')}</Tag>}>
          <p style={{ color: '#666', fontSize: 12 }}>{v.source}</p>
          <Table rowKey={(r) => `${r.series}:${r.dose}`} size="small" pagination={false}
            dataSource={v.series.flatMap((x) => x.doses.map((d) => ({ series: x.code, seriesName: x[lang], ...d })))}
            columns={[
              { title: t('publichealth.col.vaccine'), render: (_, r) => `${r.seriesName} ${t('publichealth.dose', { n: r.dose })}` },
              { title: t('publichealth.schedule.age'), render: (_, r) => spanText(t, r.age) },
              { title: t('publichealth.schedule.interval'), render: (_, r) => spanText(t, r.minInterval, true) },
              { title: t('publichealth.schedule.products'), render: (_, r) => r.products.map((p) => names.vaccine(p)).join(' / ') },
              { title: t('publichealth.schedule.completeBy'), render: (_, r) => spanText(t, r.completeBy) },
            ]} />
        </Card>
      ))}
      <Link to="/publichealth/clinic">{t('publichealth.menu.clinic')}</Link>
    </Space>
  );
}
