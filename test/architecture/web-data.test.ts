// The web app reads and writes the server through one data-access layer (src/web/api/hooks.ts: a hook
// per use, over the typed client made once in src/web/api/client.ts), which shows every failure to the
// user. So, outside src/web/api/, no file calls the client (or fetch) itself, and no `.then(` anywhere in
// src/web lets an error pass unseen: openapi-fetch resolves a refused request with `{ error }`, and a
// rejected promise with no handler is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './scan.ts';

const CEILING = 0;
const WEB = join(ROOT, 'src', 'web');
const LAYER = 'src/web/api/';
const CLIENT_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE']);

export interface Finding { file: string; line: number; what: string }

const strip = (e: ts.Expression): ts.Expression =>
  ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e) ? strip(e.expression) : e;

/** A call of the typed client (`api.GET(…)`, `(api.GET as any)(…)`) or of fetch itself. */
function isClientCall(n: ts.Node): n is ts.CallExpression {
  if (!ts.isCallExpression(n)) return false;
  const callee = strip(n.expression);
  if (ts.isPropertyAccessExpression(callee) && CLIENT_METHODS.has(callee.name.text)) return true;
  return ts.isIdentifier(callee) && callee.text === 'fetch';
}

/** Does this `.then(` call's callback look at how the answer went (openapi-fetch's `error`, fetch's `ok` or `status`)? */
const VERDICT = new Set(['error', 'ok', 'status']);
function readsError(cb: ts.Expression | undefined): boolean {
  if (!cb) return false;
  let found = false;
  const visit = (n: ts.Node) => {
    if ((ts.isPropertyAccessExpression(n) && VERDICT.has(n.name.text)) || (ts.isBindingElement(n) && VERDICT.has((n.propertyName ?? n.name).getText()))) found = true;
    ts.forEachChild(n, visit);
  };
  visit(cb);
  return found;
}

/** The direct client calls (outside the layer) and the error-blind `.then(` calls of one file. */
export function scanWebFile(file: string, text: string): { direct: Finding[]; blindThen: Finding[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const inLayer = file.startsWith(LAYER);
  const direct: Finding[] = [];
  const blindThen: Finding[] = [];
  const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (n: ts.Node) => {
    if (!inLayer) {
      if (isClientCall(n)) direct.push({ file, line: at(n), what: n.expression.getText(sf) });
      // Importing the client itself (types such as ApiErrorBody are fine).
      if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && /\/api\/client$/.test(n.moduleSpecifier.text)) {
        const named = n.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) {
          for (const el of named.elements) if ((el.propertyName ?? el.name).text === 'api' && !el.isTypeOnly && !n.importClause?.isTypeOnly) direct.push({ file, line: at(el), what: 'import { api }' });
        }
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'then') {
      const receiver = strip(n.expression.expression);
      const onRejected = n.arguments.length > 1;
      const parent = n.parent;
      const caught = ts.isPropertyAccessExpression(parent) && parent.expression === n && (parent.name.text === 'catch' || (parent.name.text === 'then' && ts.isCallExpression(parent.parent) && parent.parent.arguments.length > 1));
      // A client call's answer carries its refusal in `error`, which the callback must look at.
      const answerIgnored = isClientCall(receiver) && !readsError(n.arguments[0]);
      if (answerIgnored || !(onRejected || caught)) blindThen.push({ file, line: at(n), what: `${receiver.getText(sf).slice(0, 60)}.then(` });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { direct, blindThen };
}

function webFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(ROOT, p));
    }
  };
  walk(WEB);
  return out;
}

const list = (f: Finding[]) => f.map((x) => `  ${x.file}:${x.line} ${x.what}`).join('\n');

test('the scan finds direct client calls and error-blind .then( (checked on samples)', () => {
  const page = [
    "import { api, errorText } from '../../api/client';",
    "import type { ApiErrorBody } from '../../api/client';",
    "const a = () => api.GET('/api/x').then((r) => setRows(r.data?.items ?? []));",
    "const b = async () => { const r = await api.POST('/api/y', { body: {} }); if (r.error) show(r.error); };",
    "const c = () => (api.GET as any)('/api/z', { parseAs: 'blob' });",
    "const d = () => fetch('/api/w').then((r) => (r.ok ? r.json() : fail(r)), (e) => show(e));",
    "const d2 = () => fetch('/api/w').then((r) => r.json()).catch(show);",
    "const e = () => Promise.all([p, q]).then((xs) => set(xs));",
    "const f = () => load().then((x) => set(x)).catch(show);",
    "const g = () => api.GET('/api/v').then(({ data, error }) => (error ? show(error) : set(data))).catch(show);",
  ].join('\n');
  const r = scanWebFile('src/web/pages/sample.tsx', page);
  // api imported; api.GET (a), api.POST (b), (api.GET as any) (c), fetch (d, d2), api.GET (g).
  assert.deepEqual(r.direct.map((x) => x.line), [1, 3, 4, 5, 6, 7, 10]);
  // a: answer ignored, no rejection handler; d2: an HTTP error read as data; e: no rejection handler. d, f, g handle both.
  assert.deepEqual(r.blindThen.map((x) => x.line), [3, 7, 8]);
  // The data-access layer itself may call the client; an error-blind .then( is refused there too.
  const layer = scanWebFile('src/web/api/hooks.ts', "export const h = () => api.GET('/api/x').then((r) => r.data);");
  assert.equal(layer.direct.length, 0);
  assert.equal(layer.blindThen.length, 1);
});

test(`outside src/web/api/, at most ${CEILING} direct calls of the client or fetch`, () => {
  const found = webFiles().flatMap((f) => scanWebFile(f, readFileSync(join(ROOT, f), 'utf8')).direct);
  assert.ok(found.length <= CEILING, `${found.length} direct calls (use a hook from src/web/api/hooks.ts):\n${list(found)}`);
});

test(`src/web holds at most ${CEILING} .then( calls that let an error pass unseen`, () => {
  const found = webFiles().flatMap((f) => scanWebFile(f, readFileSync(join(ROOT, f), 'utf8')).blindThen);
  assert.ok(found.length <= CEILING, `${found.length} .then( calls ignore errors:\n${list(found)}`);
});
