// The plan reader: each wording in isolation, and the three real plans validating against the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { blanketClause, cellUnits, cleanLines, cnNumber, deadlineIn, findTargets, latestDeadline, ledgerRowsOf, ledgerTasks, pageFields, parseDeadline, parseHeading, parsePlanText, parseUnits, splitUnits, unitClauses, yearMarks } from './parse.ts';

// Copies of shared/ (the contract schema and the three plans) travel with the tests; when shared/ sits
// beside the repository, as it does for developers and CI, a test checks the copies are current.
const FIXTURES = new URL('../../../test/fixtures/', import.meta.url).pathname;
const SHARED = new URL('../../../../shared/', import.meta.url).pathname;
const SCHEMA = JSON.parse(readFileSync(`${FIXTURES}contracts/plan-import.schema.json`, 'utf8'));
const PLANS = `${FIXTURES}plans/`;

test('the copies of the contract schema and the plans match shared/', { skip: existsSync(SHARED) ? false : 'shared/ is not beside this checkout' }, () => {
  assert.equal(readFileSync(`${FIXTURES}contracts/plan-import.schema.json`, 'utf8'), readFileSync(`${SHARED}contracts/plan-import.schema.json`, 'utf8'));
  for (const f of ['haidong-2024', 'wendeng-2024', 'tongren-2021']) assert.equal(readFileSync(`${PLANS}${f}.txt`, 'utf8'), readFileSync(`${SHARED}plans/${f}.txt`, 'utf8'), f);
});

test('heading marks of four kinds, full- and half-width', () => {
  assert.deepEqual(parseHeading('一、总体要求'), { level: 1, number: '一', rest: '总体要求' });
  assert.deepEqual(parseHeading('（十二）持续深化改革。'), { level: 2, number: '十二', rest: '持续深化改革。' });
  assert.deepEqual(parseHeading('(三)完善治理'), { level: 2, number: '三', rest: '完善治理' });
  assert.deepEqual(parseHeading('1．坚持县域统筹管理。'), { level: 3, number: '1', rest: '坚持县域统筹管理。' });
  assert.deepEqual(parseHeading('12.完善人才'), { level: 3, number: '12', rest: '完善人才' });
  assert.deepEqual(parseHeading('（3）加强培训'), { level: 4, number: '3', rest: '加强培训' });
  assert.equal(parseHeading('3.28人'), null, 'a decimal is not a heading');
  assert.equal(cnNumber('二十二'), 22);
  assert.equal(cnNumber('十一'), 11);
});

test('units: inline brackets, own lines, lead/responsible/cooperating, a 按职责分工负责 sentence', () => {
  assert.deepEqual(parseUnits('牵头单位：区卫生健康局；责任单位：区发展和改革局、区财政局，各镇街'), { lead: ['区卫生健康局'], responsible: ['区发展和改革局', '区财政局', '各镇街'], cooperating: [] });
  assert.deepEqual(parseUnits('配合单位：市发展和改革局、财政局'), { lead: [], responsible: [], cooperating: ['市发展和改革局', '财政局'] });
  assert.deepEqual(splitUnits('市医保局、市人社局按职责分工负责'), ['市医保局', '市人社局']);
  const plan = parsePlanText(['某县卫生健康工作实施方案', '一、主要任务', '1．加强基层。做好服务。（责任单位：县卫健局、县财政局）', '2．完善机制。', '责任单位：县医保局', '配合单位：县卫健局',
    '3．强化保障。各部门要落实。责任部门：县人社局、县医保局按职责分工负责。'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits, t.cooperatingUnits]), [
    ['1', ['县卫健局', '县财政局'], []], ['2', ['县医保局'], ['县卫健局']], ['3', ['县人社局', '县医保局'], []]]);
});

test('a blanket clause adds its unit to the tasks after it; skipped numbers are kept as printed', () => {
  const plan = parsePlanText(['某市方案', '一、任务', '以下任务均需各县区政府负责落实。', '1．甲。（责任单位：市卫健委）', '3．乙。（责任单位：市财政局）'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits]), [['1', ['市卫健委', '各县区政府']], ['3', ['市财政局', '各县区政府']]]);
  const other = parsePlanText(['某市方案', '一、任务', '（以下各项任务各县（区）人民政府均为责任单位，不再一一列出）', '1．甲。（责任单位：市卫健委）'].join('\n'));
  assert.deepEqual(other.tasks.map((t) => t.responsibleUnits), [['市卫健委', '各县（区）人民政府']]);
});

test('page numbers, markup and lines broken by the conversion are cleaned', () => {
  const lines = cleanLines('**一、任务**\n1．加强基层医疗卫生机构能力建设，提升服务能力水平，推动优质资源\n— 3 —\n下沉到乡镇和村。（责任单位：县卫健局）\n12\n');
  assert.deepEqual(lines, ['一、任务', '1．加强基层医疗卫生机构能力建设，提升服务能力水平，推动优质资源下沉到乡镇和村。（责任单位：县卫健局）']);
  for (const page of ['— 3 —', '-12-', '7', '第3页', '第 3 页 共 10 页', '3/10']) assert.deepEqual(cleanLines(`一、任务\n${page}\n1．甲。`), ['一、任务', '1．甲。'], page);
});

test('deadlines', () => {
  assert.equal(parseDeadline('2022年12月底', 2021), '2022-12-31');
  assert.equal(parseDeadline('2025年底前', 2024), '2025-12-31');
  assert.equal(parseDeadline('2021年11月', 2021), '2021-11-30');
  assert.equal(parseDeadline('6月底', 2021), '2021-06-30');
  assert.equal(parseDeadline('长期坚持', 2021), null);
});

test('target wordings', () => {
  const one = (s: string) => findTargets(s, null, 2025);
  const cases: [string, string, number | number[], string][] = [
    ['每千人口执业（助理）医师数达到3.28人。', '=', 3.28, '人'], ['签约率不低于65%。', '>=', 65, '%'], ['培训不少于10名。', '>=', 10, '名'],
    ['费用不超过30%。', '<=', 30, '%'], ['比例控制在25%以内。', '<=', 25, '%'], ['占比提高到60%。', '=', 60, '%'], ['发生率降低到5%。', '<=', 5, '%'],
    ['至少建成2所。', '>=', 2, '所'], ['达到推荐标准的占20%以上。', '>=', 20, '%'], ['建成4—5所社区医院。', 'range', [4, 5], '所'], ['开展6类10项服务。', '=', [6, 10], '类/项'],
    ['村卫生室实现全覆盖。', '=', 100, '%'], ['低于1%以下。', '<', 1, '%'],
  ];
  for (const [s, cmp, value, unit] of cases) {
    const t = one(s);
    assert.ok(t.length >= 1, s);
    assert.deepEqual([t[0].comparator, t[0].value, t[0].unit], [cmp, value, unit], s);
  }
  assert.equal(findTargets('到2025年底前，基层就诊率达到65%。', null, null)[0].year, 2025);
  assert.equal(findTargets('每年培训医师达到50名。', null, 2025)[0].value, 50);
  assert.equal(findTargets('县域内基层门急诊人次占比达到65%以上。', null, 2025)[0].indicator, 'basic_level_visit_share');
});

test('the three plans: metadata, task counts, and output valid against the contract schema', () => {
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  const validate = ajv.compile(SCHEMA);
  const expect: Record<string, { title: string; doc: string; date: string; tasks: number }> = {
    'haidong-2024': { title: '海东市进一步改革完善医疗卫生服务体系实施方案', doc: '东政办〔2024〕62号', date: '2024-06-19', tasks: 24 },
    'wendeng-2024': { title: '关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案', doc: '威文政办字〔2024〕10号', date: '2024-11-15', tasks: 18 },
    'tongren-2021': { title: '同仁市 2021 年综合医改重点工作任务', doc: '同政办〔2021〕14号', date: '2021-10-28', tasks: 22 },
  };
  for (const [f, e] of Object.entries(expect)) {
    const p = parsePlanText(readFileSync(`${PLANS}${f}.txt`, 'utf8'));
    assert.ok(validate(p), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    assert.equal(p.title, e.title, f);
    assert.equal(p.docNumber, e.doc, f);
    assert.equal(p.date, e.date, f);
    assert.equal(p.tasks.length, e.tasks, f);
    assert.ok(p.tasks.every((t) => t.responsibleUnits.length > 0), `${f}: every task names a unit`);
  }
});

test('each target wording in isolation, both sides of what it means', () => {
  const one = (s: string, year: number | null = null) => {
    const t = findTargets(s, ['1'], year);
    assert.equal(t.length, 1, `${s}: ${JSON.stringify(t)}`);
    return [t[0].comparator, t[0].value, t[0].unit, t[0].year];
  };
  const cases: [string, unknown[]][] = [
    ['县域就诊率达到90%。', ['=', 90, '%', null]],
    ['县域就诊率达到90%以上。', ['>=', 90, '%', null]],
    ['门诊处方抗生素使用率控制在9.5%以下。', ['<=', 9.5, '%', null]],
    ['基层就诊占比65%以上。', ['>=', 65, '%', null]],
    ['院内感染发生率4%以下。', ['<=', 4, '%', null]],
    ['签约率不低于65%。', ['>=', 65, '%', null]],
    ['基层病组不少于20个。', ['>=', 20, '个', null]],
    ['药品收入占比不超过30%。', ['<=', 30, '%', null]],
    ['管理费用率控制在10%。', ['<=', 10, '%', null]],
    ['医保基金县域内支出占比控制在75%以上。', ['>=', 75, '%', null]],
    ['医疗服务收入占比提高到60%。', ['=', 60, '%', null]],
    ['管理费用率降低到10%以下。', ['<=', 10, '%', null]],
    ['每个村卫生室至少配备1名乡村医生。', ['>=', 1, '名', null]],
    ['村卫生室医保联网结算实现全覆盖。', ['=', 100, '%', null]],
    ['每年选派20名专业技术人才驻点帮扶。', ['=', 20, '名', null]],
    ['到2025年底前，60%以上社区卫生服务中心建成社区医院。', ['>=', 60, '%', 2025]],
    ['到2025年，乡村医生中具备执业（助理）医师资格人员比例达到50%。', ['=', 50, '%', 2025]],
    ['收入占比较上年度提高5个百分点。', ['=', 5, '个百分点', null]],
    ['自收到申请30个工作日内完成拨付。', ['<=', 30, '个工作日', null]],
    ['达到推荐标准的不少于3家。', ['>=', 3, '家', null]],
    ['其中30％达到推荐标准。', ['=', 30, '%', null]],
    ['１００％的县级中医医院达到二级甲等水平。', ['=', 100, '%', null]],
    ['年底达到全人群接种80%的目标。', ['=', 80, '%', 2021]],
  ];
  for (const [s, want] of cases) assert.deepEqual(one(s, s.startsWith('年底') ? 2021 : null), want, s);
  // Not targets: a number that is no goal, a shift of emphasis, a year alone, a bare count without 每年.
  for (const s of ['从注重机构全覆盖向注重服务全覆盖转变。', '挂职期1年。', '落实2020年督察反馈问题整改。', '从基层选派骨干人才到上级医院。', '推广互助县试点经验。',
    '已经市人民政府2024年第7次常务会议审议通过。', '65岁及以上老年人城乡社区规范化健康管理服务率提升。', '监督方式:0557-6031710', '落实《护理服务行动计划（2023—2025年）》。', '建设二级及以上医院。'])
    assert.deepEqual(findTargets(s, null, null), [], s);
  // "签约率、履约率达到90%以上" names two measures; the year of a 到2025年 carries over clauses joined by ；.
  assert.deepEqual(findTargets('重点人群签约率、履约率达到90%以上。', null, null).map((t) => t.metric), ['重点人群签约率', '履约率']);
  assert.deepEqual(findTargets('到2025年，占比提高到60%；病种覆盖率达到90%。其他达到50%。', null, null).map((t) => t.year), [2025, 2025, null]);
  // "每年选派20名" is a count after a verb of doing, with or without 每年.
  assert.deepEqual(findTargets('从基层选派20名骨干人才到上级医院。', null, null).map((t) => [t.comparator, t.value, t.unit]), [['=', 20, '名']]);
  assert.equal(findTargets('到2025年，每千人口注册护士数达到3.6人、每万人口全科医生数达到3.6人。', null, null).length, 2, 'equal values are two targets');
});

test('units: a misprinted second 配合单位 line, a generic noun completing a name, dashes for none', () => {
  const plan = parsePlanText(['某市任务', '一、任务', '(一)强化基金监管。建立机制。', '配合单位: 市医疗保障局', '配合单位: 市卫生健康局、发展和改革局',
    '(二)加强协同。', '牵头单位：区委农办；责任单位：区直相关部门、单位，各镇街', '配合单位：——'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits, t.cooperatingUnits]), [
    ['一', ['市医疗保障局'], ['市卫生健康局', '发展和改革局']], ['二', ['区委农办', '区直相关部门、单位', '各镇街'], []]]);
});

test('an appended ledger table fills deadlines and adds targets stated only there', () => {
  const plan = parsePlanText(['某县要点', '一、任务', '1．加强签约服务。做实家庭医生签约。', '责任单位：县卫健局', '附表', '序号\t重点工作\t责任部门\t配合部门\t时限要求',
    '1\t做实家庭医生签约，重点人群签约率达到90%以上。\t县卫健局\t县医保局\t9月底'].join('\n'));
  assert.equal(plan.tasks[0].deadline, null, 'no plan date, so no year for 9月底');
  assert.deepEqual(plan.tasks[0].cooperatingUnits, ['县医保局']);
  assert.deepEqual(plan.targets.map((t) => [t.taskPath, t.value, t.comparator]), [[['一', '1'], 90, '>=']]);
});

test('task paths show each heading number as the contract does: 二, （一）, 1, （1） whatever the printed width', () => {
  const plan = parsePlanText(['某县方案', '二、主要任务', '(一)强化基层', '1.加强建设。', '责任单位：县卫健局', '（二）完善机制', '(1)健全投入。', '责任单位：县财政局'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.path, t.number]), [[['二', '（一）', '1'], '1'], [['二', '（二）', '（1）'], '1']]);
});

test('a section heading printed with the wrong kind of numeral — （2） after （一） — still opens the section', () => {
  const plan = parsePlanText(['某县方案', '二、主要任务', '（一）强化资源配置', '1．统筹管理。', '责任单位：县卫健局', '（2） 壮大人才队伍', '2．盘活编制。', '责任单位：县委编办',
    '（三）完善运行机制', '3．健全投入。', '（1）足额安排。', '责任单位：县财政局'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => t.path), [['二', '（一）', '1'], ['二', '（2）', '2'], ['二', '（三）', '3', '（1）']]);
});

test('unit clauses at the end of a line: bracketed, unbracketed after the last sentence, on one line with spaces; （牵头） inside a list', () => {
  assert.deepEqual(unitClauses('推行县管乡用。责任单位：县人社局、县卫健局。'), { units: ['责任单位：县人社局、县卫健局'], rest: '推行县管乡用。' });
  assert.deepEqual(unitClauses('成立管委会。牵头单位：县卫健局  责任单位：县委编办、县财政局'), { units: ['牵头单位：县卫健局  责任单位：县委编办、县财政局'], rest: '成立管委会。' });
  assert.deepEqual(unitClauses('设立中心。（牵头单位：县财政局，配合单位：县卫健局）'), { units: ['牵头单位：县财政局，配合单位：县卫健局'], rest: '设立中心。' });
  assert.deepEqual(unitClauses('明确各责任单位职责，加强协作。'), { units: [], rest: '明确各责任单位职责，加强协作。' });
  assert.deepEqual(parseUnits('责任单位：县医保局（牵头），县卫健局'), { lead: ['县医保局'], responsible: ['县医保局', '县卫健局'], cooperating: [] });
  const plan = parsePlanText(['某县方案', '二、重点任务', '（一）健全管理体制。成立管委会，2024年6月底前完成。牵头单位：县卫健局  责任单位：县委编办、县财政局', '（二）统一人员管理。推行县管乡用。责任单位：县人社局、县卫健局。',
    '三、保障措施', '（一）加强领导。各乡镇要高度重视。'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.path, t.leadUnits, t.responsibleUnits, t.deadline]), [
    [['二', '（一）'], ['县卫健局'], ['县卫健局', '县委编办', '县财政局'], '2024-06-30'], [['二', '（二）'], [], ['县人社局', '县卫健局'], null]]);
});

test('a plan whose units stand only in its appended task table takes its tasks from the table', () => {
  const plan = parsePlanText(['某区卫生健康局文件', '某卫发〔2025〕2号', '某区2025年卫生健康重点工作', '一、总体要求', '全面提升服务能力。', '二、重点工作', '详见附件。', '某区卫生健康局', '2025年2月10日', '附件',
    '| 序号 | 工作任务 | 牵头单位 | 责任单位 | 配合单位 | 完成时限 |', '|---|---|---|---|---|---|', '| 一 | 基层能力 | | | | |',
    '| 1 | 建设社区医院。全区建成社区医院不少于2家。 | 区卫健局 | 各街道 | 区财政局 | 2025年10月底 |', '| 3 | 推进家庭医生签约，重点人群签约率达到75%以上 | 区卫健局 | 区医保局 | —— | 12月底 |'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.path, t.title, t.leadUnits, t.responsibleUnits, t.cooperatingUnits, t.deadline]), [
    [['一', '1'], '建设社区医院', ['区卫健局'], ['区卫健局', '各街道'], ['区财政局'], '2025-10-31'],
    [['一', '3'], '推进家庭医生签约', ['区卫健局'], ['区卫健局', '区医保局'], [], '2025-12-31']]);
  assert.deepEqual(plan.targets.map((t) => [t.taskPath, t.comparator, t.value, t.unit]), [[['一', '1'], '>=', 2, '家'], [['一', '3'], '>=', 75, '%']]);
});

test('a plan that names no units anywhere: its deepest headings are the tasks, units left to assign in the preview', () => {
  const plan = parsePlanText(['某县方案', '一、总体要求', '提升能力。', '二、主要任务', '（一）强化基层', '1．建设卫生院。', '2．培养人才。', '（二）完善机制', '3．改革支付。'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.path, t.title, t.responsibleUnits]), [[['二', '（一）', '1'], '建设卫生院', []], [['二', '（一）', '2'], '培养人才', []], [['二', '（二）', '3'], '改革支付', []]]);
});

test('a title broken over two lines is joined; a title line alone stays alone', () => {
  assert.equal(parsePlanText(['某市人民政府办公室', '某市进一步改革完善医疗卫生', '服务体系实施方案', '一、任务', '1．甲。', '责任单位：市卫健委'].join('\n')).title, '某市进一步改革完善医疗卫生服务体系实施方案');
  assert.equal(parsePlanText(['某市人民政府办公室', '某市基层卫生实施方案', '一、任务', '1．甲。', '责任单位：市卫健委'].join('\n')).title, '某市基层卫生实施方案');
});

test('counts written with a measure word after a verb of building, creating or doing; compound counts and ranges kept whole', () => {
  const read = (s: string) => findTargets(s, null, 2025).map((t) => [t.comparator, t.value, t.unit]);
  const cases: [string, unknown[][]][] = [
    ['建成3个区域医疗中心。', [['=', 3, '个']]],
    ['实施16个乡镇卫生院、158个村卫生室改扩建项目。', [['=', 16, '个'], ['=', 158, '个']]],
    ['每个县组建2支巡回医疗队。', [['=', 2, '支']]],
    ['新增床位200张以上。', [['>=', 200, '张']]],
    ['培育不少于5家县级临床重点专科。', [['>=', 5, '家']]],
    ['每个每年给予1万元运行保障经费。', [['=', 1, '万元']]],
    ['推广6类10项中医药适宜技术。', [['=', [6, 10], '类/项']]],
    ['全市建成4—5所社区医院。', [['range', [4, 5], '所']]],
  ];
  for (const [s, want] of cases) assert.deepEqual(read(s), want, s);
});

test('comparators: 以上/及以上/不低于/至少 ≥, 以下/控制在/降至 ≤, 不足/低于 <, 力争/达到/左右 =', () => {
  const read = (s: string) => findTargets(s, null, null).map((t) => [t.comparator, t.value, t.unit]);
  const cases: [string, unknown[]][] = [
    ['签约率达到90%及以上。', ['>=', 90, '%']], ['签约率≥90%。', ['>=', 90, '%']], ['使用率降至5%以下。', ['<=', 5, '%']], ['使用率降至5%。', ['<=', 5, '%']],
    ['满意度力争达到80%。', ['=', 80, '%']], ['占比提高到55%左右。', ['=', 55, '%']], ['死亡率不足3%。', ['<', 3, '%']], ['覆盖率不低于60%。', ['>=', 60, '%']],
  ];
  for (const [s, want] of cases) assert.deepEqual(read(s), [want], s);
});

test('a due year stated once governs the quantities after it: in its sentence, over ；, and over the sentences it leads; not before it, not past its paragraph', () => {
  const years = (s: string, d: number | null = null) => findTargets(s, null, d).map((t) => t.year);
  assert.deepEqual(years('到2025年底前，政策进一步完善。90%的乡镇卫生院达到推荐标准，诊疗量占比提高到55%左右。'), [2025, 2025]);
  assert.deepEqual(years('到2025年：\n90%的乡镇卫生院达到推荐标准。'), [null], 'a paragraph ends it');
  assert.deepEqual(years('每年培训全科医生不少于50名，到2025年，每万人口全科医生数达到4人。'), [null, 2025], 'not the quantities before it');
  assert.deepEqual(years('2025年年底前DRG基层病组不少于20个。经办机构30个工作日内完成拨付。'), [2025, null], 'a sentence with its own quantity leads no further');
  assert.deepEqual(years('自2024年起，开展乡村医生培训全覆盖。', 2024), [null], '自…年起 opens a period, it sets no due year');
  assert.deepEqual(years('到2025年，占比达到60%。到2030年，占比达到70%。'), [2025, 2030]);
  assert.deepEqual(yearMarks('（2023—2025年）行动计划').map((m) => m.year), [], 'a span of years is no due year');
});

test('deadlines: from the text (the latest date work is due by), from a 时限 cell (the latest date it names)', () => {
  const cases: [string, string | null][] = [
    ['2024年6月底前完成。', '2024-06-30'], ['到2025年年底，基本建成县域医共体。', '2025-12-31'], ['到2025年，覆盖率达到90%。', null],
    ['2024年年底前，甲院建成特色科室；2026年年底前，乙院建成特色科室。', '2026-12-31'], ['于2024年6月19日印发。', null], ['自2024年起，开展培训。', null],
    ['2025年12月31日前完成。', '2025-12-31'], ['《行动计划（2023—2025年）》。', null],
  ];
  for (const [s, want] of cases) assert.equal(deadlineIn(s, 2024), want, s);
  const cells: [string, number | null, string | null][] = [
    ['2021年2月公布预算信息,2021年8月公布上年度决算信息', 2021, '2021-08-31'], ['12月底前完成阶段性目标', 2021, '2021-12-31'], ['2021年8月前', 2021, '2021-08-31'],
    ['长期推进', 2021, null], ['9月底', null, null], ['2025年底', 2024, '2025-12-31'],
  ];
  for (const [s, y, want] of cells) assert.equal(latestDeadline(s, y), want, s);
});

test('a task deadline: its own 时限 line or inline 完成时限 first, then the latest of its ledger rows, then its text', () => {
  const plan = parsePlanText(['某县方案', '2024年3月1日', '一、任务', '1．建设中心。2025年底前建成。（责任单位：县卫健局；完成时限：2024年12月底）', '2．培养人才。2025年底前完成。', '责任单位：县人社局',
    '3．改革支付。2026年6月底前完成。', '责任单位：县医保局', '附表', '序号\t重点工作\t责任部门\t配合部门\t时限要求', '3\t改革支付，完善机制。\t县医保局\t——\t2025年6月底', '3\t改革支付，总额付费。\t县医保局\t——\t2025年9月底'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits, t.deadline]), [['1', ['县卫健局'], '2024-12-31'], ['2', ['县人社局'], '2025-12-31'], ['3', ['县医保局'], '2025-09-30']]);
});

test('the plan\'s own document number only from its issuing header; none for a draft, whatever its preamble cites', () => {
  const own = parsePlanText(['某市人民政府办公室文件', '某政办〔2024〕24号', '某市进一步完善医疗卫生服务体系实施方案', '为贯彻《意见》（中办发〔2023〕10号），制定本方案。', '一、任务', '1．甲。（责任单位：市卫健委）'].join('\n'));
  assert.equal(own.docNumber, '某政办〔2024〕24号');
  const draft = parsePlanText(['某市进一步完善医疗卫生服务体系实施方案', '（征求意见稿）', '为贯彻《意见》（中办发〔2023〕10号）和《实施方案》（某政办发〔2023〕61号），制定本方案。', '一、任务', '1．甲。（责任单位：市卫健委）'].join('\n'));
  assert.equal(draft.docNumber, null);
  assert.equal(draft.title, '某市进一步完善医疗卫生服务体系实施方案');
  const page = parsePlanText(['文 号: | 某卫发〔2022〕3号 | 所属主题: | 政策文件 |', '某县卫生工作要点', '一、任务', '1．甲。（责任单位：县卫健局）'].join('\n'));
  assert.equal(page.docNumber, '某卫发〔2022〕3号');
});

test('a title across two or three lines, a short last line; a web page\'s 名称 field', () => {
  const t = (lines: string[]) => parsePlanText([...lines, '一、任务', '1．甲。（责任单位：市卫健委）'].join('\n')).title;
  assert.equal(t(['某市人民政府办公室', '某市全面推进紧密型县域医疗卫生', '共同体建设', '实施方案']), '某市全面推进紧密型县域医疗卫生共同体建设实施方案');
  assert.equal(t(['某市进一步改革完善医疗卫生服务体系', '实施方案']), '某市进一步改革完善医疗卫生服务体系实施方案');
  assert.equal(t(['名 称: 某省卫生健康委2021年重点任务台账', '分 类: 通知']), '某省卫生健康委2021年重点任务台账');
  assert.equal(t(['• 政府信息公开', '县卫健委2021年政府工作报告任务分解', '文章来源:某县卫生健康委员会 浏览量: 发表时间:2021-05-07 10:49']), '县卫健委2021年政府工作报告任务分解');
});

test('page fields: keys spaced or not, several on a line, empty ones kept empty', () => {
  assert.deepEqual(pageFields(['索引号: | 307/2024 | 发布机构: | |', '文 号: | 所属主题: | 政策文件 |', '文章来源:灵璧县卫生健康委员会 浏览量: 发表时间:2021-05-07 10:49']), {
    索引号: '307/2024', 发布机构: '', 文号: '', 所属主题: '政策文件', 文章来源: '灵璧县卫生健康委员会', 浏览量: '', 发表时间: '2021-05-07 10:49' });
  const p = parsePlanText(['文章来源:某县卫生健康委员会 浏览量: 发表时间:2021-05-07 10:49', '某县2021年任务分解', '1.甲。', '牵头责任单位:县卫健委', '主要协作单位:各乡镇人民政府、县政府有关部门'].join('\n'));
  assert.deepEqual([p.issuer, p.date, p.docNumber], ['某县卫生健康委员会', '2021-05-07', null]);
  assert.deepEqual(p.tasks.map((x) => [x.leadUnits, x.responsibleUnits, x.cooperatingUnits]), [[['县卫健委'], ['县卫健委'], ['各乡镇人民政府', '县政府有关部门']]]);
});

test('blanket clauses: whom they name and which tasks; they apply their units and never become units', () => {
  const cases: [string, ReturnType<typeof blanketClause>][] = [
    ['其余任务由各相关部门按职责分工负责。', { scope: 'rest', units: ['各相关部门'] }],
    ['以下任务均需各县区政府负责落实。', { scope: 'following', units: ['各县区政府'] }],
    ['上述任务各县区人民政府均为责任单位。', { scope: 'preceding', units: ['各县区人民政府'] }],
    ['各项任务均由各乡镇人民政府负责落实。', { scope: 'all', units: ['各乡镇人民政府'] }],
    ['其他工作由市直相关部门按职责分工负责。', { scope: 'rest', units: ['市直相关部门'] }],
    ['市卫健委负责统筹协调。', null], ['明确各责任单位职责，加强协作。', null],
  ];
  for (const [s, want] of cases) assert.deepEqual(blanketClause(s), want, s);
  assert.deepEqual(splitUnits('市卫健委、其余任务由各相关部门负责'), ['市卫健委']);
  const plan = parsePlanText(['某市方案', '一、任务', '1．甲。（责任单位：市卫健委）', '2．乙。', '3．丙。（责任单位：市财政局；其余任务由各县区人民政府负责）',
    '二、保障', '（一）强化考核。（责任单位：市督查室）', '上述任务各县区人民政府均为责任单位。', '三、组织实施', '其余任务由各相关部门按职责分工负责。'].join('\n'));
  assert.deepEqual(plan.tasks.map((t) => [t.number, t.responsibleUnits]), [['1', ['市卫健委']], ['2', ['各县区人民政府']], ['3', ['市财政局']], ['一', ['市督查室', '各县区人民政府']]]);
  assert.ok(plan.tasks.every((t) => t.responsibleUnits.every((u) => !/任务|负责/.test(u))));
});

test('a ledger table with merged group cells, a 细化分工 column, units joined by 会 and a 完成时限 column', () => {
  const rows = ['序号 | 工作任务 | 细化分工 | 责任处室 | 完成时限 | 备注 |', '1 | 疫情信息发布 | 发布权威信息 | 应急处、疾控处等按职责分工落实 | 长期推进 |', '|', '2 | 做好疫苗接种信息公开 | 疾控处 | 2021年6月底 |',
    '3 | 规范信息发布 | 宣传处会办公室 | 2021年8月前 |'];
  assert.deepEqual(ledgerRowsOf(rows)?.rows, [['1', '疫情信息发布', '发布权威信息', '应急处、疾控处等按职责分工落实', '长期推进'], ['2', '疫情信息发布', '做好疫苗接种信息公开', '疾控处', '2021年6月底'], ['3', '疫情信息发布', '规范信息发布', '宣传处会办公室', '2021年8月前']]);
  assert.deepEqual(ledgerTasks(rows, 2021).map((t) => [t.number, t.title, t.responsibleUnits, t.cooperatingUnits, t.deadline]), [
    ['1', '发布权威信息', ['应急处', '疾控处'], [], null], ['2', '做好疫苗接种信息公开', ['疾控处'], [], '2021-06-30'], ['3', '规范信息发布', ['宣传处'], ['办公室'], '2021-08-31']]);
  assert.deepEqual(cellUnits('规划信息处(爱卫办)'), { units: ['规划信息处(爱卫办)'], joining: [] });
});

test('a signature line just above the title is not part of it', () => {
  assert.equal(parsePlanText(['某市卫生健康委员会', '某市基层卫生能力提升行动方案', '一、任务', '1．甲。（责任单位：市卫健委）'].join('\n')).title, '某市基层卫生能力提升行动方案');
  assert.equal(parsePlanText(['现将方案印发给你们。', '某县卫生健康局', '某县基层卫生', '实施方案', '一、任务', '1．甲。（责任单位：县卫健局）'].join('\n')).title, '某县基层卫生实施方案');
});

test('ratios kept whole, after the measure they are of', () => {
  const read = (s: string) => findTargets(s, null, null).map((t) => [t.metric, t.comparator, t.value, t.unit]);
  assert.deepEqual(read('公立医院床人比不低于1:1.6，医护比达到1∶1.25。'), [['公立医院床人比', '>=', [1, 1.6], ':'], ['医护比', '=', [1, 1.25], ':']]);
  assert.deepEqual(read('会议于10:30召开。'), []);
});
