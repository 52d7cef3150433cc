// admin: English strings, the same keys as zh-CN/admin.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/admin';

const en: Record<keyof typeof zh, string> = {
  'admin.menu.group': 'Administration',
  'admin.menu.users': 'Users',
  'admin.users.active': 'Active',
  'admin.users.add': 'New user',
  'admin.users.created': 'Created user {name}',
  'admin.users.disable': 'Disable',
  'admin.users.disabled': 'Disabled',
  'admin.users.enable': 'Enable',
  'admin.users.facility': 'Facility',
  'admin.users.name': 'Name',
  'admin.users.password': 'Password',
  'admin.users.region': 'Region',
  'admin.users.reset': 'Reset password',
  'admin.users.reset2fa': 'Reset two-factor',
  'admin.users.reset2faTitle': 'Reset the second factor of {name}',
  'admin.users.reset2faHelp': 'Removes the user\'s lost authenticator and recovery codes and ends all their sessions; at their next sign-in with the password they enrol anew.',
  'admin.users.reset2faReason': 'Reason (kept in the audit)',
  'admin.users.reset2faDone': 'Second factor of {name} reset',
  'admin.users.role': 'Role',
  'admin.users.status': 'Status',
  'admin.users.username': 'Username',
  'admin.users.workerId': 'Health worker id (optional)',
};
export default en;
