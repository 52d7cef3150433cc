// The demo county's facilities, built from its real region tree: the district hospitals the
// Wendeng plan names, a centre in every township (the plan's central centres as such),
// community centres in the subdistricts, village clinics in the settled villages.
//
// Plausible by construction: the demo is a county of the chosen population, not a real county's
// facilities with a sample of its people. Residents live in about one village per VILLAGE_SIZE of
// them (every township keeps at least one), clinics stand only where people live, and the county's
// beds are the national 7.23 per 1,000 of its population shared among its facilities in the
// proportions of their nominal sizes (the real district's hospitals and centres), so that beds,
// staff and people are of one size at any --residents.
import type { FacilityKind, Tier } from '../registry/rules.ts';
import type { Rng } from './rng.ts';

export interface SeedRegion {
  code: string;
  name: string;
  parentCode: string | null;
  level: string;
}

export interface SeedFacility {
  code: string;
  name: string;
  tier: Tier;
  kind: FacilityKind;
  grade: string;
  regionCode: string;
  parentCode: string | null;
  beds: number;
  capabilityStandard: 'basic' | 'recommended' | null;
  communityHospital: boolean;
  countySubcentre: boolean;
  /** Rural residents served (village clinics) — used to size the village-doctor workforce. */
  villageCode?: string;
}

// Names the plans use for a county's hospitals; other counties get the usual generic set.
const COUNTY_HOSPITALS: Record<string, { name: string; kind: FacilityKind; grade: string; beds: number }[]> = {
  '371003': [
    { name: '文登区人民医院', kind: 'general_hospital', grade: '3B', beds: 1000 },
    { name: '文登整骨医院', kind: 'specialised_hospital', grade: '3A', beds: 1200 },
    { name: '文登区妇女儿童医院', kind: 'maternal_child_hospital', grade: '2A', beds: 300 },
    { name: '文登区中西医结合医院', kind: 'tcm_hospital', grade: '2A', beds: 400 },
  ],
};
const CENTRAL_TOWNS: Record<string, string[]> = { '371003': ['宋村', '葛家', '大水泊'] };

const short = (name: string) => name.replace(/(街道办事处|街道|镇|乡)$/, '');

/** Residents per settled village: an assumed size of a Jiaodong village (a district of about half a million over its 721 villages). */
export const VILLAGE_SIZE = 800;
/** Beds per 1,000 residents (national 2023: 7.23, 国家卫生健康委《2023年我国卫生健康事业发展统计公报》). */
export const BEDS_PER_1000 = 7.23;

/**
 * The villages where the demo's residents live: about one per VILLAGE_SIZE residents, at least one in
 * every township, the rest drawn across the county (deterministic for the rng); all of them at 600,000.
 */
export function settledVillages(countyCode: string, regions: SeedRegion[], residents: number, rng: Rng): SeedRegion[] {
  const all = regions.filter((r) => r.level === 'village' && r.code.startsWith(countyCode)).sort((a, b) => a.code.localeCompare(b.code));
  const want = Math.min(all.length, Math.max(1, Math.round(residents / VILLAGE_SIZE)));
  if (want >= all.length) return all;
  const keys = new Map(all.map((v) => [v.code, rng.next()]));
  const byKey = [...all].sort((a, b) => keys.get(a.code)! - keys.get(b.code)!);
  // One in each township first (its lowest key), then the lowest keys of the rest.
  const firstOfTown = new Map<string, string>();
  for (const v of byKey) if (!firstOfTown.has(v.parentCode ?? '')) firstOfTown.set(v.parentCode ?? '', v.code);
  const chosen = new Set(firstOfTown.values());
  for (const v of byKey) {
    if (chosen.size >= want) break;
    chosen.add(v.code);
  }
  return all.filter((v) => chosen.has(v.code));
}

/**
 * Shares `total` beds among facilities in proportion to their nominal beds (largest remainders), each
 * at least its floor: a scaled model of the real district's sizes.
 */
export function scaleBeds(nominal: { beds: number; floor: number }[], total: number): number[] {
  const sum = nominal.reduce((s, f) => s + f.beds, 0);
  if (sum === 0) return nominal.map((f) => f.floor);
  const exact = nominal.map((f) => (total * f.beds) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out.map((b, i) => Math.max(b, nominal[i].floor));
}

/**
 * Builds the facility list of a county of `population` residents living in `settled` villages from
 * its region tree (deterministic for the rng).
 */
export function buildFacilities(county: SeedRegion, regions: SeedRegion[], rng: Rng, population: number, settled: SeedRegion[]): SeedFacility[] {
  const out: SeedFacility[] = [];
  const hospitals = COUNTY_HOSPITALS[county.code] ?? [
    { name: `${county.name}人民医院`, kind: 'general_hospital' as const, grade: '2A', beds: 600 },
    { name: `${county.name}中医医院`, kind: 'tcm_hospital' as const, grade: '2A', beds: 300 },
    { name: `${county.name}妇幼保健院`, kind: 'maternal_child_hospital' as const, grade: '2B', beds: 150 },
  ];
  hospitals.forEach((h, i) => out.push({ code: `H${county.code}${String(i + 1).padStart(2, '0')}`, name: h.name, tier: 'county', kind: h.kind, grade: h.grade,
    regionCode: county.code, parentCode: null, beds: h.beds, capabilityStandard: null, communityHospital: false, countySubcentre: false }));
  // The city hospital above the county, where some residents go (a visit outside the county).
  const prefecture = regions.find((r) => r.code === county.parentCode);
  if (prefecture) {
    out.push({ code: `S${prefecture.code}01`, name: `${prefecture.name.replace(/市$/, '')}市立医院`, tier: 'city', kind: 'general_hospital', grade: '3A', regionCode: prefecture.code,
      parentCode: null, beds: 2000, capabilityStandard: null, communityHospital: false, countySubcentre: false });
  }
  out.push({ code: `C${county.code}01`, name: `${county.name}疾病预防控制中心`, tier: 'county', kind: 'cdc', grade: 'unrated', regionCode: county.code,
    parentCode: null, beds: 0, capabilityStandard: null, communityHospital: false, countySubcentre: false });
  const central = new Set(CENTRAL_TOWNS[county.code] ?? []);
  const towns = regions.filter((r) => r.level === 'township' && r.parentCode === county.code);
  for (const t of towns) {
    const sub = Number(t.code.slice(6, 9)) < 100;
    const isCentral = central.has(short(t.name));
    const code = `T${t.code.slice(0, 9)}`;
    // Capability standards: most centres reach the basic standard, about a third the recommended one.
    const roll = rng.next();
    out.push({
      code, name: sub ? `${t.name}社区卫生服务中心` : isCentral ? `${short(t.name)}中心卫生院` : `${short(t.name)}镇卫生院`,
      tier: 'township', kind: sub ? 'community_centre' : isCentral ? 'central_township_centre' : 'township_centre', grade: isCentral ? '1A' : 'unrated',
      regionCode: t.code, parentCode: null, beds: sub ? 20 + rng.int(0, 30) : isCentral ? 80 + rng.int(0, 60) : 25 + rng.int(0, 40),
      capabilityStandard: isCentral || roll < 0.35 ? 'recommended' : roll < 0.9 ? 'basic' : null,
      communityHospital: sub ? rng.next() < 0.6 : false, countySubcentre: isCentral && short(t.name) === [...central][0],
    });
    const villages = settled.filter((r) => r.parentCode === t.code);
    for (const v of villages) {
      const urban = Number(v.code.slice(9, 12)) < 200;
      // Settled rural villages have a clinic (the norm: one per administrative village); urban committees a station now and then.
      if (!urban || rng.next() < 0.35) {
        out.push({
          code: `V${v.code}`, name: urban ? `${v.name.replace(/(社区)?居民委员会$/, '')}社区卫生服务站` : `${v.name.replace(/(村民委员会|委员会)$/, '')}卫生室`,
          tier: 'village', kind: urban ? 'community_station' : 'village_clinic', grade: 'unrated', regionCode: v.code, parentCode: code, beds: 0,
          capabilityStandard: null, communityHospital: false, countySubcentre: false, villageCode: v.code,
        });
      }
    }
  }
  // Beds: the county's share of the national rate, in the proportions of the nominal sizes; a
  // hospital keeps at least 10, its lead at least 20 (its wards); the city hospital, outside the
  // county, gets half the county's beds (at least 20) for the patients the county sends it.
  const inCounty = out.filter((f) => f.tier === 'county' || f.tier === 'township');
  const leadIndex = inCounty.findIndex((f) => f.kind === 'general_hospital');
  const scaled = scaleBeds(inCounty.map((f, i) => ({ beds: f.beds, floor: f.tier === 'county' && f.beds > 0 ? (i === leadIndex ? 20 : 10) : 0 })), Math.round((BEDS_PER_1000 * population) / 1000));
  inCounty.forEach((f, i) => { f.beds = scaled[i]; });
  for (const f of out) if (f.tier === 'city') f.beds = Math.max(20, Math.round((BEDS_PER_1000 * population) / 1000 / 2));
  return out;
}
