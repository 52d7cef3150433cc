// Cells for spreadsheets we export (CSV and XLSX): text that a spreadsheet program would run as a
// formula (=, +, -, @, or a leading tab or carriage return: OWASP's CSV-injection list) gets a
// leading apostrophe, so it shows as the text it is. Numbers, and text that is a plain number
// ("-12.5"), are left as they are.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** One cell's value, safe to export: strings that could start a formula are prefixed with '. */
export function safeCell<T>(v: T): T | string {
  if (typeof v !== 'string') return v;
  return FORMULA_START.test(v) && !PLAIN_NUMBER.test(v) ? `'${v}` : v;
}

/** A row of cells, each made safe. */
export function safeRow<T>(row: readonly T[]): (T | string)[] {
  return row.map(safeCell);
}

/** One CSV field: made safe, then quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(safeCell(typeof v === 'string' ? v : String(v)));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line of fields. */
export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}
