// Days and instants as users see them: Asia/Shanghai. Pure, shared by server and web.
// Dates of care are 'YYYY-MM-DD' strings of the Shanghai calendar; instants are ISO timestamps.
import { z } from 'zod';

export const TIME_ZONE = 'Asia/Shanghai';

/** A calendar date 'YYYY-MM-DD' that exists (2026-02-30 is refused). */
export const DateStr = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().startsWith(s), 'not a real date / 日期无效');

/** The Asia/Shanghai calendar day of an instant (now by default), 'YYYY-MM-DD'. */
export const dayOf = (at: Date | string | number = new Date()): string => new Date(at).toLocaleDateString('sv-SE', { timeZone: TIME_ZONE });

/** The instant a day begins in Asia/Shanghai (its 00:00, +08:00). */
export const startOfDay = (day: string): Date => new Date(`${day}T00:00:00+08:00`);

/** Today in Asia/Shanghai, 'YYYY-MM-DD'. */
export const today = (): string => dayOf(new Date());

/** An instant to the minute as 'YYYY-MM-DD HH:mm' in Asia/Shanghai (the form every page shows a time in). */
export const minuteOf = (at: Date | string | number): string => new Date(at).toLocaleString('sv-SE', { timeZone: TIME_ZONE, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** The moment a care event of `day` (a date users see) is recorded: that day at the current Asia/Shanghai wall-clock time, with its offset — so the event falls on `day` whatever the UTC date is. */
export const onDayNow = (day: string, now = new Date()): string => `${day}T${now.toLocaleTimeString('sv-SE', { timeZone: TIME_ZONE, hour12: false })}+08:00`;

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day `days` from today in Asia/Shanghai. */
export const dayFromToday = (days: number): string => addDays(today(), days);

/** A day as official documents write it (GB/T 9704-2012 §7.3.5.4): the year in full, month and day without a leading zero — 2026年12月1日. */
export const documentDate = (day: string): string => `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
