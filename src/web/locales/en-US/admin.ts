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
  'admin.users.role': 'Role',
  'admin.users.status': 'Status',
  'admin.users.username': 'Username',
  'admin.users.workerId': 'Health worker id (optional)',
};
export default en;
