// admin: Chinese strings (the default language). Keys start with 'admin.'; en-US/admin.ts must hold the same keys.
export default {
  'admin.menu.group': '系统管理',
  'admin.menu.users': '用户管理',
  'admin.users.active': '启用',
  'admin.users.add': '新建用户',
  'admin.users.created': '已创建用户 {name}',
  'admin.users.disable': '停用',
  'admin.users.disabled': '停用',
  'admin.users.enable': '启用',
  'admin.users.facility': '机构',
  'admin.users.name': '姓名',
  'admin.users.password': '密码',
  'admin.users.region': '行政区划',
  'admin.users.reset': '重置密码',
  'admin.users.role': '角色',
  'admin.users.status': '状态',
  'admin.users.username': '用户名',
} as const satisfies Record<`admin.${string}`, string>;
