import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Select, Space, Table, Tag, Tree, Typography, Upload } from 'antd';
import type { TreeDataNode } from 'antd';
import { api, errorText, type ApiErrorBody } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';
import { useSession } from '../../session';
import { FACILITY_KIND_LABELS, GRADE_LABELS, WORKER_TYPE_LABELS, type FacilityKind } from '../../../modules/registry/rules';

type Facility = paths['/api/facilities/{code}']['get']['responses'][200]['content']['application/json']['facility'];
type Region = paths['/api/regions']['get']['responses'][200]['content']['application/json']['items'][number];
type Worker = paths['/api/workers/{id}']['get']['responses'][200]['content']['application/json']['worker'];
type Community = paths['/api/communities/{id}']['get']['responses'][200]['content']['application/json']['community'];
const TIERS: Record<string, { zh: string; en: string }> = { city: { zh: '市级', en: 'City' }, county: { zh: '县级', en: 'County' }, township: { zh: '乡级', en: 'Township' }, village: { zh: '村级', en: 'Village' } };
const LEVELS: Record<string, { zh: string; en: string }> = { province: { zh: '省', en: 'Province' }, prefecture: { zh: '地市', en: 'Prefecture' }, county: { zh: '县区', en: 'County' }, township: { zh: '乡镇街道', en: 'Township' }, village: { zh: '村居', en: 'Village' } };

/** The region tree with permanent population; officers set a year's figure; administrators import CSV. */
export function RegionsPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const { user } = useSession();
  const { message } = App.useApp();
  const [tree, setTree] = useState<TreeDataNode[]>([]);
  const [sel, setSel] = useState<Region | null>(null);
  const [pop, setPop] = useState<number | null>(null);
  const [problems, setProblems] = useState<{ path: string; problem: string }[] | null>(null);
  const nodes = (items: Region[]): TreeDataNode[] => items.map((r) => ({
    key: r.code, isLeaf: r.children === 0,
    title: <span data-region={r.code}>{r.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{LEVELS[r.level][lang]}{r.population != null ? ` · ${r.population.toLocaleString()}${zh ? '人' : ''} (${r.populationYear})` : ''}</Typography.Text></span>,
    data: r,
  } as TreeDataNode & { data: Region }));
  const roots = async () => setTree(nodes((await api.GET('/api/regions')).data?.items ?? []));
  useEffect(() => {
    void roots();
  }, []);
  const loadChildren = async (node: TreeDataNode) => {
    const kids = nodes((await api.GET('/api/regions', { params: { query: { parent: String(node.key) } } })).data?.items ?? []);
    const put = (list: TreeDataNode[]): TreeDataNode[] => list.map((n) => (n.key === node.key ? { ...n, children: kids } : n.children ? { ...n, children: put(n.children) } : n));
    setTree((t) => put(t));
  };
  const savePop = async () => {
    if (!sel || pop == null) return;
    const r = await api.PUT('/api/regions/{code}/population', { params: { path: { code: sel.code } }, body: { year: new Date().getFullYear(), population: pop } });
    if (r.error) return void message.error(errorText(r.error, lang));
    message.success(zh ? '已保存' : 'Saved');
    void roots();
  };
  const importCsv = async (file: File) => {
    setProblems(null);
    const r = await api.POST('/api/regions/import', { body: { csv: await file.text() } });
    if (r.error) setProblems((r.error as unknown as ApiErrorBody).error.fields);
    else message.success(`${zh ? '已导入' : 'Imported'} ${r.data!.imported}`);
    void roots();
    return false;
  };
  return (
    <Card title={zh ? '行政区划与常住人口' : 'Regions and population'} extra={user?.role === 'sysadmin' && <Upload accept=".csv" showUploadList={false} beforeUpload={importCsv}><Button>{zh ? '导入区划 CSV' : 'Import CSV'}</Button></Upload>}>
      {problems && <Alert type="error" showIcon title={zh ? '文件有误，未导入任何数据' : 'The file has problems; nothing was imported'} style={{ marginBottom: 12 }}
        description={<Table size="small" pagination={false} rowKey={(p) => p.path} dataSource={problems} columns={[{ title: zh ? '位置' : 'Where', dataIndex: 'path' }, { title: zh ? '问题' : 'Problem', dataIndex: 'problem' }]} />} />}
      <Space align="start" wrap>
        <Tree loadData={loadChildren} treeData={tree} onSelect={(_, e) => setSel((e.node as unknown as { data: Region }).data)} style={{ minWidth: 360 }} data-testid="region-tree" />
        {sel && (user?.role === 'officer' || user?.role === 'sysadmin') && (
          <Card size="small" title={`${sel.name} ${sel.code}`}>
            <Space><InputNumber min={0} placeholder={zh ? `${new Date().getFullYear()}年常住人口` : 'Population this year'} onChange={(v) => setPop(v)} /><Button onClick={savePop}>{zh ? '保存' : 'Save'}</Button></Space>
          </Card>
        )}
      </Space>
    </Card>
  );
}

/** Facilities in scope with filters. */
export function FacilitiesPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [tier, setTier] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Facility[]; total: number }>({ items: [], total: 0 });
  useEffect(() => {
    api.GET('/api/facilities', { params: { query: { tier: tier as 'county' | undefined, q: q || undefined, page, pageSize: 20 } } }).then((r) => setData(r.data ?? { items: [], total: 0 }));
  }, [tier, q, page]);
  return (
    <Card title={zh ? '医疗卫生机构' : 'Facilities'}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select allowClear placeholder={zh ? '层级' : 'Tier'} style={{ width: 140 }} onChange={(v) => { setTier(v); setPage(1); }} options={Object.entries(TIERS).map(([value, l]) => ({ value, label: l[lang] }))} />
        <Input.Search placeholder={zh ? '名称或代码' : 'Name or code'} onSearch={(v) => { setQ(v); setPage(1); }} allowClear />
      </Space>
      <Table<Facility> rowKey="code" dataSource={data.items} size="small" data-testid="facility-list" pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage }}
        onRow={(f) => ({ onClick: () => nav(`/registry/facilities/${f.code}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: zh ? '代码' : 'Code', dataIndex: 'code' }, { title: zh ? '名称' : 'Name', dataIndex: 'name' },
          { title: zh ? '层级' : 'Tier', render: (_, f) => TIERS[f.tier][lang] }, { title: zh ? '类别' : 'Kind', render: (_, f) => FACILITY_KIND_LABELS[f.kind as FacilityKind][lang] },
          { title: zh ? '等级' : 'Grade', render: (_, f) => GRADE_LABELS[f.grade as keyof typeof GRADE_LABELS] }, { title: zh ? '床位' : 'Beds', dataIndex: 'beds' },
          { title: zh ? '所在地' : 'Region', dataIndex: 'regionName' }, { title: zh ? '医共体' : 'Community', render: (_, f) => f.community?.name ?? '—' },
        ]} />
    </Card>
  );
}

/** One facility with its attributes and community. */
export function FacilityDetailPage() {
  const { code } = useParams() as { code: string };
  const { lang } = useLang();
  const zh = lang === 'zh';
  const [f, setF] = useState<Facility | null>(null);
  useEffect(() => {
    api.GET('/api/facilities/{code}', { params: { path: { code } } }).then((r) => setF(r.data?.facility ?? null));
  }, [code]);
  if (!f) return <Card loading />;
  const std = f.capabilityStandard === 'recommended' ? (zh ? '推荐标准' : 'Recommended') : f.capabilityStandard === 'basic' ? (zh ? '基本标准' : 'Basic') : zh ? '未达标' : 'None';
  return (
    <Card title={<span data-testid="facility-name">{f.name}</span>}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={zh ? '机构代码' : 'Code'}>{f.code}</Descriptions.Item>
        <Descriptions.Item label={zh ? '层级 / 类别' : 'Tier / kind'}>{TIERS[f.tier][lang]} · {FACILITY_KIND_LABELS[f.kind as FacilityKind][lang]}</Descriptions.Item>
        <Descriptions.Item label={zh ? '等级' : 'Grade'}>{GRADE_LABELS[f.grade as keyof typeof GRADE_LABELS]}</Descriptions.Item>
        <Descriptions.Item label={zh ? '所在地' : 'Region'}>{f.regionName} ({f.regionCode})</Descriptions.Item>
        <Descriptions.Item label={zh ? '所属卫生院（乡村一体化）' : 'Township centre'}>{f.parentFacilityCode ? <Link to={`/registry/facilities/${f.parentFacilityCode}`}>{f.parentFacilityName}</Link> : '—'}</Descriptions.Item>
        <Descriptions.Item label={zh ? '床位' : 'Beds'}>{f.beds}</Descriptions.Item>
        <Descriptions.Item label={zh ? '服务能力标准' : 'Capability standard'}>{std}</Descriptions.Item>
        <Descriptions.Item label={zh ? '社区医院 / 县域次中心' : 'Community hospital / sub-centre'}>{f.communityHospital ? <Tag color="green">{zh ? '社区医院' : 'Community hospital'}</Tag> : null}{f.countySubcentre ? <Tag color="blue">{zh ? '县域医疗服务次中心' : 'County sub-centre'}</Tag> : null}{!f.communityHospital && !f.countySubcentre ? '—' : null}</Descriptions.Item>
        <Descriptions.Item label={zh ? '开业 / 关闭' : 'Opened / closed'}>{f.openedOn ?? '—'} / {f.closedOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={zh ? '医共体' : 'Community'}>{f.community ? <Link to={`/registry/communities/${f.community.id}`}>{f.community.name}</Link> : '—'}{f.community ? ` (${f.community.joinedOn})` : ''}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** Medical communities and one community's members. */
export function CommunitiesPage() {
  const { id } = useParams();
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [list, setList] = useState<paths['/api/communities']['get']['responses'][200]['content']['application/json']['items']>([]);
  const [c, setC] = useState<Community | null>(null);
  useEffect(() => {
    if (id) api.GET('/api/communities/{id}', { params: { path: { id } } }).then((r) => setC(r.data?.community ?? null));
    else api.GET('/api/communities').then((r) => setList(r.data?.items ?? []));
  }, [id]);
  if (!id) return (
    <Card title={zh ? '医共体 / 医疗集团' : 'Medical communities'}>
      <Table rowKey="id" dataSource={list} size="small" onRow={(x) => ({ onClick: () => nav(`/registry/communities/${x.id}`), style: { cursor: 'pointer' } })} columns={[
        { title: zh ? '名称' : 'Name', dataIndex: 'name' }, { title: zh ? '类型' : 'Kind', render: (_, x) => (x.kind === 'county_community' ? (zh ? '县域医共体' : 'County community') : zh ? '城市医疗集团' : 'City group') },
        { title: zh ? '紧密型' : 'Tight', render: (_, x) => (x.tight ? '✓' : '') }, { title: zh ? '牵头机构' : 'Lead', render: (_, x) => x.lead.name }, { title: zh ? '成员数' : 'Members', dataIndex: 'memberCount' },
      ]} />
    </Card>);
  if (!c) return <Card loading />;
  return (
    <Card title={c.name} extra={<Typography.Text>{zh ? '牵头机构' : 'Lead'}：{c.lead.name}</Typography.Text>}>
      <Table rowKey={(m) => `${m.code}-${m.joinedOn}`} dataSource={c.members} size="small" pagination={{ pageSize: 30 }} columns={[
        { title: zh ? '机构' : 'Facility', render: (_, m) => <Link to={`/registry/facilities/${m.code}`}>{m.name}</Link> }, { title: zh ? '层级' : 'Tier', render: (_, m) => TIERS[m.tier][lang] },
        { title: zh ? '类别' : 'Kind', render: (_, m) => FACILITY_KIND_LABELS[m.kind as FacilityKind][lang] }, { title: zh ? '加入日期' : 'Joined', dataIndex: 'joinedOn' }, { title: zh ? '退出日期' : 'Left', render: (_, m) => m.leftOn ?? '—' },
      ]} />
    </Card>
  );
}

/** Health workers in scope, and one worker with postings. */
export function WorkersPage() {
  const { id } = useParams();
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [type, setType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Worker[]; total: number }>({ items: [], total: 0 });
  const [w, setW] = useState<Worker | null>(null);
  useEffect(() => {
    if (id) api.GET('/api/workers/{id}', { params: { path: { id } } }).then((r) => setW(r.data?.worker ?? null));
    else api.GET('/api/workers', { params: { query: { workerType: type as 'nurse' | undefined, page, pageSize: 20 } } }).then((r) => setData(r.data ?? { items: [], total: 0 }));
  }, [id, type, page]);
  const POSTING: Record<string, { zh: string; en: string }> = { practice_site: { zh: '多点执业', en: 'Practice site' }, county_to_township: { zh: '县管乡用', en: 'County-to-township' }, township_to_village: { zh: '乡聘村用', en: 'Township-to-village' }, other: { zh: '其他', en: 'Other' } };
  if (id) {
    if (!w) return <Card loading />;
    return (
      <Card title={w.name}>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={zh ? '类别' : 'Type'}>{WORKER_TYPE_LABELS[w.workerType][lang]}</Descriptions.Item>
          <Descriptions.Item label={zh ? '专业 / 职称' : 'Specialty / title'}>{w.specialty ?? '—'} · {w.title ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={zh ? '工作单位' : 'Employer'}><Link to={`/registry/facilities/${w.employer.code}`}>{w.employer.name}</Link></Descriptions.Item>
          {w.workerType === 'village_doctor' && <Descriptions.Item label={zh ? '执业（助理）医师资格' : 'Practising certificate'}>{w.qualified ? (zh ? '有' : 'Yes') : zh ? '无' : 'No'}</Descriptions.Item>}
        </Descriptions>
        <Table style={{ marginTop: 12 }} size="small" rowKey="id" dataSource={w.postings} pagination={false} columns={[
          { title: zh ? '派驻 / 执业地点' : 'Posting', render: (_, p) => p.facilityName }, { title: zh ? '类型' : 'Kind', render: (_, p) => POSTING[p.kind][lang] },
          { title: zh ? '开始' : 'From', dataIndex: 'startOn' }, { title: zh ? '结束' : 'To', render: (_, p) => p.endOn ?? '—' },
        ]} />
      </Card>
    );
  }
  return (
    <Card title={zh ? '卫生人员' : 'Health workers'}>
      <Select allowClear placeholder={zh ? '人员类别' : 'Type'} style={{ width: 180, marginBottom: 12 }} onChange={(v) => { setType(v); setPage(1); }} options={Object.entries(WORKER_TYPE_LABELS).map(([value, l]) => ({ value, label: l[lang] }))} />
      <Table<Worker> rowKey="id" dataSource={data.items} size="small" pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage }}
        onRow={(x) => ({ onClick: () => nav(`/registry/workers/${x.id}`), style: { cursor: 'pointer' } })} columns={[
          { title: zh ? '姓名' : 'Name', dataIndex: 'name' }, { title: zh ? '类别' : 'Type', render: (_, x) => WORKER_TYPE_LABELS[x.workerType][lang] },
          { title: zh ? '专业' : 'Specialty', render: (_, x) => x.specialty ?? '—' }, { title: zh ? '职称' : 'Title', render: (_, x) => x.title ?? '—' }, { title: zh ? '单位' : 'Employer', render: (_, x) => x.employer.name },
        ]} />
    </Card>
  );
}
