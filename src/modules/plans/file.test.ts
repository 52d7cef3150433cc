// Reading .docx plans: paragraphs one a line; an appended task table read row by row, cells tab-separated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { decodeText, docxText } from './file.ts';
import { parsePlanText } from './parse.ts';

const row = (cells: string[]) => new TableRow({ children: cells.map((c) => new TableCell({ children: c.split('\n').map((p) => new Paragraph(p)) })) });

test('a .docx plan whose units stand in its appended table reads its tasks from the table', async () => {
  const doc = new Document({ sections: [{ children: [
    new Paragraph('某区2025年卫生健康重点工作'), new Paragraph('一、总体要求'), new Paragraph('全面提升基层服务能力 & 质量。'), new Paragraph('附件'),
    new Table({ rows: [row(['序号', '重点工作', '责任部门', '配合部门', '时限要求']), row(['1', '建设社区医院，全区建成社区医院不少于2家。', '区卫健局\n区发改局', '区财政局', '2025年10月底']),
      row(['2', '推进家庭医生签约，重点人群签约率达到75%以上。', '区卫健局', '——', '2025年12月底'])] }),
  ] }] });
  const text = await docxText(await Packer.toBuffer(doc));
  assert.match(text, /全面提升基层服务能力 & 质量。/);
  assert.match(text, /^1\t建设社区医院，全区建成社区医院不少于2家。\t区卫健局 区发改局\t区财政局\t2025年10月底$/m);
  const plan = parsePlanText(text);
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.title, t.responsibleUnits, t.cooperatingUnits, t.deadline]), [
    ['1', '建设社区医院', ['区卫健局', '区发改局'], ['区财政局'], '2025-10-31'], ['2', '推进家庭医生签约', ['区卫健局'], [], '2025-12-31']]);
  assert.deepEqual(plan.targets.map((t) => [t.taskPath, t.value, t.unit]), [[['1'], 2, '家'], [['2'], 75, '%']]);
});

test('text files: UTF-8 with or without BOM, GB18030, binary refused', () => {
  assert.equal(decodeText(Buffer.from('\uFEFF方案', 'utf8')), '方案');
  assert.equal(decodeText(Buffer.from([0xb7, 0xbd, 0xb0, 0xb8])), '方案');
  assert.equal(decodeText(Buffer.from([0x00, 0x01, 0x02])), null);
});
