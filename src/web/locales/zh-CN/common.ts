// common: Chinese strings (the default language). Keys start with 'common.'; en-US/common.ts must hold the same keys.
export default {
  'common.cancel': '取消',
  'common.ok': '确定',
  'common.save': '保存',
  'common.saved': '已保存',
} as const satisfies Record<`common.${string}`, string>;
