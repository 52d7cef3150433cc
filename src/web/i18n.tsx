// The hook that picks a string from the catalogue (locales/<language>/<module>.ts) in the current language.
import { createContext, useContext } from 'react';
import { CATALOGUE, type Lang, type MessageKey } from './locales';

export type { Lang, MessageKey };
export { CATALOGUE };

export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'zh', setLang: () => {} });

/** Fills `{name}` placeholders of a catalogue string. */
export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return CATALOGUE[lang][key].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

/** The catalogue name of a server code (`prefix.code`, e.g. registry.specialty.public_health), or the code itself when it has none. */
export function codeName(lang: Lang, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return key in CATALOGUE[lang] ? CATALOGUE[lang][key as MessageKey] : code;
}

/** The translate function for the current language: t('key', { var: value }); t.code('prefix', code) names a server code. */
export function useT() {
  const { lang } = useContext(LangContext);
  const t = (key: MessageKey, vars: Record<string, string | number> = {}) => translate(lang, key, vars);
  t.code = (prefix: string, code: string) => codeName(lang, prefix, code);
  return t;
}

/** The current language and its setter. */
export function useLang() {
  return useContext(LangContext);
}

/** A code → {zh, en} map drawn from the catalogue (keys `prefix.code`), for label tables that also carry colours. */
export function labelsFrom<C extends string>(prefix: string, codes: readonly C[]): Record<C, { zh: string; en: string }> {
  return Object.fromEntries(codes.map((c) => [c, { zh: codeName('zh', prefix, c), en: codeName('en', prefix, c) }])) as Record<C, { zh: string; en: string }>;
}
