// account: English strings, the same keys as zh-CN/account.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/account';

const en: Record<keyof typeof zh, string> = {
  'account.mfa.menu': 'Two-factor sign-in',
  'account.mfa.code': 'Code',
  'account.mfa.codeHint': 'Enter the 6-digit code from your authenticator app, or a recovery code',
  'account.mfa.verify': 'Verify',
  'account.mfa.title': 'Two-factor sign-in (authenticator app)',
  'account.mfa.enrolled': 'An authenticator is enrolled; {n} recovery codes left.',
  'account.mfa.notEnrolled': 'No authenticator enrolled yet.',
  'account.mfa.required': 'Your role signs in with two factors (MLPS level 3): enrol before {due}.',
  'account.mfa.overdue': 'Your role signs in with two factors: until you enrol, only enrolment is open.',
  'account.mfa.start': 'Start enrolment',
  'account.mfa.restart': 'Replace the authenticator',
  'account.mfa.password': 'Current password',
  'account.mfa.scan': 'Scan the QR code with an authenticator app (Microsoft Authenticator, Google Authenticator, …) or type the secret:',
  'account.mfa.confirm': 'Confirm',
  'account.mfa.recovery': 'Recovery codes (each works once; shown only now — keep them safe):',
  'account.mfa.done': 'Enrolled',
};

export default en;
