// Every FHIR error is an OperationOutcome (FHIR R4 §2.36): one issue per problem, each naming the
// FHIRPath of the element at fault in `expression`, the platform's stable error code in
// `details.coding` and the message in the caller's language in `details.text`.
import { AppError, type Bilingual } from '../../platform/errors.ts';

export type IssueCode = 'invalid' | 'structure' | 'required' | 'value' | 'invariant' | 'security' | 'login' | 'forbidden' | 'not-found' | 'conflict' | 'duplicate'
  | 'not-supported' | 'processing' | 'business-rule' | 'throttled' | 'exception' | 'too-costly' | 'informational' | 'code-invalid' | 'incomplete';

export interface Issue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueCode;
  details?: { coding?: { system: string; code: string }[]; text?: string };
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

/** The code system of the platform's stable error codes in `details.coding`. */
export const ERROR_SYSTEM = 'urn:meridian:error-code';

export type Lang = 'zh' | 'en';

/** A FHIR error: an HTTP status and the issues of its OperationOutcome. */
export class FhirError extends Error {
  constructor(readonly status: number, readonly issues: Issue[]) {
    super(issues.map((i) => `${i.code}: ${i.diagnostics ?? i.details?.text ?? ''} ${i.expression?.join(',') ?? ''}`).join('; '));
    this.name = 'FhirError';
  }
}

/** One issue with the message in both languages (text in `lang`, the English always in diagnostics). */
export function issue(code: IssueCode, text: Bilingual, expression: string[] | null, errorCode: string, lang: Lang = 'zh', severity: Issue['severity'] = 'error'): Issue {
  return {
    severity, code,
    details: { coding: [{ system: ERROR_SYSTEM, code: errorCode }], text: text[lang] },
    diagnostics: text.en,
    ...(expression?.length ? { expression } : {}),
  };
}

/** The issue type for an HTTP status. */
export function codeOfStatus(status: number): IssueCode {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 406 || status === 415 || status === 405 || status === 501) return 'not-supported';
  if (status === 413) return 'too-costly';
  if (status === 429) return 'throttled';
  if (status === 422) return 'business-rule';
  if (status >= 500) return 'exception';
  return 'invalid';
}

export const fhirError = (status: number, errorCode: string, text: Bilingual, expression: string[] | null = null, lang: Lang = 'zh', code: IssueCode = codeOfStatus(status)) =>
  new FhirError(status, [issue(code, text, expression, errorCode, lang)]);

/**
 * An AppError of a service as a FhirError: each field problem becomes an issue whose expression is
 * the FHIRPath the field came from (`paths` maps the service's field names to FHIRPaths; a field
 * not mapped is named under `fallback`).
 */
export function fromAppError(e: AppError, lang: Lang, paths: Record<string, string> = {}, fallback: string | null = null): FhirError {
  const code = codeOfStatus(e.status);
  if (!e.fields.length) return new FhirError(e.status, [issue(code, e.text, fallback ? [fallback] : null, e.code, lang)]);
  return new FhirError(e.status, e.fields.map((f) => {
    const path = paths[f.path] ?? (fallback ? `${fallback}` : f.path);
    const [en, zh] = f.problem.includes(' / ') ? f.problem.split(' / ') : [f.problem, f.problem];
    return issue(code, { zh: `${e.text.zh}：${zh}`, en: `${e.text.en}: ${en}` }, [path], e.code, lang);
  }));
}

/** The OperationOutcome of issues. */
export function outcome(issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** The caller's language from Accept-Language (Chinese unless English is preferred). */
export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
