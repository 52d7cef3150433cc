// The plan import and the ledger through the API on a hand-built county, on every engine: the
// Wendeng plan is uploaded, corrected and saved; departments report on their own tasks only; the
// commission reviews, edits, supervises and exports. The right answers are written here by hand.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { Document, Packer, Paragraph } from 'docx';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { buildTestCounty } from '../../../test/helpers/county.ts';
import { buildRegion } from '../../../test/helpers/factories.ts';
import { createUser } from '../users/service.ts';
import { addTarget, assignUnits, blankTarget, fixTarget, quarterOf } from './rules.ts';
import type { ParsedPlan } from '../plans/parse.ts';

const WENDENG = readFileSync(new URL('../../../test/fixtures/plans/wendeng-2024.txt', import.meta.url));
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
// A GB18030 encoder for the test (Node decodes GB18030 but encodes only UTF-8): the two-byte table built by decoding every pair.
function encodeGb18030(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) { const c = dec.decode(Uint8Array.from([a, b])); if (c.length === 1 && !table.has(c)) table.set(c, [a, b]); }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else { const bytes = table.get(ch); if (!bytes) throw new Error(`no GB18030 two-byte code for ${ch}`); out.push(...bytes); }
  }
  return Buffer.from(out);
}
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const yesterday = new Date(Date.now() - 86400000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

for (const engine of ENGINES) {
  describe(`plan import and ledger [${engine}]`, () => {
    let t: TestApp;
    let officer: string, yibao: string, renshe: string, far: string;
    let plan: ParsedPlan;
    let sections: { path: string[]; title: string }[] = [];
    let planId: string;
    const taskId: Record<string, string> = {};
    const req = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const deptUser = async (username: string, unitName: string) => {
      const [u] = await t.db.query<{ id: string }>('SELECT id FROM gov_units WHERE name = $1', [unitName]);
      await createUser(t.db, null, { username, role: 'department', unitId: u.id, password: TEST_PASSWORD });
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
      return `meridian_session=${r.cookies.find((c) => c.name === 'meridian_session')!.value}`;
    };

    before(async () => {
      t = await openTestApp(engine);
      await buildTestCounty(t.db);
      await buildRegion(t.db, { code: '33', name: '浙江省', level: 'province' });
      await buildRegion(t.db, { code: '3301', name: '杭州市', parentCode: '33', level: 'prefecture' });
      officer = await t.signIn('officer', 'officer', { regionCode: '371003' });
      far = await t.signIn('far', 'officer', { regionCode: '3301' });
    });
    after(() => t.close());

    // One plan's life, step by step: each step reads what the ones before it wrote (the saved plan, its
    // reports, versions and reviews), so they are subtests of one test, run in order as one unit.
    test('a plan from upload to withdrawal: one story', async (step) => {
      await step.test('units: one created with an alias; the same alias for another unit is refused', async () => {
        const a = await req(officer, 'POST', '/api/ledger/units', { name: '区医疗保障局', aliases: ['文登区医保局'], regionCode: '371003' });
        assert.equal(a.statusCode, 201, a.body);
        const dup = await req(officer, 'POST', '/api/ledger/units', { name: '区财政局', aliases: ['文登区医保局'], regionCode: '371003' });
        assert.equal(dup.statusCode, 409);
        assert.deepEqual(dup.json().error.fields, [{ path: 'aliases', problem: '文登区医保局 → 区医疗保障局' }]);
      });

      await step.test('parse: an upload reads into the plan and its units resolve by name or alias; bad files are refused', async () => {
        const r = await req(officer, 'POST', '/api/plans/parse', { fileName: 'wendeng.txt', contentBase64: b64(WENDENG), regionCode: '371003' });
        assert.equal(r.statusCode, 200, r.body);
        plan = r.json().plan;
        assert.equal(plan.title, '关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案');
        assert.equal(plan.tasks.length, 18);
        // the headings above the tasks, with their titles as printed: the ledger export's section rows
        sections = r.json().sections;
        assert.deepEqual(sections.map((x) => `${x.path.join('/')} ${x.title}`), ['二 主要任务', '二/（一） 强化基层医疗卫生资源配置', '二/（2） 壮大基层医疗卫生人才队伍',
          '二/（三） 完善基层医疗卫生运行机制', '二/（四） 拓展基层医疗卫生服务功能', '三 组织实施']);
        const units: { printed: string; unitName: string | null }[] = r.json().units;
        assert.equal(units.find((u) => u.printed === '区医疗保障局')?.unitName, '区医疗保障局');
        assert.equal(units.find((u) => u.printed === '区财政局')?.unitName, null, 'not yet a unit: will be created');
        // The same plan saved as GB18030 (as Chinese office machines often save .txt) reads the same.
        const gbk = await req(officer, 'POST', '/api/plans/parse', { fileName: 'wendeng-gbk.txt', contentBase64: b64(encodeGb18030(WENDENG.toString('utf8'))) });
        assert.equal(gbk.statusCode, 200, gbk.body);
        assert.deepEqual(gbk.json().plan, plan);
        const binary = await req(officer, 'POST', '/api/plans/parse', { fileName: 'x.txt', contentBase64: b64(Buffer.from([0, 1, 2, 0xff, 0xfe, 0])) });
        assert.equal(binary.statusCode, 400);
        const bad = await req(officer, 'POST', '/api/plans/parse', { fileName: 'plan.pdf', contentBase64: b64('x') });
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(bad.json().error.fields, [{ path: 'fileName', problem: 'use .txt, .md or .docx / 仅支持 .txt、.md、.docx' }]);
        const none = await req(officer, 'POST', '/api/plans/parse', { fileName: 'notes.txt', contentBase64: b64('会议纪要\n今天讨论了工作。') });
        assert.equal(none.statusCode, 400);
        assert.equal(none.json().error.code, 'plan.no_tasks');
        // A .docx upload reads through mammoth: the variant plan written as a Word document, one paragraph a line.
        const lines = readFileSync(new URL('../../../test/fixtures/plans/variant-county.md', import.meta.url), 'utf8').split('\n').filter((l) => !l.startsWith('|'));
        const docx = await Packer.toBuffer(new Document({ sections: [{ children: lines.map((l) => new Paragraph(l.replace(/^#+\s*/, ''))) }] }));
        const w = await req(officer, 'POST', '/api/plans/parse', { fileName: '工作要点.docx', contentBase64: b64(docx) });
        assert.equal(w.statusCode, 200, w.body);
        assert.equal(w.json().plan.title, '某某县2025年紧密型县域医共体建设工作要点');
        assert.deepEqual(w.json().plan.tasks.map((x: { number: string }) => x.number), ['1', '2', '4', '1', '2']);
        const broken = await req(officer, 'POST', '/api/plans/parse', { fileName: 'plan.docx', contentBase64: b64('not a zip') });
        assert.equal(broken.statusCode, 400);
        assert.equal((await req(await t.signIn('doc', 'doctor', { facilityCode: 'H0001' }), 'POST', '/api/plans/parse', { fileName: 'a.txt', contentBase64: b64('x') })).statusCode, 403);
      });

      await step.test('save: every bad field listed and nothing written; then the corrected plan is saved whole', async () => {
        const wrong = fixTarget({ ...plan, tasks: plan.tasks.map((x, i) => (i === 1 ? { ...x, title: ' ', responsibleUnits: [], leadUnits: [] } : x)) }, 0, { comparator: 'range', value: [5, 1], taskPath: ['九', '九'] });
        const bad = await req(officer, 'POST', '/api/plans', { regionCode: '999999', plan: wrong });
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(bad.json().error.fields.map((f: { path: string }) => f.path), ['regionCode', 'plan.tasks.1.title', 'plan.tasks.1.responsibleUnits', 'plan.targets.0.taskPath', 'plan.targets.0.value']);
        assert.equal((await t.db.query('SELECT 1 FROM plans')).length, 0);
        assert.equal((await t.db.query('SELECT 1 FROM plan_tasks')).length, 0);
        const outside = await req(far, 'POST', '/api/plans', { regionCode: '371003', plan });
        assert.deepEqual(outside.json().error.fields, [{ path: 'regionCode', problem: 'outside your region / 超出您的管辖范围' }]);

        // The reviewer re-assigns task 6 (创新人才使用机制) to add 区医保局 — printed short — as responsible.
        const i6 = plan.tasks.findIndex((x) => x.number === '6');
        // The reader now reads deadlines from the tasks' text (2025年年底前 …); the reviewer clears them here so that the
        // ledger's own deadline and overdue rules below start from tasks without one.
        const assigned = assignUnits(plan, i6, 'responsible', [...plan.tasks[i6].responsibleUnits, '区医保局']);
        const corrected = { ...assigned, tasks: assigned.tasks.map((x) => ({ ...x, deadline: null })) };
        const r = await req(officer, 'POST', '/api/plans', { regionCode: '371003', sourceName: 'wendeng.txt', plan: corrected, sections });
        assert.equal(r.statusCode, 201, r.body);
        planId = r.json().id;
        assert.equal(r.json().tasks, 18);
        assert.equal(r.json().targets, corrected.targets.length);
        assert.ok(!r.json().newUnits.includes('区医保局') && !r.json().newUnits.includes('区医疗保障局'), 'the alias resolved to the existing unit');
        assert.ok(r.json().newUnits.includes('区卫生健康局'));
        // Re-read: tasks, units as printed, targets with the plan's region and matched indicators.
        const tasks = await t.db.query<{ id: string; number: string; path: string[] }>('SELECT id, number, path FROM plan_tasks WHERE plan_id = $1 ORDER BY position', [planId]);
        assert.equal(tasks.length, 18);
        for (const x of tasks) taskId[x.path.join('/')] = x.id;
        const six = await t.db.query<{ printed: string; name: string; role: string }>('SELECT tu.printed, u.name, tu.role FROM plan_task_units tu JOIN gov_units u ON u.id = tu.unit_id WHERE tu.task_id = $1 ORDER BY tu.position', [taskId['二/（2）/6']]);
        assert.deepEqual(six, [{ printed: '区卫生健康局', name: '区卫生健康局', role: 'lead' }, { printed: '区医保局', name: '区医疗保障局', role: 'responsible' }]);
        const tg = await t.db.query<{ indicator_code: string | null; locality_code: string; value: number; unit: string; due_year: number | null }>(
          "SELECT indicator_code, locality_code, value, unit, due_year FROM targets WHERE plan_id = $1 AND indicator_code = 'basic_level_visit_share'", [planId]);
        assert.deepEqual(tg, [{ indicator_code: 'basic_level_visit_share', locality_code: '371003', value: 65, unit: '%', due_year: 2025 }]);
        assert.equal((await t.db.query("SELECT 1 FROM plan_history WHERE plan_id = $1 AND action = 'plan.import'", [planId])).length, 1);
        assert.equal((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'plan.import' AND record_id = $1", [planId])).length, 1);
        yibao = await deptUser('yibao', '区医疗保障局');
        renshe = await deptUser('renshe', '区人力资源和社会保障局');
      });

      await step.test('a department sees only its own unit\'s tasks; others answer 404', async () => {
        const mine = await req(yibao, 'GET', '/api/ledger/tasks');
        assert.equal(mine.statusCode, 200);
        assert.deepEqual(mine.json().items.map((x: { number: string }) => x.number), ['3', '6', '8', '11', '12', '13']);
        const all = await req(officer, 'GET', `/api/ledger/tasks?planId=${planId}`);
        assert.equal(all.json().items.length, 18);
        const eleven = all.json().items.find((x: { number: string }) => x.number === '11');
        assert.deepEqual(eleven.units.map((u: { printed: string; role: string }) => [u.printed, u.role]), [['区医疗保障局', 'lead'], ['区卫生健康局', 'responsible']]);
        assert.deepEqual(eleven.targets.map((x: { value: number; unit: string; current: unknown }) => [x.value, x.unit, x.current]), [[20, '个', null], [30, '个工作日', null]]);
        const notMine = all.json().items.find((x: { number: string }) => x.number === '1').id;
        assert.equal((await req(yibao, 'GET', `/api/ledger/tasks/${notMine}`)).statusCode, 404);
        assert.equal((await req(yibao, 'POST', `/api/ledger/tasks/${notMine}/reports`, { body: '已推进', percentDone: 10 })).statusCode, 404);
        assert.equal((await req(renshe, 'GET', `/api/ledger/tasks/${eleven.id}`)).statusCode, 404);
        assert.equal((await req(far, 'GET', '/api/ledger/tasks')).json().items.length, 0, 'an officer of another region sees none');
        assert.equal((await req(far, 'GET', `/api/ledger/tasks/${eleven.id}`)).statusCode, 404);
      });

      await step.test('report progress with an attachment; limits on files; the task follows; only lead/responsible units report', async () => {
        const eleven = (await req(yibao, 'GET', '/api/ledger/tasks')).json().items.find((x: { number: string }) => x.number === '11');
        const tooBig = await req(yibao, 'POST', `/api/ledger/tasks/${eleven.id}/reports`, { body: ' ', percentDone: 40,
          attachments: [{ fileName: 'a.exe', mediaType: 'application/x-msdownload', contentBase64: b64('MZ') }, { fileName: 'big.pdf', mediaType: 'application/pdf', contentBase64: b64(Buffer.alloc(2 * 1024 * 1024 + 1)) }] });
        assert.equal(tooBig.statusCode, 400);
        assert.deepEqual(tooBig.json().error.fields.map((f: { path: string }) => f.path), ['body', 'attachments.0.mediaType', 'attachments.1.content']);
        assert.equal((await t.db.query('SELECT 1 FROM plan_task_reports')).length, 0);
        const r = await req(yibao, 'POST', `/api/ledger/tasks/${eleven.id}/reports`, { body: 'DRG基层病组已确定18个，正在测算。', percentDone: 40,
          attachments: [{ fileName: '测算表.pdf', mediaType: 'application/pdf', contentBase64: b64('%PDF-1.4 test') }] });
        assert.equal(r.statusCode, 201, r.body);
        assert.deepEqual({ ...(r.json() as object), id: undefined }, { id: undefined, quarter: quarterOf(today), status: 'in_progress', percentDone: 40 });
        const d = await req(yibao, 'GET', `/api/ledger/tasks/${eleven.id}`);
        assert.equal(d.json().task.status, 'in_progress');
        assert.equal(d.json().task.percentDone, 40);
        assert.equal(d.json().reports[0].attachments[0].fileName, '测算表.pdf');
        const file = await req(yibao, 'GET', `/api/ledger/attachments/${d.json().reports[0].attachments[0].id}`);
        assert.equal(file.statusCode, 200);
        assert.equal(file.body, '%PDF-1.4 test');
        assert.equal((await req(renshe, 'GET', `/api/ledger/attachments/${d.json().reports[0].attachments[0].id}`)).statusCode, 404);
        assert.equal(d.json().history[0].action, 'task.report');
        assert.equal(d.json().history[0].username, 'yibao');
        // 区医保局 is responsible for task 6 (re-assigned in the preview) and may report; renshe, cooperating nowhere, may not see it.
        const six = (await req(yibao, 'GET', '/api/ledger/tasks')).json().items.find((x: { number: string }) => x.number === '6');
        assert.equal((await req(yibao, 'POST', `/api/ledger/tasks/${six.id}/reports`, { body: '已完成', percentDone: 100 })).json().status, 'done');
        const [row] = await t.db.query<{ status: string; percent_done: number }>('SELECT status, percent_done FROM plan_tasks WHERE id = $1', [six.id]);
        assert.deepEqual(row, { status: 'done', percent_done: 100 });
        assert.equal((await req(officer, 'POST', `/api/ledger/tasks/${six.id}/reports`, { body: 'x', percentDone: 1 })).statusCode, 403, 'the commission does not report');
      });

      await step.test('the commission reviews, marks lagging, edits the deadline (stale version refused); the task shows overdue; every change is in the history', async () => {
        const three = (await req(officer, 'GET', `/api/ledger/tasks?planId=${planId}`)).json().items.find((x: { number: string }) => x.number === '3');
        const rv = await req(officer, 'POST', `/api/ledger/tasks/${three.id}/reviews`, { comment: '进度偏慢，请加快', lagging: true });
        assert.equal(rv.statusCode, 201);
        assert.equal((await req(yibao, 'POST', `/api/ledger/tasks/${three.id}/reviews`, { comment: 'x', lagging: false })).statusCode, 403);
        const e = await req(officer, 'PATCH', `/api/ledger/tasks/${three.id}`, { version: three.version + 1, deadline: yesterday });
        assert.equal(e.statusCode, 200, e.body);
        const staleEdit = await req(officer, 'PATCH', `/api/ledger/tasks/${three.id}`, { version: three.version, deadline: today });
        assert.equal(staleEdit.statusCode, 409);
        const d = (await req(officer, 'GET', `/api/ledger/tasks/${three.id}`)).json();
        assert.equal(d.task.status, 'overdue');
        assert.equal(d.task.lagging, true);
        assert.deepEqual(d.history.map((h: { action: string; username: string }) => [h.action, h.username]), [['task.edit', 'officer'], ['task.review', 'officer']]);
        assert.deepEqual(d.history[0].changes, { deadline: [null, yesterday] });
        const overdue = (await req(officer, 'GET', '/api/ledger/tasks?status=overdue')).json().items;
        assert.deepEqual(overdue.map((x: { number: string }) => x.number), ['3']);
      });

      await step.test('supervision lists overdue tasks and units that have not reported; reminders reach only their unit', async () => {
        const s = (await req(officer, 'GET', '/api/ledger/supervision')).json();
        assert.deepEqual(s.overdue.map((x: { number: string }) => x.number), ['3']);
        const yb = s.notReported.find((u: { unitName: string }) => u.unitName === '区医疗保障局') as { unitId: string; tasks: { number: string }[] };
        assert.deepEqual(yb.tasks.map((x: { number: string }) => x.number), ['3', '8', '12', '13'], '11 reported, 6 done');
        assert.ok(!s.notReported.some((u: { unitName: string; tasks: { number: string }[] }) => u.unitName === '区人力资源和社会保障局' && u.tasks.some((x: { number: string }) => x.number === '11')));
        assert.equal((await req(yibao, 'GET', '/api/ledger/supervision')).statusCode, 403);
        const sent = await req(officer, 'POST', '/api/ledger/reminders', { unitIds: [yb.unitId] });
        assert.equal(sent.statusCode, 201);
        assert.equal(sent.json().sent, 2, 'overdue (task 3, also lagging: one reminder) and not reported');
        const mine = (await req(yibao, 'GET', '/api/ledger/reminders')).json().items;
        assert.deepEqual(mine.map((m: { reason: string }) => m.reason).sort(), ['not_reported', 'overdue']);
        assert.equal((await req(renshe, 'GET', '/api/ledger/reminders')).json().items.length, 0);
        assert.equal((await req(renshe, 'POST', `/api/ledger/reminders/${mine[0].id}/ack`, {})).statusCode, 404);
        assert.equal((await req(yibao, 'POST', `/api/ledger/reminders/${mine[0].id}/ack`, {})).statusCode, 200);
        const badUnit = await req(officer, 'POST', '/api/ledger/reminders', { unitIds: ['00000000-0000-0000-0000-000000000001'] });
        assert.equal(badUnit.statusCode, 400);
      });

      await step.test('reminders go only to units with a sign-in; the others are listed as needing one, on the answer and in supervision', async () => {
        const s = (await req(officer, 'GET', '/api/ledger/supervision')).json();
        const row = (name: string) => s.notReported.find((u: { unitName: string }) => u.unitName === name);
        assert.equal(row('区医疗保障局').hasAccount, true);
        assert.equal(row('区卫生健康局').hasAccount, false);
        const need = s.needAccount.map((u: { unitName: string }) => u.unitName);
        assert.ok(need.includes('区卫生健康局') && need.includes('区财政局'), need.join('、'));
        assert.ok(!need.includes('区医疗保障局') && !need.includes('区人力资源和社会保障局'), 'the two units with a department sign-in are not listed');
        const before = (await t.db.query('SELECT 1 FROM plan_reminders')).length;
        const all = await req(officer, 'POST', '/api/ledger/reminders', {});
        assert.equal(all.statusCode, 201, all.body);
        // 区医疗保障局 (overdue task 3 and not reported) and 区人力资源和社会保障局 (not reported): the only units anyone can sign in for
        assert.equal(all.json().units, 2);
        assert.deepEqual(all.json().needAccount, s.needAccount);
        const reached = await t.db.query<{ name: string }>('SELECT DISTINCT u.name FROM plan_reminders m JOIN gov_units u ON u.id = m.unit_id ORDER BY u.name');
        assert.deepEqual(reached.map((r) => r.name).sort(), ['区人力资源和社会保障局', '区医疗保障局'].sort());
        assert.equal((await t.db.query('SELECT 1 FROM plan_reminders')).length, before + all.json().sent);
        const health = s.needAccount.find((u: { unitName: string }) => u.unitName === '区卫生健康局');
        const one = await req(officer, 'POST', '/api/ledger/reminders', { unitIds: [health.unitId] });
        assert.deepEqual(one.json(), { sent: 0, units: 0, needAccount: [health] });
      });

      await step.test('exports: the ledger to Excel in the appendix columns; the quarterly 通报 to Word', async () => {
        const x = await t.app.inject({ method: 'GET', url: `/api/ledger/export.xlsx?planId=${planId}`, headers: { cookie: officer } });
        assert.equal(x.statusCode, 200);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
        const ws = wb.getWorksheet('台账')!;
        assert.deepEqual((ws.getRow(2).values as unknown[]).slice(1), ['序号', '重点工作', '量化目标', '责任部门', '配合部门', '时限要求', '完成状态', '进度', '最新进展']);
        assert.match(String(ws.getCell('A1').value), /^关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案任务台账（截至\d{4}年\d{1,2}月\d{1,2}日）$/);
        const rows = Array.from({ length: ws.rowCount - 2 }, (_, i) => (ws.getRow(3 + i).values as unknown[]).slice(1));
        // section rows where each section begins (the misprinted （2） written （二）), tasks numbered 1–18 straight through
        const sectionRows = rows.filter((r) => typeof r[0] === 'string').map((r) => r[0]);
        assert.deepEqual(sectionRows, ['二、主要任务', '（一）强化基层医疗卫生资源配置', '（二）壮大基层医疗卫生人才队伍', '（三）完善基层医疗卫生运行机制', '（四）拓展基层医疗卫生服务功能', '三、组织实施']);
        const taskRows = rows.filter((r) => typeof r[0] === 'number');
        assert.deepEqual(taskRows.map((r) => r[0]), Array.from({ length: 18 }, (_, i) => i + 1));
        assert.equal(ws.rowCount, 2 + 18 + 6);
        const row11 = taskRows[10];
        assert.deepEqual([row11[0], row11[1], row11[3]], [11, '推进医保支付方式改革', '区医疗保障局、区卫生健康局']);
        assert.match(String(row11[2]), /DRG基层病组 ≥ 20 个（2025年）/, 'the 量化目标 column');
        assert.match(String(row11[8]), /DRG基层病组已确定18个/);
        assert.equal(taskRows[14][1], '强化组织领导', 'the first task of 三、 is 15, not a second 一');
        const mineX = await t.app.inject({ method: 'GET', url: '/api/ledger/export.xlsx', headers: { cookie: yibao } });
        const wb2 = new ExcelJS.Workbook();
        await wb2.xlsx.load(mineX.rawPayload as unknown as ArrayBuffer);
        assert.equal((wb2.getWorksheet('台账')!.getSheetValues().filter((r) => Array.isArray(r) && typeof r[1] === 'number')).length, 6, 'a department exports only its own tasks');
        const w = await t.app.inject({ method: 'GET', url: `/api/ledger/bulletin.docx?planId=${planId}`, headers: { cookie: officer } });
        assert.equal(w.statusCode, 200);
        const text = (await mammoth.extractRawText({ buffer: w.rawPayload })).value;
        assert.match(text, /^关于\d{4}年第[1-4]季度《关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案》推进情况的通报/);
        assert.match(text, /截至\d{4}年\d{1,2}月\d{1,2}日，纳入台账的重点任务共18项，其中已完成1项，推进中1项，未开始15项，已逾期1项/);
        assert.match(text, /二、逾期未完成的任务\s+1\. 推进紧密型县域医共体建设（台账第3项；/);
        assert.match(text, /\d+\. 区医疗保障局：推进紧密型县域医共体建设、/);
        assert.doesNotMatch(text, /截至\d{4}-\d{2}-\d{2}|[一二三四五六七]\. /);
        assert.match(text, /文登区卫生健康局\s+\d{4}年\d{1,2}月\d{1,2}日\s*$/);
        assert.equal((await t.app.inject({ method: 'GET', url: '/api/ledger/bulletin.docx', headers: { cookie: yibao } })).statusCode, 403);
      });

      await step.test('two edits of one task with the same version race: exactly one wins, the other is told the record changed', async () => {
        const four = (await req(officer, 'GET', `/api/ledger/tasks?planId=${planId}`)).json().items.find((x: { number: string }) => x.number === '4');
        const [a, b] = await Promise.all([
          req(officer, 'PATCH', `/api/ledger/tasks/${four.id}`, { version: four.version, title: '盘活用好县域编制资源（甲）' }),
          req(officer, 'PATCH', `/api/ledger/tasks/${four.id}`, { version: four.version, title: '盘活用好县域编制资源（乙）' }),
        ]);
        assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
        const [row] = await t.db.query<{ title: string; version: number }>('SELECT title, version FROM plan_tasks WHERE id = $1', [four.id]);
        assert.equal(row.version, four.version + 1);
        assert.equal(row.title, a.statusCode === 200 ? '盘活用好县域编制资源（甲）' : '盘活用好县域编制资源（乙）');
        assert.equal((await t.db.query("SELECT 1 FROM plan_history WHERE task_id = $1 AND action = 'task.edit'", [four.id])).length, 1);
      });

      await step.test('the same printed department in another region is another unit: its user never sees this region\'s tasks', async () => {
        await buildRegion(t.db, { code: '330102', name: '上城区', parentCode: '3301', level: 'county' });
        const far2 = await t.signIn('far2', 'officer', { regionCode: '330102' });
        const small = { title: '上城区医保工作要点', issuer: null, docNumber: null, date: null, targets: [],
          tasks: [{ path: ['一'], number: '一', title: '推进支付改革', text: '', leadUnits: [], responsibleUnits: ['区医疗保障局'], cooperatingUnits: [], deadline: null }] };
        const r = await req(far2, 'POST', '/api/plans', { regionCode: '330102', plan: small });
        assert.equal(r.statusCode, 201, r.body);
        assert.deepEqual(r.json().newUnits, ['区医疗保障局']);
        const [u] = await t.db.query<{ name: string; region_code: string }>('SELECT u.name, u.region_code FROM plan_task_units tu JOIN gov_units u ON u.id = tu.unit_id JOIN plan_tasks t ON t.id = tu.task_id WHERE t.plan_id = $1', [r.json().id]);
        assert.deepEqual(u, { name: '区医疗保障局（上城区）', region_code: '330102' });
        const mine = (await req(yibao, 'GET', '/api/ledger/tasks')).json().items;
        assert.ok(mine.every((x: { planTitle: string }) => x.planTitle !== '上城区医保工作要点'));
        assert.equal((await req(far2, 'GET', '/api/ledger/tasks')).json().items.length, 1);
      });

      await step.test('linked targets show the indicators module\'s current value and status', async () => {
        // The indicators module's stored values: the county's 2024 and 2025 figures, and another county's (not ours).
        await t.db.query(`INSERT INTO indicator_values (indicator_code, period, unit_level, unit_id, county_code, numerator, denominator, value, source)
          VALUES ('basic_level_visit_share', '2024', 'county', '371003', '371003', 582, 1000, 58.2, 'computed'),
                 ('basic_level_visit_share', '2025', 'county', '371003', '371003', 614, 1000, 61.4, 'computed'),
                 ('basic_level_visit_share', '2025', 'county', '371002', '371002', 1, 1, 99, 'computed')`);
        const three = (await req(officer, 'GET', `/api/ledger/tasks?planId=${planId}`)).json().items.find((x: { number: string }) => x.number === '3');
        // Due 2025, ≥65%, the 2025 figure 61.4 and 2025 is past: off track, past due.
        assert.deepEqual(three.targets.map((x: { indicatorCode: string; current: unknown }) => [x.indicatorCode, x.current]),
          [['basic_level_visit_share', { value: 61.4, period: '2025', status: 'off_track', reason: 'past_due' }]]);
        await t.db.query("DELETE FROM indicator_values WHERE indicator_code = 'basic_level_visit_share'");
      });

      // A small plan of two tasks: 区医保局 responsible for both, 区人社局 cooperating on the second.
      const smallPlan = (title: string): ParsedPlan => ({ title, issuer: null, docNumber: null, date: null,
        tasks: [
          { path: ['一'], number: '一', title: '推进医保支付方式改革', text: '按病种付费覆盖所有住院病例。', leadUnits: [], responsibleUnits: ['区医疗保障局'], cooperatingUnits: [], deadline: null },
          { path: ['二'], number: '二', title: '完善基层人才激励', text: '落实“两个允许”。', leadUnits: [], responsibleUnits: ['区医疗保障局'], cooperatingUnits: ['区人社局'], deadline: null },
        ],
        targets: [{ taskPath: ['一'], text: 'DRG付费覆盖率达到90%以上', metric: 'DRG付费覆盖率', comparator: '>=', value: 90, unit: '%', year: 2025, indicator: null }] });

      await step.test('preview: a target the reader missed is added and an indicator code is set; an unknown code is a 400 naming the field, nothing written', async () => {
        const base = smallPlan('文登区医保重点工作（补充目标）');
        const added = fixTarget(addTarget(base, blankTarget(['二'])), 1, { metric: '基层医疗卫生机构诊疗量占比', text: '基层诊疗量占比达到65%', value: 65, year: 2025, indicator: 'no_such_indicator' });
        const withCode = fixTarget(added, 0, { indicator: 'also_unknown' });
        const bad = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: withCode });
        assert.equal(bad.statusCode, 400);
        assert.deepEqual(bad.json().error.fields, [
          { path: 'plan.targets.0.indicator', problem: 'unknown indicator code also_unknown / 指标目录中无此代码' },
          { path: 'plan.targets.1.indicator', problem: 'unknown indicator code no_such_indicator / 指标目录中无此代码' },
        ]);
        const empty = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: addTarget(base, blankTarget(null)) });
        assert.deepEqual(empty.json().error.fields, [{ path: 'plan.targets.1.metric', problem: 'what is measured, or the plan\'s words, is required / 须填写指标名称或原文' }]);
        assert.equal((await t.db.query('SELECT 1 FROM plans WHERE title = $1', [base.title])).length, 0);
        // The catalogue the preview offers the codes from.
        const codes = (await req(officer, 'GET', '/api/indicators/catalogue')).json().items.map((x: { code: string }) => x.code);
        assert.ok(codes.includes('basic_level_visit_share'));
        const good = fixTarget(added, 1, { indicator: 'basic_level_visit_share' });
        const r = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: good });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.json().targets, 2);
        const tg = await t.db.query<{ number: string; metric: string; value: number; unit: string; due_year: number; indicator_code: string | null }>(
          'SELECT pt.number, x.metric, x.value, x.unit, x.due_year, x.indicator_code FROM targets x JOIN plan_tasks pt ON pt.id = x.task_id WHERE x.plan_id = $1 ORDER BY x.plan_position', [r.json().id]);
        assert.deepEqual(tg, [
          { number: '一', metric: 'DRG付费覆盖率', value: 90, unit: '%', due_year: 2025, indicator_code: null },
          { number: '二', metric: '基层医疗卫生机构诊疗量占比', value: 65, unit: '%', due_year: 2025, indicator_code: 'basic_level_visit_share' },
        ]);
      });

      await step.test('withdraw: a plan nobody has reported on is deleted whole (commission only), kept in the plan history and the audit log; a reported plan is refused', async () => {
        const [pl] = await t.db.query<{ id: string }>("SELECT id FROM plans WHERE title = '文登区医保重点工作（补充目标）'");
        const tasks = (await t.db.query<{ id: string }>('SELECT id FROM plan_tasks WHERE plan_id = $1', [pl.id])).map((x) => x.id);
        assert.equal((await req(officer, 'POST', `/api/ledger/tasks/${tasks[0]}/reviews`, { comment: '请尽快启动', lagging: false })).statusCode, 201);
        // Reminders naming its tasks: one only about them, one also about another plan's task.
        const other = (await t.db.query<{ id: string }>('SELECT id FROM plan_tasks WHERE plan_id = $1 LIMIT 1', [planId]))[0].id;
        const [u] = await t.db.query<{ id: string }>("SELECT id FROM gov_units WHERE name = '区医疗保障局'");
        const [by] = await t.db.query<{ id: string }>("SELECT id FROM users WHERE username = 'officer'");
        const rem = await t.db.query<{ id: string }>(`INSERT INTO plan_reminders (unit_id, quarter, reason, task_ids, message, created_by) VALUES ($1, '2026Q1', 'not_reported', $2, 'a', $4), ($1, '2026Q1', 'not_reported', $3, 'b', $4) RETURNING id`,
          [u.id, tasks, [tasks[0], other], by.id]);
        assert.equal((await req(yibao, 'DELETE', `/api/plans/${pl.id}`)).statusCode, 403);
        assert.equal((await req(far, 'DELETE', `/api/plans/${pl.id}`)).statusCode, 404, 'another region\'s officer: as if missing');
        assert.equal((await req(officer, 'DELETE', '/api/plans/00000000-0000-4000-8000-000000000009')).statusCode, 404);
        const r = await req(officer, 'DELETE', `/api/plans/${pl.id}`);
        assert.equal(r.statusCode, 200, r.body);
        assert.deepEqual(r.json(), { id: pl.id, tasks: 2, targets: 2, reviews: 1, reminders: 1 });
        assert.deepEqual(await t.db.query('SELECT id, task_ids FROM plan_reminders WHERE id = ANY($1::uuid[])', [rem.map((x) => x.id)]), [{ id: rem[1].id, task_ids: [other] }]);
        for (const [sql, params] of [['SELECT 1 FROM plans WHERE id = $1', [pl.id]], ['SELECT 1 FROM plan_tasks WHERE plan_id = $1', [pl.id]], ['SELECT 1 FROM targets WHERE plan_id = $1', [pl.id]],
          ['SELECT 1 FROM plan_task_units WHERE task_id = ANY($1::uuid[])', [tasks]], ['SELECT 1 FROM plan_task_reviews WHERE task_id = ANY($1::uuid[])', [tasks]]] as [string, unknown[]][]) {
          assert.equal((await t.db.query(sql, params)).length, 0, sql);
        }
        const hist = await t.db.query<{ action: string; username: string; changes: Record<string, unknown> }>('SELECT action, username, changes FROM plan_history WHERE plan_id = $1 AND task_id IS NULL ORDER BY id', [pl.id]);
        assert.deepEqual(hist.map((h) => [h.action, h.username]), [['plan.import', 'officer'], ['plan.withdraw', 'officer']]);
        assert.deepEqual(hist[1].changes, { title: '文登区医保重点工作（补充目标）', tasks: 2, targets: 2, reviews: 1, reminders: 1 });
        assert.equal((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'plan.withdraw' AND record_id = $1 AND outcome = 'ok'", [pl.id])).length, 1);
        assert.ok(!(await req(officer, 'GET', '/api/ledger/plans')).json().items.some((x: { id: string }) => x.id === pl.id));
        // The Wendeng plan has reports: refused, nothing deleted.
        const before = (await t.db.query('SELECT 1 FROM plan_tasks WHERE plan_id = $1', [planId])).length;
        const no = await req(officer, 'DELETE', `/api/plans/${planId}`);
        assert.equal(no.statusCode, 409);
        assert.equal(no.json().error.code, 'plan.has_reports');
        assert.deepEqual(no.json().error.message, { zh: '已有单位报送了该规划任务的进展（2 条），不能撤回；请逐项修改任务', en: 'Units have already reported on this plan\'s tasks (2 reports); it cannot be withdrawn — correct its tasks instead' });
        assert.equal((await t.db.query('SELECT 1 FROM plan_tasks WHERE plan_id = $1', [planId])).length, before);
        assert.equal((await t.db.query('SELECT 1 FROM plans WHERE id = $1', [planId])).length, 1);
      });

      await step.test('a cooperating unit adds a note: shown in the reports and history, marked cooperating; percent and status stay with the responsible unit', async () => {
        const r = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: smallPlan('文登区医保重点工作（配合）') });
        assert.equal(r.statusCode, 201, r.body);
        const [two] = await t.db.query<{ id: string }>("SELECT id FROM plan_tasks WHERE plan_id = $1 AND number = '二'", [r.json().id]);
        const before = (await req(renshe, 'GET', `/api/ledger/tasks/${two.id}`)).json();
        assert.deepEqual([before.canReport, before.canNote, before.canReview], [false, true, false]);
        assert.equal((await req(renshe, 'POST', `/api/ledger/tasks/${two.id}/reports`, { body: 'x', percentDone: 50 })).statusCode, 403, 'a cooperating unit does not report percent');
        assert.equal((await req(yibao, 'POST', `/api/ledger/tasks/${two.id}/notes`, { body: 'x' })).statusCode, 403, 'the responsible unit reports, it does not add cooperation notes');
        assert.equal((await req(officer, 'POST', `/api/ledger/tasks/${two.id}/notes`, { body: 'x' })).statusCode, 403);
        const one = (await t.db.query<{ id: string }>("SELECT id FROM plan_tasks WHERE plan_id = $1 AND number = '一'", [r.json().id]))[0];
        assert.equal((await req(renshe, 'POST', `/api/ledger/tasks/${one.id}/notes`, { body: 'x' })).statusCode, 404, 'a task the unit has no part in');
        const blank = await req(renshe, 'POST', `/api/ledger/tasks/${two.id}/notes`, { body: ' ', attachments: [{ fileName: 'a.exe', mediaType: 'application/x-msdownload', contentBase64: b64('MZ') }] });
        assert.equal(blank.statusCode, 400);
        assert.deepEqual(blank.json().error.fields.map((f: { path: string }) => f.path), ['body', 'attachments.0.mediaType']);
        const n = await req(renshe, 'POST', `/api/ledger/tasks/${two.id}/notes`, { body: '已会同区医保局完成绩效工资测算。', attachments: [{ fileName: '测算.txt', mediaType: 'text/plain', contentBase64: b64('42') }] });
        assert.equal(n.statusCode, 201, n.body);
        assert.equal(n.json().quarter, quarterOf(today));
        const [row] = await t.db.query<{ status: string; percent_done: number; version: number }>('SELECT status, percent_done, version FROM plan_tasks WHERE id = $1', [two.id]);
        assert.deepEqual(row, { status: 'not_started', percent_done: 0, version: before.task.version });
        const [rep] = await t.db.query<{ cooperating: boolean; percent_done: number | null }>('SELECT cooperating, percent_done FROM plan_task_reports WHERE id = $1', [n.json().id]);
        assert.deepEqual(rep, { cooperating: true, percent_done: null });
        // The responsible unit sees the note among the reports and in the history; its own report still drives percent and status.
        const rr = await req(yibao, 'POST', `/api/ledger/tasks/${two.id}/reports`, { body: '方案已印发。', percentDone: 30 });
        assert.equal(rr.statusCode, 201);
        const d = (await req(yibao, 'GET', `/api/ledger/tasks/${two.id}`)).json();
        assert.deepEqual(d.reports.map((x: { body: string; percentDone: number | null; cooperating: boolean; unitName: string; attachments: unknown[] }) => [x.body, x.percentDone, x.cooperating, x.unitName, x.attachments.length]),
          [['方案已印发。', 30, false, '区医疗保障局', 0], ['已会同区医保局完成绩效工资测算。', null, true, '区人力资源和社会保障局', 1]]);
        assert.deepEqual(d.history.map((h: { action: string; username: string }) => [h.action, h.username]), [['task.report', 'yibao'], ['task.note', 'renshe']]);
        assert.deepEqual(d.history[1].changes, { quarter: quarterOf(today), cooperating: true, attachments: ['测算.txt'] });
        assert.deepEqual([d.task.status, d.task.percentDone, d.task.latestReport.body], ['in_progress', 30, '方案已印发。']);
        assert.equal((await req(yibao, 'GET', `/api/ledger/attachments/${d.reports[1].attachments[0].id}`)).body, '42');
        assert.equal((await t.db.query("SELECT 1 FROM audit_log WHERE action = 'ledger.note' AND record_id = $1", [two.id])).length, 1);
        // A note alone is not the task's report: the latest progress stays empty and the responsible unit is still listed as not reported.
        const r2 = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: smallPlan('文登区医保重点工作（仅配合）') });
        const [only] = await t.db.query<{ id: string }>("SELECT id FROM plan_tasks WHERE plan_id = $1 AND number = '二'", [r2.json().id]);
        assert.equal((await req(renshe, 'POST', `/api/ledger/tasks/${only.id}/notes`, { body: '已配合。' })).statusCode, 201);
        const listed = (await req(officer, 'GET', `/api/ledger/tasks?planId=${r2.json().id}`)).json().items.find((x: { id: string }) => x.id === only.id);
        assert.deepEqual([listed.latestReport, listed.percentDone, listed.status], [null, 0, 'not_started']);
        const s = (await req(officer, 'GET', '/api/ledger/supervision')).json();
        assert.ok(s.notReported.find((u: { unitName: string }) => u.unitName === '区医疗保障局').tasks.some((x: { id: string }) => x.id === only.id));
        // Supervision and the 通报 of one plan: only its tasks (Wendeng's overdue task 3 is another plan's).
        const single = (await req(officer, 'GET', `/api/ledger/supervision?planId=${r2.json().id}`)).json();
        assert.deepEqual([single.planId, single.overdue.length], [r2.json().id, 0]);
        assert.deepEqual([...new Set(single.notReported.flatMap((u: { tasks: { planTitle: string }[] }) => u.tasks.map((x) => x.planTitle)))], ['文登区医保重点工作（仅配合）']);
        assert.ok((await req(officer, 'GET', '/api/ledger/supervision')).json().overdue.length >= 1, 'every plan: task 3 is overdue');
        // The quarterly 通报 lists the cooperating units' notes.
        const w1 = await t.app.inject({ method: 'GET', url: `/api/ledger/bulletin.docx?planId=${r2.json().id}`, headers: { cookie: officer } });
        const text1 = (await mammoth.extractRawText({ buffer: w1.rawPayload })).value;
        assert.match(text1, /六、配合单位工作情况\s+1\. 完善基层人才激励——区人力资源和社会保障局（配合）：已配合。/);
        const w2 = await t.app.inject({ method: 'GET', url: `/api/ledger/bulletin.docx?planId=${planId}`, headers: { cookie: officer } });
        assert.match((await mammoth.extractRawText({ buffer: w2.rawPayload })).value, /六、配合单位工作情况\s+无。/);
        // Someone has worked on it: the plan can no longer be withdrawn.
        assert.equal((await req(officer, 'DELETE', `/api/plans/${r2.json().id}`)).statusCode, 409);
        // A system administrator may withdraw one too.
        const r3 = await req(officer, 'POST', '/api/plans', { regionCode: '371003', plan: smallPlan('文登区医保重点工作（误导入）') });
        const admin = await t.signIn('admin', 'sysadmin');
        const w = await req(admin, 'DELETE', `/api/plans/${r3.json().id}`);
        assert.equal(w.statusCode, 200, w.body);
        assert.deepEqual(w.json(), { id: r3.json().id, tasks: 2, targets: 1, reviews: 0, reminders: 0 });
        assert.deepEqual(await t.db.query<{ action: string; username: string }>('SELECT action, username FROM plan_history WHERE plan_id = $1 ORDER BY id', [r3.json().id]),
          [{ action: 'plan.import', username: 'officer' }, { action: 'plan.withdraw', username: 'admin' }]);
      });
    });
  });
}
