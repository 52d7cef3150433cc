// A worksheet laid out to be printed and handed in, shared by every module's Excel export: a title row over
// the table (merged across it), Chinese column headers frozen under it and repeated on every printed page,
// section rows (（一）…) merged across the table, columns sized to their content but never narrower than four
// Chinese characters, A4 landscape fitted to one page wide, page numbers in the footer, and each number cell's
// format (the value stays exact). Plumbing only: what the columns are is the caller's.
import ExcelJS from 'exceljs';
import { safeRow } from '../shared/spreadsheet.ts';

export type Cell = string | number | null;
/** A row of cells, or a section row: one bold line merged across the table. */
export type SheetRow = Cell[] | { section: string };

export interface SheetLayout {
  sheet: string;
  title: string;
  header: string[];
  rows: SheetRow[];
  /** The number format of a cell, by data row (sections not counted) and column. */
  numFmt?: (row: number, col: number) => string | undefined;
  /** Widest a column may grow (characters; CJK count two), by column; default 50. */
  maxWidths?: number[];
  /** Columns whose cells are centred (a number column, a status). */
  centred?: number[];
  /** Wrap text and draw cell borders (a ledger's long cells); default false. */
  ruled?: boolean;
}

/** Four Chinese characters (two widths each) and the cell's padding: no column is narrower. */
export const MIN_COLUMN_WIDTH = 10;

/** Display width of a text as spreadsheets size columns: CJK characters take about two widths of a Latin one. */
export function textWidth(v: unknown): number {
  return [...String(v ?? '')].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
}

const THIN = { style: 'thin' as const };

/** One worksheet laid out for print, as an .xlsx file. */
export async function layoutWorkbook(o: SheetLayout): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Meridian';
  const n = o.header.length;
  const ws = wb.addWorksheet(o.sheet.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31), {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, printTitlesRow: '2:2',
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  const t = ws.addRow(safeRow([o.title]));
  t.font = { bold: true, size: 14 };
  t.alignment = { horizontal: 'center', vertical: 'middle' };
  t.height = 24;
  ws.mergeCells(1, 1, 1, n);
  const h = ws.addRow(safeRow(o.header));
  h.font = { bold: true };
  h.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  const cells = o.rows.filter((r): r is Cell[] => Array.isArray(r));
  const widths = o.header.map((h, i) => {
    const widest = Math.max(textWidth(h), ...cells.map((r) => Math.max(...String(r[i] ?? '').split('\n').map(textWidth))));
    return Math.max(MIN_COLUMN_WIDTH, Math.min(o.maxWidths?.[i] ?? 50, widest + 2));
  });
  widths.forEach((w, i) => { ws.getColumn(i + 1).width = w; });
  // Spreadsheet programs do not grow a row to its wrapped text on opening a file (LibreOffice keeps the default
  // height, so the lines overlap the next row): each row is given the height of its tallest cell's lines.
  const lines = (r: Cell[]) => Math.max(1, ...r.map((v, i) => String(v ?? '').split('\n').reduce((k, part) => k + Math.max(1, Math.ceil(textWidth(part) / Math.max(1, (widths[i] - 1) * 1.1))), 0)));
  let data = 0;
  for (const r of o.rows) {
    if (!Array.isArray(r)) {
      const row = ws.addRow(safeRow([r.section]));
      row.font = { bold: true };
      ws.mergeCells(row.number, 1, row.number, n);
      continue;
    }
    const i = data++;
    const row = ws.addRow(safeRow(r));
    if (o.ruled) {
      row.alignment = { wrapText: true, vertical: 'top' };
      row.height = 13.5 * lines(r) + 2;
      for (const c of o.centred ?? []) row.getCell(c + 1).alignment = { wrapText: true, vertical: 'top', horizontal: 'center' };
    }
    if (o.numFmt) r.forEach((v, c) => { const f = typeof v === 'number' ? o.numFmt!(i, c) : undefined; if (f) row.getCell(c + 1).numFmt = f; });
  }
  if (o.ruled) {
    ws.eachRow((row, i) => {
      if (i < 2) return;
      for (let c = 1; c <= n; c++) row.getCell(c).border = { top: THIN, left: THIN, bottom: THIN, right: THIN };
    });
  }
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
