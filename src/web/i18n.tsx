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

/** The translate function for the current language: t('key', { var: value }). */
export function useT() {
  const { lang } = useContext(LangContext);
  return (key: MessageKey, vars: Record<string, string | number> = {}) => translate(lang, key, vars);
}

/** The current language and its setter. */
export function useLang() {
  return useContext(LangContext);
}
