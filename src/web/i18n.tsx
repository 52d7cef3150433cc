// Every string the web app shows, in Chinese (default) and English, and the hook that picks one.
import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const zh = {
  'app.name': 'Meridian 县域整合型医疗卫生服务平台',
  'app.short': 'Meridian',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.required': '请输入{field}',
  'login.demo': '演示账号密码：Meridian-2026（如 admin、officer、doctor、village）',
  'shell.logout': '退出登录',
  'shell.scope': '范围',
  'shell.scope.all': '全部',
  'shell.lang': 'English',
  'shell.password': '修改密码',
  'menu.home': '首页',
  'menu.admin': '系统管理',
  'menu.users': '用户管理',
  'home.welcome': '欢迎，{name}',
  'home.role': '角色',
  'home.intro': 'Meridian 把城市医院、县级医院、乡镇卫生院和村卫生室连成一个整合型服务体系：居民档案、家庭医生签约、慢病管理、双向转诊和改革目标监测都在这里。',
  'users.username': '用户名',
  'users.name': '姓名',
  'users.role': '角色',
  'users.region': '行政区划',
  'users.facility': '机构',
  'users.status': '状态',
  'users.active': '启用',
  'users.disabled': '停用',
  'users.add': '新建用户',
  'users.disable': '停用',
  'users.enable': '启用',
  'users.reset': '重置密码',
  'users.password': '密码',
  'users.created': '已创建用户 {name}',
  'common.save': '保存',
  'common.cancel': '取消',
  'common.ok': '确定',
  'common.saved': '已保存',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.changed': '密码已修改',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'app.name': 'Meridian integrated county health platform',
  'app.short': 'Meridian',
  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.required': 'Please enter the {field}',
  'login.demo': 'Demo password: Meridian-2026 (e.g. admin, officer, doctor, village)',
  'shell.logout': 'Sign out',
  'shell.scope': 'Scope',
  'shell.scope.all': 'All',
  'shell.lang': '中文',
  'shell.password': 'Change password',
  'menu.home': 'Home',
  'menu.admin': 'Administration',
  'menu.users': 'Users',
  'home.welcome': 'Welcome, {name}',
  'home.role': 'Role',
  'home.intro': 'Meridian joins city and county hospitals, township health centres and village clinics into one integrated service system: resident records, family-doctor contracts, chronic-disease care, two-way referral and reform-target monitoring live here.',
  'users.username': 'Username',
  'users.name': 'Name',
  'users.role': 'Role',
  'users.region': 'Region',
  'users.facility': 'Facility',
  'users.status': 'Status',
  'users.active': 'Active',
  'users.disabled': 'Disabled',
  'users.add': 'New user',
  'users.disable': 'Disable',
  'users.enable': 'Enable',
  'users.reset': 'Reset password',
  'users.password': 'Password',
  'users.created': 'Created user {name}',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.ok': 'OK',
  'common.saved': 'Saved',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.changed': 'Password changed',
};

export const CATALOGUE: Record<Lang, Record<Key, string>> = { zh, en };
export type MessageKey = Key;

export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'zh', setLang: () => {} });

/** The translate function for the current language: t('key', { var: value }). */
export function useT() {
  const { lang } = useContext(LangContext);
  return (key: Key, vars: Record<string, string | number> = {}) =>
    CATALOGUE[lang][key].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

/** The current language and its setter. */
export function useLang() {
  return useContext(LangContext);
}
