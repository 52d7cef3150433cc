// Sign-in and two-factor schemas; request and response types derive from them.
import { z } from 'zod';
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
