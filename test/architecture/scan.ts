// Reads the modules' source with the TypeScript compiler: which SQL each file holds (string and template
// literals), which tables its statements write, what it imports. Used by the architecture tests and by
// `npm run gen:sql` (the SQL snapshot, src/modules/<m>/queries.sql).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const MODULES_DIR = join(ROOT, 'src', 'modules');

/** The module folders under src/modules. */
export function moduleNames(): string[] {
  return readdirSync(MODULES_DIR).filter((n) => statSync(join(MODULES_DIR, n)).isDirectory()).sort();
}

const isTest = (p: string) => /\.test\.tsx?$/.test(p);

/** A module's non-test TypeScript files, as paths from the repository root, sorted. */
export function moduleFiles(module: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(n) && !isTest(n)) out.push(relative(ROOT, p));
    }
  };
  walk(join(MODULES_DIR, module));
  return out;
}

/** The module a repository path belongs to, or null. */
export function moduleOf(path: string): string | null {
  const m = /^src\/modules\/([^/]+)\//.exec(path);
  return m ? m[1] : null;
}

function parse(path: string, text?: string): ts.SourceFile {
  return ts.createSourceFile(path, text ?? readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The text of a string or template literal, with each ${…} written as it stands in the source. */
export function literalText(node: ts.Node, sf: ts.SourceFile): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let s = node.head.text;
    for (const span of node.templateSpans) s += '${' + span.expression.getText(sf) + '}' + span.literal.text;
    return s;
  }
  return null;
}

/** The name of the function (or constant, or property) a node stands in: the nearest named one. */
export function enclosingName(node: ts.Node, sf: ts.SourceFile): string {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name) return n.name.getText(sf);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer) || n.parent.parent.parent === sf)) return n.name.text;
    if (ts.isPropertyAssignment(n) && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) return n.name.getText(sf);
  }
  return '(top level)';
}

export interface SqlLiteral {
  file: string;
  /** The function, constant or catalogue entry it stands in. */
  name: string;
  /** How it is used: the first argument of .query/.exec, or a catalogue fact. */
  via: 'query' | 'exec' | 'facts';
  text: string;
}

/** The SQL passed as the first argument of `.query(` and `.exec(` calls in a file. */
export function queryLiterals(path: string, text?: string): SqlLiteral[] {
  const sf = parse(path, text);
  const out: SqlLiteral[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['query', 'exec'].includes(n.expression.name.text) && n.arguments.length) {
      const text = literalText(n.arguments[0], sf);
      if (text !== null) out.push({ file: path, name: enclosingName(n, sf), via: n.expression.name.text as 'query' | 'exec', text });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/**
 * The SQL of the indicators catalogue: each entry's `facts` (named by its code) and the shared pieces
 * (constants and functions whose text is SQL: SELECT, WITH, JOIN …).
 */
export function catalogueLiterals(path: string): SqlLiteral[] {
  const sf = parse(path);
  const out: SqlLiteral[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && n.name.getText(sf) === 'facts') {
      const text = literalText(n.initializer, sf);
      const obj = n.parent;
      const code = ts.isObjectLiteralExpression(obj)
        ? obj.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'code')
        : undefined;
      const name = code && ts.isStringLiteral(code.initializer) ? `facts of ${code.initializer.text}` : `facts in ${enclosingName(n, sf)}`;
      if (text !== null) out.push({ file: path, name, via: 'facts', text });
    } else {
      const text = literalText(n, sf);
      if (text !== null && /^\s*(SELECT|WITH|LEFT JOIN|JOIN)\b/.test(text) && !(ts.isPropertyAssignment(n.parent) && n.parent.name.getText(sf) === 'facts')) {
        out.push({ file: path, name: enclosingName(n, sf), via: 'facts', text });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writes

export interface Write {
  file: string;
  table: string;
  how: string;
}

const WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*)/gi;

/**
 * The tables a file writes: INSERT INTO / UPDATE / DELETE FROM / TRUNCATE / COPY in any string or
 * template literal (only names of known tables count, so `DO UPDATE SET` and `FOR UPDATE` do not),
 * the first argument of `copyIn(` and the tables given to a loader made by `ownedCopy(module)`.
 */
export function writesOf(path: string, tables: ReadonlySet<string>, text?: string): Write[] {
  const sf = parse(path, text);
  const out: Write[] = [];
  const add = (table: string, how: string) => {
    if (tables.has(table) && !out.some((w) => w.table === table && w.how === how)) out.push({ file: path, table, how });
  };
  const visit = (n: ts.Node) => {
    const text = literalText(n, sf);
    if (text !== null && !ts.isTemplateSpan(n.parent)) {
      for (const m of text.matchAll(WRITE)) add(m[2].toLowerCase(), m[1].toUpperCase().replace(/\s+/g, ' ').replace(' TABLE', ''));
    }
    if (ts.isCallExpression(n)) {
      const callee = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : ts.isIdentifier(n.expression) ? n.expression.text : '';
      if (callee === 'copyIn' && n.arguments[0]) {
        const t = literalText(n.arguments[0], sf);
        if (t !== null) add(t, 'copyIn');
      }
      // The batched loader of src/platform/bulk.ts: insertMany(q, 'table', columns, rows).
      if (callee === 'insertMany' && n.arguments[1]) {
        const t = literalText(n.arguments[1], sf);
        if (t !== null) add(t, 'insertMany');
      }
      if (callee === 'ownedCopy' && n.arguments[0]) {
        const owner = literalText(n.arguments[0], sf);
        if (owner !== null) out.push({ file: path, table: `ownedCopy(${owner})`, how: 'ownedCopy' });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Imports

export interface Import {
  file: string;
  /** The imported file, as a repository path (relative imports only). */
  target: string;
}

/** The relative imports (and re-exports, and dynamic imports of a literal) of a file. */
export function importsOf(path: string, text?: string): Import[] {
  const sf = parse(path, text);
  const out: Import[] = [];
  const add = (spec: string) => {
    if (!spec.startsWith('.')) return;
    const abs = resolve(dirname(join(ROOT, path)), spec);
    out.push({ file: path, target: relative(ROOT, existsSync(abs) || !existsSync(abs + '.ts') ? abs : abs + '.ts') });
  };
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) add(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The module-level import graph of the non-test code: module → the modules it imports. */
export function moduleGraph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const m of moduleNames()) {
    const deps = new Set<string>();
    for (const f of moduleFiles(m)) for (const i of importsOf(f)) {
      const to = moduleOf(i.target);
      if (to && to !== m) deps.add(to);
    }
    g.set(m, deps);
  }
  return g;
}

/** The groups of modules that import one another in a ring (strongly connected, two or more), each sorted. */
export function cycles(g: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) strong(v);
  return out.sort((a, b) => a.join().localeCompare(b.join()));
}

// ---------------------------------------------------------------------------------------------
// The SQL snapshot

/** The files whose SQL makes a module's snapshot: its store.ts files, or all its code while it has none. */
export function snapshotSources(module: string): { files: string[]; fallback: boolean } {
  const all = moduleFiles(module);
  const stores = all.filter((f) => /(^|\/)store\.ts$/.test(f) || /\/store\/[^/]+\.ts$/.test(f));
  return stores.length ? { files: stores, fallback: false } : { files: all, fallback: true };
}

function dedent(s: string): string {
  const lines = s.replace(/^\s*\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.slice(1).filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length), Infinity);
  return lines.map((l, i) => (i === 0 ? l.trim() : l.slice(Number.isFinite(indent) ? indent : 0).replace(/\s+$/, ''))).join('\n');
}

/** The text of src/modules/<module>/queries.sql. */
export function snapshotOf(module: string): string {
  const { files, fallback } = snapshotSources(module);
  const parts: string[] = [
    `-- The SQL of the ${module} module, generated by \`npm run gen:sql\` from the literals passed to .query( and .exec(`,
    `-- in ${fallback ? `its files (it has no store.ts yet)` : 'its store.ts'}${module === 'indicators' ? ' and the facts of catalogue.ts' : ''}. Do not edit: a test regenerates it and compares.`,
    '',
  ];
  for (const f of files) {
    const lits = [...queryLiterals(f), ...(f.endsWith('indicators/catalogue.ts') ? catalogueLiterals(f) : [])];
    if (!lits.length) continue;
    parts.push(`-- ==== ${relative(join('src', 'modules', module), f)}`, '');
    for (const l of lits) {
      const sql = dedent(l.text);
      parts.push(`-- ${l.name}${l.via === 'exec' ? ' (exec)' : ''}`, /;\s*$/.test(sql) ? sql : `${sql};`, '');
    }
  }
  return parts.join('\n').replace(/\n+$/, '\n');
}

/** Where a module's snapshot is committed. */
export const snapshotPath = (module: string) => join(MODULES_DIR, module, 'queries.sql');
