// common: English strings, the same keys as zh-CN/common.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/common';

const en: Record<keyof typeof zh, string> = {
  'common.cancel': 'Cancel',
  'common.ok': 'OK',
  'common.save': 'Save',
  'common.saved': 'Saved',
};
export default en;
