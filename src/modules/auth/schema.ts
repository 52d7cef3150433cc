// Sign-in and two-factor schemas; request and response types derive from them.
import { z } from 'zod';
import { isSystemScope, RECORDS_WRITE } from './scopes.ts';
import { UserOut } from '../users/schema.ts';

export const LoginIn = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

export const TwoFactorState = z.object({
  /** A TOTP authenticator is enrolled and confirmed. */
  enrolled: z.boolean(),
  /** The role must sign in with two factors. */
  required: z.boolean(),
  /** Until when the account may still sign in without having enrolled (null when enrolled or not required). */
  enrolmentDue: z.string().nullable(),
  /** Past that date: the session is limited to enrolment. */
  enrolmentOverdue: z.boolean(),
  recoveryCodesLeft: z.number(),
});
export type TwoFactorState = z.infer<typeof TwoFactorState>;

/** A signed-in answer: the user (the login contract) and their second-factor state. */
export const SignedIn = z.object({ user: UserOut, twoFactor: TwoFactorState });

/** The password was right; a second factor is awaited (no session beyond POST /api/auth/mfa). */
export const MfaRequired = z.object({ mfaRequired: z.literal(true) });

export const LoginOut = z.union([SignedIn, MfaRequired]);

export const MfaIn = z.strictObject({ code: z.string().min(6).max(20) });
export const EnrolIn = z.strictObject({ password: z.string().min(1).max(200) });
export const EnrolOut = z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() });
export const ConfirmIn = z.strictObject({ code: z.string().regex(/^\d{6}$/, '6 digits / 6位数字') });
export const ConfirmOut = z.object({ recoveryCodes: z.array(z.string()) });

export const ResetIn = z.strictObject({ username: z.string().min(1).max(64), reason: z.string().min(1).max(500) });
export const ResetOut = z.object({ hadAuthenticator: z.boolean(), sessionsEnded: z.number().int() });

// ---- system clients ----

/** What a system client's token may be used for (routes that list the 'system' role need it). */
export const SYSTEM_SCOPES = [RECORDS_WRITE] as const;

export const SystemClientOut = z.object({
  id: z.string(),
  /** The public client id the system authenticates with. */
  clientId: z.string(),
  name: z.string(),
  facilityCode: z.string(),
  facilityName: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type SystemClientOut = z.infer<typeof SystemClientOut>;
export const SystemClientsOut = z.object({ items: z.array(SystemClientOut) });
export const SystemClientIn = z.strictObject({
  facilityCode: z.string().min(1).max(20),
  name: z.string().trim().min(1).max(100),
  /** What the client may ask for: records:write and SMART system scopes (system/Observation.write, system/*.read); default records:write. */
  scopes: z.array(z.string().max(80).refine(isSystemScope, 'records:write or a SMART system scope such as system/Observation.write / 须为 records:write 或 SMART 系统权限范围')).min(1).max(40).optional(),
});
export type SystemClientIn = z.infer<typeof SystemClientIn>;
/** A new client with its secret: shown this once, kept only as a hash. */
export const SystemClientCreated = z.object({ client: SystemClientOut, clientSecret: z.string() });
export type SystemClientCreated = z.infer<typeof SystemClientCreated>;
export const SystemClientParams = z.object({ clientId: z.string().min(1).max(64) });

/** The token request's parameters (RFC 6749 §4.4.2), from a form or a JSON body. */
export const TokenRequest = z.object({
  grant_type: z.string().min(1).max(100),
  scope: z.string().max(500).optional(),
  client_id: z.string().min(1).max(200).optional(),
  client_secret: z.string().min(1).max(500).optional(),
});
export type TokenRequest = z.infer<typeof TokenRequest>;
