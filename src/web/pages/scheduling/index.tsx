// A facility's schedules with their slots for the coming week, and its bed board. Coordinators publish
// schedules and close days for holidays or leave.
import { useEffect, useState } from 'react';
import { Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, message } from 'antd';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { SCHEDULE_MANAGERS, SLOT_STAFF } from '../../../shared/roles';
import { EQUIPMENT, EQUIPMENT_LABELS } from '../../../modules/scheduling/rules';
import { slotLabel } from './slot-picker';
import { dayFromToday, minuteOf } from '../../../shared/time.ts';
import { numberRule } from '../../components/numbers';
import { useApiFetch, useApiMutation, useApiQuery, useInvalidate, type ApiData, type ApiItem } from '../../api/hooks';

type Schedule = ApiItem<'/api/scheduling/schedules'>;
type Slot = ApiItem<'/api/scheduling/slots'>;
type Ward = ApiData<'/api/scheduling/beds'>['wards'][number];
type Resident = ApiItem<'/api/residents'>;
type Facility = ApiItem<'/api/facilities'>;

const day = dayFromToday;
const BED_COLORS: Record<string, string> = { free: 'green', occupied: 'red', reserved: 'gold', closed: 'default' };

/** Schedules, slots and beds of a facility. */
export function SchedulingPage() {
  const t = useT();
  const { lang } = useLang();
  const { user } = useSession();
  const [facility, setFacility] = useState<string | null>(user?.scope.facilityCode ?? null);
  const [schedule, setSchedule] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [booking, setBooking] = useState<Slot | null>(null);
  const [found, setFound] = useState<Resident[]>([]);
  const [patient, setPatient] = useState<string | null>(null);
  const [bookKey, setBookKey] = useState('');
  const [form] = Form.useForm();
  const manager = !!user && SCHEDULE_MANAGERS.includes(user.role);
  // Staff of the facility shown may see who is booked and book for a patient.
  const staff = !!user && SLOT_STAFF.includes(user.role) && facility === user.scope.facilityCode;
  const fetchApi = useApiFetch();
  const facilities: Facility[] = useApiQuery('/api/facilities', { params: { query: { tier: 'county', pageSize: 100 } } }).data?.items ?? [];
  const schedulesQ = useApiQuery('/api/scheduling/schedules', { params: { query: { facilityCode: facility ?? '' } } }, { enabled: !!facility });
  const schedules: Schedule[] = (facility && schedulesQ.data?.items) || [];
  // The first schedule is chosen once the facility's schedules are read.
  useEffect(() => { if (schedulesQ.data) setSchedule((s) => s ?? schedulesQ.data.items[0]?.id ?? null); }, [schedulesQ.data]);
  const wards: Ward[] = useApiQuery('/api/scheduling/beds', { params: { query: { facilityCode: facility ?? '' } } }, { enabled: !!facility }).data?.wards ?? [];
  const slotsQ = useApiQuery('/api/scheduling/slots', { params: { query: { scheduleId: schedule ?? '', from: day(0), to: day(7), channel: 'staff' } } }, { enabled: !!schedule });
  const slots: Slot[] = (schedule && slotsQ.data?.items) || [];
  const search = async (q: string) => {
    if (!q.trim()) return;
    const r = await fetchApi('/api/residents', { params: { query: { q, pageSize: 20 } } });
    setFound(r?.items ?? []);
  };
  const bookMut = useApiMutation('post', '/api/scheduling/bookings', {
    invalidates: ['/api/scheduling/slots', '/api/scheduling/slots/{id}/bookings', '/api/scheduling/residents/{id}/bookings'],
    onSuccess: () => { message.success(t('scheduling.bookedOk')); setBooking(null); setPatient(null); },
  });
  const bookFor = () => {
    if (!booking || !patient) return;
    bookMut.mutate({ body: { slotId: booking.id, residentId: patient, idempotencyKey: bookKey } });
  };
  const createMut = useApiMutation('post', '/api/scheduling/schedules', {
    invalidates: ['/api/scheduling/schedules', '/api/scheduling/slots', '/api/scheduling/beds'],
    onSuccess: (d) => { message.success(t('scheduling.created', { n: d.slots })); setCreating(false); },
  });
  const create = async () => {
    const v = await form.validateFields();
    createMut.mutate({ body: { facilityCode: facility!, kind: v.kind, department: v.department, name: v.name, equipment: v.kind === 'equipment' ? v.equipment : null,
      referralSharePct: v.share, releaseHours: v.release, from: day(1), weeks: 4,
      pattern: (v.weekdays as number[]).map((weekday) => ({ weekday, start: v.start, end: v.end, slotMinutes: v.minutes, capacity: v.capacity })) } });
  };
  const closeMut = useApiMutation('post', '/api/scheduling/schedules/{id}/exceptions', { invalidates: ['/api/scheduling/slots'] });
  // The dialog waits for the answer and closes either way (a failure is shown).
  const closeDay = (date: string) => Modal.confirm({ title: t('scheduling.closeDay', { date }), onOk: () => new Promise<void>((resolve) => {
    closeMut.mutate({ params: { path: { id: schedule! } }, body: { date, reason: t('scheduling.holiday') } }, { onSettled: () => resolve() });
  }) });
  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`scheduling.wd${d}` as 'scheduling.wd1') }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('scheduling.title')} extra={<Space>
        <Select style={{ width: 260 }} value={facility ?? undefined} onChange={(v) => { setFacility(v); setSchedule(null); }} showSearch optionFilterProp="label"
          options={[...(user?.scope.facilityCode && !facilities.some((f) => f.code === user.scope.facilityCode) ? [{ value: user.scope.facilityCode, label: user.scope.facilityName ?? user.scope.facilityCode }] : []),
            ...facilities.map((f) => ({ value: f.code, label: f.name }))]} />
        {manager && facility === user?.scope.facilityCode && <Button type="primary" onClick={() => setCreating(true)}>{t('scheduling.new')}</Button>}</Space>}>
        <Table<Schedule> rowKey="id" size="small" dataSource={schedules} pagination={{ pageSize: 10 }} data-testid="schedules"
          rowSelection={{ type: 'radio', selectedRowKeys: schedule ? [schedule] : [], onChange: (k) => setSchedule(String(k[0])) }}
          columns={[
            { title: t('scheduling.department'), dataIndex: 'department' },
            { title: t('scheduling.name'), dataIndex: 'name' },
            { title: t('scheduling.kind'), render: (_, s) => (s.equipment ? EQUIPMENT_LABELS[s.equipment as keyof typeof EQUIPMENT_LABELS][lang] : t(`scheduling.kind.${s.kind}` as 'scheduling.kind.department')) },
            { title: t('scheduling.referralShare'), render: (_, s) => `${s.referralSharePct}% / ${s.releaseHours}h` },
            { title: t('scheduling.pattern'), render: (_, s) => [...new Set(s.pattern.map((p) => `${p.start}-${p.end}`))].join(', ') },
          ]} />
      </Card>
      <Card title={t('scheduling.slots')} size="small">
        <Table<Slot> rowKey="id" size="small" dataSource={slots} pagination={{ pageSize: 14 }} data-testid="slots-table"
          expandable={staff ? { expandedRowRender: (s) => <SlotBookings slotId={s.id} />, rowExpandable: (s) => s.booked > 0 } : undefined}
          columns={[
          { title: t('scheduling.time'), render: (_, s) => slotLabel(s.startsAt, lang) },
          { title: t('scheduling.booked'), render: (_, s) => `${s.booked} / ${s.capacity}` },
          { title: t('scheduling.referralPlaces'), render: (_, s) => `${s.referralBooked} / ${s.referralCapacity}` },
          { title: t('scheduling.left'), dataIndex: 'placesLeft' },
          { title: t('scheduling.status'), render: (_, s) => <Tag color={s.status === 'open' ? 'green' : 'default'}>{t(`scheduling.slot.${s.status}` as 'scheduling.slot.open')}</Tag> },
          ...(staff ? [{ title: '', render: (_: unknown, s: Slot) => (s.placesLeft > 0 ? <Button size="small" onClick={() => { setBooking(s); setBookKey(`ui-${crypto.randomUUID()}`); }}>{t('scheduling.bookFor')}</Button> : null) }] : []),
          ...(manager ? [{ title: '', render: (_: unknown, s: Slot) => (s.status === 'open' ? <Button size="small" onClick={() => closeDay(s.sessionDate)}>{t('scheduling.closeDayShort')}</Button> : null) }] : []),
        ]} />
      </Card>
      <Card title={t('scheduling.beds')} size="small" data-testid="bed-board">
        {wards.map((w) => (
          <div key={w.id} style={{ marginBottom: 12 }}>
            <b>{w.name}</b> · {w.department} · {t('scheduling.freeOf', { free: w.free, all: w.beds.length })}
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginTop: 4 }}>
              {w.beds.map((b) => (
                <Tooltip key={b.id} title={`${t(`scheduling.bed.${b.status}` as 'scheduling.bed.free')}${b.residentName ? ` · ${b.residentName}` : ''}${b.reservedUntil ? ` · ${minuteOf(b.reservedUntil)}` : ''}`}>
                  <Tag color={BED_COLORS[b.status]} style={{ width: 44, textAlign: 'center' }}>{b.code}</Tag>
                </Tooltip>
              ))}
            </div>
          </div>
        ))}
      </Card>
      <Modal open={!!booking} title={`${t('scheduling.bookFor')} · ${booking ? slotLabel(booking.startsAt, lang) : ''}`} onOk={bookFor} confirmLoading={bookMut.isPending} okButtonProps={{ disabled: !patient }} onCancel={() => setBooking(null)}>
        <Select showSearch style={{ width: '100%' }} value={patient ?? undefined} onSearch={search} filterOption={false} onChange={setPatient} placeholder={t('referrals.searchResident')}
          options={found.map((r) => ({ value: r.id, label: `${r.name} · ${r.age} · ${r.villageName} · ${r.idNumberMasked}` }))} />
      </Modal>
      <Modal open={creating} title={t('scheduling.new')} onOk={create} confirmLoading={createMut.isPending} onCancel={() => setCreating(false)} width={640}>
        <Form form={form} layout="vertical" initialValues={{ kind: 'department', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '12:00', minutes: 30, capacity: 4, share: 30, release: 24 }}>
          <Space wrap>
            <Form.Item name="kind" label={t('scheduling.kind')}><Select style={{ width: 140 }} options={(['department', 'equipment'] as const).map((k) => ({ value: k, label: t(`scheduling.kind.${k}`) }))} /></Form.Item>
            <Form.Item name="equipment" label={t('scheduling.equipment')}><Select style={{ width: 140 }} allowClear options={EQUIPMENT.map((e) => ({ value: e, label: EQUIPMENT_LABELS[e][lang] }))} /></Form.Item>
            <Form.Item name="department" label={t('scheduling.department')} rules={[{ required: true }]}><Input style={{ width: 160 }} /></Form.Item>
            <Form.Item name="name" label={t('scheduling.name')} rules={[{ required: true }]}><Input style={{ width: 200 }} /></Form.Item>
          </Space>
          <Form.Item name="weekdays" label={t('scheduling.weekdays')}><Select mode="multiple" options={weekdays} /></Form.Item>
          <Space wrap>
            <Form.Item name="start" label={t('scheduling.start')}><Input style={{ width: 90 }} /></Form.Item>
            <Form.Item name="end" label={t('scheduling.end')}><Input style={{ width: 90 }} /></Form.Item>
            <Form.Item name="minutes" label={t('scheduling.minutes')} rules={[numberRule(t, t('scheduling.minutes'), { min: 5, max: 240, integer: true })]}><InputNumber /></Form.Item>
            <Form.Item name="capacity" label={t('scheduling.capacity')} rules={[numberRule(t, t('scheduling.capacity'), { min: 1, max: 1000, integer: true })]}><InputNumber /></Form.Item>
            <Form.Item name="share" label={t('scheduling.referralShare')} rules={[numberRule(t, t('scheduling.referralShare'), { min: 0, max: 100, integer: true })]}><InputNumber addonAfter="%" /></Form.Item>
            <Form.Item name="release" label={t('scheduling.release')} rules={[numberRule(t, t('scheduling.release'), { min: 0, max: 720, integer: true })]}><InputNumber addonAfter="h" /></Form.Item>
          </Space>
        </Form>
      </Modal>
    </Space>
  );
}

type SlotBooking = ApiItem<'/api/scheduling/slots/{id}/bookings'>;
const BOOKING_COLORS: Record<string, string> = { booked: 'blue', attended: 'green', no_show: 'red', cancelled: 'default' };

/** Who is booked in a slot, with attendance, no-show and cancel. */
function SlotBookings({ slotId }: { slotId: string }) {
  const t = useT();
  const rows: SlotBooking[] = useApiQuery('/api/scheduling/slots/{id}/bookings', { params: { path: { id: slotId } } }).data?.items ?? [];
  const invalidate = useInvalidate();
  // After the answer, success or not, the slot's bookings and the slots' counts are read again.
  const reread = { onSettled: () => void invalidate('/api/scheduling/slots/{id}/bookings', '/api/scheduling/slots', '/api/scheduling/residents/{id}/bookings') };
  const cancelMut = useApiMutation('post', '/api/scheduling/bookings/{id}/cancel', reread);
  const attendMut = useApiMutation('post', '/api/scheduling/bookings/{id}/attendance', reread);
  const act = (id: string, what: 'attended' | 'no_show' | 'cancel') => {
    if (what === 'cancel') cancelMut.mutate({ params: { path: { id } }, body: {} });
    else attendMut.mutate({ params: { path: { id } }, body: { status: what } });
  };
  return (
    <Table<SlotBooking> rowKey="id" size="small" pagination={false} dataSource={rows} columns={[
      { title: t('referrals.resident'), dataIndex: 'residentName' },
      { title: t('scheduling.channel'), render: (_, b) => t(`scheduling.channel.${b.channel}` as 'scheduling.channel.public') },
      { title: t('scheduling.status'), render: (_, b) => <Tag color={BOOKING_COLORS[b.status]}>{t(`scheduling.booking.${b.status}` as 'scheduling.booking.booked')}</Tag> },
      { title: '', render: (_, b) => (b.status === 'booked' ? <Space>
        <Button size="small" onClick={() => act(b.id, 'attended')}>{t('scheduling.booking.attended')}</Button>
        <Button size="small" onClick={() => act(b.id, 'no_show')}>{t('scheduling.booking.no_show')}</Button>
        <Button size="small" danger onClick={() => act(b.id, 'cancel')}>{t('scheduling.cancelBooking')}</Button></Space> : null) },
    ]} />
  );
}
