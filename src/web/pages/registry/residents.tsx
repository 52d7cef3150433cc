import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorText, type ApiErrorBody } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';
import { PRIORITY_GROUP_LABELS, type PriorityGroup } from '../../../modules/registry/rules';
import { SignContractButton } from '../contracts/contracts';

type Resident = paths['/api/residents/{id}']['get']['responses'][200]['content']['application/json']['resident'];
type Pair = paths['/api/resident-duplicates']['get']['responses'][200]['content']['application/json']['items'][number];
const ID_TYPES: Record<string, { zh: string; en: string }> = {
  resident_id: { zh: '居民身份证', en: 'Resident ID card' }, passport: { zh: '护照', en: 'Passport' }, hk_macao_permit: { zh: '港澳居民来往内地通行证', en: 'HK/Macao permit' },
  taiwan_permit: { zh: '台湾居民来往大陆通行证', en: 'Taiwan permit' }, residence_permit: { zh: '港澳台居民居住证', en: 'Residence permit' },
  birth_certificate: { zh: '出生医学证明', en: 'Birth certificate' }, medical_record: { zh: '病案号', en: 'Medical record number' },
};
const sexText = (s: string, zh: boolean) => (s === 'M' ? (zh ? '男' : 'M') : zh ? '女' : 'F');
const groups = (r: Resident, lang: 'zh' | 'en') => r.priorityGroups.map((g) => <Tag key={g} color="orange">{PRIORITY_GROUP_LABELS[g as PriorityGroup][lang]}</Tag>);

/** Search the master index (one box: name, pinyin, initials, ID number, phone). */
export function ResidentSearchPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Resident[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const load = async (query: string, p: number) => {
    setLoading(true);
    const r = await api.GET('/api/residents', { params: { query: { q: query || undefined, page: p, pageSize: 20 } } });
    setData(r.data ?? { items: [], total: 0 });
    setLoading(false);
  };
  useEffect(() => {
    void load(q, page);
  }, [page]);
  return (
    <Card title={zh ? '居民主索引' : 'Resident index'} extra={<Button type="primary" onClick={() => nav('/registry/residents/new')}>{zh ? '登记居民' : 'Register resident'}</Button>}>
      <Input.Search placeholder={zh ? '姓名、拼音或首字母、身份证号、手机号' : 'Name, pinyin or initials, ID number, phone'} allowClear enterButton data-testid="resident-search"
        onSearch={(v) => { setQ(v); setPage(1); void load(v, 1); }} style={{ maxWidth: 560, marginBottom: 12 }} />
      <Table<Resident> rowKey="id" loading={loading} dataSource={data.items} size="small" data-testid="resident-results"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (n) => (zh ? `共 ${n} 人` : `${n} residents`) }}
        onRow={(r) => ({ onClick: () => nav(`/registry/residents/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: zh ? '姓名' : 'Name', dataIndex: 'name' },
          { title: zh ? '性别' : 'Sex', render: (_, r) => sexText(r.sex, zh) },
          { title: zh ? '年龄' : 'Age', dataIndex: 'age' },
          { title: zh ? '证件号' : 'ID', dataIndex: 'idNumberMasked' },
          { title: zh ? '电话' : 'Phone', render: (_, r) => r.phoneMasked ?? '—' },
          { title: zh ? '乡镇 / 村' : 'Township / village', render: (_, r) => `${r.townshipName ?? ''} ${r.villageName}` },
          { title: zh ? '重点人群' : 'Priority groups', render: (_, r) => groups(r, lang) },
        ]} />
    </Card>
  );
}

/** One resident of the index: demographics, priority groups, audited reveal, link to the record. */
export function ResidentDetailPage() {
  const { id } = useParams() as { id: string };
  const { lang } = useLang();
  const zh = lang === 'zh';
  const { message } = App.useApp();
  const [r, setR] = useState<Resident | null>(null);
  const [missing, setMissing] = useState(false);
  const [revealed, setRevealed] = useState<{ idNumber: string; phone: string | null } | null>(null);
  useEffect(() => {
    api.GET('/api/residents/{id}', { params: { path: { id } } }).then((x) => (x.data ? setR(x.data.resident) : setMissing(true)));
  }, [id]);
  const reveal = () => {
    let reason = '';
    Modal.confirm({
      title: zh ? '显示完整证件号（将记录审计日志）' : 'Reveal the full ID number (audited)',
      content: <Input placeholder={zh ? '原因，例如：核对身份' : 'Reason, e.g. identity check'} onChange={(e) => (reason = e.target.value)} id="reveal-reason" />,
      onOk: async () => {
        const x = await api.POST('/api/residents/{id}/reveal', { params: { path: { id } }, body: { reason } });
        if (x.error) {
          message.error(errorText(x.error, lang));
          throw new Error('refused');
        }
        setRevealed(x.data!);
      },
    });
  };
  if (missing) return <Card><Typography.Text data-testid="resident-missing">{zh ? '未找到该居民' : 'Resident not found'}</Typography.Text></Card>;
  if (!r) return <Card loading />;
  return (
    <Card title={<span data-testid="resident-name">{r.name}</span>} extra={<Space><SignContractButton residentId={r.id} /><Button onClick={reveal} data-testid="reveal">{zh ? '显示完整证件号' : 'Reveal ID'}</Button><Link to={`/records/${r.id}`}>{zh ? '健康档案' : 'Health record'}</Link></Space>}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={zh ? '证件' : 'Identifier'}>{ID_TYPES[r.idType][lang]} <span data-testid="resident-id">{revealed?.idNumber ?? r.idNumberMasked}</span></Descriptions.Item>
        <Descriptions.Item label={zh ? '电话' : 'Phone'}>{revealed ? revealed.phone ?? '—' : r.phoneMasked ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={zh ? '性别 / 出生日期' : 'Sex / birth date'}>{sexText(r.sex, zh)} · {r.birthDate}（{r.age}{zh ? '岁' : ' y'}）</Descriptions.Item>
        <Descriptions.Item label={zh ? '民族' : 'Ethnicity'}>{r.ethnicity}</Descriptions.Item>
        <Descriptions.Item label={zh ? '现住址' : 'Lives in'}>{r.townshipName} {r.villageName}</Descriptions.Item>
        <Descriptions.Item label={zh ? '户籍地' : 'Registered in'}>{r.registeredVillageCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={zh ? '户号 / 与户主关系' : 'Household / relation'}>{r.householdNo ?? '—'} · {r.relationToHead ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={zh ? '常住 / 死亡' : 'Permanent / death'}>{r.permanent ? (zh ? '常住' : 'Permanent') : zh ? '非常住' : 'Not permanent'}{r.deathDate ? ` · ${zh ? '死亡' : 'died'} ${r.deathDate}` : ''}</Descriptions.Item>
        <Descriptions.Item label={zh ? '重点人群' : 'Priority groups'} span={2}>{groups(r, lang)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** Register a resident; the server's field errors appear beside the fields; possible duplicates are shown. */
export function ResidentNewPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [form] = Form.useForm();
  const [dups, setDups] = useState<{ id: string; name: string; birthDate: string; villageName: string; reasons: string[] }[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    const r = await api.POST('/api/residents', { body: { ...v, birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : undefined, phone: v.phone || null } });
    if (r.error) {
      const e = r.error as unknown as ApiErrorBody;
      setError(errorText(e, lang));
      form.setFields((e.error?.fields ?? []).map((f) => ({ name: f.path, errors: [f.problem] })));
      return;
    }
    setCreated(r.data!.resident.id);
    setDups(r.data!.possibleDuplicates);
  };
  return (
    <Card title={zh ? '登记居民' : 'Register a resident'}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {created && (
        <Alert type={dups?.length ? 'warning' : 'success'} showIcon style={{ marginBottom: 12 }} title={zh ? '已登记' : 'Registered'}
          description={dups?.length ? `${zh ? '疑似重复，已提交审核：' : 'Possible duplicates flagged for review: '}${dups.map((d) => `${d.name} ${d.birthDate} ${d.villageName}`).join('；')}` : null}
          action={<Button onClick={() => nav(`/registry/residents/${created}`)}>{zh ? '查看' : 'Open'}</Button>} />
      )}
      <Form form={form} layout="vertical" initialValues={{ idType: 'resident_id', ethnicity: '汉族' }}>
        <Row gutter={12}>
          <Col xs={24} md={8}><Form.Item name="idType" label={zh ? '证件类型' : 'Identifier type'}><Select options={Object.entries(ID_TYPES).map(([value, l]) => ({ value, label: l[lang] }))} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="idNumber" label={zh ? '证件号码' : 'Identifier'} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="name" label={zh ? '姓名' : 'Name'} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="sex" label={zh ? '性别（非身份证必填）' : 'Sex'}><Select allowClear options={[{ value: 'M', label: zh ? '男' : 'M' }, { value: 'F', label: zh ? '女' : 'F' }]} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="birthDate" label={zh ? '出生日期' : 'Birth date'}><DatePicker style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="ethnicity" label={zh ? '民族' : 'Ethnicity'}><Input /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="phone" label={zh ? '手机号' : 'Phone'}><Input /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="villageCode" label={zh ? '现住村（居）委会代码（12位）' : 'Village code (12 digits)'} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={12} md={8}><Form.Item name="householdNo" label={zh ? '户号' : 'Household no.'}><Input /></Form.Item></Col>
          <Col xs={12} md={8}><Form.Item name="relationToHead" label={zh ? '与户主关系' : 'Relation to head'}><Input /></Form.Item></Col>
        </Row>
        <Button type="primary" onClick={submit}>{zh ? '登记' : 'Register'}</Button>
      </Form>
    </Card>
  );
}

/** Review probable duplicates: merge (keeping either record) or mark as two people; undo a merge. */
export function DuplicatesPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const { message } = App.useApp();
  const [pairs, setPairs] = useState<Pair[]>([]);
  const [lastMerge, setLastMerge] = useState<string | null>(null);
  const load = async () => setPairs((await api.GET('/api/resident-duplicates')).data?.items ?? []);
  useEffect(() => {
    void load();
  }, []);
  const merge = async (p: Pair, keep: 'a' | 'b') => {
    const [s, m] = keep === 'a' ? [p.a, p.b] : [p.b, p.a];
    const r = await api.POST('/api/resident-duplicates/{id}/merge', { params: { path: { id: p.id } }, body: { survivorId: s.id, mergedId: m.id } });
    if (r.error) return void message.error(errorText(r.error, lang));
    setLastMerge(r.data!.mergeId);
    void load();
  };
  const distinct = async (p: Pair) => {
    await api.POST('/api/resident-duplicates/{id}/distinct', { params: { path: { id: p.id } } });
    void load();
  };
  const undo = async () => {
    if (!lastMerge) return;
    const r = await api.POST('/api/resident-merges/{id}/undo', { params: { path: { id: lastMerge } } });
    if (r.error) return void message.error(errorText(r.error, lang));
    setLastMerge(null);
    void load();
  };
  const side = (r: Resident) => (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label={zh ? '姓名' : 'Name'}>{r.name}</Descriptions.Item>
      <Descriptions.Item label={zh ? '证件' : 'ID'}>{ID_TYPES[r.idType][lang]} {r.idNumberMasked}</Descriptions.Item>
      <Descriptions.Item label={zh ? '出生日期' : 'Birth date'}>{r.birthDate}</Descriptions.Item>
      <Descriptions.Item label={zh ? '住址' : 'Village'}>{r.townshipName} {r.villageName}</Descriptions.Item>
      <Descriptions.Item label={zh ? '电话' : 'Phone'}>{r.phoneMasked ?? '—'}</Descriptions.Item>
    </Descriptions>
  );
  return (
    <Card title={zh ? '疑似重复档案审核' : 'Duplicate review'} extra={lastMerge && <Button onClick={undo}>{zh ? '撤销刚才的合并' : 'Undo the last merge'}</Button>}>
      {pairs.length === 0 && <Typography.Text type="secondary">{zh ? '暂无待审核的疑似重复' : 'Nothing to review'}</Typography.Text>}
      {pairs.map((p) => (
        <Card key={p.id} size="small" style={{ marginBottom: 12 }} title={<Space>{p.reasons.map((x) => <Tag key={x}>{x}</Tag>)}</Space>}
          extra={<Space><Button onClick={() => merge(p, 'a')}>{zh ? '合并（保留左）' : 'Merge (keep left)'}</Button><Button onClick={() => merge(p, 'b')}>{zh ? '合并（保留右）' : 'Merge (keep right)'}</Button><Button onClick={() => distinct(p)}>{zh ? '不是同一人' : 'Two people'}</Button></Space>}>
          <Row gutter={12}><Col xs={24} md={12}>{side(p.a)}</Col><Col xs={24} md={12}>{side(p.b)}</Col></Row>
        </Card>
      ))}
    </Card>
  );
}
