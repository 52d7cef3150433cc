import { DatePicker, Segmented, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useT } from '../../i18n';

export type Level = 'team' | 'township' | 'community' | 'county';
export type PeriodKind = 'month' | 'quarter' | 'year' | 'ytd';
export interface LevelPeriod { level: Level; period: PeriodKind; on: Dayjs }

export const initialLevelPeriod = (): LevelPeriod => ({ level: 'township', period: 'ytd', on: dayjs() });

/** The level (team, township, community, county) and the period (month, quarter, year, year to date, on a chosen day) of a rates page. */
export function LevelPeriodPicker({ value, onChange }: { value: LevelPeriod; onChange: (v: LevelPeriod) => void }) {
  const t = useT();
  return (
    <Space wrap>
      <Segmented data-testid="rates-level" value={value.level} onChange={(v) => onChange({ ...value, level: v as Level })}
        options={(['team', 'township', 'community', 'county'] as const).map((l) => ({ value: l, label: t(`chronic.level.${l}`) }))} />
      <Segmented data-testid="rates-period" value={value.period} onChange={(v) => onChange({ ...value, period: v as PeriodKind })}
        options={(['month', 'quarter', 'year', 'ytd'] as const).map((p) => ({ value: p, label: t(`chronic.period.${p}`) }))} />
      <DatePicker data-testid="rates-on" allowClear={false} value={value.on} picker={value.period === 'ytd' ? 'date' : value.period}
        disabledDate={(d) => d.isAfter(dayjs(), 'day')} onChange={(d) => d && onChange({ ...value, on: d })} />
    </Space>
  );
}

/** The query parameters of a level and period. */
export const levelPeriodQuery = (v: LevelPeriod) => ({ level: v.level, period: v.period, on: v.on.format('YYYY-MM-DD') });
