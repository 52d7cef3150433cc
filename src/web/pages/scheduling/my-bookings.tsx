// A resident's own appointments: book a place from the hospitals' published schedules (the public
// share; places held for referrals open a day before), see and cancel their bookings.
import { useMemo, useState } from 'react';
import { Button, Card, Empty, Popconfirm, Radio, Select, Space, Table, Tag, message } from 'antd';
import { useLang, useT } from '../../i18n';
import { slotLabel } from './slot-picker';
import { dayFromToday, dayOf } from '../../../shared/time.ts';
import { useApiMutation, useApiQuery, useInvalidate, type ApiItem } from '../../api/hooks';

type Schedule = ApiItem<'/api/scheduling/schedules'>;
type Slot = ApiItem<'/api/scheduling/slots'>;
type Booking = ApiItem<'/api/scheduling/residents/{id}/bookings'>;
const day = dayFromToday;
const COLORS: Record<string, string> = { booked: 'blue', attended: 'green', no_show: 'red', cancelled: 'default' };

/** The resident's booking page. */
export function MyBookingsPage() {
  const t = useT();
  const { lang } = useLang();
  const rid = useApiQuery('/api/me/record').data?.residentId ?? null;
  const bookings: Booking[] = useApiQuery('/api/scheduling/residents/{id}/bookings', { params: { path: { id: rid ?? '' } } }, { enabled: !!rid }).data?.items ?? [];
  const schedules: Schedule[] = useApiQuery('/api/scheduling/schedules', {}).data?.items ?? [];
  const [schedule, setSchedule] = useState<string | null>(null);
  const slotsQ = useApiQuery('/api/scheduling/slots', { params: { query: { scheduleId: schedule ?? '', from: day(0), to: day(14), channel: 'public', available: 'true' } } }, { enabled: !!schedule });
  const slots: Slot[] = (schedule && slotsQ.data?.items) || [];
  const [slotId, setSlotId] = useState<string | null>(null);
  const [pickedDay, setPickedDay] = useState<string | null>(null);
  const days = [...new Set(slots.map((s) => dayOf(new Date(s.startsAt))))];
  const shownDay = pickedDay && days.includes(pickedDay) ? pickedDay : days[0] ?? null;
  const invalidate = useInvalidate();
  // One key per chosen slot: pressing the button twice (or a retry after a lost answer) books once.
  const key = useMemo(() => `me-${crypto.randomUUID()}`, [slotId]);
  const bookMut = useApiMutation('post', '/api/scheduling/bookings', {
    invalidates: ['/api/scheduling/residents/{id}/bookings', '/api/scheduling/slots'],
    onSuccess: () => { message.success(t('scheduling.bookedOk')); setSlotId(null); },
  });
  const bookIt = () => {
    if (!rid || !slotId) return;
    bookMut.mutate({ body: { slotId, residentId: rid, idempotencyKey: key } });
  };
  const waitMut = useApiMutation('post', '/api/scheduling/waiting-list', { onSuccess: () => { message.success(t('scheduling.waitingOk')); } });
  const wait = () => {
    if (!rid || !schedule) return;
    waitMut.mutate({ body: { scheduleId: schedule, residentId: rid, from: day(0), to: day(14) } });
  };
  // After the answer, success or not, the bookings are read again.
  const cancelMut = useApiMutation('post', '/api/scheduling/bookings/{id}/cancel', { onSettled: () => void invalidate('/api/scheduling/residents/{id}/bookings', '/api/scheduling/slots') });
  const cancel = (id: string) => cancelMut.mutate({ params: { path: { id } }, body: {} });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('scheduling.bookNew')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select style={{ width: '100%', maxWidth: 480 }} placeholder={t('referrals.pickSchedule')} value={schedule ?? undefined} onChange={(v) => { setSchedule(v); setSlotId(null); setPickedDay(null); }} showSearch optionFilterProp="label"
            options={schedules.map((s) => ({ value: s.id, label: `${s.facilityName} · ${s.department} · ${s.name}` }))} data-testid="my-schedule" />
          {schedule && (slots.length === 0 ? <Empty description={t('referrals.noSlots')}><Button onClick={wait}>{t('scheduling.joinWaitingList')}</Button></Empty> : (
            <Space direction="vertical" style={{ width: '100%' }}>
              {/* a day first, then its times: two weeks of times is a long list on a phone */}
              <Radio.Group value={shownDay} onChange={(e) => { setPickedDay(e.target.value); setSlotId(null); }} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid="slot-days">
                {days.map((d) => <Radio.Button key={d} value={d}>{slotLabel(`${d}T12:00:00+08:00`, lang).slice(0, -6)}</Radio.Button>)}
              </Radio.Group>
              <Radio.Group value={slotId} onChange={(e) => setSlotId(e.target.value)} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid="slot-times">
                {slots.filter((s) => dayOf(new Date(s.startsAt)) === shownDay).map((s) => <Radio.Button key={s.id} value={s.id}>{slotLabel(s.startsAt, lang).slice(-5)} <Tag color="green">{t('referrals.left', { n: s.placesLeft })}</Tag></Radio.Button>)}
              </Radio.Group>
            </Space>
          ))}
          <Button type="primary" disabled={!slotId || !rid} loading={bookMut.isPending} onClick={bookIt}>{t('scheduling.book')}</Button>
        </Space>
      </Card>
      <Card title={t('scheduling.myBookings')}>
        <Table<Booking> rowKey="id" size="small" dataSource={bookings} pagination={{ pageSize: 10 }} scroll={{ x: 'max-content' }} data-testid="my-bookings" columns={[
          { title: t('scheduling.time'), render: (_, b) => slotLabel(b.startsAt, lang, { year: true }) },
          { title: t('referrals.facility'), dataIndex: 'facilityName' },
          { title: t('scheduling.name'), dataIndex: 'scheduleName' },
          { title: t('scheduling.status'), render: (_, b) => <Tag color={COLORS[b.status]}>{t(`scheduling.booking.${b.status}` as 'scheduling.booking.booked')}</Tag> },
          { title: '', render: (_, b) => (b.status === 'booked' ? (
            <Popconfirm title={t('scheduling.cancelConfirm', { when: slotLabel(b.startsAt, lang, { year: true }), where: b.facilityName })} okText={t('scheduling.cancelBooking')} cancelText={t('scheduling.keepBooking')}
              onConfirm={() => cancel(b.id)}>
              <Button size="small" loading={cancelMut.isPending && cancelMut.variables?.params.path.id === b.id} data-testid="cancel-booking">{t('scheduling.cancelBooking')}</Button>
            </Popconfirm>) : null) },
        ]} />
      </Card>
    </Space>
  );
}
