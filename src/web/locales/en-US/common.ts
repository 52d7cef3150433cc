// common: English strings, the same keys as zh-CN/common.ts (a missing or extra key fails typecheck).
import type zh from '../zh-CN/common';

const en: Record<keyof typeof zh, string> = {
  'common.cancel': 'Cancel',
  'common.ok': 'OK',
  'common.save': 'Save',
  'common.saved': 'Saved',
  'common.number.notNumber': '{field} must be a number',
  'common.number.range': '{field} must be between {min} and {max}',
  'common.number.min': '{field} must be at least {min}',
  'common.number.max': '{field} must be at most {max}',
  'common.number.integer': '{field} must be a whole number',
  'common.number.decimals': '{field} may have at most {n} decimals',
  'common.date.future': '{field} cannot be later than today',
};
export default en;
