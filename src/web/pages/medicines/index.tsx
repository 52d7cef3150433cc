// Medicines pages: the catalogue (and its import), prescribing with the review shown before signing,
// the review centre's worklist, prescriptions to dispense, the stewardship figures.
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, DatePicker, Input, InputNumber, List, Radio, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { showError, useApiMutation, useApiQuery, type ApiBody, type ApiData, type ApiItem } from '../../api/hooks';
import type { MessageKey } from '../../i18n';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { CATALOGUE_IMPORTERS } from '../../../shared/roles';
import { FREQUENCIES, ROUTES } from '../../../modules/medicines/catalogue';
import { quantityFor } from '../../../modules/medicines/rules';
import { fileToBase64 } from '../ledger/shared';
import { minuteOf, today } from '../../../shared/time';

type Medicine = ApiItem<'/api/medicines/catalogue'>;
type Rx = ApiItem<'/api/medicines/prescriptions'>;
type Finding = Rx['findings'][number];
type Level = 'county' | 'township' | 'village';
type ItemIn = ApiBody<'/api/medicines/prescriptions'>['items'][number];

const STATUS_COLOR: Record<Rx['status'], string> = { held: 'orange', ready: 'blue', returned: 'red', dispensed: 'green' };

function Findings({ items }: { items: Finding[] }) {
  const t = useT();
  const { lang } = useLang();
  if (!items.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space direction="vertical" size={2}>
      {items.map((f) => (
        <span key={f.key} data-testid={`finding-${f.key}`}>
          <Tag color={f.verdict === 'hold' ? 'red' : 'gold'}>{t(`medicines.verdict.${f.verdict}`)}</Tag>
          {f.message[lang]} <Typography.Text type="secondary" style={{ fontSize: 12 }}>（{f.source}）</Typography.Text>
        </span>
      ))}
    </Space>
  );
}

function itemsText(r: Rx, t: ReturnType<typeof useT>) {
  return r.items.map((i) => `${i.genericName} ${i.strength} ${i.dose}${i.unit} ${t(`medicines.route.${i.route}` as MessageKey)} ${i.frequency} × ${i.days}d（${i.quantity}）`).join('；');
}

/** The community's drug catalogue, with the sources of its fields and (for pharmacists) the import. */
export function CataloguePage() {
  const t = useT();
  const { message } = App.useApp();
  const { user } = useSession();
  const [q, setQ] = useState('');
  const [level, setLevel] = useState<Level | undefined>();
  const [problems, setProblems] = useState<{ path: string; problem: string }[]>([]);
  const list = useApiQuery('/api/medicines/catalogue', { params: { query: { q: q || undefined, level } } });
  const imp = useApiMutation('post', '/api/medicines/catalogue/import', {
    invalidates: ['/api/medicines/catalogue'], meta: { ownError: true },
    onSuccess: (r) => { setProblems([]); message.success(t('medicines.catalogue.imported', { n: r.imported, created: r.created, updated: r.updated })); },
    onError: (e: unknown) => { const f = (e as { error?: { fields?: { path: string; problem: string }[] } }).error?.fields; if (f?.length) setProblems(f); else showError(e); },
  });
  const upload = async (file: File) => {
    try {
      imp.mutate({ body: { fileName: file.name, contentBase64: await fileToBase64(file) } });
    } catch (err) {
      showError(err);
    }
  };
  const items = list.data?.items ?? [];
  return (
    <Card title={t('medicines.menu.catalogue')} extra={user && CATALOGUE_IMPORTERS.includes(user.role) ? (
      <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }}>
        <Button icon={<UploadOutlined />} loading={imp.isPending} data-testid="catalogue-import">{t('medicines.catalogue.import')}</Button>
      </Upload>) : null}>
      {problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('medicines.catalogue.problems')} data-testid="import-problems"
          description={<List size="small" dataSource={problems} renderItem={(p) => <List.Item>{p.path}：{p.problem}</List.Item>} />} />
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search allowClear placeholder={t('medicines.catalogue.search')} onSearch={setQ} style={{ width: 260 }} />
        <Select allowClear placeholder={t('medicines.catalogue.allLevels')} style={{ width: 140 }} value={level} onChange={setLevel}
          options={(['county', 'township', 'village'] as const).map((l) => ({ value: l, label: t(`medicines.level.${l}`) }))} />
      </Space>
      <Table<Medicine> size="small" rowKey="id" loading={list.isPending} dataSource={items} pagination={{ pageSize: 50 }} scroll={{ x: 1200 }}
        columns={[
          { title: t('medicines.col.code'), dataIndex: 'code', width: 80 },
          { title: t('medicines.col.name'), dataIndex: 'genericName', render: (v, r) => <span>{v} {r.highAlert && <Tag color="red">{t('medicines.col.highAlert')}</Tag>}</span> },
          { title: t('medicines.col.strength'), dataIndex: 'strength' },
          { title: t('medicines.col.package'), dataIndex: 'package' },
          { title: t('medicines.col.atc'), dataIndex: 'atcCode' },
          { title: t('medicines.col.essential'), dataIndex: 'essential', render: (v: boolean) => (v ? t('medicines.yes') : '') },
          { title: t('medicines.col.insurance'), dataIndex: 'insuranceClass', render: (v: 'A' | 'B' | null) => (v ? t(`medicines.insurance.${v}`) : '') },
          { title: t('medicines.col.grade'), dataIndex: 'antibacterialGrade', render: (v: Medicine['antibacterialGrade']) => (v ? <Tag color={v === 'special' ? 'red' : v === 'restricted' ? 'orange' : 'blue'}>{t(`medicines.grade.${v}`)}</Tag> : '') },
          { title: t('medicines.col.adultDose'), render: (_, r) => (r.adultDoseMin != null ? `${r.adultDoseMin}–${r.adultDoseMax} ${r.unit}` : '') },
          { title: t('medicines.col.maxDaily'), render: (_, r) => (r.maxDailyDose != null ? `${r.maxDailyDose} ${r.unit}` : '') },
          { title: t('medicines.col.childDose'), render: (_, r) => (r.childDailyMinPerKg != null ? `${r.childDailyMinPerKg}–${r.childDailyMaxPerKg} ${r.unit}` : '') },
          { title: t('medicines.col.levels'), dataIndex: 'levels', render: (v: Level[]) => v.map((l) => t(`medicines.level.${l}`)).join('、') },
        ]} />
      <Typography.Title level={5}>{t('medicines.catalogue.sources')}</Typography.Title>
      <List size="small" dataSource={Object.entries(list.data?.sources ?? {})} renderItem={([k, v]) => <List.Item><Typography.Text code>{k}</Typography.Text>：{v}</List.Item>} />
    </Card>
  );
}

interface Line { medicineCode?: string; dose?: number; route?: string; frequency?: string; days?: number }

/** Prescribing for a resident: lines from the catalogue, the review shown before signing, warnings confirmed with reasons. */
export function PrescribePage() {
  const { residentId } = useParams() as { residentId: string };
  const [search] = useSearchParams();
  const encounterId = search.get('encounterId') ?? undefined;
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const summary = useApiQuery('/api/records/{residentId}/summary', { params: { path: { residentId } } }).data;
  const cat = useApiQuery('/api/medicines/catalogue').data?.items ?? [];
  const current = useApiQuery('/api/medicines/residents/{residentId}/current', { params: { path: { residentId } } }).data?.items ?? [];
  const [kind, setKind] = useState<'acute' | 'chronic' | 'long'>('acute');
  const [setting, setSetting] = useState<'outpatient' | 'emergency'>('outpatient');
  const [weightKg, setWeight] = useState<number | null>(null);
  const [flags, setFlags] = useState<string[]>([]);
  const [lines, setLines] = useState<Line[]>([{}]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [check, setCheck] = useState<ApiData<'/api/medicines/prescriptions/check', 'post'> | null>(null);
  const [saved, setSaved] = useState<ApiData<'/api/medicines/prescriptions', 'post'> | null>(null);
  const byCode = new Map(cat.map((m) => [m.code, m]));
  const complete = lines.every((l) => l.medicineCode && l.dose && l.route && l.frequency && l.days);
  const body = (): ApiBody<'/api/medicines/prescriptions'> => ({
    residentId, encounterId, kind, setting, weightKg, pregnant: flags.includes('pregnant'), consultation: flags.includes('consultation'),
    items: lines.map((l) => ({ medicineCode: l.medicineCode!, dose: l.dose!, unit: byCode.get(l.medicineCode!)?.unit ?? 'mg', route: l.route as ItemIn['route'], frequency: l.frequency as ItemIn['frequency'], days: l.days! })),
    confirmations: Object.entries(reasons).filter(([, r]) => r.trim()).map(([key, reason]) => ({ key, reason })),
  });
  const checkMut = useApiMutation('post', '/api/medicines/prescriptions/check', { onSuccess: setCheck });
  const saveMut = useApiMutation('post', '/api/medicines/prescriptions', {
    invalidates: ['/api/medicines/prescriptions', '/api/medicines/review', '/api/medicines/residents/{residentId}/current', '/api/records/{residentId}/summary'], onSuccess: setSaved,
  });
  const { message } = App.useApp();
  const shortage = useApiMutation('post', '/api/medicines/shortages', { invalidates: ['/api/medicines/shortages'], onSuccess: () => message.success(t('medicines.ph.registered')) });
  const setLine = (i: number, patch: Line) => { setCheck(null); setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l))); };
  const pick = (i: number, code: string) => {
    const m = byCode.get(code);
    setLine(i, { medicineCode: code, route: m?.route, frequency: m?.frequencies[0], dose: m?.adultDoseMin ?? m?.strengthValue, days: kind === 'acute' ? 3 : 28 });
  };
  const warns = check?.findings.filter((f) => f.verdict === 'warn') ?? [];
  const unconfirmed = warns.filter((f) => (reasons[f.key] ?? '').trim().length < 2);
  const holds = check?.findings.some((f) => f.verdict === 'hold');
  return (
    <Card title={t('medicines.rx.title', { name: summary?.resident.name ?? '' })} extra={<Button onClick={() => nav('/medicines/prescriptions')}>{t('medicines.menu.dispense')}</Button>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('medicines.rx.kind')}</span>
        <Radio.Group optionType="button" value={kind} onChange={(e) => { setCheck(null); setKind(e.target.value); }} data-testid="rx-kind"
          options={(['acute', 'chronic', 'long'] as const).map((k) => ({ value: k, label: t(`medicines.rx.kind.${k}`) }))} />
        <span>{t('medicines.rx.setting')}</span>
        <Radio.Group optionType="button" value={setting} onChange={(e) => { setCheck(null); setSetting(e.target.value); }}
          options={(['outpatient', 'emergency'] as const).map((k) => ({ value: k, label: t(`medicines.rx.setting.${k}`) }))} />
        <span>{t('medicines.rx.weight')}</span>
        <InputNumber value={weightKg} onChange={(v) => { setCheck(null); setWeight(v); }} style={{ width: 90 }} />
        <Checkbox.Group value={flags} onChange={(v) => { setCheck(null); setFlags(v as string[]); }}
          options={[{ value: 'pregnant', label: t('medicines.rx.pregnant') }, { value: 'consultation', label: t('medicines.rx.consultation') }]} />
      </Space>
      <Table size="small" pagination={false} rowKey={(_, i) => String(i)} dataSource={lines}
        columns={[
          { title: t('medicines.rx.drug'), width: 280, render: (_, l, i) => (
            <Select showSearch style={{ width: 260 }} value={l.medicineCode} onChange={(v) => pick(i, v)} data-testid={`rx-drug-${i}`} optionFilterProp="label"
              options={cat.map((m) => ({ value: m.code, label: `${m.genericName} ${m.strength}${m.antibacterialGrade ? ` · ${t(`medicines.grade.${m.antibacterialGrade}`)}` : ''}` }))} />) },
          { title: t('medicines.rx.dose'), render: (_, l, i) => <Space><InputNumber value={l.dose} onChange={(v) => setLine(i, { dose: v ?? undefined })} data-testid={`rx-dose-${i}`} />{l.medicineCode ? byCode.get(l.medicineCode)?.unit : ''}</Space> },
          { title: t('medicines.rx.route'), render: (_, l, i) => <Select style={{ width: 90 }} value={l.route} onChange={(v) => setLine(i, { route: v })} options={ROUTES.map((r) => ({ value: r, label: t(`medicines.route.${r}`) }))} /> },
          { title: t('medicines.rx.frequency'), render: (_, l, i) => <Select style={{ width: 90 }} value={l.frequency} onChange={(v) => setLine(i, { frequency: v })} options={Object.keys(FREQUENCIES).map((f) => ({ value: f, label: f }))} /> },
          { title: t('medicines.rx.days'), render: (_, l, i) => <InputNumber value={l.days} onChange={(v) => setLine(i, { days: v ?? undefined })} data-testid={`rx-days-${i}`} style={{ width: 70 }} /> },
          { title: t('medicines.rx.quantity'), render: (_, l) => { const m = l.medicineCode ? byCode.get(l.medicineCode) : undefined; return m && l.dose && l.frequency && l.days ? quantityFor({ dose: l.dose, frequency: l.frequency, days: l.days }, m.strengthValue) : ''; } },
          { title: '', render: (_, _l, i) => lines.length > 1 && <Button size="small" onClick={() => { setCheck(null); setLines(lines.filter((_x, k) => k !== i)); }}>{t('medicines.rx.remove')}</Button> },
        ]} />
      <Space style={{ margin: '12px 0' }}>
        <Button onClick={() => setLines([...lines, {}])} disabled={!!saved}>{t('medicines.rx.addLine')}</Button>
        <Button onClick={() => checkMut.mutate({ body: body() })} disabled={!complete || !!saved} loading={checkMut.isPending} data-testid="rx-check">{t('medicines.rx.check')}</Button>
        <Button type="primary" disabled={!check || unconfirmed.length > 0 || !!saved} loading={saveMut.isPending} onClick={() => saveMut.mutate({ body: body() })} data-testid="rx-submit">{t('medicines.rx.submit')}</Button>
      </Space>
      {check && !saved && (check.findings.length === 0 ? <Alert type="success" showIcon title={t('medicines.rx.pass')} data-testid="rx-pass" /> : (
        <Alert type={holds ? 'error' : 'warning'} showIcon data-testid="rx-findings" title={holds ? t('medicines.rx.willHold') : t('medicines.rx.reasonNeeded')}
          description={<Space direction="vertical" style={{ width: '100%' }}>
            {check.findings.map((f) => (
              <Space key={f.key} wrap>
                <Tag color={f.verdict === 'hold' ? 'red' : 'gold'}>{t(`medicines.verdict.${f.verdict}`)}</Tag>
                <span data-testid={`finding-${f.key}`}>{f.message[lang]}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{f.source}</Typography.Text>
                {f.rule === 'not_stocked' && f.item != null && <Button size="small" data-testid={`register-shortage-${f.item}`} onClick={() => shortage.mutate({ body: { residentId, medicineCode: lines[f.item!].medicineCode!, quantity: quantityFor({ dose: lines[f.item!].dose!, frequency: lines[f.item!].frequency!, days: lines[f.item!].days! }, byCode.get(lines[f.item!].medicineCode!)!.strengthValue) } })}>{t('medicines.ph.register')}</Button>}
                {f.verdict === 'warn' && <Input size="small" style={{ width: 240 }} placeholder={t('medicines.rx.reason')} value={reasons[f.key] ?? ''} data-testid={`reason-${f.key}`}
                  onChange={(e) => setReasons({ ...reasons, [f.key]: e.target.value })} />}
              </Space>
            ))}
          </Space>} />
      ))}
      {saved && <Alert type={saved.status === 'held' ? 'warning' : 'success'} showIcon data-testid="rx-saved" title={t(saved.status === 'held' ? 'medicines.rx.saved.held' : 'medicines.rx.saved.ready')}
        action={<Button onClick={() => nav('/medicines/prescriptions')}>{t('medicines.menu.dispense')}</Button>} />}
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('medicines.rx.current')}</Typography.Title>
      {current.length === 0 ? <Typography.Text type="secondary">{t('medicines.rx.none')}</Typography.Text> : (
        <List size="small" dataSource={current} renderItem={(c) => (
          <List.Item>{c.genericName} {c.atTwoFacilities && <Tag color="red">{t('medicines.rx.twoFacilities')}</Tag>}
            {c.facilities.map((f) => `${f.name} ${f.dose}${f.unit} ${f.frequency} ${f.startedOn}–${f.endsOn}`).join('；')}</List.Item>)} />
      )}
    </Card>
  );
}

/** The county review centre: held prescriptions with their timers; approve or return with a note. */
export function ReviewCentrePage() {
  const t = useT();
  const wl = useApiQuery('/api/medicines/review');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const decide = useApiMutation('post', '/api/medicines/prescriptions/{id}/review', { invalidates: ['/api/medicines/review', '/api/medicines/prescriptions'] });
  type W = ApiItem<'/api/medicines/review'>;
  return (
    <Card title={t('medicines.menu.review')} extra={<Typography.Text type="secondary">{t('medicines.review.timer', { n: wl.data?.reviewMinutes ?? 30 })}</Typography.Text>}>
      <Table<W> rowKey="id" size="small" loading={wl.isPending} dataSource={wl.data?.items ?? []} locale={{ emptyText: t('medicines.review.empty') }} pagination={false}
        columns={[
          { title: '', width: 110, render: (_, r) => <Tag color={r.overdue ? 'red' : r.minutesLeft < 10 ? 'orange' : 'blue'} data-testid="review-timer">{r.overdue ? t('medicines.review.overdue', { n: -r.minutesLeft }) : t('medicines.review.minutesLeft', { n: r.minutesLeft })}</Tag> },
          { title: t('medicines.list.resident'), render: (_, r) => `${r.residentName ?? ''}` },
          { title: t('medicines.list.facility'), render: (_, r) => r.facility.name },
          { title: t('medicines.list.prescriber'), render: (_, r) => `${r.prescriber}${r.prescriberTitle ? `（${r.prescriberTitle}）` : ''}` },
          { title: t('medicines.list.items'), render: (_, r) => itemsText(r, t) },
          { title: t('medicines.list.findings'), render: (_, r) => <Findings items={r.findings} /> },
          { title: '', width: 280, render: (_, r) => (
            <Space direction="vertical">
              <Input.TextArea rows={2} placeholder={t('medicines.review.note')} value={notes[r.id] ?? ''} onChange={(e) => setNotes({ ...notes, [r.id]: e.target.value })} data-testid={`review-note-${r.id}`} />
              <Space>
                <Button type="primary" size="small" loading={decide.isPending} data-testid="review-approve"
                  onClick={() => decide.mutate({ params: { path: { id: r.id } }, body: { decision: 'approve', note: notes[r.id] || undefined } })}>{t('medicines.review.approve')}</Button>
                <Button danger size="small" disabled={!(notes[r.id] ?? '').trim()} loading={decide.isPending} data-testid="review-return"
                  onClick={() => decide.mutate({ params: { path: { id: r.id } }, body: { decision: 'return', note: notes[r.id] } })}>{t('medicines.review.return')}</Button>
              </Space>
            </Space>) },
        ]} />
    </Card>
  );
}

/** My prescriptions and my facilities': their status, the review's note, and dispensing. */
export function PrescriptionsPage() {
  const t = useT();
  const list = useApiQuery('/api/medicines/prescriptions', {});
  const disp = useApiMutation('post', '/api/medicines/prescriptions/{id}/dispense', { invalidates: ['/api/medicines/prescriptions'] });
  return (
    <Card title={t('medicines.menu.dispense')}>
      <Table<Rx> rowKey="id" size="small" loading={list.isPending} dataSource={list.data?.items ?? []}
        columns={[
          { title: t('medicines.list.created'), render: (_, r) => minuteOf(r.createdAt).slice(5), width: 100 },
          { title: t('medicines.list.resident'), render: (_, r) => r.residentName ?? '' },
          { title: t('medicines.list.facility'), render: (_, r) => r.facility.name },
          { title: t('medicines.list.items'), render: (_, r) => itemsText(r, t) },
          { title: t('medicines.list.findings'), render: (_, r) => <Findings items={r.findings} /> },
          { title: t('medicines.list.note'), dataIndex: 'reviewNote' },
          { title: t('medicines.list.status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]} data-testid={`rx-status-${r.id}`}>{t(`medicines.status.${r.status}`)}</Tag> },
          { title: '', render: (_, r) => r.status === 'ready' && <Button size="small" type="primary" loading={disp.isPending} data-testid={`dispense-${r.id}`}
            onClick={() => disp.mutate({ params: { path: { id: r.id } } })}>{t('medicines.list.dispense')}</Button> },
        ]} />
    </Card>
  );
}

/** Stewardship figures by facility or prescriber over a period. */
export function StewardshipPage() {
  const t = useT();
  const [by, setBy] = useState<'facility' | 'prescriber'>('facility');
  const [range, setRange] = useState<[string, string]>([`${today().slice(0, 7)}-01`, today()]);
  const s = useApiQuery('/api/medicines/stewardship', { params: { query: { from: range[0], to: range[1], by } } });
  type S = ApiItem<'/api/medicines/stewardship'>;
  const { lang } = useLang();
  return (
    <Card title={t('medicines.menu.stewardship')}>
      <Space style={{ marginBottom: 12 }} wrap>
        <DatePicker.RangePicker value={[dayjs(range[0]), dayjs(range[1])]} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])} />
        <Radio.Group optionType="button" value={by} onChange={(e) => setBy(e.target.value)} options={(['facility', 'prescriber'] as const).map((k) => ({ value: k, label: t(`medicines.st.by.${k}`) }))} />
      </Space>
      <Table<S> rowKey="code" size="small" loading={s.isPending} dataSource={s.data?.items ?? []} pagination={false}
        columns={[
          { title: t('medicines.st.unit'), dataIndex: 'name' },
          { title: t('medicines.st.prescriptions'), dataIndex: 'prescriptions' },
          { title: t('medicines.st.antibioticRate'), dataIndex: 'antibioticRate' },
          { title: t('medicines.st.injectionRate'), dataIndex: 'injectionRate' },
          { title: t('medicines.st.essentialShare'), dataIndex: 'essentialShare' },
          { title: t('medicines.st.meanDrugs'), dataIndex: 'meanDrugs' },
        ]} />
      <List size="small" style={{ marginTop: 12 }} dataSource={Object.values(s.data?.definitions ?? {})} renderItem={(d) => <List.Item>{d[lang]}</List.Item>} />
    </Card>
  );
}
