// One error type for the whole server: an HTTP status, a stable code, a bilingual message and
// the field paths at fault. Routes and services throw it; the HTTP layer renders it as
// {"error": {"code", "message": {"zh", "en"}, "fields": [{"path", "problem"}]}}.

export interface FieldProblem {
  path: string;
  problem: string;
}

export interface Bilingual {
  zh: string;
  en: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Bilingual,
    readonly fields: FieldProblem[] = [],
  ) {
    super(`${code}: ${text.en}`);
    this.name = 'AppError';
  }

  toJSON() {
    return { error: { code: this.code, message: this.text, fields: this.fields } };
  }
}

/** 400: the request is malformed or a value is wrong; every bad field listed. */
export function badRequest(code: string, text: Bilingual, fields: FieldProblem[] = []): AppError {
  return new AppError(400, code, text, fields);
}

/** 400 with the standard `request.invalid` code and the listed field problems. */
export function invalid(fields: FieldProblem[]): AppError {
  return new AppError(
    400,
    'request.invalid',
    { zh: `请求内容有误：${fields.map((f) => f.path || '(请求体)').join('、')}`, en: `Invalid request: ${fields.map((f) => f.path || '(body)').join(', ')}` },
    fields,
  );
}

/** 401: not signed in (or the session has ended). */
export function unauthorized(code = 'auth.required', text: Bilingual = { zh: '请先登录', en: 'Sign-in required' }): AppError {
  return new AppError(401, code, text);
}

/** 403: signed in, but the role may not do this. */
export function forbidden(text: Bilingual = { zh: '您的角色无权执行此操作', en: 'Your role is not allowed to do this' }): AppError {
  return new AppError(403, 'auth.forbidden', text);
}

/** 404: missing, or outside the caller's scope — the two are deliberately indistinguishable. */
export function notFound(what: Bilingual = { zh: '记录', en: 'Record' }): AppError {
  return new AppError(404, 'record.not_found', { zh: `${what.zh}不存在`, en: `${what.en} not found` });
}

/** 409: a conflicting state (duplicate, stale version, full slot). */
export function conflict(code: string, text: Bilingual, fields: FieldProblem[] = []): AppError {
  return new AppError(409, code, text, fields);
}

/** 409 for an edit sent with a version that is no longer current (optimistic concurrency). */
export function stale(currentVersion: number): AppError {
  return conflict('record.stale', { zh: '该记录已被他人修改，请刷新后重试', en: 'The record was changed by someone else; reload and retry' }, [{ path: 'version', problem: `current version is ${currentVersion}` }]);
}
