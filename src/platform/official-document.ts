// Word documents laid out by the conventions of GB/T 9704-2012 (党政机关公文格式), shared by every module's
// official document (the indicators' monitoring report, the ledger's 通报): A4 with the standard's margins (top
// 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 mm text block), the title in 2号 (22 pt) 小标宋 centred,
// headings 一、 in 黑体 and （一） in 楷体, body text in 3号 仿宋 (16 pt) at a fixed 28 pt line, tables in 五号
// (10.5 pt) with fixed column widths that fit the text block, the issuing unit and the date written in full with
// Arabic numerals (§7.3.5.4: 2026年12月1日, through shared/time.ts documentDate), page numbers "— 1 —" in 4号 at the foot.
import { AlignmentType, Document, Footer, Packer, PageNumber, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } from 'docx';
import { documentDate } from '../shared/time.ts';

export const MM = 56.6929; // twips per millimetre
export const TEXT_WIDTH = Math.round(156 * MM);
export const FONT = { title: '方正小标宋简体', heading: '黑体', subheading: '楷体', body: '仿宋', table: '宋体' };

export const run = (text: string, o: { font: string; size: number; bold?: boolean }) => new TextRun({ text, bold: o.bold, size: o.size * 2, font: { eastAsia: o.font, ascii: o.font, hAnsi: o.font } });
const LINE = { line: 560, lineRule: 'exact' as const };
/** A body paragraph: 3号 仿宋, first line indented two characters. */
export const body = (text: string) => new Paragraph({ indent: { firstLine: 640 }, spacing: LINE, children: [run(text, { font: FONT.body, size: 16 })] });
/** A paragraph without indent (the addressees: 各责任单位：). */
export const plain = (text: string) => new Paragraph({ spacing: LINE, children: [run(text, { font: FONT.body, size: 16 })] });
/** A first-level heading (一、…) in 黑体, kept with what follows. */
export const heading = (text: string) => new Paragraph({ keepNext: true, indent: { firstLine: 640 }, spacing: LINE, children: [run(text, { font: FONT.heading, size: 16 })] });
/** A second-level heading (（一）…) in 楷体, kept with what follows. */
export const subheading = (text: string) => new Paragraph({ keepNext: true, indent: { firstLine: 640 }, spacing: LINE, children: [run(text, { font: FONT.subheading, size: 16 })] });
const cell = (text: string, width: number, bold = false) => new TableCell({ width: { size: width, type: WidthType.DXA },
  children: [new Paragraph({ children: [run(text, { font: FONT.table, size: 10.5, bold })] })] });

/** Four characters of 五号 (10.5 pt = 210 twips each) and the cell's two default margins (108 twips each): no column is narrower. */
export const MIN_COLUMN_TWIPS = 4 * 210 + 2 * 108;

/** A fixed-layout table over the text block: columns by their share of it, the header repeated on each page, rows not split. */
export function fixedTable(columns: [string, number][], rows: string[][]): Table {
  const widths = columns.map(([, w]) => Math.floor(w * TEXT_WIDTH));
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA }, columnWidths: widths, layout: TableLayoutType.FIXED,
    rows: [new TableRow({ tableHeader: true, children: columns.map(([h], i) => cell(h, widths[i], true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((text, i) => cell(text, widths[i])) }))],
  });
}

/** An official document: its title (and a line under it, such as the year), the body, then the issuing unit and the date written in full. */
export function officialDocument(o: { title: string; subtitle?: string; children: (Paragraph | Table)[]; issuingUnit: string; issuedOn: string }): Promise<Buffer> {
  const doc = new Document({
    creator: 'Meridian',
    title: o.title,
    sections: [{
      properties: { page: { size: { width: Math.round(210 * MM), height: Math.round(297 * MM) }, margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) } } },
      footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28, font: FONT.table })] })] }) },
      children: [
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: o.subtitle ? 560 : 280 }, children: [run(o.title, { font: FONT.title, size: 22 })] }),
        ...(o.subtitle ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 280 }, children: [run(o.subtitle, { font: FONT.body, size: 16 })] })] : []),
        ...o.children,
        new Paragraph({ spacing: { before: 560, ...LINE }, alignment: AlignmentType.RIGHT, indent: { right: 1280 }, children: [run(o.issuingUnit, { font: FONT.body, size: 16 })] }),
        new Paragraph({ spacing: LINE, alignment: AlignmentType.RIGHT, indent: { right: 640 }, children: [run(documentDate(o.issuedOn), { font: FONT.body, size: 16 })] }),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}

/** 1 → 一, 12 → 十二, 23 → 二十三 (up to 99): the numbers of headings 一、 and （一）. */
export function chineseNumeral(n: number): string {
  const d = '〇一二三四五六七八九';
  if (n < 10) return d[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : d[tens]}十${n % 10 ? d[n % 10] : ''}`;
}
