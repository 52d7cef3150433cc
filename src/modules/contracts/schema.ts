// The contracts module's request and response shapes (zod); the TypeScript types are inferred from
// them and used by the routes and the services alike.
import { z } from 'zod';
import { DateStr } from '../../shared/time.ts';

export const Uuid = z.object({ id: z.string().uuid() });
export const TeamOut = z.object({ id: z.string(), name: z.string(), facilityCode: z.string(), facilityName: z.string(), phone: z.string().nullable(), members: z.array(z.object({ workerId: z.string(), name: z.string(), role: z.string() })) });
export const TeamBody = z.strictObject({ name: z.string().min(2).max(50), facilityCode: z.string().max(32),
  members: z.array(z.strictObject({ workerId: z.string().uuid(), role: z.enum(['lead_gp', 'gp', 'nurse', 'public_health', 'village_doctor', 'specialist']) })).min(1).max(30),
  villageCodes: z.array(z.string().regex(/^\d{12}$/)).max(100),
  /** The team's service phone (a duty line): digits, with a dash after an area code. */
  phone: z.string().regex(/^[0-9][0-9-]{6,19}$/).nullable().optional() });
export type TeamInput = z.infer<typeof TeamBody>;

export const SignBody = z.strictObject({ residentId: z.string().uuid(), teamId: z.string().uuid(), packageCodes: z.array(z.string().max(20)).min(1).max(10), startsOn: DateStr, signedHow: z.enum(['on_site', 'at_home', 'online']) });
export type SignInput = z.infer<typeof SignBody>;
export const Signed = z.object({ id: z.string(), startsOn: z.string(), endsOn: z.string(), status: z.string() });
export const RenewBody = z.strictObject({ packageCodes: z.array(z.string().max(20)).min(1).max(10).optional() });
export const EndBody = z.strictObject({ reason: z.string().min(2).max(200) });
export const Fulfilment = z.object({ fulfilled: z.boolean(), items: z.array(z.object({ service: z.string(), name: z.string(), frequency: z.string(), due: z.number(), delivered: z.number(), ok: z.boolean() })) });

const Item = z.strictObject({ service: z.string().min(1).max(30), name: z.string().max(50), frequency: z.string().max(20) });
export const PackageFields = { name: z.string().min(2).max(50), kind: z.enum(['basic', 'personalised']), priceFen: z.number().int(), payer: z.enum(['insurance', 'public_health', 'resident', 'mixed']), items: z.array(Item).max(30) };
export const PackageOut = z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.enum(['basic', 'personalised']), priceFen: z.number(), payer: z.enum(['insurance', 'public_health', 'resident', 'mixed']),
  items: z.array(z.object({ service: z.string(), name: z.string(), frequency: z.string() })), active: z.boolean(), version: z.number() });
export const CreatePackageBody = z.strictObject({ code: z.string().max(20), ...PackageFields, active: z.boolean().optional() });
export const UpdatePackageBody = z.strictObject({ ...PackageFields, active: z.boolean(), version: z.number().int() });

export const RatesQuery = z.strictObject({ level: z.enum(['team', 'township', 'community', 'county']).default('township'), period: z.enum(['month', 'quarter', 'year', 'ytd']).default('ytd'), on: DateStr.optional(), asOf: DateStr.optional() });
const Bilingual = z.object({ zh: z.string(), en: z.string() });
export const Rates = z.object({ level: z.string(), period: z.string(), from: z.string(), to: z.string(), definitions: z.record(z.string(), Bilingual),
  groupLabels: z.record(z.string(), Bilingual),
  items: z.array(z.object({
    code: z.string(), name: z.string(), population: z.number(), contracted: z.number(), priorityPopulation: z.number(), priorityContracted: z.number(), fulfilled: z.number(), previousCycle: z.number(), renewed: z.number(),
    coverage: z.number().nullable(), priorityCoverage: z.number().nullable(), fulfilmentRate: z.number().nullable(), renewalRate: z.number().nullable(),
    groups: z.array(z.object({ group: z.string(), population: z.number(), contracted: z.number(), rate: z.number().nullable() })) })) });

// ---- online contract requests (issue 24)
export const RequestBody = z.strictObject({ teamId: z.string().uuid(), packageCodes: z.array(z.string().max(20)).min(1).max(10), note: z.string().max(200).nullable().optional() });
export const RequestOut = z.object({
  id: z.string(), teamId: z.string(), packageCodes: z.array(z.string()), kind: z.enum(['sign', 'renew']), note: z.string().nullable(),
  status: z.enum(['requested', 'confirmed', 'declined', 'withdrawn']), requestedAt: z.string(), decidedAt: z.string().nullable(), decisionNote: z.string().nullable(), contractId: z.string().nullable(),
});
export const RequestKindOut = z.union([
  z.object({ kind: z.literal('sign'), startsOn: z.string() }),
  z.object({ kind: z.literal('renew'), previousId: z.string(), startsOn: z.string() }),
  z.object({ kind: z.literal('too_early'), opensOn: z.string(), endsOn: z.string() }),
]);
export const ContractOptionsOut = z.object({
  next: RequestKindOut, renewalWindowDays: z.number(),
  teams: z.array(z.object({ id: z.string(), name: z.string(), facilityName: z.string(), phone: z.string().nullable(), servesVillage: z.boolean(), sameTownship: z.boolean(),
    members: z.array(z.object({ name: z.string(), role: z.string() })) })),
  packages: z.array(z.object({ code: z.string(), name: z.string(), kind: z.enum(['basic', 'personalised']), priceFen: z.number(), payer: z.string(),
    items: z.array(z.object({ name: z.string(), frequency: z.string() })) })),
  requests: z.array(RequestOut),
});
export const TeamRequestOut = RequestOut.extend({
  residentId: z.string(), name: z.string(), sex: z.enum(['M', 'F']), birthDate: z.string(), villageName: z.string(), teamName: z.string(), previousEndsOn: z.string().nullable(),
});
export const RequestsQuery = z.strictObject({ open: z.enum(['true', 'false']).default('true') });
export const DeclineBody = z.strictObject({ reason: z.string().trim().min(2).max(200) });
