// Picks a slot from a facility's published schedules: schedule first, then a time with places left.
import { useEffect, useState } from 'react';
import { Empty, Radio, Select, Space, Tag } from 'antd';
import { useLang, useT } from '../../i18n';
import { dayFromToday, dayOf } from '../../../shared/time.ts';
import { useApiQuery, type ApiItem } from '../../api/hooks';

type Schedule = ApiItem<'/api/scheduling/schedules'>;
type Slot = ApiItem<'/api/scheduling/slots'>;

const day = dayFromToday;

/** The local (Asia/Shanghai) date and time of an instant, 'MM-DD 周X HH:mm'. */
export function slotLabel(iso: string, lang: 'zh' | 'en', o: { year?: boolean } = {}): string {
  const d = new Date(iso);
  // (the next two weeks' slots read well without the year; a list of bookings, past and future, needs it)
  const date = o.year ? dayOf(d) : dayOf(d).slice(5);
  const wd = d.toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', weekday: 'short' });
  const hm = d.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  return `${date} ${wd} ${hm}`;
}

/** A schedule select and the referral-channel slots of the next two weeks with places left. */
export function SlotPicker({ facilityCode, value, onChange }: { facilityCode: string | null; value: string | null; onChange: (slotId: string | null) => void }) {
  const t = useT();
  const { lang } = useLang();
  const [schedule, setSchedule] = useState<string | null>(null);
  // A new facility starts again: no schedule, no slot chosen.
  useEffect(() => {
    setSchedule(null);
    onChange(null);
  }, [facilityCode]);
  const schedulesQ = useApiQuery('/api/scheduling/schedules', { params: { query: { facilityCode: facilityCode ?? '' } } }, { enabled: !!facilityCode });
  const schedules: Schedule[] = (facilityCode && schedulesQ.data?.items) || [];
  const slotsQ = useApiQuery('/api/scheduling/slots', { params: { query: { scheduleId: schedule ?? '', from: day(0), to: day(14), channel: 'referral', available: 'true' } } }, { enabled: !!schedule });
  const slots: Slot[] = (schedule && slotsQ.data?.items) || [];
  if (!facilityCode) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="slot-picker">
      <Select data-testid="schedule-select" placeholder={t('referrals.pickSchedule')} value={schedule ?? undefined} onChange={(v) => { setSchedule(v); onChange(null); }} style={{ width: 420 }}
        options={schedules.map((s) => ({ value: s.id, label: `${s.department} · ${s.name}${s.referralSharePct ? ` (${t('referrals.share', { pct: s.referralSharePct })})` : ''}` }))} />
      {schedule && (slots.length === 0 ? <Empty description={t('referrals.noSlots')} /> : (
        <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} data-testid="slots" style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
          {slots.slice(0, 40).map((s) => (
            <Radio.Button key={s.id} value={s.id}>
              <span data-testid="slot-option">{slotLabel(s.startsAt, lang)} <Tag color={s.placesLeft <= 1 ? 'orange' : 'green'} style={{ marginInlineStart: 4 }}>{t('referrals.left', { n: s.placesLeft })}</Tag></span>
            </Radio.Button>
          ))}
        </Radio.Group>
      ))}
    </Space>
  );
}
