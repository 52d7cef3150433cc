// A year of care for the demo county: family-doctor teams and contracts, chronic diagnoses and
// follow-ups with realistic gaps, outpatient and inpatient visits across the tiers. Deterministic.
import type { Db } from '../../platform/db.ts';
import { uuidFrom } from './load.ts';
import { loadContracts, loadPackages, loadTeams } from '../contracts/bulk.ts';
import { loadCare, type BulkDiagnosis, type BulkEncounter, type BulkObservation, type BulkPrescription } from '../records/bulk.ts';
import { loadEnrolments, loadFollowups, type BulkEnrolment, type BulkFollowup } from '../chronic/bulk.ts';
import { rng as makeRng, type Rng } from './rng.ts';
import { ageOn } from '../registry/rules.ts';
import { classifyVisit, onTarget, type VisitClass } from '../chronic/rules.ts';
import { antibacterialClass } from '../records/antibacterials.ts';

interface Res { id: string; birth_date: string; sex: 'M' | 'F'; village_code: string; conditions: string[]; death_date: string | null; permanent: boolean }
interface Fac { id: string; code: string; name: string; tier: string; kind: string; region_code: string; parent_facility_id: string | null }
interface Wkr { id: string; employer_id: string; worker_type: string; specialty: string | null }

export const PACKAGES = [
  { code: 'BASIC', name: '基础服务包', kind: 'basic', price: 0, payer: 'public_health', items: [{ service: 'consultation', name: '一般诊疗与健康咨询', frequency: '按需' }] },
  { code: 'HTN', name: '高血压个性化服务包', kind: 'personalised', price: 3000, payer: 'insurance', items: [{ service: 'htn_followup', name: '高血压随访', frequency: '4次/年' }, { service: 'health_check', name: '健康体检', frequency: '1次/年' }] },
  { code: 'DM', name: '糖尿病个性化服务包', kind: 'personalised', price: 3000, payer: 'insurance', items: [{ service: 'dm_followup', name: '糖尿病随访', frequency: '4次/年' }, { service: 'health_check', name: '健康体检', frequency: '1次/年' }] },
  { code: 'ELDERLY', name: '老年人服务包', kind: 'personalised', price: 2000, payer: 'public_health', items: [{ service: 'elderly_check', name: '老年人健康体检', frequency: '1次/年' }] },
] as const;

const COMMON_DX: [string, number, boolean][] = [ // code, weight, may be treated with an antibacterial
  ['J06.9', 30, true], ['J02.9', 8, true], ['J20.9', 8, true], ['K29.7', 10, false], ['M54.5', 8, false], ['R51', 4, false], ['N39.0', 4, true],
  ['L30.9', 4, false], ['K52.9', 5, false], ['H10', 3, true], ['M47', 5, false], ['J30.4', 4, false], ['R42', 3, false],
];
const INPATIENT_DX: [string, number][] = [['J18.9', 20], ['I63', 12], ['I25', 8], ['K80', 8], ['K35', 6], ['S72', 5], ['S82', 5], ['J44', 10], ['I50', 6], ['M51.2', 8], ['O80', 6], ['N20', 6]];
const ANTIBIOTICS = ['阿莫西林胶囊', '头孢克洛', '阿奇霉素', '左氧氟沙星', '头孢呋辛'];
const OTHER_DRUGS: Record<string, string[]> = { default: ['复方甘草片', '布洛芬缓释胶囊', '奥美拉唑肠溶胶囊', '氯雷他定片', '对乙酰氨基酚片'] };

function pick<T>(r: Rng, xs: readonly [T, number, ...unknown[]][]): T {
  const total = xs.reduce((s, x) => s + x[1], 0);
  let u = r.next() * total;
  for (const x of xs) if ((u -= x[1]) < 0) return x[0];
  return xs[0][0];
}
const iso = (d: Date) => d.toISOString();
const dateOf = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());

/** Loads teams, packages, contracts and a year of encounters ending on `asOf`. */
export async function seedHistory(db: Db, o: { county: string; seed: number; asOf?: Date; log?: (m: string) => void }): Promise<{ teams: number; contracts: number; encounters: number; observations: number }> {
  const r = makeRng(o.seed * 31337 + 5);
  const next = () => r.next();
  const asOf = o.asOf ?? new Date();
  const yearAgo = new Date(asOf.getTime() - 365 * 86400_000);
  const today = dateOf(asOf);
  const facilities = await db.query<Fac>('SELECT id, code, name, tier, kind, region_code, parent_facility_id FROM facilities WHERE region_code LIKE $1', [o.county + '%']);
  const workers = await db.query<Wkr>('SELECT w.id, w.employer_id, w.worker_type, w.specialty FROM workers w JOIN facilities f ON f.id = w.employer_id WHERE f.region_code LIKE $1 ORDER BY w.id', [o.county + '%']);
  const residents = await db.query<Res>(`SELECT id, birth_date, sex, village_code, conditions, death_date, permanent FROM residents WHERE county_code = $1 AND merged_into IS NULL ORDER BY id`, [o.county]);
  const byEmployer = new Map<string, Wkr[]>();
  for (const w of workers) byEmployer.set(w.employer_id, [...(byEmployer.get(w.employer_id) ?? []), w]);
  const centres = facilities.filter((f) => f.tier === 'township');
  const centreOfTown = new Map(centres.map((c) => [c.region_code.slice(0, 9), c]));
  const clinicOfVillage = new Map(facilities.filter((f) => f.tier === 'village').map((f) => [f.region_code, f]));
  const hospitals = facilities.filter((f) => f.tier === 'county' && f.kind !== 'cdc');
  const [city] = await db.query<Fac>("SELECT id, code, name, tier, kind, region_code, parent_facility_id FROM facilities WHERE tier = 'city' LIMIT 1");

  // ---- teams: about one per 2,500 residents of the township, led by a GP of its centre ----
  const townPop = new Map<string, number>();
  for (const x of residents) townPop.set(x.village_code.slice(0, 9), (townPop.get(x.village_code.slice(0, 9)) ?? 0) + 1);
  const teams: { id: string; name: string; facility: Fac; lead: string | null; members: [string, string][]; areas: string[] }[] = [];
  for (const c of centres) {
    const staff = byEmployer.get(c.id) ?? [];
    const gps = staff.filter((w) => w.specialty === 'general_practice');
    const n = Math.max(1, Math.min(gps.length || 1, Math.round((townPop.get(c.region_code.slice(0, 9)) ?? 0) / 2500)));
    const nurses = staff.filter((w) => w.worker_type === 'nurse');
    const ph = staff.filter((w) => w.worker_type === 'public_health');
    const town = c.region_code.slice(0, 9);
    const villages = [...new Set(residents.filter((x) => x.village_code.startsWith(town)).map((x) => x.village_code))].sort();
    const vdsOf = (i: number, n: number) => facilities.filter((f) => f.parent_facility_id === c.id && villages.indexOf(f.region_code) % n === i)
      .flatMap((f) => (byEmployer.get(f.id) ?? []).filter((w) => w.worker_type === 'village_doctor'));
    for (let i = 0; i < n; i++) {
      const lead = gps[i] ?? staff.find((w) => w.worker_type === 'physician' || w.worker_type === 'assistant_physician') ?? null;
      const members: [string, string][] = [];
      if (lead) members.push([lead.id, 'lead_gp']);
      if (nurses[i]) members.push([nurses[i].id, 'nurse']);
      if (ph[i % Math.max(1, ph.length)]) members.push([ph[i % ph.length].id, 'public_health']);
      vdsOf(i, n).forEach((v) => members.push([v.id, 'village_doctor']));
      teams.push({ id: uuidFrom(next), name: `${c.name.replace(/(社区卫生服务中心|中心卫生院|镇卫生院|卫生院)$/, '')}家庭医生${i + 1}队`, facility: c, lead: lead?.id ?? null,
        members: members.filter((m, k, a) => a.findIndex((x) => x[0] === m[0]) === k), areas: villages.filter((_, k) => k % n === i) });
    }
  }
  const teamsOfCentre = new Map<string, typeof teams>();
  for (const t of teams) teamsOfCentre.set(t.facility.id, [...(teamsOfCentre.get(t.facility.id) ?? []), t]);
  const packages = await db.tx(async (q) => {
    // Each team's service phone: a duty line of its centre (0631: the demo county's area code), made up for the demo.
    await loadTeams(q, teams.map((t, i) => ({ id: t.id, name: t.name, facilityId: t.facility.id, leadWorkerId: t.lead, phone: `0631-8${String(1000000 + i * 7919).slice(1)}`,
      members: t.members.map(([workerId, role]) => ({ workerId, role })), areas: t.areas })));
    return loadPackages(q, PACKAGES.map((p) => ({ code: p.code, name: p.name, kind: p.kind, priceFen: p.price, payer: p.payer, items: p.items })));
  });

  // ---- contracts: about two thirds of the priority groups, a fifth of the rest ----
  const contracts: { id: string; resident: string; team: string; start: string; end: string; how: string; status: string; prev: string | null; pk: string[] }[] = [];
  const teamOf = new Map<string, (typeof teams)[number]>();
  for (const x of residents) {
    if (x.death_date || !x.permanent) continue;
    const centre = centreOfTown.get(x.village_code.slice(0, 9));
    const ts = centre ? teamsOfCentre.get(centre.id) : undefined;
    if (!ts?.length) continue;
    const age = ageOn(x.birth_date, today);
    const priority = age >= 65 || age <= 6 || x.conditions.some((c) => ['hypertension', 'diabetes', 'tb', 'severe_mental', 'disability', 'pregnant', 'poverty'].includes(c));
    // A resident signs with the team serving their village.
    const drawn = ts[Math.floor(r.next() * ts.length)];
    const team = ts.find((t) => t.areas.includes(x.village_code)) ?? drawn;
    teamOf.set(x.id, team);
    if (r.next() >= (priority ? 0.68 : 0.2)) {
      // Some let last year's contract run out without renewing (the renewal rate's denominator).
      if (r.next() < 0.12) {
        const ps = new Date(yearAgo.getTime() - (35 + r.next() * 320) * 86400_000);
        contracts.push({ id: uuidFrom(next), resident: x.id, team: team.id, start: dateOf(ps), end: dateOf(new Date(ps.getTime() + 364 * 86400_000)), how: 'on_site', status: 'signed', prev: null, pk: [packages.get('BASIC')!] });
      }
      continue;
    }
    const start = new Date(yearAgo.getTime() + r.next() * 330 * 86400_000);
    const end = new Date(start.getTime() + 364 * 86400_000);
    // Most holders renewed last year's contract, so a stable county's coverage does not climb through the year as
    // the contracts drawn over the last twelve months begin; about one in eight signed for the first time.
    const renewed = r.next() < 0.88;
    let prev: string | null = null;
    if (renewed) {
      prev = uuidFrom(next);
      const ps = new Date(start.getTime() - 365 * 86400_000);
      contracts.push({ id: prev, resident: x.id, team: team.id, start: dateOf(ps), end: dateOf(new Date(start.getTime() - 86400_000)), how: 'on_site', status: 'ended', prev: null, pk: [packages.get('BASIC')!] });
    }
    const pk = [packages.get('BASIC')!];
    if (x.conditions.includes('hypertension')) pk.push(packages.get('HTN')!);
    if (x.conditions.includes('diabetes')) pk.push(packages.get('DM')!);
    if (age >= 65) pk.push(packages.get('ELDERLY')!);
    contracts.push({ id: uuidFrom(next), resident: x.id, team: team.id, start: dateOf(start), end: dateOf(end), how: r.next() < 0.6 ? 'on_site' : r.next() < 0.7 ? 'at_home' : 'online', status: renewed ? 'renewed' : 'signed', prev, pk });
  }
  await db.tx((q) => loadContracts(q, contracts.map((c) => ({ id: c.id, residentId: c.resident, teamId: c.team, countyCode: o.county, startsOn: c.start, endsOn: c.end,
    signedHow: c.how, status: c.status, endedReason: c.status === 'ended' ? 'renewed' : null, previousId: c.prev, packageIds: c.pk }))));
  o.log?.(`seed: ${teams.length} teams, ${contracts.length} contracts`);

  // ---- encounters ----
  interface E { id: string; resident: string; kind: string; facility: string; worker: string | null; at: Date; end: Date | null; dept: string | null }
  const enc: E[] = [];
  const dx: BulkDiagnosis[] = [];
  const obs: BulkObservation[] = [];
  const rx: BulkPrescription[] = [];
  const enrol: BulkEnrolment[] = [];
  const fus: BulkFollowup[] = [];
  const county = o.county;
  const dxOf = (e: E, icd10: string, status: string): BulkDiagnosis => ({ residentId: e.resident, encounterId: e.id, icd10, status });
  const obsOf = (e: E, code: string, value: number, unit: string, flag: string): BulkObservation => ({ residentId: e.resident, encounterId: e.id, code, value, unit, flag, observedAt: iso(e.at) });
  const rxOf = (e: E, drugName: string, antibacterial: boolean, days: number): BulkPrescription => ({ residentId: e.resident, encounterId: e.id, drugName, antibacterialClass: antibacterial ? antibacterialClass(drugName) : null, days, prescribedAt: iso(e.at) });
  const followupOf = (e: E, programme: string, visitDate: string, c: ReturnType<typeof classifyVisit>, target: boolean) => ({
    residentId: e.resident, countyCode: county, programme, encounterId: e.id, facilityId: e.facility, workerId: e.worker, visitDate, adherence: 'regular',
    visitClass: c.class, onTarget: target, emergency: c.emergency, referralReason: c.referral?.reason ?? null, referralUrgency: c.referral?.urgency ?? null, nextVisitDate: c.nextVisitDate });
  const when = () => new Date(yearAgo.getTime() + r.next() * 364 * 86400_000);
  const staffAt = (f: Fac, kind?: string) => {
    const s = (byEmployer.get(f.id) ?? []).filter((w) => !kind || w.worker_type === kind || (kind === 'doctor' && ['physician', 'assistant_physician', 'village_doctor'].includes(w.worker_type)));
    return s.length ? s[Math.floor(r.next() * s.length)].id : null;
  };
  for (const x of residents) {
    if (x.death_date && x.death_date < dateOf(yearAgo)) continue;
    const age = ageOn(x.birth_date, today);
    const clinic = clinicOfVillage.get(x.village_code);
    const centre = centreOfTown.get(x.village_code.slice(0, 9));
    const basic = () => (clinic && r.next() < 0.55 ? clinic : centre ?? clinic);
    // chronic programmes: diagnosis, then follow-ups for the managed share
    for (const [cond, icd] of [['hypertension', 'I10'], ['diabetes', 'E11']] as const) {
      if (!x.conditions.includes(cond) || age < 35 || !centre) continue;
      const e0: E = { id: uuidFrom(next), resident: x.id, kind: 'outpatient', facility: centre.id, worker: staffAt(centre, 'doctor'), at: when(), end: null, dept: '全科' };
      enc.push(e0);
      dx.push(dxOf(e0, icd, 'active'));
      enrol.push({ residentId: x.id, countyCode: county, programme: cond, enrolledOn: dateOf(e0.at), source: 'diagnosis' });
      if (r.next() > 0.45) continue; // not under management
      let prevClass: VisitClass | null = null;
      let prevDate = '';
      // Follow-ups as they happen through a year, so that any earlier month looks as that month did then (no
      // history drawn backwards from today): each patient is seen at about the same point of every quarter
      // (their phase, ± a week), and a visit has happened only if its day is before today. About 42% are seen
      // every quarter; the others miss each quarter with probability 0.4. Readings follow a two-state chain
      // whose every visit is on target with the same probability (0.52, the national control rate among the
      // managed), so the control rate by any month's end is about the same; an off-target visit is followed by
      // another off-target one only 5% of the time (the two-consecutive rule's patients: a few dozen per 20,000).
      const y = Number(dateOf(asOf).slice(0, 4));
      const qStart = (k: number) => new Date(`${k === 4 ? y + 1 : y}-${String(k === 4 ? 1 : k * 3 + 1).padStart(2, '0')}-01T00:00:00+08:00`);
      const compliant = r.next() < 0.42;
      const phase = r.next();
      const dates: Date[] = [];
      for (let k = 0; k < 4; k++) {
        const from = qStart(k).getTime();
        const len = qStart(k + 1).getTime() - from;
        const at = new Date(from + Math.min(len - 86400_000, Math.max(0, phase * len + (r.next() - 0.5) * 14 * 86400_000)));
        if ((compliant || r.next() < 0.6) && at.getTime() < asOf.getTime() - 86400_000) dates.push(at);
      }
      let ok = r.next() < 0.52;
      for (let v = 0; v < dates.length; v++) {
        const at = dates[v];
        const f = basic()!;
        const e: E = { id: uuidFrom(next), resident: x.id, kind: 'follow_up', facility: f.id, worker: staffAt(f, 'doctor'), at, end: null, dept: null };
        enc.push(e);
        if (v > 0) ok = r.next() < (ok ? 0.12 : 0.95);
        if (cond === 'hypertension') {
          const limit = age >= 65 ? 150 : 140;
          const sbp = Math.round(ok ? limit - 4 - Math.abs(gauss(r)) * 9 : limit + 3 + Math.abs(gauss(r)) * 14);
          const dbp = Math.round(ok ? Math.min(88, 78 + gauss(r) * 5) : 88 + Math.abs(gauss(r)) * 8);
          obs.push(obsOf(e, '8480-6', sbp, 'mm[Hg]', sbp > 139 ? 'H' : 'N'), obsOf(e, '8462-4', Math.min(dbp, 130), 'mm[Hg]', dbp > 89 ? 'H' : 'N'));
          const hr = Math.round(72 + gauss(r) * 8);
          obs.push(obsOf(e, '8867-4', hr, '/min', 'N'));
          const v = { programme: 'hypertension' as const, visitDate: dateOf(at), ageYears: ageOn(x.birth_date, dateOf(at)), sbp, dbp: Math.min(dbp, 130), heartRate: hr };
          const c = classifyVisit(v, prevClass ? { visitClass: prevClass, visitDate: prevDate } : null);
          fus.push({ ...followupOf(e, cond, v.visitDate, c, onTarget(v)), sbp, dbp: v.dbp, heartRate: hr, fastingGlucose: null });
          prevClass = c.class;
          prevDate = v.visitDate;
        } else {
          const g = Math.round((ok ? 5.6 + r.next() * 1.2 : 7.3 + Math.abs(gauss(r)) * 2.2) * 10) / 10;
          obs.push(obsOf(e, '1558-6', g, 'mmol/L', g > 6.0 ? 'H' : 'N'));
          const v = { programme: 'diabetes' as const, visitDate: dateOf(at), ageYears: ageOn(x.birth_date, dateOf(at)), fastingGlucose: g };
          const c = classifyVisit(v, prevClass ? { visitClass: prevClass, visitDate: prevDate } : null);
          fus.push({ ...followupOf(e, cond, v.visitDate, c, onTarget(v)), sbp: null, dbp: null, heartRate: null, fastingGlucose: g });
          prevClass = c.class;
          prevDate = v.visitDate;
        }
        rx.push(rxOf(e, cond === 'hypertension' ? (r.next() < 0.5 ? '氨氯地平片' : '缬沙坦胶囊') : '二甲双胍片', false, 30));
      }
    }
    // the annual health check of the elderly and chronic patients (the packages' "1次/年"): about three in five had it in the past year
    if (centre && (age >= 65 || x.conditions.includes('hypertension') || x.conditions.includes('diabetes')) && r.next() < 0.6) {
      enc.push({ id: uuidFrom(next), resident: x.id, kind: 'health_check', facility: centre.id, worker: staffAt(centre, 'doctor'), at: when(), end: null, dept: '体检科' });
    }
    // ordinary outpatient visits: ~1.4 a year; 55% at the basic level
    const visits = Math.floor(r.next() * 2.4 + (age >= 60 ? 0.8 : 0));
    for (let v = 0; v < visits; v++) {
      const atBasic = r.next() < 0.55;
      const f = atBasic ? basic() : hospitals[Math.floor(r.next() * hospitals.length)];
      if (!f) continue;
      const at = when();
      const e: E = { id: uuidFrom(next), resident: x.id, kind: r.next() < 0.08 ? 'emergency' : 'outpatient', facility: f.id, worker: staffAt(f, 'doctor'), at, end: null, dept: atBasic ? '全科' : '内科' };
      enc.push(e);
      const [code, abx] = (() => { const c = pick(r, COMMON_DX); return [c, COMMON_DX.find((d) => d[0] === c)![2]] as const; })();
      dx.push(dxOf(e, code, 'resolved'));
      if (r.next() < 0.85) {
        const anti = abx && r.next() < (atBasic ? 0.45 : 0.3);
        rx.push(rxOf(e, anti ? ANTIBIOTICS[Math.floor(r.next() * ANTIBIOTICS.length)] : OTHER_DRUGS.default[Math.floor(r.next() * 5)], anti, 3 + Math.floor(r.next() * 5)));
      }
    }
    // inpatient stays: ~10% a year, 88% in the county
    if (r.next() < (age >= 65 ? 0.2 : 0.07)) {
      const inCounty = r.next() < 0.88 || !city;
      const f = inCounty ? (centre && r.next() < 0.25 ? centre : hospitals[Math.floor(r.next() * hospitals.length)]) : city;
      const at = when();
      const e: E = { id: uuidFrom(next), resident: x.id, kind: 'inpatient', facility: f.id, worker: staffAt(f, 'doctor'), at, end: new Date(at.getTime() + (3 + Math.floor(r.next() * 10)) * 86400_000), dept: '住院部' };
      enc.push(e);
      dx.push(dxOf(e, pick(r, INPATIENT_DX), 'resolved'));
    }
  }
  await db.tx(async (q) => {
    await loadCare(q, { encounters: enc.map((e): BulkEncounter => ({ id: e.id, residentId: e.resident, countyCode: county, kind: e.kind, facilityId: e.facility, workerId: e.worker,
      department: e.dept, startedAt: iso(e.at), endedAt: e.end ? iso(e.end) : null, sourceSystem: 'demo' })), diagnoses: dx, observations: obs, prescriptions: rx });
    await loadEnrolments(q, enrol);
    await loadFollowups(q, fus);
  });
  return { teams: teams.length, contracts: contracts.length, encounters: enc.length, observations: obs.length };
}
