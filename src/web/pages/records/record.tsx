import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, AutoComplete, Button, Card, Col, Empty, Input, List, Modal, Result, Row, Space, Spin, Tabs, Tag, Timeline, Typography } from 'antd';
import type { ApiErrorBody } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { Chart, type ChartOption } from '../../components/chart';
import { PRIORITY_GROUP_LABELS, type PriorityGroup } from '../../../modules/registry/rules';
import { BASIS_LABELS_UI, ENCOUNTER_KIND_LABELS } from './labels';
import { EncounterForm } from './encounter-form';
import { showError, useApiFetch, useApiMutation, useApiQuery, useInvalidate, type ApiData } from '../../api/hooks';
import { minuteOf } from '../../../shared/time';
import { MEDICINE_PRESCRIBERS } from '../../../shared/roles';
import { useSession } from '../../session';

type TimelineData = ApiData<'/api/records/{residentId}/timeline'>;

/** UCUM units as people write them. */
const unitText = (u: string) => ({ 'mm[Hg]': 'mmHg', '/min': '次/分', Cel: '℃', 'kg/m2': 'kg/m²' })[u] ?? u;

const fmt = minuteOf;

/** Finds a resident in the index and opens their record. */
export function RecordSearch() {
  const t = useT();
  const nav = useNavigate();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const fetchApi = useApiFetch();
  const search = async (q: string) => {
    if (q.trim().length < 1) return setOptions([]);
    const r = await fetchApi('/api/residents', { params: { query: { q, pageSize: 10 } } });
    setOptions((r?.items ?? []).map((x) => ({ value: x.id, label: `${x.name}  ${x.sex === 'M' ? '男' : '女'} ${x.age}岁  ${x.villageName}  ${x.idNumberMasked}` })));
  };
  return (
    <Card title={t('records.menu.records')}>
      <AutoComplete style={{ width: '100%', maxWidth: 640 }} options={options} onSearch={search} onSelect={(id: string) => nav(`/records/${id}`)}>
        <Input.Search placeholder={t('records.record.search')} size="large" data-testid="record-search" />
      </AutoComplete>
    </Card>
  );
}

/** A resident's record for a health worker (or the resident): summary, timeline, trends. */
export function RecordPage({ residentId: fixedId }: { residentId?: string }) {
  const params = useParams();
  const residentId = fixedId ?? params.residentId!;
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const { user } = useSession();
  const [bgOpen, setBgOpen] = useState(false);
  const [bgReason, setBgReason] = useState('');
  const [encOpen, setEncOpen] = useState(false);
  const fetchApi = useApiFetch();
  const invalidate = useInvalidate();

  // "Not found" (missing or outside the caller's basis) is drawn as the page, with break-glass; any other failure is shown.
  const summaryQ = useApiQuery('/api/records/{residentId}/summary', { params: { path: { residentId } } }, { meta: { ownError: true } });
  useEffect(() => {
    if (summaryQ.error && (summaryQ.error as Partial<ApiErrorBody>).error?.code !== 'record.not_found') showError(summaryQ.error);
  }, [summaryQ.error]);
  const summary = summaryQ.data ?? null;
  const first = useApiQuery('/api/records/{residentId}/timeline', { params: { path: { residentId }, query: { limit: 30 } } }, { enabled: !!summary });
  const trendsQ = useApiQuery('/api/records/{residentId}/trends', { params: { path: { residentId }, query: { codes: '8480-6,8462-4,1558-6,29463-7' } } }, { enabled: !!summary });
  const trends = trendsQ.data ?? null;
  // Older pages of the timeline, read with "more"; the first page read again starts over.
  const [older, setOlder] = useState<TimelineData | null>(null);
  useEffect(() => setOlder(null), [first.data]);
  const timeline: TimelineData | null = first.data ? (older ? { ...older, encounters: [...first.data.encounters, ...older.encounters] } : first.data) : null;
  const state = summaryQ.isPending || (summary && (first.isPending || trendsQ.isPending)) ? 'loading' : summary ? 'ok' : 'notfound';

  const more = async () => {
    if (!timeline?.nextBefore) return;
    const r = await fetchApi('/api/records/{residentId}/timeline', { params: { path: { residentId }, query: { limit: 30, before: timeline.nextBefore } } });
    if (r) setOlder({ ...r, encounters: [...(older?.encounters ?? []), ...r.encounters] });
  };
  const recordRoutes = ['/api/records/{residentId}/summary', '/api/records/{residentId}/timeline', '/api/records/{residentId}/trends'] as const;
  const breakGlass = useApiMutation('post', '/api/records/{residentId}/break-glass', { invalidates: [...recordRoutes], onSuccess: () => setBgOpen(false) });

  const bpOption = useMemo<ChartOption | null>(() => {
    const sbp = trends?.series.find((s) => s.code === '8480-6');
    const dbp = trends?.series.find((s) => s.code === '8462-4');
    if (!sbp?.points.length) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, right: 10, data: [t('records.record.systolic'), t('records.record.diastolic')] },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 'mmHg', min: 40 },
      series: [
        { name: t('records.record.systolic'), type: 'line', data: sbp.points.map((p) => [p.at, p.value]), markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#d4380d' }, data: [{ yAxis: 140 }] } },
        { name: t('records.record.diastolic'), type: 'line', data: (dbp?.points ?? []).map((p) => [p.at, p.value]), markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#fa8c16' }, data: [{ yAxis: 90 }] } },
      ],
    };
  }, [trends, lang]);
  const glucoseOption = useMemo<ChartOption | null>(() => {
    const g = trends?.series.find((s) => s.code === '1558-6');
    if (!g?.points.length) return null;
    return {
      tooltip: { trigger: 'axis' }, grid: { left: 40, right: 20, top: 30, bottom: 30 }, xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'mmol/L' },
      series: [{ name: t('records.record.glucose'), type: 'line', data: g.points.map((p) => [p.at, p.value]), markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed' }, data: [{ yAxis: 7.0 }] } }],
    };
  }, [trends, lang]);

  if (state === 'loading') return <Spin style={{ width: '100%', marginTop: 80 }} />;
  if (state === 'notfound' || !summary) {
    return (
      <Card>
        <Result status="404" title={<span data-testid="record-not-found">{t('records.record.notFound')}</span>} subTitle={t('records.record.notFoundHint')}
          extra={fixedId ? null : <Button danger onClick={() => setBgOpen(true)} data-testid="break-glass">{t('records.record.breakGlass')}</Button>} />
        <Modal open={bgOpen} title={t('records.record.breakGlass')} onCancel={() => setBgOpen(false)} okButtonProps={{ danger: true, disabled: bgReason.trim().length < 4 }}
          confirmLoading={breakGlass.isPending} onOk={() => breakGlass.mutate({ params: { path: { residentId } }, body: { reason: bgReason } })}>
          <Typography.Paragraph type="secondary">{t('records.record.breakGlassReason')}</Typography.Paragraph>
          <Input.TextArea rows={3} value={bgReason} onChange={(e) => setBgReason(e.target.value)} />
        </Modal>
      </Card>
    );
  }
  const s = summary;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card size="small">
        <Space wrap size="middle" align="center">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="record-name">{s.resident.name}</Typography.Title>
          <span>{t(s.resident.sex === 'M' ? 'registry.sex.M' : 'registry.sex.F')} · {t('records.record.ageYears', { age: s.resident.age })}</span>
          <Typography.Text type="secondary">{s.resident.idNumberMasked}</Typography.Text>
          <span>{s.resident.townshipName} {s.resident.villageName}</span>
          {s.resident.priorityGroups.map((g) => <Tag key={g} color="orange">{PRIORITY_GROUP_LABELS[g as PriorityGroup]?.[lang] ?? g}</Tag>)}
          <Tag color="blue" data-testid="record-basis">{t('records.record.basis')}：{BASIS_LABELS_UI[s.basis]?.[lang] ?? s.basis}</Tag>
          {!fixedId && s.part === 'all' && <Button size="small" type="primary" onClick={() => setEncOpen(true)} data-testid="new-encounter">{t('records.record.recordEncounter')}</Button>}
          {!fixedId && s.part === 'all' && user && MEDICINE_PRESCRIBERS.includes(user.role) && <Button size="small" onClick={() => nav(`/medicines/prescribe/${residentId}`)} data-testid="record-prescribe">{t('medicines.menu.prescribe')}</Button>}
        </Space>
      </Card>
      {s.part === 'public_health' && <Alert type="info" showIcon title={t('records.record.publicHealthOnly')} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('records.record.problems')}>
            {s.activeProblems.length ? s.activeProblems.map((p) => <div key={p.icd10}><Tag>{p.icd10}</Tag>{lang === 'zh' ? p.nameZh : p.nameEn}</div>) : t('records.record.none')}
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('records.record.medications')}>
            {s.medications.length ? s.medications.slice(0, 8).map((m, i) => <div key={i}>{m.drugName} {m.dose ?? ''} {m.frequency ?? ''} {m.antibacterialClass && <Tag color="red">抗菌药</Tag>}</div>) : t('records.record.none')}
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('records.record.vitals')}>
            {s.lastVitals.length ? s.lastVitals.map((v) => <div key={v.code}>{lang === 'zh' ? v.nameZh : v.nameEn}：<b style={{ color: v.flag === 'H' ? '#cf1322' : v.flag === 'L' ? '#096dd9' : undefined }}>{v.value}</b> {unitText(v.unit)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{fmt(v.observedAt).slice(0, 10)}</Typography.Text></div>) : t('records.record.none')}
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card size="small" title={t('records.record.contract')}>
            {s.contract ? <div>{s.contract.teamName}<br />{s.contract.facilityName}<br />{s.contract.startsOn} ~ {s.contract.endsOn}</div> : t('records.record.noContract')}
            <div style={{ marginTop: 8 }}>{t('records.record.allergies')}：{s.allergies.length ? s.allergies.map((a) => a.substance).join('、') : t('records.record.none')}</div>
            <div>{t('records.record.programmes')}：{s.programmes.length ? s.programmes.map((p) => <Tag key={p}>{PRIORITY_GROUP_LABELS[p as PriorityGroup]?.[lang] ?? p}</Tag>) : t('records.record.none')}</div>
          </Card>
        </Col>
      </Row>
      <Card size="small">
        <Tabs items={[
          { key: 'trends', label: t('records.record.trends'), children: (
            <div data-testid="bp-chart-wrap">
              <Typography.Text strong>{t('records.record.bp')}</Typography.Text>
              {bpOption ? <Chart option={bpOption} testId="bp-chart" /> : <Empty />}
              {glucoseOption && <><Typography.Text strong>{t('records.record.glucose')}</Typography.Text><Chart option={glucoseOption} height={240} /></>}
            </div>) },
          { key: 'timeline', label: t('records.record.timeline'), children: (
            <div data-testid="timeline">
              <Timeline items={(timeline?.encounters ?? []).map((e) => ({
                color: e.kind === 'inpatient' ? 'red' : e.kind === 'follow_up' ? 'green' : 'blue',
                children: (
                  <div>
                    <b>{fmt(e.startedAt)}</b> <Tag>{ENCOUNTER_KIND_LABELS[e.kind]?.[lang] ?? e.kind}</Tag>{e.facilityName}{e.department ? ` · ${e.department}` : ''}{e.workerName ? ` · ${e.workerName}` : ''}
                    {e.diagnoses.length > 0 && <div>{e.diagnoses.map((d) => <Tag key={d.id} color="purple">{d.icd10} {lang === 'zh' ? d.nameZh : d.nameEn}</Tag>)}</div>}
                    {e.observations.length > 0 && <div style={{ color: '#555' }}>{e.observations.map((o) => `${lang === 'zh' ? o.nameZh : o.nameEn} ${o.value}${unitText(o.unit)}`).join('，')}</div>}
                    {e.prescriptions.length > 0 && <div style={{ color: '#555' }}>℞ {e.prescriptions.map((p) => p.drugName).join('、')}</div>}
                  </div>
                ),
              }))} />
              {timeline?.nextBefore && <Button onClick={more}>{t('records.record.more')}</Button>}
              {(timeline?.immunisations.length ?? 0) > 0 && (
                <List size="small" header={t('records.record.immunisations')} dataSource={timeline!.immunisations} renderItem={(i) => <List.Item>{i.givenOn} {i.vaccine} 第{i.doseNumber}剂</List.Item>} />
              )}
            </div>) },
        ]} />
      </Card>
      <EncounterForm residentId={residentId} open={encOpen} onClose={() => setEncOpen(false)} onSaved={() => { setEncOpen(false); void invalidate(...recordRoutes); }} />
    </Space>
  );
}
