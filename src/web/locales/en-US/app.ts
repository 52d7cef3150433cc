// app: English strings, the same keys as zh-CN/app.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/app';

const en: Record<keyof typeof zh, string> = {
  'app.home.intro': 'Meridian joins city and county hospitals, township health centres and village clinics into one integrated service system: resident records, family-doctor contracts, chronic-disease care, two-way referral and reform-target monitoring live here.',
  'app.home.role': 'Role',
  'app.home.welcome': 'Welcome, {name}',
  'app.login.demo': 'Demo password: Meridian-2026 (e.g. admin, officer, doctor, village)',
  'app.login.password': 'Password',
  'app.login.required': 'Please enter the {field}',
  'app.login.submit': 'Sign in',
  'app.login.title': 'Sign in',
  'app.login.username': 'Username',
  'app.menu.home': 'Home',
  'app.name': 'Meridian integrated county health platform',
  'app.password.changed': 'Password changed',
  'app.password.current': 'Current password',
  'app.password.new': 'New password',
  'app.shell.lang': '中文',
  'app.shell.logout': 'Sign out',
  'app.shell.password': 'Change password',
  'app.shell.scope': 'Scope',
  'app.shell.scope.all': 'All',
  'app.short': 'Meridian',
  'app.network': 'Network error, please retry',
};
export default en;
