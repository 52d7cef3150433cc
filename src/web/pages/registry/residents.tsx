import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { errorText, type ApiErrorBody } from '../../api/client';
import { useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';
import { useLang, useT, type MessageKey } from '../../i18n';
import { PRIORITY_GROUP_LABELS, type PriorityGroup } from '../../../modules/registry/rules';
import { SignContractButton } from '../contracts/contracts';
import { useSession } from '../../session';
import { RESIDENT_ACCOUNT_ISSUERS } from '../../../shared/roles';
import { minuteOf } from '../../../shared/time';

type Resident = ApiData<'/api/residents/{id}'>['resident'];
type Pair = ApiItem<'/api/resident-duplicates'>;
type Candidate = ApiData<'/api/residents', 'post'>['possibleDuplicates'][number];
const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'residence_permit', 'birth_certificate', 'medical_record'] as const;
const idTypeKey = (t: string) => `registry.idType.${t}` as MessageKey;
const sexKey = (s: string) => (s === 'M' ? 'registry.sex.M' : 'registry.sex.F');
const groups = (r: Resident, lang: 'zh' | 'en') => r.priorityGroups.map((g) => <Tag key={g} color="orange">{PRIORITY_GROUP_LABELS[g as PriorityGroup][lang]}</Tag>);

/** Search the master index (one box: name, pinyin, initials, ID number, phone). */
export function ResidentSearchPage() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useApiQuery('/api/residents', { params: { query: { q: q || undefined, page, pageSize: 20 } } });
  const data = list.data ?? { items: [], total: 0 };
  return (
    <Card title={t('registry.res.index')} extra={<Button type="primary" onClick={() => nav('/registry/residents/new')}>{t('registry.res.register')}</Button>}>
      <Input.Search placeholder={t('registry.res.searchHint')} allowClear enterButton data-testid="resident-search"
        onSearch={(v) => { setQ(v); setPage(1); if (v === q) void list.refetch(); }} style={{ maxWidth: 560, marginBottom: 12 }} />
      <Table<Resident> rowKey="id" loading={list.isFetching} dataSource={data.items} size="small" data-testid="resident-results"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (n) => t('registry.res.total', { n }) }}
        onRow={(r) => ({ onClick: () => nav(`/registry/residents/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('registry.res.name'), dataIndex: 'name' },
          { title: t('registry.res.sex'), render: (_, r) => t(sexKey(r.sex)) },
          { title: t('registry.res.age'), dataIndex: 'age' },
          { title: t('registry.res.id'), dataIndex: 'idNumberMasked' },
          { title: t('registry.res.phone'), render: (_, r) => r.phoneMasked ?? '—' },
          { title: t('registry.res.townshipVillage'), render: (_, r) => `${r.townshipName ?? ''} ${r.villageName}` },
          { title: t('registry.res.priorityGroups'), render: (_, r) => groups(r, lang) },
        ]} />
    </Card>
  );
}

/** One resident of the index: demographics, priority groups, audited reveal, link to the record. */
export function ResidentDetailPage() {
  const { id } = useParams() as { id: string };
  const t = useT();
  const { lang } = useLang();
  // A resident outside the caller's scope answers 404 like a missing one: the page says "not found".
  const res = useApiQuery('/api/residents/{id}', { params: { path: { id } } }, { meta: { ownError: true } });
  const revealMut = useApiMutation('post', '/api/residents/{id}/reveal');
  const { user } = useSession();
  const mayIssue = !!user && RESIDENT_ACCOUNT_ISSUERS.includes(user.role);
  const activationMut = useApiMutation('post', '/api/residents/{id}/activation-code');
  const issueActivation = async () => {
    const c = await activationMut.mutateAsync({ params: { path: { id } } });
    Modal.info({
      title: t('registry.res.activationTitle'),
      content: (
        <Space direction="vertical">
          <Typography.Title level={2} copyable data-testid="activation-code">{c.code}</Typography.Title>
          <Typography.Text>{t('registry.res.activationExpires', { at: minuteOf(c.expiresAt) })}</Typography.Text>
          <Typography.Text type="secondary">{t('registry.res.activationHint')}</Typography.Text>
          {c.reset && <Alert type="warning" showIcon message={t('registry.res.activationReset')} />}
        </Space>
      ),
    });
  };
  const [revealed, setRevealed] = useState<{ idNumber: string; phone: string | null } | null>(null);
  const reveal = () => {
    let reason = '';
    Modal.confirm({
      title: t('registry.res.revealTitle'),
      content: <Input placeholder={t('registry.res.revealReason')} onChange={(e) => (reason = e.target.value)} id="reveal-reason" />,
      // A refusal is shown by the data layer; the dialog stays open.
      onOk: async () => setRevealed(await revealMut.mutateAsync({ params: { path: { id } }, body: { reason } })),
    });
  };
  if (res.isError) return <Card><Typography.Text data-testid="resident-missing">{t('registry.res.notFound')}</Typography.Text></Card>;
  const r = res.data?.resident;
  if (!r) return <Card loading />;
  return (
    <Card title={<span data-testid="resident-name">{r.name}</span>} extra={<Space><SignContractButton residentId={r.id} /><Button onClick={reveal} data-testid="reveal">{t('registry.res.reveal')}</Button>{mayIssue && <Button onClick={() => void issueActivation()} loading={activationMut.isPending} data-testid="issue-activation">{t('registry.res.activation')}</Button>}<Link to={`/records/${r.id}`}>{t('registry.res.record')}</Link></Space>}>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('registry.res.identifier')}>{t(idTypeKey(r.idType))} <span data-testid="resident-id">{revealed?.idNumber ?? r.idNumberMasked}</span></Descriptions.Item>
        <Descriptions.Item label={t('registry.res.phone')}>{revealed ? revealed.phone ?? '—' : r.phoneMasked ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.sexBirth')}>{t(sexKey(r.sex))} · {t('registry.res.ageYears', { age: r.age })}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.ethnicity')}>{r.ethnicity}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.livesIn')}>{r.townshipName} {r.villageName}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.registeredIn')}><span data-testid="registered-place">{r.registeredPlace ?? r.registeredVillageCode ?? '—'}</span></Descriptions.Item>
        <Descriptions.Item label={t('registry.res.household')}>{r.householdNo ?? '—'} · {r.relationToHead ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.permanentDeath')}>{r.permanent ? t('registry.res.permanent') : t('registry.res.notPermanent')}{r.deathDate ? ` · ${t('registry.res.died')} ${r.deathDate}` : ''}</Descriptions.Item>
        <Descriptions.Item label={t('registry.res.priorityGroups')} span={2}>{groups(r, lang)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** Register a resident; the server's field errors appear beside the fields; possible duplicates are shown. */
export function ResidentNewPage() {
  const t = useT();
  const { lang } = useLang();
  const nav = useNavigate();
  const [form] = Form.useForm();
  const [dups, setDups] = useState<Candidate[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The page shows the refusal itself: above the form, and each field's problem beside its field.
  const register = useApiMutation('post', '/api/residents', {
    invalidates: ['/api/residents', '/api/resident-duplicates'],
    meta: { ownError: true },
    onError: (err) => {
      const e = err as ApiErrorBody;
      setError(errorText(e, lang));
      form.setFields((e.error?.fields ?? []).map((f) => ({ name: f.path, errors: [f.problem] })));
    },
    onSuccess: (d) => { setCreated(d.resident.id); setDups(d.possibleDuplicates); },
  });
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    register.mutate({ body: { ...v, birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : undefined, phone: v.phone || null } });
  };
  return (
    <Card title={t('registry.res.registerTitle')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {created && (
        <Alert type={dups?.length ? 'warning' : 'success'} showIcon style={{ marginBottom: 12 }} title={t('registry.res.registered')}
          description={dups?.length ? `${t('registry.res.possibleDuplicates')}${dups.map((d) => `${d.name} ${d.birthDate} ${d.villageName}`).join('；')}` : null}
          action={<Button onClick={() => nav(`/registry/residents/${created}`)}>{t('registry.res.open')}</Button>} />
      )}
      <Form form={form} layout="vertical" initialValues={{ idType: 'resident_id', ethnicity: '汉族' }}>
        <Row gutter={12}>
          <Col xs={24} md={8}><Form.Item name="idType" label={t('registry.res.idTypeLabel')}><Select options={ID_TYPES.map((value) => ({ value, label: t(idTypeKey(value)) }))} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="idNumber" label={t('registry.res.idNumber')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="name" label={t('registry.res.name')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="sex" label={t('registry.res.sexOptional')}><Select allowClear options={[{ value: 'M', label: t('registry.sex.M') }, { value: 'F', label: t('registry.sex.F') }]} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="birthDate" label={t('registry.res.birthDate')}><DatePicker style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="ethnicity" label={t('registry.res.ethnicity')}><Input /></Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name="phone" label={t('registry.res.mobile')}><Input /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="villageCode" label={t('registry.res.villageCode')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col xs={12} md={8}><Form.Item name="householdNo" label={t('registry.res.householdNo')}><Input /></Form.Item></Col>
          <Col xs={12} md={8}><Form.Item name="relationToHead" label={t('registry.res.relationToHead')}><Input /></Form.Item></Col>
        </Row>
        <Button type="primary" onClick={submit} loading={register.isPending}>{t('registry.res.submit')}</Button>
      </Form>
    </Card>
  );
}

/** Review probable duplicates: merge (keeping either record) or mark as two people; undo a merge. */
export function DuplicatesPage() {
  const t = useT();
  const pairs = useApiQuery('/api/resident-duplicates').data?.items ?? [];
  const [lastMerge, setLastMerge] = useState<string | null>(null);
  const changes = ['/api/resident-duplicates', '/api/residents', '/api/residents/{id}'] as const;
  const mergeMut = useApiMutation('post', '/api/resident-duplicates/{id}/merge', { invalidates: [...changes], onSuccess: (d) => setLastMerge(d.mergeId) });
  const distinctMut = useApiMutation('post', '/api/resident-duplicates/{id}/distinct', { invalidates: ['/api/resident-duplicates'] });
  const undoMut = useApiMutation('post', '/api/resident-merges/{id}/undo', { invalidates: [...changes], onSuccess: () => setLastMerge(null) });
  const merge = (p: Pair, keep: 'a' | 'b') => {
    const [s, m] = keep === 'a' ? [p.a, p.b] : [p.b, p.a];
    mergeMut.mutate({ params: { path: { id: p.id } }, body: { survivorId: s.id, mergedId: m.id } });
  };
  const side = (r: Resident) => (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label={t('registry.res.name')}>{r.name}</Descriptions.Item>
      <Descriptions.Item label={t('registry.dup.idShort')}>{t(idTypeKey(r.idType))} {r.idNumberMasked}</Descriptions.Item>
      <Descriptions.Item label={t('registry.res.age')}>{t('registry.res.ageYears', { age: r.age })}</Descriptions.Item>
      <Descriptions.Item label={t('registry.dup.village')}>{r.townshipName} {r.villageName}</Descriptions.Item>
      <Descriptions.Item label={t('registry.res.phone')}>{r.phoneMasked ?? '—'}</Descriptions.Item>
    </Descriptions>
  );
  return (
    <Card title={t('registry.dup.title')} extra={lastMerge && <Button onClick={() => undoMut.mutate({ params: { path: { id: lastMerge } } })}>{t('registry.dup.undo')}</Button>}>
      {pairs.length === 0 && <Typography.Text type="secondary">{t('registry.dup.none')}</Typography.Text>}
      {pairs.map((p) => (
        <Card key={p.id} size="small" style={{ marginBottom: 12 }} title={<Space>{p.reasons.map((x) => <Tag key={x}>{t.code('registry.dup.reason', x)}</Tag>)}</Space>}
          extra={<Space><Button onClick={() => merge(p, 'a')}>{t('registry.dup.keepLeft')}</Button><Button onClick={() => merge(p, 'b')}>{t('registry.dup.keepRight')}</Button><Button onClick={() => distinctMut.mutate({ params: { path: { id: p.id } } })}>{t('registry.dup.distinct')}</Button></Space>}>
          <Row gutter={12}><Col xs={24} md={12}>{side(p.a)}</Col><Col xs={24} md={12}>{side(p.b)}</Col></Row>
        </Card>
      ))}
    </Card>
  );
}
