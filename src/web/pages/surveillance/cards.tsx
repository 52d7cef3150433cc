// Report cards: the doctor's list with the countdown to the legal limit and the card form (the fields
// the record does not hold), and the county CDC's review list (accept, return, duplicate, delete, revise).
import { useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Form, Input, Modal, Segmented, Select, Space, Table, Tag, Timeline } from 'antd';
import { useLang, useT } from '../../i18n';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { minuteOf } from '../../../shared/time';

type CardRow = ApiItem<'/api/surveillance/cards/mine'>;
const OCCUPATIONS = ['preschool_child', 'scattered_child', 'student', 'teacher', 'childcare_worker', 'catering_worker', 'public_place_worker', 'commercial_service', 'medical_staff',
  'worker', 'migrant_worker', 'farmer', 'herdsman', 'fisherman', 'cadre_staff', 'retiree', 'housework_unemployed', 'other', 'unknown'] as const;
const RESIDENCES = ['this_county', 'this_city', 'this_province', 'other_province', 'hk_macao_taiwan', 'foreign'] as const;
const STATUS_COLOR: Record<string, string> = { draft: 'gold', submitted: 'blue', returned: 'red', accepted: 'green', duplicate: 'default', deleted: 'default' };

/** The countdown as a tag: green on time, orange in the last quarter, red overdue. */
function Countdown({ c }: { c: CardRow }) {
  const t = useT();
  if (!c.countdown) return c.onTime === null ? <span>—</span> : <Tag color={c.onTime ? 'green' : 'red'}>{c.onTime ? t('surveillance.onTime') : t('surveillance.late')}</Tag>;
  const m = Math.abs(c.countdown.minutesLeft);
  const text = c.countdown.state === 'overdue' ? t('surveillance.overdueBy', { h: Math.floor(m / 60), m: m % 60 }) : t('surveillance.minutesLeft', { h: Math.floor(m / 60), m: m % 60 });
  return <Tag color={c.countdown.state === 'overdue' ? 'red' : c.countdown.state === 'due_soon' ? 'orange' : 'green'} data-testid="countdown">{text}</Tag>;
}

function useColumns() {
  const t = useT();
  const { lang } = useLang();
  return [
    { title: t('surveillance.disease'), render: (_: unknown, c: CardRow) => <span>{lang === 'zh' ? c.diseaseNameZh : c.diseaseNameEn} <Tag>{c.diseaseClass}</Tag></span> },
    { title: t('surveillance.patient'), render: (_: unknown, c: CardRow) => c.patient?.name ?? '—' },
    { title: t('surveillance.caseClass'), render: (_: unknown, c: CardRow) => t.code('surveillance.case', c.caseClass) },
    { title: t('surveillance.diagnosedAt'), render: (_: unknown, c: CardRow) => minuteOf(c.diagnosedAt) },
    { title: t('surveillance.statusCol'), render: (_: unknown, c: CardRow) => <Space size={4}><Tag color={STATUS_COLOR[c.status]} data-testid="card-status">{t.code('surveillance.status', c.status)}</Tag>{c.probableDuplicateOf ? <Tag color="purple">{t('surveillance.probableDuplicate')}</Tag> : null}</Space> },
    { title: t('surveillance.countdown'), render: (_: unknown, c: CardRow) => <Countdown c={c} /> },
  ];
}

/** The card itself: what the record filled, what the doctor fills, and its history. */
function CardView({ card, editable, onClose }: { card: CardRow; editable: boolean; onClose: () => void }) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const inv = { invalidates: ['/api/surveillance/cards/mine', '/api/surveillance/cards'] as ('/api/surveillance/cards/mine' | '/api/surveillance/cards')[] };
  const save = useApiMutation('patch', '/api/surveillance/cards/{id}', { ...inv, onSuccess: () => message.success(t('surveillance.saved')) });
  const submit = useApiMutation('post', '/api/surveillance/cards/{id}/submit', { ...inv, onSuccess: () => { message.success(t('surveillance.submitted')); onClose(); } });
  const open = card.status === 'draft' || card.status === 'returned';
  const values = () => {
    const v = form.getFieldsValue() as { occupation?: string; residence?: string; onsetDate?: string; guardian?: string; workplace?: string; remarks?: string };
    return { occupation: (v.occupation ?? null) as (typeof OCCUPATIONS)[number] | null, residence: (v.residence ?? null) as (typeof RESIDENCES)[number] | null, onsetDate: v.onsetDate || null, guardian: v.guardian || null, workplace: v.workplace || null, remarks: v.remarks || null };
  };
  const saveThen = (then?: (version: number) => void) => save.mutate({ params: { path: { id: card.id } }, body: { version: card.version, ...values() } }, { onSuccess: (r: { version: number }) => then?.(r.version) });
  return (
    <>
      <Descriptions size="small" column={2} bordered items={[
        { key: 'd', label: t('surveillance.disease'), children: `${lang === 'zh' ? card.diseaseNameZh : card.diseaseNameEn}（${card.icd10}）· ${t('surveillance.limit', { h: card.limitHours })}` },
        { key: 'c', label: t('surveillance.caseClass'), children: t.code('surveillance.case', card.caseClass) },
        { key: 'n', label: t('surveillance.patient'), children: card.patient?.name },
        { key: 'i', label: t('surveillance.idNumber'), children: card.patient?.idMasked ?? '—' },
        { key: 's', label: t('surveillance.sex'), children: card.patient ? t.code('surveillance.sexOf', card.patient.sex) : '—' },
        { key: 'a', label: t('surveillance.age'), children: card.patient?.age },
        { key: 'ad', label: t('surveillance.address'), children: `${card.patient?.townshipName ?? ''} ${card.patient?.address ?? ''}` },
        { key: 'dx', label: t('surveillance.diagnosedAt'), children: minuteOf(card.diagnosedAt) },
        { key: 'f', label: t('surveillance.facility'), children: card.facilityName },
        { key: 'doc', label: t('surveillance.doctor'), children: card.doctorName ?? '—' },
        { key: 'cd', label: t('surveillance.countdown'), children: <Countdown c={card} /> },
        { key: 'st', label: t('surveillance.statusCol'), children: <>{t.code('surveillance.status', card.status)}{card.reviewReason ? `：${card.reviewReason}` : ''}</> },
      ]} />
      {card.missing.length ? <p style={{ color: '#cf1322', marginTop: 8 }} data-testid="missing">{t('surveillance.missing', { fields: card.missing.map((m) => t.code('surveillance.field', m)).join('、') })}</p> : <p style={{ color: '#389e0d', marginTop: 8 }}>{t('surveillance.complete')}</p>}
      {editable && open ? (
        <Form form={form} layout="vertical" initialValues={{ ...card.fields, onsetDate: card.onsetDate ?? undefined }} style={{ marginTop: 12 }}>
          <Form.Item name="occupation" label={t('surveillance.occupation')}><Select data-testid="occupation" options={OCCUPATIONS.map((o) => ({ value: o, label: t.code('surveillance.occ', o) }))} showSearch optionFilterProp="label" /></Form.Item>
          <Form.Item name="residence" label={t('surveillance.residence')}><Select options={RESIDENCES.map((o) => ({ value: o, label: t.code('surveillance.res', o) }))} /></Form.Item>
          <Form.Item name="onsetDate" label={t('surveillance.onsetDate')}><Input type="date" data-testid="onset" /></Form.Item>
          {card.patient && card.patient.age < 14 ? <Form.Item name="guardian" label={t('surveillance.guardian')}><Input maxLength={50} /></Form.Item> : null}
          <Form.Item name="workplace" label={t('surveillance.workplace')}><Input maxLength={100} /></Form.Item>
          <Form.Item name="remarks" label={t('surveillance.remarks')}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
          <Space>
            <Button onClick={() => saveThen()} loading={save.isPending} data-testid="save-card">{t('surveillance.save')}</Button>
            <Button type="primary" loading={submit.isPending} data-testid="submit-card"
              onClick={() => saveThen((version) => submit.mutate({ params: { path: { id: card.id } }, body: { version } }))}>{t('surveillance.submit')}</Button>
          </Space>
        </Form>
      ) : null}
      <h4 style={{ marginTop: 16 }}>{t('surveillance.events')}</h4>
      <Timeline items={card.events.map((e) => ({ children: `${minuteOf(e.at)} ${e.actor ?? ''} ${t.code('surveillance.event', e.action)}${e.toClass && e.fromClass ? `：${t.code('surveillance.case', e.fromClass)} → ${t.code('surveillance.case', e.toClass)}` : ''}${e.reason ? `（${e.reason}）` : ''}` }))} />
    </>
  );
}

/** The doctor's cards: drafts and returned ones first, each with its countdown. */
export function MyCardsPage() {
  const t = useT();
  const q = useApiQuery('/api/surveillance/cards/mine', {});
  const [openId, setOpenId] = useState<string | null>(null);
  const items = q.data?.items ?? [];
  const card = items.find((c) => c.id === openId) ?? null;
  const cols = useColumns();
  return (
    <Card title={t('surveillance.myCards')}>
      <Table<CardRow> rowKey="id" size="small" loading={q.isFetching} dataSource={items} columns={cols} data-testid="my-cards" pagination={{ pageSize: 20 }}
        onRow={(c) => ({ onClick: () => setOpenId(c.id), style: { cursor: 'pointer' } })} />
      <Drawer open={!!card} width={720} title={t('surveillance.card')} onClose={() => setOpenId(null)} destroyOnHidden>
        {card ? <CardView card={card} editable onClose={() => setOpenId(null)} /> : null}
      </Drawer>
    </Card>
  );
}

/** The county CDC's review: submitted cards first; accept, return or delete with a reason, mark duplicate, revise the case class. */
export function CardReviewPage() {
  const t = useT();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>('submitted');
  const q = useApiQuery('/api/surveillance/cards', { params: { query: status === 'all' ? {} : { status: status as CardRow['status'] } } });
  const items = q.data?.items ?? [];
  const [openId, setOpenId] = useState<string | null>(null);
  const card = items.find((c) => c.id === openId) ?? null;
  const [ask, setAsk] = useState<{ action: 'return' | 'delete' | 'revise'; reason: string; to?: CardRow['caseClass'] } | null>(null);
  const inv = { invalidates: ['/api/surveillance/cards', '/api/surveillance/cards/mine'] as ('/api/surveillance/cards' | '/api/surveillance/cards/mine')[], onSuccess: () => message.success(t('surveillance.done')) };
  const review = useApiMutation('post', '/api/surveillance/cards/{id}/review', inv);
  const revise = useApiMutation('post', '/api/surveillance/cards/{id}/revise', inv);
  const cols = useColumns();
  const act = (c: CardRow, action: 'accept' | 'duplicate') => review.mutate({ params: { path: { id: c.id } }, body: { version: c.version, action } });
  const confirmAsk = () => {
    if (!card || !ask) return;
    if (!ask.reason.trim()) { message.error(t('surveillance.reasonRequired')); return; }
    if (ask.action === 'revise') revise.mutate({ params: { path: { id: card.id } }, body: { version: card.version, caseClass: ask.to ?? 'excluded', reason: ask.reason } });
    else review.mutate({ params: { path: { id: card.id } }, body: { version: card.version, action: ask.action, reason: ask.reason } });
    setAsk(null);
  };
  return (
    <Card title={t('surveillance.reviewTitle')}>
      <Segmented style={{ marginBottom: 12 }} value={status} onChange={(v) => setStatus(String(v))} data-testid="review-status"
        options={[...(['submitted', 'returned', 'accepted', 'duplicate', 'deleted'] as const).map((s) => ({ value: s, label: t.code('surveillance.status', s) })), { value: 'all', label: t('surveillance.all') }]} />
      <Table<CardRow> rowKey="id" size="small" loading={q.isFetching} dataSource={items} data-testid="review-cards" pagination={{ pageSize: 20 }}
        columns={[...cols, { title: '', render: (_: unknown, c: CardRow) => <Button size="small" onClick={() => setOpenId(c.id)} data-testid="open-card">{t('surveillance.open')}</Button> }]} />
      <Drawer open={!!card} width={720} title={t('surveillance.card')} onClose={() => setOpenId(null)} destroyOnHidden
        extra={card ? (
          <Space wrap>
            {card.reviews.includes('accept') ? <Button type="primary" onClick={() => act(card, 'accept')} data-testid="review-accept">{t('surveillance.review.accept')}</Button> : null}
            {card.reviews.includes('return') ? <Button onClick={() => setAsk({ action: 'return', reason: '' })} data-testid="review-return">{t('surveillance.review.return')}</Button> : null}
            {card.reviews.includes('duplicate') && card.probableDuplicateOf ? <Button onClick={() => act(card, 'duplicate')}>{t('surveillance.review.duplicate')}</Button> : null}
            {card.reviews.includes('delete') ? <Button danger onClick={() => setAsk({ action: 'delete', reason: '' })}>{t('surveillance.review.delete')}</Button> : null}
            {card.status !== 'deleted' && card.status !== 'duplicate' && card.caseClass !== 'excluded' ? <Button onClick={() => setAsk({ action: 'revise', reason: '', to: card.caseClass === 'suspected' ? 'confirmed' : 'excluded' })}>{t('surveillance.revise')}</Button> : null}
          </Space>) : null}>
        {card ? <CardView card={card} editable={false} onClose={() => setOpenId(null)} /> : null}
      </Drawer>
      <Modal open={!!ask} onOk={confirmAsk} onCancel={() => setAsk(null)} title={ask ? (ask.action === 'revise' ? t('surveillance.revise') : t(`surveillance.review.${ask.action}`)) : ''}>
        {ask?.action === 'revise' ? (
          <Form.Item label={t('surveillance.reviseTo')}>
            <Select value={ask.to} onChange={(v) => setAsk({ ...ask, to: v })} options={(['clinical', 'confirmed', 'excluded'] as const).map((c) => ({ value: c, label: t.code('surveillance.case', c) }))} />
          </Form.Item>) : null}
        <Input.TextArea rows={3} placeholder={t('surveillance.reason')} value={ask?.reason ?? ''} onChange={(e) => ask && setAsk({ ...ask, reason: e.target.value })} data-testid="review-reason" />
      </Modal>
    </Card>
  );
}
