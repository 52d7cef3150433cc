// common: Chinese strings (the default language). Keys start with 'common.'; en-US/common.ts must hold the same keys.
export default {
  'common.cancel': '取消',
  'common.ok': '确定',
  'common.save': '保存',
  'common.saved': '已保存',
  'common.number.notNumber': '{field}应为数字',
  'common.number.range': '{field}应在 {min} 至 {max} 之间',
  'common.number.min': '{field}不能小于 {min}',
  'common.number.max': '{field}不能大于 {max}',
  'common.number.integer': '{field}应为整数',
  'common.number.decimals': '{field}最多保留 {n} 位小数',
  'common.date.future': '{field}不能晚于今天',
} as const satisfies Record<`common.${string}`, string>;
