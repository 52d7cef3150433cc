// The demo county's pooled slots, beds and a year of two-way referral: schedules for the hospitals'
// clinics and equipment (a share held for referrals), a year of bookings with no-shows and
// cancellations, wards with today's occupancy, and a year of referrals with realistic volumes and
// timings — the chronic programme's up-referrals (from the seeded follow-ups that called for one),
// other up-referrals from the townships, green-channel emergencies, and the hospitals' down-referrals
// for rehabilitation with the family-doctor teams' tasks. Deterministic; loaded in bulk.
import type { Db, Queryable } from '../../platform/db.ts';
import { uuidFrom } from './load.ts';
import { scaleBeds } from './facilities.ts';
import { copyBookings, copySlots, loadScheduleExceptions, loadSchedules, loadWardsAndBeds } from '../scheduling/service.ts';
import { countTasks, createDownReferralTasks, linkReferralBeds, linkReferralBookings, loadReferralEvents, loadReferrals, type BulkReferral } from '../referrals/service.ts';
import { linkFollowupReferrals } from '../chronic/service.ts';
import { rng as makeRng, type Rng } from './rng.ts';
import { generateSlots, plusDays, type Session, type SlotSpec } from '../scheduling/rules.ts';
import { dueAt, DEFAULT_SLA, REASONS, type GreenChannel, type Urgency } from '../referrals/rules.ts';

interface Fac { id: string; code: string; name: string; tier: string; kind: string; region_code: string; beds: number }
interface Res { id: string; village_code: string; conditions: string[] }

const weekdays = (start: string, end: string, slotMinutes: number, capacity: number, days = [1, 2, 3, 4, 5]): Session[] => days.map((weekday) => ({ weekday, start, end, slotMinutes, capacity }));
const CLINICS: { department: string; name: string; pattern: Session[]; equipment?: string }[] = [
  { department: '心血管内科', name: '心内科普通门诊', pattern: [...weekdays('08:00', '12:00', 30, 4), ...weekdays('14:00', '17:00', 30, 3)] },
  { department: '心血管内科', name: '心内科专家门诊', pattern: weekdays('08:00', '11:00', 30, 2, [1, 3, 5]) },
  { department: '内分泌科', name: '内分泌科门诊', pattern: weekdays('08:00', '12:00', 30, 3) },
  { department: '神经内科', name: '神经内科门诊', pattern: weekdays('08:00', '12:00', 30, 3) },
  { department: '呼吸内科', name: '呼吸内科门诊', pattern: weekdays('08:00', '12:00', 30, 3) },
  { department: '普外科', name: '普外科门诊', pattern: weekdays('08:00', '12:00', 30, 2) },
  { department: '影像科', name: 'CT 检查', equipment: 'ct', pattern: [...weekdays('08:00', '12:00', 20, 2), ...weekdays('14:00', '17:00', 20, 2)] },
  { department: '影像科', name: '磁共振检查', equipment: 'mri', pattern: weekdays('08:00', '12:00', 40, 1, [1, 2, 3, 4, 5, 6]) },
  { department: '超声科', name: '彩超检查', equipment: 'ultrasound', pattern: weekdays('08:00', '12:00', 15, 2) },
  { department: '消化内科', name: '胃肠镜检查', equipment: 'endoscopy', pattern: weekdays('08:00', '11:00', 30, 1, [2, 4]) },
];
const OTHER_HOSPITAL_CLINICS = [
  { department: '骨科', name: '骨科门诊', pattern: weekdays('08:00', '12:00', 30, 4) },
  { department: '妇产科', name: '产科门诊', pattern: weekdays('08:00', '12:00', 30, 3) },
  { department: '中医科', name: '中医内科门诊', pattern: weekdays('08:00', '12:00', 30, 3) },
];
const WARDS: { name: string; department: string; kind: string; beds: number }[] = [
  { name: '心内一病区', department: '心血管内科', kind: 'general', beds: 40 }, { name: '神经内科病区', department: '神经内科', kind: 'general', beds: 40 },
  { name: '呼吸内科病区', department: '呼吸内科', kind: 'general', beds: 36 }, { name: '康复医学科病区', department: '康复医学科', kind: 'rehabilitation', beds: 30 },
  { name: '重症医学科', department: '重症医学科', kind: 'icu', beds: 12 }, { name: '产科病区', department: '妇产科', kind: 'obstetric', beds: 24 },
];
const UP_REASONS: [string, number][] = [['beyond_capability', 30], ['diagnosis_unclear', 25], ['examination', 25], ['surgery', 12], ['other', 3]];
const GREEN: [GreenChannel, number][] = [['stroke', 40], ['chest_pain', 35], ['trauma', 15], ['high_risk_pregnancy', 7], ['critical_newborn', 3]];
const PLANS = ['每周测血压两次，2周后门诊复查调整用药', '康复训练每日一次，4周后评估肢体功能', '监测空腹及餐后血糖，1个月后复查糖化血红蛋白', '伤口换药每3天一次，2周后拆线复查', '低盐低脂饮食，规律服药，1个月后复查血脂'];

function weighted<T>(r: Rng, xs: readonly [T, number][]): T {
  let u = r.next() * xs.reduce((s, x) => s + x[1], 0);
  for (const x of xs) if ((u -= x[1]) < 0) return x[0];
  return xs[0][0];
}
// Log-normal durations: most quick, a long tail (hours).
const lognormal = (r: Rng, medianHours: number, sigma: number) => medianHours * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()));
const HOUR = 3_600_000;
const dateOf = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

interface SlotRow extends SlotSpec { id: string; scheduleId: string; facilityId: string; booked: number; referralBooked: number; start: number }
interface Booking { id: string; slot: SlotRow; resident: string; channel: 'public' | 'referral' | 'staff'; status: string; referral: string | null; created: Date }
interface Ref {
  id: string; resident: string; direction: string; urgency: Urgency; green: GreenChannel | null; reason: string; reasonText: string | null; from: string; to: string; department: string | null;
  status: string; decline: string | null; plan: string | null; days: number | null; created: Date; sent: Date | null; accepted: Date | null; arrived: Date | null; completed: Date | null; declined: Date | null;
  cancelled: Date | null; expired: Date | null; due: Date | null; booking: string | null; parent: string | null; inpatient: boolean; outcome: string | null; summary: string;
}

/** Loads schedules, slots, bookings, wards, beds, a year of referrals and their tasks; returns counts. */
export async function seedReferrals(db: Db, o: { county: string; seed: number; asOf?: Date; log?: (m: string) => void }) {
  const r = makeRng(o.seed * 7919 + 11);
  const next = () => r.next();
  const asOf = o.asOf ?? new Date();
  const yearAgo = new Date(asOf.getTime() - 365 * 86_400_000);
  const facilities = await db.query<Fac>('SELECT id, code, name, tier, kind, region_code, beds FROM facilities WHERE region_code LIKE $1 || \'%\' ORDER BY code', [o.county]);
  const [city] = await db.query<Fac>("SELECT id, code, name, tier, kind, region_code, beds FROM facilities WHERE tier = 'city' ORDER BY code LIMIT 1");
  const hospitals = facilities.filter((f) => f.tier === 'county' && f.kind !== 'cdc');
  const lead = hospitals.find((f) => f.kind === 'general_hospital');
  if (!lead) return { schedules: 0, slots: 0, bookings: 0, beds: 0, referrals: 0, tasks: 0 };
  const centres = facilities.filter((f) => f.tier === 'township');
  const centreOfTown = new Map(centres.map((c) => [c.region_code.slice(0, 9), c]));
  const residents = await db.query<Res>('SELECT id, village_code, conditions FROM residents WHERE county_code = $1 AND merged_into IS NULL AND death_date IS NULL ORDER BY id', [o.county]);
  if (!residents.length) return { schedules: 0, slots: 0, bookings: 0, beds: 0, referrals: 0, tasks: 0 };
  const county = o.county;

  // ---- schedules and slots: from a year ago to four weeks ahead ----
  const schedules: { id: string; facility: Fac; department: string; name: string; equipment: string | null; pattern: Session[]; share: number }[] = [];
  for (const c of CLINICS) schedules.push({ id: uuidFrom(next), facility: lead, department: c.department, name: c.name, equipment: c.equipment ?? null, pattern: c.pattern, share: c.equipment ? 40 : 30 });
  for (const h of hospitals.filter((x) => x.id !== lead.id)) {
    const c = h.kind === 'specialised_hospital' ? OTHER_HOSPITAL_CLINICS[0] : h.kind === 'maternal_child_hospital' ? OTHER_HOSPITAL_CLINICS[1] : OTHER_HOSPITAL_CLINICS[2];
    schedules.push({ id: uuidFrom(next), facility: h, department: c.department, name: c.name, equipment: null, pattern: c.pattern, share: 20 });
  }
  const from = dateOf(yearAgo);
  const to = plusDays(dateOf(asOf), 28);
  // The national holidays close the clinics (Spring Festival and National Day weeks of the demo year).
  const closed = new Set<string>();
  for (const d0 of [`${asOf.getFullYear()}-10-01`, `${asOf.getFullYear() - 1}-10-01`]) for (let i = 0; i < 7; i++) closed.add(plusDays(d0, i));
  const slots: SlotRow[] = [];
  const slotsOfSchedule = new Map<string, SlotRow[]>();
  for (const s of schedules) {
    const list = generateSlots(s.pattern, from, to, closed, s.share, 24).map((x) => ({ ...x, id: uuidFrom(next), scheduleId: s.id, facilityId: s.facility.id, booked: 0, referralBooked: 0, start: Date.parse(x.startsAt) }));
    slotsOfSchedule.set(s.id, list);
    slots.push(...list);
  }
  const leadSchedules = schedules.filter((s) => s.facility.id === lead.id);
  const bookings: Booking[] = [];
  const sessionTaken = new Set<string>();
  const takeSlot = (sched: string, after: number, resident: string, channel: Booking['channel'], referral: string | null, status: string, created: Date): Booking | null => {
    const list = slotsOfSchedule.get(sched)!;
    // the first slot at or after `after` with a place for the channel
    let lo = 0, hi = list.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (list[m].start < after) lo = m + 1; else hi = m; }
    for (let i = lo; i < Math.min(list.length, lo + 60); i++) {
      const s = list[i];
      const publicFull = s.booked - s.referralBooked >= s.capacity - s.referralCapacity && created.getTime() < Date.parse(s.releaseAt);
      if (s.booked >= s.capacity || (channel !== 'referral' && publicFull)) continue;
      const key = `${resident}|${sched}|${s.sessionDate}|${s.period}`;
      if (sessionTaken.has(key)) continue;
      sessionTaken.add(key);
      s.booked++;
      if (channel === 'referral') s.referralBooked++;
      const b = { id: uuidFrom(next), slot: s, resident, channel, status, referral, created };
      bookings.push(b);
      return b;
    }
    return null;
  };

  // ---- referrals: a year of them ----
  const refs: Ref[] = [];
  const events: { ref: string; status: string; from: string | null; at: Date; note: string | null }[] = [];
  const summaryOf = (x: Res, reason: string) => `转诊原因：${reason}\n现患疾病：${x.conditions.map((c) => (c === 'hypertension' ? '原发性高血压(I10)' : c === 'diabetes' ? '2型糖尿病(E11)' : c)).join('；') || '无记录'}\n过敏史：无已知过敏`;
  const sla = DEFAULT_SLA;
  const addUp = (x: Res, sent: Date, reason: string, urgency: Urgency, green: GreenChannel | null, target: Fac, fromFac: Fac) => {
    const id = uuidFrom(next);
    const inCommunity = target.id === lead.id;
    const f: Ref = { id, resident: x.id, direction: inCommunity ? 'up' : 'out', urgency, green, reason, reasonText: null, from: fromFac.id, to: target.id, department: null, status: 'sent', decline: null, plan: null,
      days: null, created: new Date(sent.getTime() - lognormal(r, 0.3, 0.8) * HOUR), sent, accepted: null, arrived: null, completed: null, declined: null, cancelled: null, expired: null,
      due: dueAt(sent, urgency, sla), booking: null, parent: null, inpatient: urgency !== 'routine' || next() < 0.25, outcome: null, summary: summaryOf(x, REASONS[reason]?.zh ?? reason) };
    events.push({ ref: id, status: 'draft', from: null, at: f.created, note: null }, { ref: id, status: 'sent', from: 'draft', at: sent, note: null });
    const acceptH = urgency === 'green_channel' ? lognormal(r, 0.12, 0.6) : urgency === 'urgent' ? lognormal(r, 1, 0.8) : lognormal(r, 6, 0.9);
    const u = next();
    const now = asOf.getTime();
    if (u < 0.03 && sent.getTime() < now - 2 * 86_400_000) {
      f.status = 'cancelled'; f.cancelled = new Date(sent.getTime() + 2 * HOUR);
      events.push({ ref: id, status: 'cancelled', from: 'sent', at: f.cancelled, note: '患者放弃转诊' });
      refs.push(f);
      return f;
    }
    if ((u < 0.07 || sent.getTime() + acceptH * HOUR > f.due!.getTime()) && f.due!.getTime() < now) {
      f.status = 'expired'; f.expired = f.due;
      events.push({ ref: id, status: 'expired', from: 'sent', at: f.due!, note: 'not handled within the service level' });
      refs.push(f);
      return f;
    }
    const acceptedAt = new Date(sent.getTime() + acceptH * HOUR);
    // the coordinators' backlog: some of the last two days' referrals still wait (within their service level)
    const waiting = sent.getTime() > now - 48 * HOUR && f.due!.getTime() > now && next() < 0.6;
    if (acceptedAt.getTime() > now || waiting) { refs.push(f); return f; }
    if (u < 0.14) {
      f.status = 'declined'; f.declined = acceptedAt; f.decline = next() < 0.5 ? '专科号源已满，建议转上级医院' : '病情可在基层处理，已电话指导';
      events.push({ ref: id, status: 'declined', from: 'sent', at: acceptedAt, note: f.decline });
      refs.push(f);
      return f;
    }
    // accepted with a slot (routine: the first referral place a day or more ahead) or straight in
    let arrive = new Date(acceptedAt.getTime() + (urgency === 'routine' ? 0 : lognormal(r, 0.8, 0.5) * HOUR));
    if (urgency === 'routine' && inCommunity) {
      const sched = f.inpatient ? leadSchedules[0] : r.pick(leadSchedules);
      const b = takeSlot(sched.id, acceptedAt.getTime() + (12 + next() * 72) * HOUR, x.id, 'referral', id, 'booked', sent);
      if (b) { f.booking = b.id; f.department = sched.department; arrive = new Date(b.slot.start + next() * 0.5 * HOUR); }
    }
    f.status = 'accepted'; f.accepted = acceptedAt;
    events.push({ ref: id, status: 'accepted', from: 'sent', at: acceptedAt, note: null });
    const b = f.booking ? bookings[bookings.length - 1] : null;
    if (arrive.getTime() > now) { refs.push(f); return f; }
    if (next() < 0.04) { if (b) b.status = 'no_show'; refs.push(f); return f; }
    if (b) b.status = 'attended';
    f.status = 'arrived'; f.arrived = arrive;
    events.push({ ref: id, status: 'arrived', from: 'accepted', at: arrive, note: null });
    const done = new Date(arrive.getTime() + (f.inpatient ? (4 + next() * 10) * 24 : 1 + next() * 3) * HOUR);
    if (done.getTime() > now) { refs.push(f); return f; }
    f.status = 'completed'; f.completed = done; f.outcome = f.inpatient ? '住院治疗后病情稳定出院' : '门诊明确诊断，已调整治疗方案';
    events.push({ ref: id, status: 'completed', from: 'arrived', at: done, note: null });
    refs.push(f);
    // about half come back with a plan: a down-referral to the referring facility and the team's task
    if (inCommunity && next() < (f.inpatient ? 0.7 : 0.45)) {
      f.plan = r.pick(PLANS); f.days = r.pick([7, 14, 14, 30]);
      addDown(x, done, lead, fromFac, f.plan, f.days, id, 'rehabilitation');
    }
    return f;
  };
  const addDown = (x: Res, sent: Date, fromFac: Fac, toFac: Fac, plan: string, days: number, parent: string | null, reason: string) => {
    const id = uuidFrom(next);
    const f: Ref = { id, resident: x.id, direction: 'down', urgency: 'routine', green: null, reason, reasonText: null, from: fromFac.id, to: toFac.id, department: null, status: 'sent', decline: null, plan, days,
      created: sent, sent, accepted: null, arrived: null, completed: null, declined: null, cancelled: null, expired: null, due: dueAt(sent, 'routine', sla), booking: null, parent, inpatient: false,
      outcome: null, summary: summaryOf(x, REASONS[reason].zh) };
    events.push({ ref: id, status: 'sent', from: 'draft', at: sent, note: 'down-referral with the follow-up plan' });
    const acc = new Date(sent.getTime() + lognormal(r, 10, 0.7) * HOUR);
    const waiting = sent.getTime() > asOf.getTime() - 48 * HOUR && f.due!.getTime() > asOf.getTime() && next() < 0.6;
    if (!waiting && acc.getTime() < asOf.getTime() && acc.getTime() < f.due!.getTime()) {
      f.status = 'accepted'; f.accepted = acc;
      events.push({ ref: id, status: 'accepted', from: 'sent', at: acc, note: null });
      const arr = new Date(acc.getTime() + (1 + next() * 5) * 24 * HOUR);
      if (arr.getTime() < asOf.getTime()) {
        f.status = 'arrived'; f.arrived = arr;
        events.push({ ref: id, status: 'arrived', from: 'accepted', at: arr, note: null });
        const done = new Date(arr.getTime() + days * 24 * HOUR * (0.6 + next() * 0.6));
        if (done.getTime() < asOf.getTime()) {
          f.status = 'completed'; f.completed = done; f.outcome = '按计划完成随访';
          events.push({ ref: id, status: 'completed', from: 'arrived', at: done, note: null });
        }
      }
    } else if (!waiting && f.due!.getTime() < asOf.getTime()) {
      f.status = 'expired'; f.expired = f.due;
      events.push({ ref: id, status: 'expired', from: 'sent', at: f.due!, note: 'not handled within the service level' });
    }
    refs.push(f);
  };
  const randomTime = () => new Date(yearAgo.getTime() + next() * (asOf.getTime() - yearAgo.getTime()));
  const centreOf = (x: Res) => centreOfTown.get(x.village_code.slice(0, 9));

  // (1) the chronic programme's up-referrals: the seeded follow-ups that called for one
  const chronic = await db.query<{ id: string; resident_id: string; visit_date: string; referral_reason: string; referral_urgency: Urgency; village_code: string; conditions: string[] }>(
    `SELECT f.id, f.resident_id, f.visit_date, f.referral_reason, f.referral_urgency, r.village_code, r.conditions FROM chronic_followups f JOIN residents r ON r.id = f.resident_id
      WHERE f.county_code = $1 AND f.referral_reason IS NOT NULL AND f.referral_id IS NULL ORDER BY f.visit_date, f.id`, [county]);
  const chronicLinks: { followup: string; referral: string }[] = [];
  for (const c of chronic) {
    const x = { id: c.resident_id, village_code: c.village_code, conditions: c.conditions };
    const fac = centreOf(x);
    if (!fac) continue;
    const drafted = new Date(Date.parse(`${c.visit_date}T09:00:00+08:00`) + next() * 8 * HOUR);
    if (drafted.getTime() > asOf.getTime()) continue;
    const urgency: Urgency = c.referral_urgency === 'urgent' ? 'urgent' : 'routine';
    if (drafted.getTime() > asOf.getTime() - 21 * 86_400_000) {
      // recent drafts wait in the doctors' outgoing boxes for completing and sending
      if (next() < 0.5) continue;
      const id = uuidFrom(next);
      refs.push({ id, resident: x.id, direction: 'up', urgency, green: null, reason: c.referral_reason, reasonText: null, from: fac.id, to: lead.id, department: null, status: 'draft', decline: null, plan: null,
        days: null, created: drafted, sent: null, accepted: null, arrived: null, completed: null, declined: null, cancelled: null, expired: null, due: null, booking: null, parent: null, inpatient: false,
        outcome: null, summary: summaryOf(x, REASONS[c.referral_reason]?.zh ?? c.referral_reason) });
      events.push({ ref: id, status: 'draft', from: null, at: drafted, note: 'drafted by the chronic-disease follow-up rules' });
      chronicLinks.push({ followup: c.id, referral: id });
      continue;
    }
    // Urgent ones are always sent; of the routine ones, the doctor sends about a third (the rest are managed in primary care).
    if (urgency === 'routine' && next() > 0.35) continue;
    const f = addUp(x, new Date(drafted.getTime() + lognormal(r, 1, 0.8) * HOUR), c.referral_reason, urgency, null, lead, fac);
    chronicLinks.push({ followup: c.id, referral: f.id });
  }
  // (2) other up-referrals from the townships (about 1.5 % of residents a year), a few out of the community
  const others = Math.round(residents.length * 0.015);
  for (let i = 0; i < others; i++) {
    const x = r.pick(residents);
    const fac = centreOf(x);
    if (!fac) continue;
    const target = next() < 0.9 ? lead : next() < 0.6 && city ? city : r.pick(hospitals);
    addUp(x, randomTime(), weighted(r, UP_REASONS), next() < 0.15 ? 'urgent' : 'routine', null, target, fac);
  }
  // (3) green-channel emergencies (about 0.15 % a year)
  for (let i = 0; i < Math.round(residents.length * 0.0015); i++) {
    const x = r.pick(residents);
    const fac = centreOf(x);
    if (fac) addUp(x, randomTime(), 'green_channel', 'green_channel', weighted(r, GREEN), lead, fac);
  }
  // (4) the hospitals' own down-referrals for rehabilitation after an inpatient stay (about 0.4 % a year)
  for (let i = 0; i < Math.round(residents.length * 0.004); i++) {
    const x = r.pick(residents);
    const fac = centreOf(x);
    if (fac) addDown(x, randomTime(), lead, fac, r.pick(PLANS), r.pick([7, 14, 30]), null, next() < 0.7 ? 'rehabilitation' : 'chronic_management');
  }
  // ---- public bookings: at most about 70 % of the clinics' public places in the past, 35 % ahead, and no more in a
  // year than the county's people would make. Nationally a person makes about 6.8 outpatient visits a year, some 3 of
  // them at hospitals (2023 统计公报: 95.5 亿诊疗人次, 医院 42.6 亿); the demo counts one booked visit a resident a year at
  // these few clinics. A small sample county so fills its hospital's full-size schedules thinly, as it should: 2,000
  // residents do not book 55,000 visits. ----
  const BOOKED_VISITS_PER_RESIDENT_YEAR = 1;
  const wanted = slots.map((s) => (s.capacity - s.referralCapacity) * (s.start > asOf.getTime() ? 0.35 : 0.55 + next() * 0.3));
  const pastWanted = slots.reduce((sum, s, i) => sum + (s.start > asOf.getTime() ? 0 : wanted[i]), 0);
  const fill = Math.min(1, (residents.length * BOOKED_VISITS_PER_RESIDENT_YEAR) / Math.max(1, pastWanted));
  slots.forEach((s, i) => {
    const ahead = s.start > asOf.getTime();
    const w = wanted[i] * fill;
    const want = Math.floor(w) + (next() < w - Math.floor(w) ? 1 : 0);
    for (let k = 0; k < want; k++) {
      const x = r.pick(residents);
      const created = new Date(s.start - (1 + next() * 10) * 24 * HOUR);
      const u = next();
      const status = ahead ? 'booked' : u < 0.07 ? 'no_show' : u < 0.12 ? 'cancelled' : 'attended';
      const b = takeSlot(s.scheduleId, s.start, x.id, next() < 0.3 ? 'staff' : 'public', null, status, created);
      if (b && status === 'cancelled') { b.slot.booked--; }
    }
  });

  // ---- write: each table through its owner's loader; the two big ones (slots, bookings) by COPY, outside a transaction ----
  await db.tx(async (q) => {
    await loadSchedules(q, schedules.map((s) => ({ id: s.id, facilityId: s.facility.id, countyCode: county, kind: s.equipment ? 'equipment' : 'department', department: s.department, equipment: s.equipment,
      name: s.name, pattern: s.pattern, referralSharePct: s.share, releaseHours: 24 })));
    await loadScheduleExceptions(q, schedules.flatMap((s) => [...closed].filter((d) => d >= from && d <= to).map((d) => ({ scheduleId: s.id, onDate: d, reason: '法定节假日' }))));
  });
  await copySlots(db, slots.map((s) => ({ id: s.id, scheduleId: s.scheduleId, facilityId: s.facilityId, countyCode: county, sessionDate: s.sessionDate, period: s.period, startsAt: s.startsAt, endsAt: s.endsAt,
    capacity: s.capacity, referralCapacity: s.referralCapacity, releaseAt: s.releaseAt, booked: s.booked, referralBooked: s.referralBooked, status: 'open' })));
  // parents are written first (a parent is always pushed before its down-referral); bookings after their referrals
  await db.tx(async (q) => {
    await loadReferrals(q, refs.map((f): BulkReferral => ({
      id: f.id, residentId: f.resident, countyCode: county, direction: f.direction, urgency: f.urgency, greenChannel: f.green, reasonCode: f.reason, reasonText: f.reasonText,
      fromFacilityId: f.from, toFacilityId: f.to, toDepartment: f.department,
      summary: { assembledAt: f.created.toISOString(), reason: REASONS[f.reason]?.zh ?? f.reason, problems: [], medications: [], allergies: [], vitals: [], text: f.summary },
      status: f.status, declineReason: f.decline, followUpPlan: f.plan, followUpDays: f.days, sentAt: f.sent, acceptedAt: f.accepted, arrivedAt: f.arrived, completedAt: f.completed,
      createdAt: f.created, declinedAt: f.declined, cancelledAt: f.cancelled, expiredAt: f.expired, dueAt: f.due, outcomeSummary: f.outcome, inpatient: f.inpatient, parentId: f.parent,
    })));
  });
  await copyBookings(db, bookings.map((b) => ({ id: b.id, slotId: b.slot.id, scheduleId: b.slot.scheduleId, residentId: b.resident, countyCode: county, sessionDate: b.slot.sessionDate,
    period: b.slot.period, channel: b.channel, referralId: b.referral, status: b.status, idempotencyKey: `seed-${b.id}`, createdAt: b.created, cancelledAt: b.status === 'cancelled' ? b.created : null })));
  await db.tx(async (q) => {
    await linkReferralBookings(q, refs.filter((f) => f.booking).map((f) => ({ referralId: f.id, bookingId: f.booking! })));
    await loadReferralEvents(q, events.map((e) => ({ referralId: e.ref, status: e.status, fromStatus: e.from, at: e.at, note: e.note })));
    await linkFollowupReferrals(q, chronicLinks.map((c) => ({ followupId: c.followup, referralId: c.referral })));
    await createDownReferralTasks(q, county);
  });
  const beds = await seedBeds(db, r, lead, hospitals, centres, residents, refs);
  const tasks = await countTasks(db, county);
  o.log?.(`seed: ${schedules.length} schedules, ${slots.length} slots, ${bookings.length} bookings, ${beds} beds, ${refs.length} referrals, ${tasks} tasks`);
  return { schedules: schedules.length, slots: slots.length, bookings: bookings.length, beds, referrals: refs.length, tasks };
}

/** Wards of the hospitals and township centres with today's occupancy (inpatients of open referrals in their beds). */
async function seedBeds(db: Db, r: Rng, lead: Fac, hospitals: Fac[], centres: Fac[], residents: Res[], refs: Ref[]): Promise<number> {
  const next = () => r.next();
  const wards: { id: string; facility: Fac; name: string; department: string; kind: string; beds: number }[] = [];
  // The wards hold the facility's registered beds (the registry's figure, which beds_per_1000 counts):
  // the lead hospital's in the proportions of its usual wards, a centre's two thirds general and a
  // third rehabilitation; a ward with no bed is not opened.
  const add = (facility: Fac, ws: { name: string; department: string; kind: string; beds: number }[]) => {
    const sizes = scaleBeds(ws.map((w) => ({ beds: w.beds, floor: 0 })), facility.beds);
    ws.forEach((w, i) => { if (sizes[i] > 0) wards.push({ id: uuidFrom(next), facility, ...w, beds: sizes[i] }); });
  };
  add(lead, WARDS);
  for (const h of hospitals.filter((x) => x.id !== lead.id)) add(h, [{ name: '综合病区', department: '综合', kind: 'general', beds: 1 }]);
  for (const c of centres) add(c, [{ name: '全科病区', department: '全科', kind: 'general', beds: 2 }, { name: '康复病区', department: '康复', kind: 'rehabilitation', beds: 1 }]);
  const taken = new Set<string>();
  const inpatients = refs.filter((f) => f.inpatient && f.status === 'arrived' && f.to === lead.id).map((f) => ({ resident: f.resident, referral: f.id }));
  const beds: { id: string; ward: string; facility: string; code: string; kind: string; status: string; resident: string | null; referral: string | null; until: string | null }[] = [];
  for (const w of wards) {
    const occupancy = w.facility.tier === 'county' ? 0.8 : 0.45;
    for (let i = 1; i <= w.beds; i++) {
      let status = 'free';
      let resident: string | null = null;
      let referral: string | null = null;
      const u = next();
      if (w.kind === 'general' && w.facility.id === lead.id && inpatients.length && u < occupancy) {
        const p = inpatients.pop()!;
        if (!taken.has(p.resident)) { status = 'occupied'; resident = p.resident; referral = p.referral; }
      } else if (u < occupancy) {
        const x = r.pick(residents);
        if (!taken.has(x.id)) { status = 'occupied'; resident = x.id; }
      } else if (u > 0.97) status = 'closed';
      if (resident) taken.add(resident);
      beds.push({ id: uuidFrom(next), ward: w.id, facility: w.facility.id, code: String(i).padStart(2, '0'), kind: w.kind, status, resident, referral, until: null });
    }
  }
  await db.tx(async (q: Queryable) => {
    await loadWardsAndBeds(q, wards.map((w) => ({ id: w.id, facilityId: w.facility.id, name: w.name, department: w.department })),
      beds.map((b) => ({ id: b.id, wardId: b.ward, facilityId: b.facility, code: b.code, kind: b.kind, status: b.status, residentId: b.resident, referralId: b.referral })));
    await linkReferralBeds(q);
  });
  return beds.length;
}
