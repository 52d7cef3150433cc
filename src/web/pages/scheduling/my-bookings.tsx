// A resident's own appointments: book a place from the hospitals' published schedules (the public
// share; places held for referrals open a day before), see and cancel their bookings.
import { useEffect, useMemo, useState } from 'react';
import { Button, Card, Empty, Radio, Select, Space, Table, Tag, message } from 'antd';
import { api, errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { slotLabel } from './slot-picker';
import { dayFromToday } from '../../../shared/time.ts';
import type { ApiItem } from '../../api/hooks';

type Schedule = ApiItem<'/api/scheduling/schedules'>;
type Slot = ApiItem<'/api/scheduling/slots'>;
type Booking = ApiItem<'/api/scheduling/residents/{id}/bookings'>;
const day = dayFromToday;
const COLORS: Record<string, string> = { booked: 'blue', attended: 'green', no_show: 'red', cancelled: 'default' };

/** The resident's booking page. */
export function MyBookingsPage() {
  const t = useT();
  const { lang } = useLang();
  const [rid, setRid] = useState<string | null>(null);
  const [bookings, setBookings] = useState<Booking[]>([]);
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [schedule, setSchedule] = useState<string | null>(null);
  const [slots, setSlots] = useState<Slot[]>([]);
  const [slotId, setSlotId] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  // One key per chosen slot: pressing the button twice (or a retry after a lost answer) books once.
  const key = useMemo(() => `me-${crypto.randomUUID()}`, [slotId]);
  const load = (id: string) => api.GET('/api/scheduling/residents/{id}/bookings', { params: { path: { id } } }).then((r) => setBookings(r.data?.items ?? []));
  useEffect(() => {
    api.GET('/api/me/record').then((r) => { const id = r.data?.residentId ?? null; setRid(id); if (id) void load(id); });
    api.GET('/api/scheduling/schedules', {}).then((r) => setSchedules(r.data?.items ?? []));
  }, []);
  useEffect(() => {
    setSlots([]);
    if (schedule) api.GET('/api/scheduling/slots', { params: { query: { scheduleId: schedule, from: day(0), to: day(14), channel: 'public', available: 'true' } } }).then((r) => setSlots(r.data?.items ?? []));
  }, [schedule, refresh]);
  const bookIt = async () => {
    if (!rid || !slotId) return;
    const r = await api.POST('/api/scheduling/bookings', { body: { slotId, residentId: rid, idempotencyKey: key } });
    if (r.error) return message.error(errorText(r.error, lang));
    message.success(t('scheduling.bookedOk'));
    setSlotId(null);
    void load(rid);
    setRefresh((n) => n + 1);
  };
  const wait = async () => {
    if (!rid || !schedule) return;
    const r = await api.POST('/api/scheduling/waiting-list', { body: { scheduleId: schedule, residentId: rid, from: day(0), to: day(14) } });
    if (r.error) message.error(errorText(r.error, lang));
    else message.success(t('scheduling.waitingOk'));
  };
  const cancel = async (id: string) => {
    const r = await api.POST('/api/scheduling/bookings/{id}/cancel', { params: { path: { id } }, body: {} });
    if (r.error) message.error(errorText(r.error, lang));
    if (rid) void load(rid);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('scheduling.bookNew')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select style={{ width: 480 }} placeholder={t('referrals.pickSchedule')} value={schedule ?? undefined} onChange={(v) => { setSchedule(v); setSlotId(null); }} showSearch optionFilterProp="label"
            options={schedules.map((s) => ({ value: s.id, label: `${s.facilityName} · ${s.department} · ${s.name}` }))} data-testid="my-schedule" />
          {schedule && (slots.length === 0 ? <Empty description={t('referrals.noSlots')}><Button onClick={wait}>{t('scheduling.joinWaitingList')}</Button></Empty> : (
            <Radio.Group value={slotId} onChange={(e) => setSlotId(e.target.value)} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
              {slots.slice(0, 40).map((s) => <Radio.Button key={s.id} value={s.id}>{slotLabel(s.startsAt, lang)} <Tag color="green">{t('referrals.left', { n: s.placesLeft })}</Tag></Radio.Button>)}
            </Radio.Group>
          ))}
          <Button type="primary" disabled={!slotId || !rid} onClick={bookIt}>{t('scheduling.book')}</Button>
        </Space>
      </Card>
      <Card title={t('scheduling.myBookings')}>
        <Table<Booking> rowKey="id" size="small" dataSource={bookings} pagination={{ pageSize: 10 }} columns={[
          { title: t('scheduling.time'), render: (_, b) => slotLabel(b.startsAt, lang) },
          { title: t('referrals.facility'), dataIndex: 'facilityName' },
          { title: t('scheduling.name'), dataIndex: 'scheduleName' },
          { title: t('scheduling.status'), render: (_, b) => <Tag color={COLORS[b.status]}>{t(`scheduling.booking.${b.status}` as 'scheduling.booking.booked')}</Tag> },
          { title: '', render: (_, b) => (b.status === 'booked' ? <Button size="small" onClick={() => cancel(b.id)}>{t('scheduling.cancelBooking')}</Button> : null) },
        ]} />
      </Card>
    </Space>
  );
}
