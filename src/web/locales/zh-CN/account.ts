// account: Chinese strings (two-factor sign-in). Keys start with 'account.'; en-US/account.ts must hold the same keys.
export default {
  'account.mfa.menu': '双因素登录',
  'account.mfa.code': '验证码',
  'account.mfa.codeHint': '请输入身份验证器中的 6 位验证码，或一个恢复码',
  'account.mfa.verify': '验证',
  'account.mfa.title': '双因素登录（身份验证器）',
  'account.mfa.enrolled': '已绑定身份验证器，剩余恢复码 {n} 个。',
  'account.mfa.notEnrolled': '尚未绑定身份验证器。',
  'account.mfa.required': '您的角色须使用双因素登录（等保三级），请于 {due} 前绑定。',
  'account.mfa.overdue': '您的角色须使用双因素登录：绑定完成前只能进行绑定操作。',
  'account.mfa.start': '开始绑定',
  'account.mfa.restart': '更换身份验证器',
  'account.mfa.password': '当前密码',
  'account.mfa.scan': '用身份验证器（如 Microsoft Authenticator、Google 身份验证器）扫描二维码，或手动输入密钥：',
  'account.mfa.confirm': '确认绑定',
  'account.mfa.recovery': '恢复码（每个只能使用一次，仅显示这一次，请妥善保存）：',
  'account.mfa.done': '绑定完成',
} as const;
