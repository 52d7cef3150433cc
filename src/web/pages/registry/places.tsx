import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Select, Space, Table, Tag, Tree, Typography, Upload } from 'antd';
import type { TreeDataNode } from 'antd';
import type { ApiErrorBody } from '../../api/client';
import { showError, useApiFetch, useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';
import { useLang, useT, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { POPULATION_EDITORS, REGION_IMPORTERS } from '../../../shared/roles';
import { NumberProblem, numberProblem } from '../../components/numbers';
import { FACILITY_KIND_LABELS, GRADE_LABELS, WORKER_TYPE_LABELS, type FacilityKind } from '../../../modules/registry/rules';

type Facility = ApiData<'/api/facilities/{code}'>['facility'];
type Region = ApiItem<'/api/regions'>;
type Worker = ApiData<'/api/workers/{id}'>['worker'];
const TIERS = ['city', 'county', 'township', 'village'] as const;
const tierKey = (t: string) => `registry.tier.${t}` as MessageKey;

/** The region tree with permanent population; officers set a year's figure; administrators import CSV. */
export function RegionsPage() {
  const t = useT();
  const { user } = useSession();
  const { message } = App.useApp();
  const fetchApi = useApiFetch();
  const [children, setChildren] = useState<Record<string, Region[]>>({});
  const [sel, setSel] = useState<Region | null>(null);
  const [pop, setPop] = useState<number | null>(null);
  const [problems, setProblems] = useState<{ path: string; problem: string }[] | null>(null);
  const roots = useApiQuery('/api/regions').data?.items ?? [];
  const popProblem = numberProblem(t, t('registry.reg.populationThisYear', { year: new Date().getFullYear() }), pop, { min: 0, integer: true });
  const nodes = (items: Region[]): TreeDataNode[] => items.map((r) => ({
    key: r.code, isLeaf: r.children === 0,
    title: <span data-region={r.code}>{r.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`registry.level.${r.level}` as MessageKey)}{r.population != null ? ` · ${r.population.toLocaleString()}${t('registry.reg.people')} (${r.populationYear})` : ''}</Typography.Text></span>,
    children: children[r.code] ? nodes(children[r.code]) : undefined,
    data: r,
  } as TreeDataNode & { data: Region }));
  // A branch's children are read when it is opened, through the same cache as the roots.
  const loadChildren = async (node: TreeDataNode) => {
    const parent = String(node.key);
    const kids = await fetchApi('/api/regions', { params: { query: { parent } } });
    if (kids) setChildren((c) => ({ ...c, [parent]: kids.items }));
  };
  const savePop = useApiMutation('put', '/api/regions/{code}/population', { invalidates: ['/api/regions'], onSuccess: () => { setChildren({}); message.success(t('registry.reg.saved')); } });
  const importMut = useApiMutation('post', '/api/regions/import', {
    invalidates: ['/api/regions'],
    // A file with problems is answered with every bad line: the page lists them instead of one message.
    meta: { ownError: true },
    onError: (err) => { const e = err as Partial<ApiErrorBody>; if (e.error?.fields) setProblems(e.error.fields); else showError(err); },
    onSuccess: (d) => { setChildren({}); message.success(t('registry.reg.imported', { n: d.imported })); },
  });
  const importCsv = async (file: File) => {
    setProblems(null);
    importMut.mutate({ body: { csv: await file.text() } });
    return false;
  };
  return (
    <Card title={t('registry.reg.title')} extra={!!user && REGION_IMPORTERS.includes(user.role) && <Upload accept=".csv" showUploadList={false} beforeUpload={importCsv}><Button>{t('registry.reg.import')}</Button></Upload>}>
      {problems && <Alert type="error" showIcon title={t('registry.reg.fileProblems')} style={{ marginBottom: 12 }}
        description={<Table size="small" pagination={false} rowKey={(p) => p.path} dataSource={problems} columns={[{ title: t('registry.reg.where'), dataIndex: 'path' }, { title: t('registry.reg.problem'), dataIndex: 'problem' }]} />} />}
      <Space align="start" wrap>
        <Tree loadData={loadChildren} treeData={nodes(roots)} onSelect={(_, e) => setSel((e.node as unknown as { data: Region }).data)} style={{ minWidth: 360 }} data-testid="region-tree" />
        {sel && !!user && POPULATION_EDITORS.includes(user.role) && (
          <Card size="small" title={`${sel.name} ${sel.code}`}>
            <Space align="start"><Space direction="vertical" size={0}>
              <InputNumber placeholder={t('registry.reg.populationThisYear', { year: new Date().getFullYear() })} onChange={(v) => setPop(v == null ? null : Number(v))} status={popProblem ? 'error' : undefined} />
              <NumberProblem problem={popProblem} /></Space>
              <Button onClick={() => pop != null && !popProblem && savePop.mutate({ params: { path: { code: sel.code } }, body: { year: new Date().getFullYear(), population: pop } })}>{t('registry.reg.save')}</Button></Space>
          </Card>
        )}
      </Space>
    </Card>
  );
}

/** Facilities in scope with filters. */
export function FacilitiesPage() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [tier, setTier] = useState<(typeof TIERS)[number] | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const data = useApiQuery('/api/facilities', { params: { query: { tier, q: q || undefined, page, pageSize: 20 } } }).data ?? { items: [], total: 0 };
  return (
    <Card title={t('registry.fac.title')}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select allowClear placeholder={t('registry.fac.tier')} style={{ width: 140 }} onChange={(v) => { setTier(v); setPage(1); }} options={TIERS.map((value) => ({ value, label: t(tierKey(value)) }))} />
        <Input.Search placeholder={t('registry.fac.search')} onSearch={(v) => { setQ(v); setPage(1); }} allowClear />
      </Space>
      <Table<Facility> rowKey="code" dataSource={data.items} size="small" data-testid="facility-list" pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage }}
        onRow={(f) => ({ onClick: () => nav(`/registry/facilities/${f.code}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('registry.fac.code'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> }, { title: t('registry.fac.name'), dataIndex: 'name' },
          { title: t('registry.fac.tier'), render: (_, f) => t(tierKey(f.tier)) }, { title: t('registry.fac.kind'), render: (_, f) => FACILITY_KIND_LABELS[f.kind as FacilityKind][lang] },
          { title: t('registry.fac.grade'), render: (_, f) => GRADE_LABELS[f.grade as keyof typeof GRADE_LABELS] }, { title: t('registry.fac.beds'), dataIndex: 'beds' },
          { title: t('registry.fac.region'), dataIndex: 'regionName' }, { title: t('registry.fac.community'), render: (_, f) => f.community?.name ?? '—' },
        ]} />
    </Card>
  );
}

/** One facility with its attributes and community. */
export function FacilityDetailPage() {
  const { code } = useParams() as { code: string };
  const t = useT();
  const { lang } = useLang();
  const f = useApiQuery('/api/facilities/{code}', { params: { path: { code } } }).data?.facility;
  if (!f) return <Card loading />;
  return (
    <Card title={<span data-testid="facility-name">{f.name}</span>}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('registry.fac.facilityCode')}>{f.code}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.tierKind')}>{t(tierKey(f.tier))} · {FACILITY_KIND_LABELS[f.kind as FacilityKind][lang]}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.grade')}>{GRADE_LABELS[f.grade as keyof typeof GRADE_LABELS]}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.region')}>{f.regionName} ({f.regionCode})</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.parent')}>{f.parentFacilityCode ? <Link to={`/registry/facilities/${f.parentFacilityCode}`}>{f.parentFacilityName}</Link> : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.beds')}>{f.beds}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.standard')}>{t(`registry.fac.standard.${f.capabilityStandard ?? 'none'}`)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.hospitalSubcentre')}>{f.communityHospital ? <Tag color="green">{t('registry.fac.communityHospital')}</Tag> : null}{f.countySubcentre ? <Tag color="blue">{t('registry.fac.subcentre')}</Tag> : null}{!f.communityHospital && !f.countySubcentre ? '—' : null}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.openedClosed')}>{f.openedOn ?? '—'} / {f.closedOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.fac.community')}>{f.community ? <Link to={`/registry/communities/${f.community.id}`}>{f.community.name}</Link> : '—'}{f.community ? ` (${f.community.joinedOn})` : ''}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** Medical communities and one community's members. */
export function CommunitiesPage() {
  const { id } = useParams();
  return id ? <CommunityDetail id={id} /> : <CommunityList />;
}

function CommunityList() {
  const t = useT();
  const nav = useNavigate();
  const list = useApiQuery('/api/communities').data?.items ?? [];
  return (
    <Card title={t('registry.com.title')}>
      <Table rowKey="id" dataSource={list} size="small" onRow={(x) => ({ onClick: () => nav(`/registry/communities/${x.id}`), style: { cursor: 'pointer' } })} columns={[
        { title: t('registry.com.name'), dataIndex: 'name' }, { title: t('registry.com.kind'), render: (_, x) => t(`registry.com.kind.${x.kind}`) },
        { title: t('registry.com.tight'), render: (_, x) => (x.tight ? '✓' : '') }, { title: t('registry.com.lead'), render: (_, x) => x.lead.name }, { title: t('registry.com.members'), dataIndex: 'memberCount' },
      ]} />
    </Card>);
}

function CommunityDetail({ id }: { id: string }) {
  const t = useT();
  const { lang } = useLang();
  const c = useApiQuery('/api/communities/{id}', { params: { path: { id } } }).data?.community;
  if (!c) return <Card loading />;
  return (
    <Card title={c.name} extra={<Typography.Text>{t('registry.com.lead')}：{c.lead.name}</Typography.Text>}>
      <Table rowKey={(m) => `${m.code}-${m.joinedOn}`} dataSource={c.members} size="small" pagination={{ pageSize: 30 }} columns={[
        { title: t('registry.com.facility'), render: (_, m) => <Link to={`/registry/facilities/${m.code}`}>{m.name}</Link> }, { title: t('registry.com.tier'), render: (_, m) => t(tierKey(m.tier)) },
        { title: t('registry.com.facilityKind'), render: (_, m) => FACILITY_KIND_LABELS[m.kind as FacilityKind][lang] }, { title: t('registry.com.joined'), dataIndex: 'joinedOn' }, { title: t('registry.com.left'), render: (_, m) => m.leftOn ?? '—' },
      ]} />
    </Card>
  );
}

/** Health workers in scope, and one worker with postings. */
export function WorkersPage() {
  const { id } = useParams();
  return id ? <WorkerDetail id={id} /> : <WorkerList />;
}

function WorkerDetail({ id }: { id: string }) {
  const t = useT();
  const { lang } = useLang();
  const w = useApiQuery('/api/workers/{id}', { params: { path: { id } } }).data?.worker;
  if (!w) return <Card loading />;
  return (
    <Card title={w.name}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('registry.wk.type')}>{WORKER_TYPE_LABELS[w.workerType][lang]}</Descriptions.Item>
        <Descriptions.Item label={t('registry.wk.specialtyTitle')}>{w.specialty ? t.code('registry.specialty', w.specialty) : '—'} · {w.title ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.wk.employer')}><Link to={`/registry/facilities/${w.employer.code}`}>{w.employer.name}</Link></Descriptions.Item>
        {w.workerType === 'village_doctor' && <Descriptions.Item label={t('registry.wk.certificate')}>{w.qualified ? t('registry.wk.yes') : t('registry.wk.no')}</Descriptions.Item>}
      </Descriptions>
      <Table style={{ marginTop: 12 }} size="small" rowKey="id" dataSource={w.postings} pagination={false} columns={[
        { title: t('registry.wk.posting'), render: (_, p) => p.facilityName }, { title: t('registry.wk.postingKind'), render: (_, p) => t(`registry.posting.${p.kind}` as MessageKey) },
        { title: t('registry.wk.from'), dataIndex: 'startOn' }, { title: t('registry.wk.to'), render: (_, p) => p.endOn ?? '—' },
      ]} />
    </Card>
  );
}

function WorkerList() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [type, setType] = useState<Worker['workerType'] | undefined>();
  const [page, setPage] = useState(1);
  const data = useApiQuery('/api/workers', { params: { query: { workerType: type, page, pageSize: 20 } } }).data ?? { items: [], total: 0 };
  return (
    <Card title={t('registry.wk.title')}>
      <Select allowClear placeholder={t('registry.wk.typePlaceholder')} style={{ width: 180, marginBottom: 12 }} onChange={(v) => { setType(v); setPage(1); }} options={Object.entries(WORKER_TYPE_LABELS).map(([value, l]) => ({ value: value as Worker['workerType'], label: l[lang] }))} />
      <Table<Worker> rowKey="id" dataSource={data.items} size="small" pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage }}
        onRow={(x) => ({ onClick: () => nav(`/registry/workers/${x.id}`), style: { cursor: 'pointer' } })} columns={[
          { title: t('registry.wk.name'), dataIndex: 'name' }, { title: t('registry.wk.type'), render: (_, x) => WORKER_TYPE_LABELS[x.workerType][lang] },
          { title: t('registry.wk.specialty'), render: (_, x) => (x.specialty ? t.code('registry.specialty', x.specialty) : '—') }, { title: t('registry.wk.titleCol'), render: (_, x) => x.title ?? '—' }, { title: t('registry.wk.employerShort'), render: (_, x) => x.employer.name },
        ]} />
    </Card>
  );
}
