// GB 11643-1999 citizen identity numbers: structure, check character, masking.

export interface IdProblem {
  code: string;
  zh: string;
  en: string;
}

export type IdResult =
  | { ok: true; value: string; birthDate: string; sex: 'M' | 'F'; regionCode: string }
  | { ok: false; problems: IdProblem[] };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Builds a valid ID number from a region code, a birth date (YYYY-MM-DD) and a 3-digit sequence. */
export function makeIdNumber(regionCode6: string, birthDate: string, seq3: string): string {
  const first17 = regionCode6 + birthDate.replaceAll('-', '') + seq3.padStart(3, '0');
  return first17 + idCheckDigit(first17);
}

function realDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Validates an ID number (and, when given, its agreement with a birth date and sex). */
export function validateIdNumber(raw: string, expect: { birthDate?: string; sex?: 'M' | 'F'; today?: string } = {}): IdResult {
  const v = raw.trim().toUpperCase();
  const problems: IdProblem[] = [];
  if (!/^\d{17}[\dX]$/.test(v)) {
    return { ok: false, problems: [{ code: 'resident.id_number_length', zh: '身份证号应为18位（前17位数字，末位数字或X）', en: 'An ID number has 18 characters: 17 digits and a digit or X' }] };
  }
  const y = Number(v.slice(6, 10)), m = Number(v.slice(10, 12)), d = Number(v.slice(12, 14));
  const birthDate = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  const today = expect.today ?? new Date().toISOString().slice(0, 10);
  if (!realDate(y, m, d) || y < 1880 || birthDate > today) problems.push({ code: 'resident.id_number_birth_date', zh: `出生日期 ${birthDate} 无效`, en: `Birth date ${birthDate} is not a real past date` });
  if (!/^[1-9]\d{5}$/.test(v.slice(0, 6))) problems.push({ code: 'resident.id_number_region', zh: '地址码无效', en: 'Invalid address code' });
  if (idCheckDigit(v.slice(0, 17)) !== v[17]) problems.push({ code: 'resident.id_number_check_digit', zh: '校验码错误', en: 'Wrong check character' });
  const sex: 'M' | 'F' = Number(v[16]) % 2 === 1 ? 'M' : 'F';
  if (expect.birthDate && expect.birthDate !== birthDate) problems.push({ code: 'resident.id_number_birth_mismatch', zh: `身份证出生日期 ${birthDate} 与填写的 ${expect.birthDate} 不符`, en: `The ID's birth date ${birthDate} differs from ${expect.birthDate}` });
  if (expect.sex && expect.sex !== sex) problems.push({ code: 'resident.id_number_sex_mismatch', zh: '身份证顺序码的性别与填写的性别不符', en: 'The sex in the ID sequence digit differs from the given sex' });
  return problems.length ? { ok: false, problems } : { ok: true, value: v, birthDate, sex, regionCode: v.slice(0, 6) };
}

// What a masked identifier shows, chosen so that with everything shown beside it (sex, age in whole
// years, the village, never the birth date) a full number cannot be narrowed to fewer than 1,000
// candidates (test/security/finding-03-masks.test.ts counts them on every GET answer):
//  - a resident ID number: the 6-digit address code and the last 2 characters (the sex digit and the
//    check character): a birth date within one year of age (365+ days) × the 2 hidden sequence digits
//    (100), over the check character (1 in 11) → more than 3,000;
//  - another identifier: its last 2 characters when 4 or more stay hidden (10,000+), else nothing;
//  - a phone: its last 4 digits, and its first 3 when 4 or more digits stay hidden (138****5678: 10,000).
// The full numbers are shown only by the audited reveal route.

/** Masks a resident ID number: address code and the last 2 characters (371003**********72). */
export function maskIdNumber(v: string): string {
  return v.length === 18 ? v.slice(0, 6) + '*'.repeat(10) + v.slice(-2) : maskOtherId(v);
}

/** Masks another identifier (passport, permit, record number): ****72, or **** when short. */
export function maskOtherId(v: string): string {
  return v.length >= 6 ? '****' + v.slice(-2) : '****';
}

/** Masks a phone number: 138****5678 (a short landline: ****4567). */
export function maskPhone(v: string): string {
  const digits = v.replace(/\D/g, '');
  if (digits.length < 8) return '****';
  return digits.length - 7 >= 4 ? digits.slice(0, 3) + '****' + digits.slice(-4) : '****' + digits.slice(-4);
}
