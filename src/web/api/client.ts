// The one way the web app talks to the server: a typed client generated from the OpenAPI document.
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { CATALOGUE } from '../locales';

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

export interface ApiErrorBody {
  error: { code: string; message: { zh: string; en: string }; fields: { path: string; problem: string }[] };
}

/** The server's error message in the current language (or a generic one for a network failure). */
export function errorText(err: unknown, lang: 'zh' | 'en'): string {
  const e = err as Partial<ApiErrorBody> | undefined;
  if (e?.error?.message) {
    const f = e.error.fields?.length ? ` (${e.error.fields.map((x) => `${x.path}: ${x.problem}`).join('; ')})` : '';
    return e.error.message[lang] + f;
  }
  return CATALOGUE[lang]['app.network'];
}
