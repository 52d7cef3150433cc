// Reporting periods (month, quarter, calendar year, year to date) anchored on a day: pure, shared by
// the programme and contract rates on the server and their pickers on the web.

export type PeriodKind = 'month' | 'quarter' | 'year' | 'ytd';

/** The dates a period covers, from the day it is anchored on: its month, quarter, calendar year, or the year to that day. */
export function periodRange(kind: PeriodKind, on: string): { from: string; to: string } {
  const [y, m] = on.split('-').map(Number);
  const last = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 0)).toISOString().slice(0, 10); // last day of month mm (1-based)
  const pad = (n: number) => String(n).padStart(2, '0');
  if (kind === 'month') return { from: `${y}-${pad(m)}-01`, to: last(y, m) };
  if (kind === 'quarter') {
    const q0 = Math.floor((m - 1) / 3) * 3 + 1;
    return { from: `${y}-${pad(q0)}-01`, to: last(y, q0 + 2) };
  }
  if (kind === 'year') return { from: `${y}-01-01`, to: `${y}-12-31` };
  return { from: `${y}-01-01`, to: on };
}
