// registry: Chinese strings (the default language). Keys start with 'registry.'; en-US/registry.ts must hold the same keys.
export default {
  'registry.menu.communities': '医共体',
  'registry.menu.duplicates': '疑似重复审核',
  'registry.menu.facilities': '医疗卫生机构',
  'registry.menu.group': '基础档案',
  'registry.menu.regions': '行政区划与人口',
  'registry.menu.residents': '居民主索引',
  'registry.menu.workers': '卫生人员',
} as const satisfies Record<`registry.${string}`, string>;
