// registry: English strings, the same keys as zh-CN/registry.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/registry';

const en: Record<keyof typeof zh, string> = {
  'registry.menu.communities': 'Medical communities',
  'registry.menu.duplicates': 'Duplicate review',
  'registry.menu.facilities': 'Facilities',
  'registry.menu.group': 'Registries',
  'registry.menu.regions': 'Regions and population',
  'registry.menu.residents': 'Resident index',
  'registry.menu.workers': 'Health workers',
};
export default en;
