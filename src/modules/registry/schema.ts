import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';
import { FACILITY_KINDS, GRADES, PRIORITY_GROUPS, TIERS, WORKER_TYPES } from './rules.ts';
import { ID_TYPES } from './residents.ts';

const date = DateStr;
export const Paging = { page: z.coerce.number().int().min(1).max(100000).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) };
export const pageOf = (p: { page: number; pageSize: number }) => ({ limit: p.pageSize, offset: (p.page - 1) * p.pageSize });

export const RegionNodeOut = z.object({
  code: z.string(), name: z.string(), level: z.enum(['province', 'prefecture', 'county', 'township', 'village']), parentCode: z.string().nullable(),
  urban: z.boolean().nullable(), population: z.number().nullable(), populationYear: z.number().nullable(), children: z.number(),
});

export const FacilityIn = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9-]{4,32}$/, '4–32 letters, digits or - / 4–32位字母、数字或-'),
  name: z.string().min(2).max(100),
  tier: z.enum(TIERS),
  kind: z.enum(FACILITY_KINDS),
  grade: z.enum(GRADES).optional(),
  regionCode: z.string().regex(/^\d{6}(\d{6})?$/),
  parentFacilityCode: z.string().nullable().optional(),
  beds: z.number().int().min(0).max(20000).optional(),
  capabilityStandard: z.enum(['basic', 'recommended']).nullable().optional(),
  communityHospital: z.boolean().optional(),
  countySubcentre: z.boolean().optional(),
  publicOwned: z.boolean().optional(),
  openedOn: date.nullable().optional(),
  closedOn: date.nullable().optional(),
});

export type FacilityIn = z.infer<typeof FacilityIn>;

export const FacilityOut = z.object({
  id: z.string(), code: z.string(), name: z.string(), tier: z.enum(TIERS), kind: z.enum(FACILITY_KINDS), grade: z.string(), regionCode: z.string(), regionName: z.string(),
  parentFacilityCode: z.string().nullable(), parentFacilityName: z.string().nullable(), beds: z.number(), capabilityStandard: z.enum(['basic', 'recommended']).nullable(),
  communityHospital: z.boolean(), countySubcentre: z.boolean(), publicOwned: z.boolean(), openedOn: z.string().nullable(), closedOn: z.string().nullable(), version: z.number(),
  community: z.object({ id: z.string(), name: z.string(), joinedOn: z.string() }).nullable(),
});

export const CommunityOut = z.object({
  id: z.string(), name: z.string(), kind: z.enum(['county_community', 'city_group']), tight: z.boolean(), regionCode: z.string(),
  lead: z.object({ code: z.string(), name: z.string() }),
  members: z.array(z.object({ code: z.string(), name: z.string(), tier: z.enum(TIERS), kind: z.enum(FACILITY_KINDS), joinedOn: z.string(), leftOn: z.string().nullable() })),
});
export const CommunitySummaryOut = CommunityOut.omit({ members: true }).extend({ memberCount: z.number().optional() });

export const WorkerIn = z.strictObject({
  name: z.string().min(1).max(50), sex: z.enum(['M', 'F']), birthDate: date.nullable().optional(), workerType: z.enum(WORKER_TYPES),
  specialty: z.string().max(50).nullable().optional(), title: z.string().max(50).nullable().optional(), licenceNo: z.string().max(50).nullable().optional(),
  qualified: z.boolean().optional(), employerCode: z.string().min(4).max(32),
});
export type WorkerIn = z.infer<typeof WorkerIn>;
export const PostingIn = z.strictObject({
  facilityCode: z.string().min(4).max(32), kind: z.enum(['practice_site', 'county_to_township', 'township_to_village', 'other']), startOn: date, endOn: date.nullable().optional(),
});
export type PostingIn = z.infer<typeof PostingIn>;
export const WorkerOut = z.object({
  id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), birthDate: z.string().nullable(), workerType: z.enum(WORKER_TYPES), specialty: z.string().nullable(),
  title: z.string().nullable(), licenceNo: z.string().nullable(), qualified: z.boolean(), employer: z.object({ code: z.string(), name: z.string(), regionCode: z.string() }),
  active: z.boolean(), username: z.string().nullable(),
  postings: z.array(z.object({ id: z.string(), facilityCode: z.string(), facilityName: z.string(), kind: z.enum(['practice_site', 'county_to_township', 'township_to_village', 'other']), startOn: z.string(), endOn: z.string().nullable() })),
});

export const ResidentIn = z.strictObject({
  idType: z.enum(ID_TYPES),
  idNumber: z.string().min(1).max(40),
  name: z.string().min(1).max(50),
  sex: z.enum(['M', 'F']).optional(),
  birthDate: date.optional(),
  ethnicity: z.string().max(20).optional(),
  phone: z.string().max(20).nullable().optional(),
  householdNo: z.string().max(40).nullable().optional(),
  relationToHead: z.string().max(20).nullable().optional(),
  villageCode: z.string().regex(/^\d{12}$/, '12-digit village code / 12位村（居）委会代码'),
  registeredVillageCode: z.string().regex(/^\d{6}(\d{6})?$/).nullable().optional(),
  permanent: z.boolean().optional(),
});

export type ResidentIn = z.infer<typeof ResidentIn>;

export const ResidentOut = z.object({
  id: z.string(), name: z.string(), sex: z.enum(['M', 'F']), age: z.number(), idType: z.enum(ID_TYPES), idNumberMasked: z.string(),
  phoneMasked: z.string().nullable(), ethnicity: z.string(), villageCode: z.string(), villageName: z.string(), townshipName: z.string().nullable(),
  registeredVillageCode: z.string().nullable(), registeredPlace: z.string().nullable().describe('the registered village and its township by name, when the region tree holds it'), householdNo: z.string().nullable(), relationToHead: z.string().nullable(), permanent: z.boolean(),
  deathDate: z.string().nullable(), priorityGroups: z.array(z.enum(PRIORITY_GROUPS)), conditions: z.array(z.string()), mergedInto: z.string().nullable(), version: z.number(),
});

export const DuplicateCandidateOut = z.object({ id: z.string(), name: z.string(), birthDate: z.string(), villageName: z.string(), reasons: z.array(z.string()) });
export const DuplicatePairOut = z.object({ id: z.string(), status: z.string(), reasons: z.array(z.string()), a: ResidentOut, b: ResidentOut, createdAt: z.string() });
export type ResidentOut = z.infer<typeof ResidentOut>;
export type FacilityOut = z.infer<typeof FacilityOut>;
export type WorkerOut = z.infer<typeof WorkerOut>;
