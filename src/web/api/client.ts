// The one way the web app talks to the server: a typed client generated from the OpenAPI document.
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { CATALOGUE } from '../locales';

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

export interface ApiErrorBody {
  error: { code: string; message: { zh: string; en: string }; fields: { path: string; problem: string }[] };
}

/** The server's error message in the current language (or a generic one for a network failure). */
/**
 * The part of a server's two-language text ("至少8个字符 / at least 8 characters", in either order) in the user's
 * language: the part with Chinese characters for Chinese, the one without for English; the whole text otherwise.
 */
export function inLang(text: string, lang: 'zh' | 'en'): string {
  const parts = text.split(' / ');
  if (parts.length !== 2) return text;
  const cjk = (x: string) => /[\u4e00-\u9fff]/.test(x);
  const [a, b] = parts;
  if (cjk(a) === cjk(b)) return text;
  return lang === 'zh' ? (cjk(a) ? a : b) : (cjk(a) ? b : a);
}

export function errorText(err: unknown, lang: 'zh' | 'en'): string {
  const e = err as Partial<ApiErrorBody> | undefined;
  if (e?.error?.message) {
    const f = e.error.fields?.length ? ` (${e.error.fields.map((x) => `${x.path}: ${inLang(x.problem, lang)}`).join('; ')})` : '';
    return e.error.message[lang] + f;
  }
  return CATALOGUE[lang]['app.network'];
}
