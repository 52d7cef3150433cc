// The syndromes counted from outpatient visits (diagnoses and chief complaints), as data. Pure.
/** A syndrome: ICD-10 codes (a regular expression over the code) and chief-complaint words (a regular expression, case-insensitive). */
export interface Syndrome { code: string; nameZh: string; nameEn: string; icd10: string; complaint: string }

export const SYNDROMES: readonly Syndrome[] = [
  // Fever: fever of unknown origin, influenza-like illness, and the febrile infections seen in primary care.
  { code: 'fever', nameZh: '发热', nameEn: 'Fever', icd10: '^(R50|J09|J10|J11|A9[0-9]|B0[5-6])', complaint: '发热|发烧|高热|fever' },
  { code: 'diarrhoea', nameZh: '腹泻', nameEn: 'Diarrhoea', icd10: '^(A0[0-9]|K52|K59\\.1)', complaint: '腹泻|拉肚子|水样便|diarrh' },
  { code: 'rash', nameZh: '出疹', nameEn: 'Rash', icd10: '^(B0[1-9]|R21|L27)', complaint: '皮疹|出疹|疱疹|rash' },
  { code: 'respiratory', nameZh: '呼吸道', nameEn: 'Respiratory', icd10: '^(J0[0-6]|J09|J1[0-8]|J2[0-2]|R05)', complaint: '咳嗽|咽痛|流涕|气促|cough|sore throat' },
];

/** The series name of a syndrome's counts. */
export const syndromeSeries = (code: string): string => `syndrome:${code}`;
