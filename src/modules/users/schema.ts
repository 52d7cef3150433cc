import { z } from 'zod';
import { ROLES } from '../../shared/roles.ts';

export const RoleCode = z.enum(ROLES);

export const UserOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleCode,
  disabled: z.boolean().optional(),
  scope: z.object({
    regionCode: z.string().nullable(),
    regionName: z.string().nullable(),
    facilityCode: z.string().nullable(),
    facilityName: z.string().nullable(),
  }),
});
export type UserOut = z.infer<typeof UserOut>;

export const CreateUserIn = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{2,64}$/, '2–64 letters, digits or _ . @ - / 2–64位字母、数字或 _ . @ -'),
  displayName: z.string().min(1).max(100).optional(),
  role: RoleCode,
  regionCode: z.string().regex(/^\d{2,12}$/).nullable().optional(),
  facilityCode: z.string().min(4).max(32).nullable().optional(),
  password: z.string().min(1).max(200),
  /** The health worker this account belongs to (their postings then widen what they may open). */
  workerId: z.string().uuid().nullable().optional(),
  /** The government department (gov_units) a 'department' user reports for. */
  unitId: z.string().uuid().nullable().optional(),
});
export type CreateUserIn = z.infer<typeof CreateUserIn>;

// ---- residents' own accounts ----

export const ResidentParams = z.object({ id: z.string().uuid() });

/** The one-time code a health worker hands the resident (shown once); `reset`: the resident already had an account. */
export const ActivationCodeOut = z.object({ code: z.string(), expiresAt: z.string(), reset: z.boolean() });
export type ActivationCodeOut = z.infer<typeof ActivationCodeOut>;

/** The resident redeems the code with their phone or ID number, choosing their own password. */
export const ResidentActivateIn = z.strictObject({ login: z.string().min(5).max(30), code: z.string().regex(/^\d{6}$/, 'six digits / 六位数字'), password: z.string().min(1).max(200) });
export type ResidentActivateIn = z.infer<typeof ResidentActivateIn>;

export const Ok = z.object({ ok: z.literal(true) });
