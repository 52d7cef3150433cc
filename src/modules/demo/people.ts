// Synthetic people for the demo county: households and residents with Shandong's age structure,
// real-looking names, valid ID numbers, chronic conditions at the national prevalence
// (DOMAIN.md §9), and a health workforce near the national ratios. Deterministic for a seed.
import { makeIdNumber } from '../registry/id-number.ts';
import { rng as makeRng, type Rng } from './rng.ts';
import type { SeedFacility, SeedRegion } from './facilities.ts';

export interface SynthResident {
  id_number: string;
  name: string;
  sex: 'M' | 'F';
  birth_date: string;
  ethnicity: string;
  phone: string | null;
  household_key: string;
  relation_to_head: string;
  village_code: string;
  registered_village_code: string;
  permanent: boolean;
  death_date: string | null;
  conditions: string[];
}

export interface SynthWorker {
  id: string;
  name: string;
  sex: 'M' | 'F';
  birth_date: string;
  worker_type: 'physician' | 'assistant_physician' | 'village_doctor' | 'nurse' | 'pharmacist' | 'technician' | 'public_health' | 'manager';
  specialty: string | null;
  title: string | null;
  qualified: boolean;
  employer_code: string;
}

// Surnames weighted for Weihai (王 李 张 刘 于 孙 丛 … are common on the Jiaodong peninsula).
const SURNAMES: [string, number][] = [
  ['王', 94], ['李', 80], ['张', 78], ['刘', 60], ['于', 45], ['孙', 40], ['林', 28], ['宋', 26], ['丛', 24], ['邹', 22], ['陈', 22], ['杨', 20],
  ['赵', 20], ['毕', 16], ['姜', 16], ['曲', 15], ['谷', 14], ['吕', 13], ['徐', 13], ['高', 13], ['周', 12], ['郭', 12], ['马', 11], ['孔', 10],
  ['慕', 9], ['梁', 9], ['董', 9], ['田', 8], ['隋', 8], ['岳', 8], ['鞠', 8], ['汤', 7], ['初', 7], ['戚', 6], ['谭', 6], ['单', 5], ['曾', 4],
];
const GIVEN: Record<'M' | 'F', Record<'old' | 'mid' | 'young', string[]>> = {
  M: {
    old: ['建国', '建华', '国强', '志刚', '德胜', '振华', '文明', '玉山', '树林', '永福', '学军', '庆祥', '德明', '宝山', '洪涛', '春生', '福海', '立新', '卫东', '和平'],
    mid: ['伟', '强', '磊', '军', '勇', '涛', '斌', '鹏', '海涛', '建军', '晓东', '志强', '红军', '新华', '海波', '国栋', '永刚', '明', '刚', '亮'],
    young: ['子轩', '浩然', '宇航', '俊杰', '一鸣', '梓豪', '天宇', '晨阳', '博文', '皓轩', '嘉豪', '明哲', '思远', '睿', '泽宇', '奕辰', '昊', '铭', '欣然', '子墨'],
  },
  F: {
    old: ['秀英', '桂兰', '玉兰', '淑珍', '凤英', '秀兰', '桂英', '玉梅', '素珍', '金凤', '翠花', '兰英', '淑华', '玉珍', '春梅', '秀珍', '桂芝', '凤兰', '淑英', '美兰'],
    mid: ['丽', '静', '敏', '艳', '娟', '霞', '燕', '红梅', '丽娜', '海燕', '晓燕', '婷', '玲', '雪梅', '慧', '萍', '芳', '颖', '洁', '莉'],
    young: ['欣怡', '梓涵', '诗涵', '子涵', '雨桐', '佳怡', '可馨', '梦琪', '一诺', '语嫣', '思琪', '若曦', '雨萱', '佳琪', '紫萱', '晨曦', '悦', '彤', '萌', '瑶'],
  },
};
const OTHER_COUNTIES = ['371002', '371082', '371083', '370602', '370203', '370781', '371402'];
const MOBILE = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '187', '188', '130', '131', '132', '155', '156', '185', '186', '133', '153', '180', '181', '189', '177', '199'];

function weighted<T>(r: Rng, xs: readonly [T, number][]): T {
  const total = xs.reduce((s, x) => s + x[1], 0);
  let u = r.next() * total;
  for (const [v, w] of xs) if ((u -= w) < 0) return v;
  return xs[xs.length - 1][0];
}

const pad = (n: number) => String(n).padStart(2, '0');
function birthDate(r: Rng, age: number, year: number): string {
  const y = year - age - (r.next() < 0.5 ? 1 : 0);
  const m = r.int(1, 12);
  const d = r.int(1, m === 2 ? 28 : [4, 6, 9, 11].includes(m) ? 30 : 31);
  return `${y}-${pad(m)}-${pad(d)}`;
}

function givenName(r: Rng, sex: 'M' | 'F', age: number): string {
  return r.pick(GIVEN[sex][age >= 55 ? 'old' : age >= 25 ? 'mid' : 'young']);
}

// Prevalence by age band (adults), tuned so that the adult totals land near 27.5% and 11.9%.
const HTN: [number, number][] = [[18, 0.06], [35, 0.16], [45, 0.3], [55, 0.45], [65, 0.58], [75, 0.65]];
const DM: [number, number][] = [[18, 0.028], [35, 0.08], [45, 0.145], [55, 0.21], [65, 0.24], [75, 0.24]];
const band = (xs: [number, number][], age: number) => xs.filter((x) => age >= x[0]).pop()?.[1] ?? 0;

// Head-of-household age bands, chosen so that with the household shapes below the whole population
// lands near the census structure (0–14 ≈ 18%, 60+ ≈ 19–21%, 65+ ≈ 14–15%).
const HEAD_AGE: [[number, number], number][] = [[[24, 34], 23], [[35, 44], 25], [[45, 54], 20], [[55, 64], 14], [[65, 74], 11], [[75, 92], 7]];
const SIZE: [number, number][] = [[1, 14], [2, 30], [3, 26], [4, 17], [5, 9], [6, 4]];

export interface PopulationOptions {
  villages: SeedRegion[];
  residents: number;
  seed: number;
  countyCode: string;
  year: number;
}

/** Generates households and residents (exactly `residents` people) across the villages. */
export function generatePopulation(o: PopulationOptions): { residents: SynthResident[] } {
  const r = makeRng(o.seed * 7919 + 17);
  const villageWeights: [string, number][] = o.villages.map((v) => [v.code, (Number(v.code.slice(9, 12)) < 200 ? 1.8 : 1) * (0.5 + r.next())]);
  const usedIds = new Set<string>();
  const out: SynthResident[] = [];
  let hh = 0;
  let phoneSeq = 0;
  const person = (village: string, key: string, relation: string, sex: 'M' | 'F', age: number, surname: string): SynthResident => {
    const bd = birthDate(r, Math.max(0, age), o.year);
    const region = r.next() < 0.92 ? o.countyCode : r.pick(OTHER_COUNTIES);
    let id = '';
    for (let seq = r.int(0, 498); !id || usedIds.has(id); seq = (seq + 1) % 499) {
      id = makeIdNumber(region, bd, String(seq * 2 + (sex === 'M' ? 1 : 0)).padStart(3, '0').slice(-3));
    }
    usedIds.add(id);
    const conditions: string[] = [];
    if (age >= 18) {
      if (r.next() < band(HTN, age)) conditions.push('hypertension');
      if (r.next() < band(DM, age)) conditions.push('diabetes');
    }
    if (r.next() < (age >= 60 ? 0.1 : 0.04)) conditions.push('disability');
    if (age >= 15 && r.next() < 0.0004) conditions.push('tb');
    if (age >= 15 && r.next() < 0.005) conditions.push('severe_mental');
    if (r.next() < 0.025) conditions.push('poverty');
    if (sex === 'F' && age >= 20 && age <= 40 && r.next() < 0.05) conditions.push('pregnant');
    phoneSeq++;
    const phone = age >= 16 && r.next() < (age >= 75 ? 0.55 : 0.9) ? r.pick(MOBILE) + String((phoneSeq * 7919 + o.seed * 104729) % 100_000_000).padStart(8, '0') : null;
    const dead = r.next() < (age >= 75 ? 0.03 : 0.002);
    return {
      id_number: id, name: surname + givenName(r, sex, age), sex, birth_date: bd, ethnicity: r.next() < 0.994 ? '汉族' : r.pick(['满族', '回族', '朝鲜族', '蒙古族']),
      phone, household_key: key, relation_to_head: relation, village_code: village,
      registered_village_code: r.next() < 0.9 ? village : weighted(r, villageWeights), permanent: r.next() < 0.95,
      death_date: dead ? `${o.year - (r.next() < 0.5 ? 1 : 0)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}` : null,
      conditions,
    };
  };
  while (out.length < o.residents) {
    const village = weighted(r, villageWeights);
    const key = `${village}-${String(++hh).padStart(6, '0')}`;
    const size = Math.min(weighted(r, SIZE), o.residents - out.length);
    const [lo, hi] = weighted(r, HEAD_AGE);
    const headAge = r.int(lo, hi);
    const headSex: 'M' | 'F' = r.next() < 0.72 ? 'M' : 'F';
    const surname = weighted(r, SURNAMES);
    const members: SynthResident[] = [person(village, key, '户主', headSex, headAge, surname)];
    if (size >= 2) {
      const spouseAge = Math.max(20, headAge + r.int(-4, 4));
      members.push(person(village, key, '配偶', headSex === 'M' ? 'F' : 'M', spouseAge, weighted(r, SURNAMES)));
    }
    for (let i = members.length; i < size; i++) {
      const sex: 'M' | 'F' = r.next() < 0.51 ? 'M' : 'F';
      if (headAge <= 58) {
        // children of the head; the occasional elderly parent living with them
        if (headAge >= 40 && r.next() < 0.18) members.push(person(village, key, '父母', sex, Math.min(95, headAge + r.int(24, 32)), surname));
        else members.push(person(village, key, sex === 'M' ? '子' : '女', sex, Math.max(0, headAge - r.int(22, 34)), surname));
      } else if (r.next() < 0.45) {
        members.push(person(village, key, sex === 'M' ? '子' : '女', sex, headAge - r.int(24, 34), surname));
      } else {
        members.push(person(village, key, '孙子女', sex, Math.max(0, headAge - r.int(48, 62)), surname));
      }
    }
    out.push(...members);
  }
  return { residents: out };
}

const TITLES_PHYSICIAN: [string, number][] = [['主任医师', 6], ['副主任医师', 14], ['主治医师', 35], ['医师', 35], ['医士', 10]];
const TITLES_NURSE: [string, number][] = [['主任护师', 2], ['副主任护师', 8], ['主管护师', 35], ['护师', 35], ['护士', 20]];
const SPECIALTIES = ['internal_medicine', 'surgery', 'paediatrics', 'obstetrics_gynaecology', 'orthopaedics', 'emergency', 'tcm', 'radiology', 'anaesthesia', 'ophthalmology_ent', 'psychiatry', 'rehabilitation'];

/** Generates the workforce for the facilities at the national ratios for a population of `population`. */
export function generateWorkers(o: { facilities: SeedFacility[]; population: number; seed: number; year?: number }): SynthWorker[] {
  const r = makeRng(o.seed * 104729 + 3);
  const year = o.year ?? new Date().getFullYear();
  const out: SynthWorker[] = [];
  const hospitals = o.facilities.filter((f) => f.tier === 'county' && f.kind !== 'cdc');
  const cdc = o.facilities.filter((f) => f.kind === 'cdc');
  const centres = o.facilities.filter((f) => f.tier === 'township');
  const clinics = o.facilities.filter((f) => f.tier === 'village');
  const add = (f: SeedFacility, t: SynthWorker['worker_type'], specialty: string | null, title: string | null, qualified = true) => {
    const sex: 'M' | 'F' = t === 'nurse' ? (r.next() < 0.05 ? 'M' : 'F') : r.next() < 0.55 ? 'M' : 'F';
    const age = r.int(25, 60);
    const i = out.length + 1;
    out.push({
      id: `00000000-0000-4000-8000-${String(o.seed % 10000).padStart(4, '0')}${String(i).padStart(8, '0')}`,
      name: weighted(r, SURNAMES) + givenName(r, sex, age), sex, birth_date: birthDate(r, age, year), worker_type: t, specialty, title, qualified, employer_code: f.code,
    });
  };
  const bedsOf = (fs: SeedFacility[]) => fs.reduce((s, f) => s + Math.max(f.beds, 10), 0);
  const spread = (fs: SeedFacility[], n: number, make: (f: SeedFacility, k: number) => void) => {
    const total = bedsOf(fs);
    let k = 0;
    for (const f of fs) {
      const share = Math.max(1, Math.round((n * Math.max(f.beds, 10)) / total));
      for (let j = 0; j < share; j++) make(f, k++);
    }
  };
  const P = o.population;
  const physicians = Math.round((3.4 * P) / 1000);
  const gps = Math.max(centres.length, Math.round((4 * P) / 10000));
  const hospitalPhysicians = Math.max(hospitals.length * 2, physicians - Math.round(gps * 1.6));
  spread(hospitals, hospitalPhysicians, (f) => add(f, r.next() < 0.9 ? 'physician' : 'assistant_physician', f.kind === 'tcm_hospital' ? 'tcm' : r.pick(SPECIALTIES), weighted(r, TITLES_PHYSICIAN)));
  spread(centres, gps, (f) => add(f, r.next() < 0.8 ? 'physician' : 'assistant_physician', 'general_practice', weighted(r, TITLES_PHYSICIAN)));
  spread(centres, Math.max(0, physicians - hospitalPhysicians - gps), (f) => add(f, r.next() < 0.6 ? 'physician' : 'assistant_physician', r.pick(['internal_medicine', 'tcm', 'surgery', 'paediatrics']), weighted(r, TITLES_PHYSICIAN)));
  const nurses = Math.round((4.0 * P) / 1000);
  spread(hospitals, Math.round(nurses * 0.72), (f) => add(f, 'nurse', null, weighted(r, TITLES_NURSE)));
  spread(centres, nurses - Math.round(nurses * 0.72), (f) => add(f, 'nurse', null, weighted(r, TITLES_NURSE)));
  const ph = Math.max(cdc.length + centres.length, Math.round((0.6 * P) / 1000));
  for (const f of cdc) for (let j = 0; j < Math.max(1, Math.round(ph * 0.3)); j++) add(f, 'public_health', 'public_health', null);
  spread(centres, Math.round(ph * 0.7), (f) => add(f, 'public_health', 'public_health', null));
  spread([...hospitals, ...centres], Math.round((0.35 * P) / 1000), (f) => add(f, 'pharmacist', null, null));
  spread([...hospitals, ...centres], Math.round((0.6 * P) / 1000), (f) => add(f, 'technician', null, null));
  for (const f of [...hospitals, ...centres]) add(f, 'manager', null, null);
  // Village doctors: one per clinic, a second in about a fifth of them; about half hold a practising certificate.
  for (const f of clinics) {
    const n = r.next() < 0.2 ? 2 : 1;
    for (let j = 0; j < n; j++) add(f, 'village_doctor', 'general_practice', null, r.next() < 0.5);
  }
  return out;
}
