// The commission's dashboard (every target with value, status, sparkline), the indicator explorer
// (township league table, trend with target line, drill-down county → township → facility → team →
// residents), and the data-entry form for indicators that are entered, not computed.
import { useEffect, useMemo, useState } from 'react';
import { Breadcrumb, Button, Card, Form, Input, InputNumber, message, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { keepPreviousData } from '@tanstack/react-query';
import type { paths } from '../../api/schema';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { PROGRAMME_STAFF, TARGET_EDITORS } from '../../../shared/roles';
import { Chart, type ChartOption } from '../../components/chart';
import { today } from '../../../shared/time.ts';
import { numberRule } from '../../components/numbers';
import { downloadFile as download, useApiFetch, useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';
import { minuteOf } from '../../../shared/time';
import { formatValue, MIN_DENOMINATOR } from '../../../modules/indicators/rules';

type Target = ApiData<'/api/indicators/dashboard'>['targets'][number];
type Entry = ApiItem<'/api/indicators/catalogue'>;
type ValueRow = ApiItem<'/api/indicators/values'>;
type Level = ValueRow['level'];
type Code = paths['/api/indicators/values']['get']['parameters']['query']['code'];

const STATUS_COLOR: Record<Target['status'], string> = { met: 'green', on_track: 'blue', at_risk: 'orange', off_track: 'red', no_data: 'default' };
const CMP: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<', range: '' };
/** A value in its unit's precision (rules.ts formatValue); without a unit (numerators, denominators) whole, or to 0.1. */
const fmt = (v: number | null | undefined, unit?: string) => (unit ? formatValue(v, unit) : v == null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));
const thisYear = () => today().slice(0, 4);

const NO_ENTRIES: Entry[] = [];
function useCatalogue() {
  return useApiQuery('/api/indicators/catalogue').data?.items ?? NO_ENTRIES;
}

type Flag = ValueRow['flags'][number];
const FLAG_COLOR: Record<Flag, string> = { implausible: 'red', small_denominator: 'orange', part_period: 'default', not_measurable: 'default' };

/** The data-quality flags of a figure, each with what it means (and the range it left, with its basis). */
function QualityTags({ flags, def }: { flags: Flag[]; def?: Entry }) {
  const t = useT();
  const { lang } = useLang();
  return <>{flags.map((f) => (
    <Tag key={f} color={FLAG_COLOR[f]} style={{ marginLeft: 4 }} data-testid={`flag-${f}`}
      title={t(`indicators.flag.${f}.tip`, { low: def?.plausible?.low ?? '', high: def?.plausible?.high ?? '', basis: def?.plausible?.basis[lang] ?? '', n: MIN_DENOMINATOR })}>{t(`indicators.flag.${f}`)}</Tag>
  ))}</>;
}

function Sparkline({ data }: { data: (number | null)[] }) {
  const option = useMemo<ChartOption>(() => ({ grid: { left: 0, right: 0, top: 2, bottom: 2 }, xAxis: { type: 'category', show: false, data: data.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true }, series: [{ type: 'line', data, symbol: 'none', lineStyle: { width: 1.5 } }] }), [data]);
  return data.length ? <Chart option={option} height={28} /> : <span>—</span>;
}

/** The commission's view: every target of the county with its value, status and sparkline. */
export function IndicatorDashboardPage() {
  const t = useT();
  const { lang } = useLang();
  const { user } = useSession();
  const nav = useNavigate();
  const d = useApiQuery('/api/indicators/dashboard').data ?? null;
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Target | null>(null);
  const catalogue = useCatalogue();
  const [form] = Form.useForm();
  const canEdit = !!user && TARGET_EDITORS.includes(user.role);
  const saved = {
    invalidates: ['/api/indicators/dashboard' as const, '/api/indicators/trend' as const],
    onSuccess: () => { setAdding(false); setEditing(null); form.resetFields(); },
  };
  const update = useApiMutation('put', '/api/indicators/targets/{id}', saved);
  const create = useApiMutation('post', '/api/indicators/targets', saved);
  const submit = async () => {
    const v = await form.validateFields();
    if (editing) update.mutate({ params: { path: { id: editing.id } }, body: { ...v, localityCode: editing.localityCode, valueHigh: v.valueHigh ?? null, version: editing.version } });
    else create.mutate({ body: { ...v, localityCode: d!.county, valueHigh: v.valueHigh ?? null } });
  };
  return (
    <Card title={`${t('indicators.dashboard')} · ${d?.countyName ?? ''}`} data-testid="indicator-dashboard"
      extra={<Space>
        {canEdit && <Button onClick={() => setAdding(true)}>{t('indicators.addTarget')}</Button>}
        <Button onClick={() => download('/api/indicators/targets.xlsx', 'targets.xlsx')}>{t('indicators.exportXlsx')}</Button>
        <Button onClick={() => download('/api/indicators/report.docx', `report-${thisYear()}.docx`)}>{t('indicators.exportReport')}</Button>
        <Button type="primary" onClick={() => nav('/indicators/explore')} data-testid="open-explorer">{t('indicators.explore')}</Button>
      </Space>}>
      <Typography.Paragraph type="secondary">{t('indicators.computedAt')}: {d?.computedAt ? minuteOf(d.computedAt) : '—'}</Typography.Paragraph>
      <Table<Target> rowKey="id" size="small" dataSource={d?.targets ?? []} pagination={false} data-testid="targets-table" columns={[
        { title: t('indicators.indicator'), render: (_, r) => r.indicatorCode ? <Link to={`/indicators/explore?code=${r.indicatorCode}`}>{r.indicatorName?.[lang] ?? r.indicatorCode}</Link> : (r.metric ?? r.text) },
        { title: t('indicators.locality'), dataIndex: 'localityName', width: 90 },
        { title: t('indicators.target'), width: 90, render: (_, r) => r.comparator === 'range' ? `${r.value}–${r.valueHigh} ${r.unit}` : `${CMP[r.comparator]} ${r.value} ${r.unit}` },
        { title: t('indicators.due'), dataIndex: 'dueYear' },
        { title: t('indicators.value'), render: (_, r) => <span>{fmt(r.current, catalogue.find((c) => c.code === r.indicatorCode)?.unit)}{r.source === 'entered' && <Tag style={{ marginLeft: 4 }}>{t('indicators.entered')}</Tag>}<QualityTags flags={r.flags} def={catalogue.find((c) => c.code === r.indicatorCode)} /></span> },
        { title: t('indicators.status'), render: (_, r) => <Tag color={STATUS_COLOR[r.status]} title={t(`indicators.reason.${r.reason}` as 'indicators.reason.past_due')}>{t(`indicators.status.${r.status}`)}</Tag> },
        { title: t('indicators.trend'), width: 140, render: (_, r) => <Sparkline data={r.sparkline} /> },
        { title: t('indicators.sourceText'), render: (_, r) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{[r.planTitle, r.taskTitle, r.text, r.note].filter(Boolean).join('；')}</Typography.Text> },
        ...(canEdit ? [{ title: '', width: 60, render: (_: unknown, r: Target) => r.indicatorCode && <a onClick={() => {
          setEditing(r);
          form.setFieldsValue({ indicatorCode: r.indicatorCode, comparator: r.comparator, value: r.value, valueHigh: r.valueHigh, unit: r.unit, dueYear: r.dueYear, text: r.text });
          setAdding(true);
        }}>{t('indicators.edit')}</a> }] : []),
      ]} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }} data-testid="status-rule">{t('indicators.rule')}: {d?.rule[lang]}</Typography.Paragraph>
      <Modal open={adding} title={t(editing ? 'indicators.edit' : 'indicators.addTarget')} onOk={submit} confirmLoading={update.isPending || create.isPending} onCancel={() => { setAdding(false); setEditing(null); form.resetFields(); }}>
        <Form form={form} layout="vertical" initialValues={{ comparator: '>=', unit: '%', dueYear: Number(thisYear()) }}>
          <Form.Item name="indicatorCode" label={t('indicators.indicator')} rules={[{ required: true }]}><Select showSearch optionFilterProp="label" options={catalogue.map((c) => ({ value: c.code, label: c.name[lang] }))} /></Form.Item>
          <Space>
            <Form.Item name="comparator" label={t('indicators.comparator')}><Select style={{ width: 90 }} options={['>=', '<=', '=', '>', '<', 'range'].map((c) => ({ value: c, label: CMP[c] || t('indicators.range') }))} /></Form.Item>
            <Form.Item name="value" label={t('indicators.target')} rules={[{ required: true }]}><InputNumber /></Form.Item>
            <Form.Item name="valueHigh" label={t('indicators.upper')}><InputNumber /></Form.Item>
            <Form.Item name="unit" label={t('indicators.unit')}><Input style={{ width: 70 }} /></Form.Item>
            <Form.Item name="dueYear" label={t('indicators.due')} rules={[numberRule(t, t('indicators.due'), { min: 2000, max: 2100, integer: true })]}><InputNumber /></Form.Item>
          </Space>
          <Form.Item name="text" label={t('indicators.sourceText')}><Input.TextArea rows={2} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

const NO_ROWS: ValueRow[] = [];
const NEXT: Partial<Record<Level, Level>> = { county: 'township', township: 'facility', facility: 'team' };

/** One indicator: the league table of the units below the current one, the trend with the target line, drill-down. */
export function IndicatorExplorerPage() {
  const t = useT();
  const { lang } = useLang();
  const { user } = useSession();
  const catalogue = useCatalogue();
  const [params, setParams] = useSearchParams();
  const code = (params.get('code') ?? 'htn_control_rate') as Code;
  const def = catalogue.find((c) => c.code === code);
  const [period, setPeriod] = useState(thisYear());
  // The path drilled: [{level, unit, name}], starting at the county.
  const [path, setPath] = useState<{ level: Level; unit: string; name: string }[]>([]);
  const [people, setPeople] = useState<{ title: string; items: { residentId: string; name: string; age: number; villageName: string; inNumerator: boolean }[] } | null>(null);
  const fetchApi = useApiFetch();
  // The drill path starts at the county's row of the indicator and period.
  const county = useApiQuery('/api/indicators/values', { params: { query: { code, period, level: 'county' } } });
  useEffect(() => {
    if (!county.data && !county.isError) return;
    const c = county.data?.items[0];
    setPath(c ? [{ level: 'county', unit: c.unitId, name: c.name }] : []);
  }, [county.data, county.isError]);
  const here = path[path.length - 1] as (typeof path)[number] | undefined;
  const childLevel = here ? NEXT[here.level] : undefined;
  const cut = childLevel && def?.levels.includes(childLevel) ? childLevel : undefined;
  const unit = here?.unit ?? '';
  const below = useApiQuery('/api/indicators/values', { params: { query: { code, period, level: cut ?? 'township', parent: unit } } }, { enabled: !!here && !!cut, placeholderData: keepPreviousData });
  const rows = (here && cut && below.data?.items) || NO_ROWS;
  const tr = useApiQuery('/api/indicators/trend', { params: { query: { code, level: here?.level ?? 'county', unit, months: 24 } } }, { enabled: !!here }).data ?? null;
  // At the county: the medical communities and the county's own facilities (hospitals have no township), where the indicator is cut so.
  const atCounty = here?.level === 'county' && !!def;
  const communities = useApiQuery('/api/indicators/values', { params: { query: { code, period, level: 'community', parent: unit } } }, { enabled: atCounty && def.levels.includes('community') });
  const facilities = useApiQuery('/api/indicators/values', { params: { query: { code, period, level: 'facility', parent: unit } } }, { enabled: atCounty && def.levels.includes('facility') });
  const extra = useMemo(() => (atCounty ? [...(def.levels.includes('community') ? communities.data?.items ?? [] : []), ...(def.levels.includes('facility') ? facilities.data?.items ?? [] : [])] : NO_ROWS),
    [atCounty, def, communities.data, facilities.data]);
  const target = tr?.targets.find((x) => x.indicatorCode === code);
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' && def ? formatValue(v, def.unit) : String(v ?? '—')) }, grid: { left: 50, right: 80, top: 30, bottom: 30 },
    // A month not yet over is drawn hollow and grey, and named so on the axis: a figure so far, not a fall;
    // a month the rule cannot judge yet has no point and is named so.
    xAxis: { type: 'category', data: (tr?.months ?? []).map((m) => {
      const f = m.flags.find((x) => x === 'not_measurable' || x === 'part_period');
      return f ? `${m.period}（${t(`indicators.flag.${f}`)}）` : m.period;
    }) }, yAxis: { type: 'value', scale: true },
    series: [{ name: def?.name[lang], type: 'line', smooth: true,
      data: (tr?.months ?? []).map((m) => (m.flags.includes('part_period') ? { value: m.value, symbol: 'emptyCircle', symbolSize: 9, itemStyle: { color: '#999' } } : m.value)),
      markLine: target ? { symbol: 'none', lineStyle: { type: 'dashed', color: '#cf1322' }, label: { formatter: `${t('indicators.target')} ${CMP[target.comparator] ?? ''}${target.value}` }, data: [{ yAxis: target.value }] } : undefined }],
  }), [tr, def, lang, t]);
  const league = useMemo<ChartOption>(() => ({
    tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' && def ? formatValue(v, def.unit) : String(v ?? '—')) }, grid: { left: 50, right: 10, top: 10, bottom: 70 }, xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 35 } }, yAxis: { type: 'value' },
    series: [{ type: 'bar', barMaxWidth: 48, data: rows.map((r) => r.value) }],
  }), [rows, def]);
  const canPeople = !!user && PROGRAMME_STAFF.includes(user.role) && def?.drillToResidents;
  const openPeople = async (r: ValueRow) => {
    const x = await fetchApi('/api/indicators/residents', { params: { query: { code, period, level: r.level as 'township', unit: r.unitId, part: 'denominator' } } });
    if (x) setPeople({ title: `${r.name} · ${def?.name[lang]}`, items: x.items });
  };
  const years = [0, 1, 2].map((k) => String(Number(thisYear()) - k));
  const now = today().slice(0, 7);
  const months = Array.from({ length: 12 }, (_, i) => `${thisYear()}-${String(i + 1).padStart(2, '0')}`).filter((m) => m <= now);
  const quarters = [1, 2, 3, 4].map((q) => `${thisYear()}-Q${q}`).filter((q) => `${thisYear()}-${String(Number(q.slice(-1)) * 3 - 2).padStart(2, '0')}` <= now);
  return (
    <Card title={t('indicators.explore')} data-testid="indicator-explorer" extra={<Space>
      <Select data-testid="pick-indicator" showSearch optionFilterProp="label" style={{ width: 320 }} value={code} onChange={(v) => setParams({ code: v })}
        options={catalogue.map((c) => ({ value: c.code, label: `${c.name[lang]}${c.source === 'entered' ? ` (${t('indicators.entered')})` : ''}` }))} />
      <Select style={{ width: 180 }} value={period} onChange={setPeriod} options={[...years, ...quarters, ...months].map((p) => ({ value: p, label: p === thisYear() ? `${p}（${t('indicators.toDate')}）` : p }))} />
      {here && cut && <Button onClick={() => download('/api/indicators/values.xlsx', `${code}-${period}.xlsx`, { code, period, level: cut, parent: here.unit })}>{t('indicators.exportXlsx')}</Button>}
    </Space>}>
      {def && <Typography.Paragraph type="secondary" data-testid="definition">{def.definition[lang]}（{def.unitLabel[lang]}；{t(def.betterWhen === 'higher' ? 'indicators.higher' : 'indicators.lower')}）</Typography.Paragraph>}
      <Breadcrumb data-testid="drill-path" items={path.map((p, i) => ({ title: i < path.length - 1 ? <a onClick={() => setPath(path.slice(0, i + 1))}>{p.name}</a> : p.name }))} />
      <Typography.Title level={5}>{t('indicators.trend')}{target ? ` · ${t('indicators.target')} ${CMP[target.comparator] ?? ''}${target.value}${target.unit}（${target.dueYear}）` : ''}</Typography.Title>
      <Chart option={option} height={260} testId="trend-chart" />
      {cut && <>
        <Typography.Title level={5}>{t('indicators.league')} · {t(`indicators.level.${cut}`)}</Typography.Title>
        <Chart option={league} height={220} testId="league-chart" />
        {(cut === 'facility' || cut === 'team') && def?.drillToResidents && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('indicators.byTeamNote')}</Typography.Paragraph>}
        <Table<ValueRow> rowKey="unitId" size="small" dataSource={rows} pagination={false} data-testid="league-table" columns={[
          { title: '#', width: 50, render: (_, __, i) => i + 1 },
          { title: t(`indicators.level.${cut}`), render: (_, r) => NEXT[r.level] && def?.levels.includes(NEXT[r.level]!)
            ? <a data-testid="drill" onClick={() => setPath([...path, { level: r.level, unit: r.unitId, name: r.name }])}>{r.name}</a> : r.name },
          { title: t('indicators.value'), render: (_, r) => <span>{fmt(r.value, def?.unit)}{r.source === 'entered' && <Tag style={{ marginLeft: 4 }}>{t('indicators.entered')}</Tag>}<QualityTags flags={r.flags} def={def} /></span> },
          { title: t('indicators.numerator'), render: (_, r) => fmt(r.numerator) }, { title: t('indicators.denominator'), render: (_, r) => fmt(r.denominator) },
          ...(canPeople ? [{ title: t('indicators.residents'), render: (_: unknown, r: ValueRow) => <a onClick={() => openPeople(r)}>{t('indicators.residents')}</a> }] : []),
        ]} />
      </>}
      {extra.length > 0 && <>
        <Typography.Title level={5}>{t('indicators.level.community')} / {t('indicators.countyFacilities')}</Typography.Title>
        <Table<ValueRow> rowKey="unitId" size="small" dataSource={extra} pagination={false} data-testid="county-units" columns={[
          { title: t('indicators.levelLabel'), render: (_, r) => t(`indicators.level.${r.level}`) }, { title: t('indicators.unitLabel'), dataIndex: 'name' },
          { title: t('indicators.value'), render: (_, r) => <span>{fmt(r.value, def?.unit)}<QualityTags flags={r.flags} def={def} /></span> }, { title: t('indicators.numerator'), render: (_, r) => fmt(r.numerator) }, { title: t('indicators.denominator'), render: (_, r) => fmt(r.denominator) },
        ]} />
      </>}
      {!cut && here && canPeople && here.level !== 'county' && <Button onClick={() => openPeople({ level: here.level, unitId: here.unit, name: here.name } as ValueRow)}>{t('indicators.residents')}</Button>}
      <Modal open={!!people} title={people?.title} footer={null} onCancel={() => setPeople(null)} width={720}>
        <Table size="small" rowKey="residentId" dataSource={people?.items ?? []} pagination={{ pageSize: 10 }} columns={[
          { title: t('indicators.name'), render: (_, x) => <Link to={`/records/${x.residentId}`}>{x.name}</Link> }, { title: t('indicators.age'), dataIndex: 'age' },
          { title: t('indicators.village'), dataIndex: 'villageName' }, { title: t('indicators.inNumerator'), render: (_, x) => (x.inNumerator ? '✓' : '') },
        ]} />
      </Modal>
    </Card>
  );
}

/** Data entry for indicators the platform cannot compute (as DHIS2's data sets): value per period and unit, with who and when. */
export function IndicatorEntryPage() {
  const t = useT();
  const { lang } = useLang();
  const catalogue = useCatalogue().filter((c) => c.source === 'entered');
  const units = useApiQuery('/api/indicators/entry-units').data ?? null;
  const [form] = Form.useForm();
  const code = Form.useWatch('code', form) as Code | undefined;
  const period = Form.useWatch('period', form);
  const level = Form.useWatch('level', form) as 'county' | 'township' | 'facility' | undefined;
  // The values already entered for the indicator, period and level chosen (once the period is well formed).
  const ready = !!code && !!level && typeof period === 'string' && /^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/.test(period);
  const entered = useApiQuery('/api/indicators/values', { params: { query: { code: code ?? 'satisfaction', period: String(period ?? ''), level: level ?? 'county' } } }, { enabled: ready, placeholderData: keepPreviousData });
  const rows = entered.data?.items ?? NO_ROWS;
  const save = useApiMutation('post', '/api/indicators/entries', {
    invalidates: ['/api/indicators/values', '/api/indicators/dashboard', '/api/indicators/trend'],
    onSuccess: () => { message.success(t('indicators.saved')); },
  });
  const submit = async () => {
    const v = await form.validateFields();
    save.mutate({ body: v });
  };
  return (
    <Card title={t('indicators.entry')}>
      <Form form={form} layout="inline" initialValues={{ period: thisYear(), level: 'county' }} onFinish={submit}>
        <Form.Item name="code" label={t('indicators.indicator')} rules={[{ required: true }]}><Select style={{ width: 240 }} options={catalogue.map((c) => ({ value: c.code, label: c.name[lang] }))} /></Form.Item>
        <Form.Item name="period" label={t('indicators.period')} rules={[{ required: true, pattern: /^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/ }]}><Input style={{ width: 110 }} placeholder="2025 / 2025-Q1 / 2025-03" /></Form.Item>
        <Form.Item name="level" label={t('indicators.levelLabel')}><Select style={{ width: 120 }} options={(['county', 'township', 'facility'] as const).map((l) => ({ value: l, label: t(`indicators.level.${l}`) }))} /></Form.Item>
        <Form.Item name="unitId" label={t('indicators.unitLabel')} rules={[{ required: true }]}><Select style={{ width: 220 }} showSearch optionFilterProp="label" options={(units?.[level ?? 'county'] ?? []).map((u) => ({ value: u.id, label: u.name }))} /></Form.Item>
        <Form.Item name="value" label={t('indicators.value')} rules={[{ required: true }]}><InputNumber /></Form.Item>
        <Form.Item name="note" label={t('indicators.note')}><Input style={{ width: 220 }} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>{t('indicators.save')}</Button>
        {code && period && level && <Button style={{ marginLeft: 8 }} onClick={() => download('/api/indicators/values.xlsx', `${code}-${period}.xlsx`, { code, period, level })}>{t('indicators.exportXlsx')}</Button>}
      </Form>
      <Table<ValueRow> style={{ marginTop: 16 }} rowKey="unitId" size="small" dataSource={rows} pagination={false} columns={[
        { title: t('indicators.unitLabel'), dataIndex: 'name' }, { title: t('indicators.value'), render: (_, r) => fmt(r.value) },
        { title: t('indicators.enteredBy'), dataIndex: 'enteredBy' }, { title: t('indicators.at'), render: (_, r) => minuteOf(r.at) },
        { title: t('indicators.note'), dataIndex: 'note' },
      ]} />
    </Card>
  );
}
