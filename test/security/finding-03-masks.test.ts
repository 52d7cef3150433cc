// Issue 23, finding 3: the masked ID number with the birth date shown beside it was the full number
// (371003********7672 + 1979-11-27: the check character confirms the one remaining candidate), in the
// resident search, GET /api/residents/:id and the record summary. The masks and what may stand beside
// them are now chosen (src/modules/registry/id-number.ts) so that nothing a role is shown narrows a
// resident's full ID number or phone to fewer than 1,000 candidates. This test walks every GET route of
// /api/openapi.json as every role, gathers what each answer tells about each resident (across all the
// answers together, as a curious reader would), counts the candidates and fails below 1,000.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/db.ts';
import { openTestApp, type TestApp } from '../helpers/app.ts';
import { buildTestCounty, COUNTY, VILLAGE_A, VILLAGE_B } from '../helpers/county.ts';
import { buildContract, buildEnrolment, buildReferral, buildTeam, buildUser, buildWorker, facilityId, idNumberOf, linkUserToWorker } from '../helpers/factories.ts';
import { maskIdNumber, maskOtherId, maskPhone } from '../../src/modules/registry/id-number.ts';
import { today } from '../../src/shared/time.ts';

// ---------------------------------------------------------------------------------------------
// Counting candidates (the reader's side: only what an answer shows, worst case for the rest)

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const check = (first17: string) => CHECK[[...first17].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];

/** What the answers told about one resident. */
interface Known { masks: string[]; phoneMasks: string[]; birthDates: Set<string>; ages: Set<number>; sex?: string; deathDate?: string }

const ageOn = (birth: string, on: string) => {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
};

/** Every day from 1900 to today, as YYYY-MM-DD. */
function allDays(): string[] {
  const out: string[] = [];
  const end = today();
  for (let t = Date.UTC(1900, 0, 1); ; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > end) break;
    out.push(d);
  }
  return out;
}
const DAYS = allDays();

/** The characters a set of masks reveals, right-aligned on `length` positions ('' where hidden). */
function revealed(masks: string[], length: number): string[] {
  const pos: string[] = Array(length).fill('');
  for (const m of masks) {
    const chars = [...m];
    chars.forEach((c, i) => {
      const at = length - chars.length + i;
      if (at >= 0 && c !== '*' && /[0-9X]/i.test(c)) pos[at] = c.toUpperCase();
    });
  }
  return pos;
}

/**
 * The resident ID numbers consistent with what is known. The 6-digit address code counts as known
 * (the county the system serves: the worst case); the birth date is known exactly when shown, else
 * narrowed by the age (or by the revealed digits, else any day since 1900); the sex fixes the parity
 * of the 17th digit; a revealed check character keeps 1 in 11.
 */
export function idCandidates(k: Known, truth: string): number {
  const pos = revealed(k.masks, 18);
  let days = DAYS.filter((d) => {
    const digits = d.replaceAll('-', '');
    return [...digits].every((c, i) => !pos[6 + i] || pos[6 + i] === c);
  });
  if (k.birthDates.size) days = days.filter((d) => k.birthDates.has(d));
  const on = k.deathDate ?? today();
  for (const age of k.ages) days = days.filter((d) => ageOn(d, on) === age);
  const seqs: string[] = [];
  for (let s = 0; s < 1000; s++) {
    const v = String(s).padStart(3, '0');
    if (![...v].every((c, i) => !pos[14 + i] || pos[14 + i] === c)) continue;
    if (k.sex && (Number(v[2]) % 2 === 1 ? 'M' : 'F') !== k.sex) continue;
    seqs.push(v);
  }
  // The reader's model must admit the truth, or it is counting something else.
  assert.ok(days.includes(`${truth.slice(6, 10)}-${truth.slice(10, 12)}-${truth.slice(12, 14)}`), `model excludes the true birth date of ${truth}`);
  assert.ok(seqs.includes(truth.slice(14, 17)), `model excludes the true sequence of ${truth}`);
  if (!pos[17]) return days.length * seqs.length;
  if (days.length * seqs.length > 400_000) return (days.length * seqs.length) / 11;
  let n = 0;
  const region = truth.slice(0, 6);
  for (const d of days) for (const s of seqs) if (check(region + d.replaceAll('-', '') + s) === pos[17]) n++;
  return n;
}

/** The phone numbers consistent with the masks shown: 10 per hidden digit. */
export function phoneCandidates(k: Known, truth: string): number {
  const digits = truth.replace(/\D/g, '');
  const pos = revealed(k.phoneMasks.map((m) => m.replace(/[^0-9*]/g, '')), digits.length);
  return 10 ** pos.filter((c) => !c).length;
}

test('the counting model: the old mask with the birth date leaves one candidate, the new one with age and sex thousands', () => {
  const id = '37100319791127767' + check('37100319791127767');
  const old: Known = { masks: [id.slice(0, 6) + '********' + id.slice(-4)], phoneMasks: [], birthDates: new Set(['1979-11-27']), ages: new Set(), sex: 'M' };
  assert.equal(idCandidates(old, id), 1);
  const age = ageOn('1979-11-27', today());
  const now: Known = { masks: [maskIdNumber(id)], phoneMasks: [], birthDates: new Set(), ages: new Set([age]), sex: 'M' };
  assert.match(maskIdNumber(id), /^371003\*{10}\d[\dX]$/);
  const n = idCandidates(now, id);
  // 365 or 366 days × 100 hidden sequence digits (the sex digit is shown) / 11 for the check character
  assert.ok(n > 3000 && n < 3500, `${n}`);
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(phoneCandidates({ ...now, phoneMasks: [maskPhone('13812345678')] }, '13812345678'), 10_000);
  assert.equal(maskPhone('0631-8123456'), '063****3456');
  assert.equal(maskOtherId('E12345678'), '****78');
  assert.equal(maskOtherId('AB123'), '****');
});

// ---------------------------------------------------------------------------------------------
// Walking the API

interface OpenApi { paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>> }

for (const engine of ENGINES) {
  describe(`finding 3: no GET answer narrows an ID number or phone below 1,000 candidates [${engine}]`, () => {
    let t: TestApp;
    const truth = new Map<string, { idNumber: string; idType: string; phone: string | null }>();
    const ids: Record<string, string[]> = {};
    const cookies = new Map<string, string>();
    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      const admin = await t.signIn('admin03', 'sysadmin');
      const people = [
        { idType: 'resident_id', idNumber: idNumberOf(COUNTY, '1979-11-27', 767), name: '吴阿姨', villageCode: VILLAGE_A, phone: '13812345678', householdNo: 'HH-03-1' },
        { idType: 'resident_id', idNumber: idNumberOf(COUNTY, '2024-02-29', 124), name: '吴小宝', villageCode: VILLAGE_A, phone: '0631-8123456', householdNo: 'HH-03-1' },
        { idType: 'resident_id', idNumber: idNumberOf(COUNTY, '1950-06-01', 331), name: '郑大爷', villageCode: VILLAGE_B, phone: '13900001111' },
        { idType: 'passport', idNumber: 'E12345678', name: '安娜', villageCode: VILLAGE_A, sex: 'F', birthDate: '1990-03-15', phone: '13700002222' },
      ];
      for (const p of people) {
        const r = await t.app.inject({ method: 'POST', url: '/api/residents', headers: { cookie: admin }, payload: p });
        assert.equal(r.statusCode, 201, r.body);
        truth.set(r.json().resident.id, { idNumber: p.idNumber, idType: p.idType, phone: p.phone });
      }
      const [a, baby, b, passport] = [...truth.keys()];
      // a family-doctor team with the GP, a contract, a referral, a programme enrolment, an account
      const fid = await facilityId(t.db, 'T000A');
      const hid = await facilityId(t.db, 'H0001');
      const gpWorker = await buildWorker(t.db, { employerId: fid });
      const team = await buildTeam(t.db, { facilityId: fid, leadWorkerId: gpWorker.id, villages: [VILLAGE_A] });
      const contracts = [await buildContract(t.db, { residentId: a, teamId: team.id }), await buildContract(t.db, { residentId: baby, teamId: team.id }), await buildContract(t.db, { residentId: passport, teamId: team.id })];
      const referral = await buildReferral(t.db, { residentId: a, fromFacilityId: fid, toFacilityId: hid });
      const enrolment = await buildEnrolment(t.db, { residentId: a });
      await buildUser(t.db, { username: 'res03', role: 'resident', residentId: a });
      ids.resident = [a, baby, b, passport];
      ids.other = [referral.id, team.id, enrolment.id, ...contracts.map((c) => c.id), gpWorker.id];

      cookies.set('gp', await t.signIn('gp03', 'doctor', { facilityCode: 'T000A' }));
      await linkUserToWorker(t.db, 'gp03', gpWorker.id);
      cookies.set('sysadmin', admin);
      cookies.set('officer', await t.signIn('off03', 'officer', { regionCode: COUNTY }));
      cookies.set('manager', await t.signIn('mgr03', 'manager', { regionCode: COUNTY }));
      cookies.set('hospital doctor', await t.signIn('doc03', 'doctor', { facilityCode: 'H0001' }));
      cookies.set('nurse', await t.signIn('nur03', 'nurse', { facilityCode: 'T000A' }));
      cookies.set('public_health', await t.signIn('ph03', 'public_health', { regionCode: COUNTY }));
      cookies.set('village_doctor', await t.signIn('vd03', 'village_doctor', { facilityCode: 'V00A1' }));
      cookies.set('coordinator', await t.signIn('co03', 'coordinator', { facilityCode: 'H0001' }));
      cookies.set('department', await t.signIn('dep03', 'department'));
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res03', password: 'Test-password-1' } });
      cookies.set('resident', `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`);
    });
    after(() => t.close());

    /** The URLs to try for a GET route: its path parameters filled with the ids of the test data. */
    function urlsOf(path: string, params: { name: string; in: string; required?: boolean }[]): string[] {
      const values = (name: string): string[] => {
        if (/resident/i.test(name) || (name === 'id' && /\/api\/(residents|records)\//.test(path))) return ids.resident;
        if (/^(id|.*Id)$/.test(name)) return ids.other;
        if (/code/i.test(name)) return ['T000A', 'H0001', COUNTY, VILLAGE_A];
        return ['x'];
      };
      const query = params.filter((p) => p.in === 'query' && p.required).map((p) => {
        const v = /residentId/.test(p.name) ? ids.resident[0] : /^(from|to|day|date|on)$/i.test(p.name) ? today() : /codes/.test(p.name) ? 'sbp,dbp' : /teamId/.test(p.name) ? ids.other[1] : /facility/i.test(p.name) ? 'T000A' : 'x';
        return `${p.name}=${encodeURIComponent(v)}`;
      });
      const qs = query.length ? `?${query.join('&')}` : '';
      let urls = [path];
      for (const p of params.filter((x) => x.in === 'path')) urls = urls.flatMap((u) => values(p.name).map((v) => u.replace(`{${p.name}}`, v)));
      return urls.map((u) => u + qs);
    }

    test('every GET answer, for every role, leaves at least 1,000 candidates for each ID number and phone; none shows a full one', async () => {
      const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
      const gets = Object.entries(spec.paths).filter(([p, ops]) => ops.get && p.startsWith('/api/') && p !== '/api/openapi.json');
      assert.ok(gets.length > 40, `only ${gets.length} GET routes`);
      const fulls = [...truth.values()].flatMap((x) => [x.idNumber, ...(x.phone ? [x.phone, x.phone.replace(/\D/g, '')] : [])]);
      let masksSeen = 0;
      const answered = new Set<string>();
      for (const [role, cookie] of cookies) {
        const known = new Map<string, Known>();
        const about = (rid: string) => {
          if (!known.has(rid)) known.set(rid, { masks: [], phoneMasks: [], birthDates: new Set(), ages: new Set() });
          return known.get(rid)!;
        };
        const walk = (v: unknown, rid: string | null) => {
          if (Array.isArray(v)) return v.forEach((x) => walk(x, rid));
          if (!v || typeof v !== 'object') return;
          const o = v as Record<string, unknown>;
          const own = typeof o.residentId === 'string' && truth.has(o.residentId) ? o.residentId : typeof o.id === 'string' && truth.has(o.id) ? o.id : null;
          const r = own ?? rid;
          if (r && own) {
            const k = about(r);
            for (const [key, x] of Object.entries(o)) {
              if (typeof x === 'string' && /idnumber|identifier/i.test(key) && x.includes('*')) k.masks.push(x);
              if (typeof x === 'string' && /phone/i.test(key) && x.includes('*')) k.phoneMasks.push(x);
              if (typeof x === 'string' && /^birth_?date$/i.test(key)) k.birthDates.add(x);
              if (typeof x === 'number' && /^age$/i.test(key)) k.ages.add(x);
              if (typeof x === 'string' && /^sex$/i.test(key) && (x === 'M' || x === 'F')) k.sex = x;
              if (typeof x === 'string' && /^death_?date$/i.test(key)) k.deathDate = x;
            }
          }
          for (const x of Object.values(o)) walk(x, r);
        };
        for (const [path, ops] of gets) {
          for (const url of urlsOf(path, ops.get.parameters ?? [])) {
            const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
            if (res.statusCode !== 200) continue;
            answered.add(path);
            for (const f of fulls) assert.ok(!res.body.includes(f), `${role} GET ${url} shows a full number ${f}`);
            if (!/json/.test(String(res.headers['content-type']))) continue;
            walk(res.json(), null);
          }
        }
        for (const [rid, k] of known) {
          const x = truth.get(rid)!;
          masksSeen += k.masks.length;
          const what = `${role} about ${rid} (masks ${[...new Set(k.masks)].join(' ')}, birth ${[...k.birthDates].join(' ')}, age ${[...k.ages].join(' ')}, sex ${k.sex})`;
          if (x.idType === 'resident_id') {
            const n = idCandidates(k, x.idNumber);
            assert.ok(n >= 1000, `${what}: the ID number narrows to ${Math.floor(n)} candidates`);
          } else {
            const hidden = revealed(k.masks, x.idNumber.length).filter((c) => !c).length;
            assert.ok(10 ** hidden >= 1000, `${what}: the identifier has ${hidden} hidden characters`);
          }
          if (x.phone) {
            const n = phoneCandidates(k, x.phone);
            assert.ok(n >= 1000, `${what}: the phone narrows to ${n} candidates (${k.phoneMasks.join(' ')})`);
          }
        }
      }
      // The walk saw the routes that show residents, so it proves something.
      for (const p of ['/api/residents', '/api/residents/{id}', '/api/records/{residentId}/summary', '/api/referrals/{id}']) assert.ok(answered.has(p), `${p} was never answered`);
      assert.ok(masksSeen >= 10, `only ${masksSeen} masked identifiers seen`);
    });

    test('the full numbers come only from the audited reveal route', async () => {
      const [a] = ids.resident;
      const r = await t.app.inject({ method: 'POST', url: `/api/residents/${a}/reveal`, headers: { cookie: cookies.get('gp')! }, payload: { reason: '核对身份' } });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { idNumber: truth.get(a)!.idNumber, phone: truth.get(a)!.phone });
      const rows = await t.db.query<{ details: { reason: string } }>("SELECT a.details FROM audit_log a JOIN users u ON u.id = a.user_id WHERE u.username = 'gp03' AND a.action = 'resident.reveal' AND a.resident_id = $1", [a]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].details.reason, '核对身份');
    });
  });
}
