// An elderly annual service in the browser, keyboard only, as a township GP does it: the area's list of
// residents 65+ (the rate by township with its definition below it), a name typed into the search, Enter
// to the row and Enter to the form; wrong values first — systolic 400, a self-care score the table does
// not have, a service date of tomorrow — each refused beside its field in Chinese and kept as typed,
// nothing saved; then the whole 健康体检表 filled by Tab, Space, arrows and typing, saved, read back
// through the API field by field, and the resident done on the list. Every step is a key: Tab moves on
// until the field named by its label has the focus, so the test fails if a field cannot be reached by Tab.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { HAVE_BROWSER, shot, signedInPage, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';
import { addDays, today } from '../../src/shared/time.ts';

const api = <T,>(page: Page, path: string) => page.evaluate(async (p) => {
  const r = await fetch(p);
  return { status: r.status, json: await r.json() };
}, path) as Promise<{ status: number; json: T }>;

/** What the GP enters, in the form's order, and what the saved service must then hold. */
const FORM = {
  symptoms: ['dizziness', 'other'], symptomsOther: '夜尿多',
  temperature: 36.6, pulse: 76, respiration: 18, systolicLeft: 146, diastolicLeft: 88, systolicRight: 144, diastolicRight: 86, heightCm: 168, weightKg: 72, waistCm: 91,
  healthSelfRating: 'fairly_satisfied', selfCare: { eating: 0, grooming: 1, dressing: 0, toileting: 1, activity: 5 },
  cognition: 'positive', mmse: 25, emotion: 'negative',
  exerciseFrequency: 'weekly', exerciseMinutes: 30, exerciseYears: 5, diet: ['mostly_meat', 'salty'], smoking: 'current', cigarettesPerDay: 15, drinking: 'occasional', alcoholLiang: 1.5,
  lips: 'ruddy', dentition: 'missing', pharynx: 'normal', visionLeft: 0.6, visionRight: 0.8, hearing: 'heard', motor: 'able',
  skin: 'normal', lymphNodes: 'none', breathSounds: 'normal', rales: 'none', heartRate: 76, heartRhythm: 'regular', murmur: 'none', abdomen: 'normal', oedema: 'none',
  haemoglobin: 135, wbc: 6.2, platelets: 220, urineProtein: '-', urineGlucose: '-', fastingGlucose: 6.1,
  alt: 20, ast: 24, totalBilirubin: 11, creatinine: 85, urea: 5.5, totalCholesterol: 5.4, triglycerides: 1.8, ldl: 3.2, hdl: 1.1, ecg: 'normal', ultrasound: 'normal',
  evaluation: 'abnormal', evaluationText: '血压偏高；认知功能粗筛阳性', guidance: ['chronic-management', 'recheck'], riskFactors: ['quit_smoking', 'diet', 'weight_loss'], targetWeightKg: 66,
} as const;

describe('an elderly annual service in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const ctx = useServerAndBrowser();

  test('list → search → the national form by keyboard: wrong values refused beside their fields, the whole form saved and read back', async () => {
    const page = await signedInPage(ctx, 'gp', DEMO_PASSWORD);
    // A resident 65+ of the GP's team not served this year (the team's worklist: a contract, so a basis to write).
    const wl = await api<{ items: { residentId: string; name: string; kind: string }[] }>(page, '/api/chronic/worklist?limit=5000&sort=name');
    assert.equal(wl.status, 200, JSON.stringify(wl.json));
    const due = await api<{ residents: number; counts: { done: number; due: number; overdue: number }; items: { residentId: string; name: string; status: string }[] }>(page, '/api/publichealth/elderly/due?limit=1000');
    assert.equal(due.status, 200, JSON.stringify(due.json));
    assert.ok(due.json.counts.done > 0 && due.json.counts.done < due.json.residents, `the demo township has served some and not others: ${JSON.stringify(due.json.counts)}`);
    const unique = (name: string) => due.json.items.filter((x) => x.name.includes(name)).length === 1;
    const who = wl.json.items.find((x) => x.kind === 'elderly' && unique(x.name));
    assert.ok(who, 'an elderly annual service on the team worklist, of a resident found alone by name');
    assert.notEqual(due.json.items.find((x) => x.residentId === who.residentId)?.status, 'done');

    await page.goto(`${ctx.server.url}/publichealth/elderly`);
    await page.waitForSelector('[data-testid="elderly-summary"]');
    await page.waitForSelector('[data-testid="elderly-rate-definition"]');
    assert.match(await page.textContent('[data-testid="elderly-summary"]') ?? '', new RegExp(`辖区65岁及以上居民 ${due.json.residents} 人`));
    assert.match(await page.textContent('[data-testid="elderly-rate-definition"]') ?? '', /年内辖区内65岁及以上常住居民数/);
    await shot(page, 'elderly-0-list');

    let keys = 0;
    const press = async (k: string) => { keys++; await page.keyboard.press(k); };
    const type = async (text: string) => { keys += text.length; await page.keyboard.type(text); };
    const focusedIs = (sel: string) => page.waitForFunction((s) => document.activeElement?.matches(s) ?? false, sel);
    /** The label of the focused control (a checkbox's, a radio's) and of its form item. */
    const focused = () => page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      const own = a?.closest('label')?.textContent?.trim() ?? '';
      const item = a?.closest('.ant-form-item')?.querySelector('.ant-form-item-label label')?.textContent?.trim() ?? '';
      return { own, item, id: a?.id ?? '' };
    });
    const tabTo = async (item: string, own?: string, max = 60) => {
      for (let i = 0; i < max; i++) {
        const f = await focused();
        if (f.item === item && (own === undefined || f.own === own)) return;
        await press('Tab');
      }
      throw new Error(`「${item}${own ? ` ${own}` : ''}」 not reached by ${max} Tabs (at ${JSON.stringify(await focused())})`);
    };
    const number = async (item: string, v: number) => { await tabTo(item); await press('Control+a'); await type(String(v)); };
    /** A radio group with nothing chosen: Tab lands on its first answer; Space takes it, each arrow the next. */
    const radio = async (item: string, index: number) => { await tabTo(item); await press('Space'); for (let i = 0; i < index; i++) await press('ArrowRight'); };
    const ticks = async (item: string, labels: string[]) => { for (const l of labels) { await tabTo(item, l); await press('Space'); } };

    // Search → the row → the form.
    await focusedIs('[data-testid="elderly-search"] input, input[data-testid="elderly-search"]');
    await type(who.name);
    await press('Enter');
    await focusedIs('tr.ant-table-row');
    await press('Enter');
    await page.waitForURL(new RegExp(`/publichealth/elderly/${who.residentId}$`));
    await focusedIs('#serviceDate');

    // Wrong values first: a service date of tomorrow, systolic 400, grooming scored 2 (the table has 0, 1, 3, 7).
    const tomorrow = addDays(today(), 1);
    await press('Control+a'); await type(tomorrow);
    await number('血压 左侧 收缩压（mmHg）', 400);
    await number('梳洗：梳头、洗脸、刷牙、剃须、洗澡等活动', 2);
    await press('Enter'); // Enter in a field sends the form: refused before it leaves the page
    const errorOf = (id: string) => page.evaluate((x) => document.getElementById(x)?.closest('.ant-form-item')?.querySelector('.ant-form-item-explain-error')?.textContent ?? '', id);
    await page.waitForFunction(() => document.querySelectorAll('.ant-form-item-explain-error').length >= 3);
    assert.equal(await errorOf('serviceDate'), '体检日期不能晚于今天');
    assert.equal(await errorOf('systolicLeft'), '左侧收缩压（mmHg）应在 60 至 280 之间');
    assert.equal(await errorOf('selfCare-grooming'), '梳洗评分应为 0、1、3、7 之一');
    assert.equal(await errorOf('selfCare-eating'), '请填写进餐评分');
    // Kept as typed, not clamped or changed; nothing saved.
    assert.deepEqual([await page.inputValue('#serviceDate'), await page.inputValue('#systolicLeft'), await page.inputValue('#selfCare-grooming')], [tomorrow, '400', '2']);
    assert.match(await page.textContent('[data-testid="elderly-error"]') ?? '', /未保存/);
    await shot(page, 'elderly-1-refused');
    const before = await api<{ services: unknown[] }>(page, `/api/publichealth/elderly/residents/${who.residentId}`);
    assert.equal(before.json.services.length, 0, 'nothing saved');

    // The whole form by keyboard, from the top: today's date, then every part in the form's order.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.focus('#serviceDate');
    await press('Control+a'); await type(today());
    await ticks('症状', ['头晕', '其他']);
    await tabTo('其他症状'); await type(FORM.symptomsOther);
    for (const [label, v] of [['体温（°C）', FORM.temperature], ['脉率（次/分钟）', FORM.pulse], ['呼吸频率（次/分钟）', FORM.respiration],
      ['血压 左侧 收缩压（mmHg）', FORM.systolicLeft], ['血压 左侧 舒张压（mmHg）', FORM.diastolicLeft], ['血压 右侧 收缩压（mmHg）', FORM.systolicRight], ['血压 右侧 舒张压（mmHg）', FORM.diastolicRight],
      ['身高（cm）', FORM.heightCm], ['体重（kg）', FORM.weightKg], ['腰围（cm）', FORM.waistCm]] as const) await number(label, v);
    await radio('老年人健康状态自我评估', 1); // 基本满意
    for (const [label, v] of [['进餐：使用餐具将饭菜送入口、咀嚼、吞咽等活动', 0], ['梳洗：梳头、洗脸、刷牙、剃须、洗澡等活动', 1], ['穿衣：穿衣裤、袜子、鞋子等活动', 0],
      ['如厕：小便、大便等活动及自控', 1], ['活动：站立、室内行走、上下楼梯、户外活动', 5]] as const) await number(label, v);
    await page.waitForFunction(() => document.querySelector('[data-testid="elderly-selfcare-total"]')?.textContent === '总评分 7 分 · 轻度依赖');
    assert.equal(await page.textContent('[data-testid="elderly-bmi"]'), 'BMI 25.5 kg/m²（超重）');
    await radio('老年人认知功能', 1); // 粗筛阳性
    await number('简易智力状态检查 总分', FORM.mmse);
    await radio('老年人情感状态', 0);
    await radio('体育锻炼 锻炼频率', 1); // 每周一次以上
    await number('每次锻炼时间（分钟）', FORM.exerciseMinutes);
    await number('坚持锻炼时间（年）', FORM.exerciseYears);
    await ticks('饮食习惯', ['荤食为主', '嗜盐']);
    await radio('吸烟状况', 2); // 吸烟
    await number('日吸烟量（支）', FORM.cigarettesPerDay);
    await radio('饮酒频率', 1); // 偶尔
    await number('日饮酒量（两）', FORM.alcoholLiang);
    await radio('口腔 口唇', 0);
    await radio('口腔 齿列', 1); // 缺齿
    await radio('口腔 咽部', 0);
    await number('视力 左眼', FORM.visionLeft);
    await number('视力 右眼', FORM.visionRight);
    await radio('听力', 0);
    await radio('运动功能', 0);
    for (const item of ['皮肤', '淋巴结', '肺 呼吸音', '肺 罗音']) await radio(item, 0);
    await number('心率（次/分钟）', FORM.heartRate);
    for (const item of ['心脏 心律', '心脏 杂音', '腹部（压痛、包块、肝大、脾大、移动性浊音）', '下肢水肿']) await radio(item, 0);
    for (const [label, v] of [['血红蛋白（g/L）', FORM.haemoglobin], ['白细胞（×10⁹/L）', FORM.wbc], ['血小板（×10⁹/L）', FORM.platelets]] as const) await number(label, v);
    await radio('尿蛋白', 0);
    await radio('尿糖', 0);
    for (const [label, v] of [['空腹血糖（mmol/L）', FORM.fastingGlucose], ['血清谷丙转氨酶（U/L）', FORM.alt], ['血清谷草转氨酶（U/L）', FORM.ast], ['总胆红素（μmol/L）', FORM.totalBilirubin],
      ['血清肌酐（μmol/L）', FORM.creatinine], ['血尿素（mmol/L）', FORM.urea], ['总胆固醇（mmol/L）', FORM.totalCholesterol], ['甘油三酯（mmol/L）', FORM.triglycerides],
      ['低密度脂蛋白胆固醇（mmol/L）', FORM.ldl], ['高密度脂蛋白胆固醇（mmol/L）', FORM.hdl]] as const) await number(label, v);
    await radio('心电图', 0);
    await radio('腹部B超', 0);
    await radio('健康评价', 1); // 有异常
    await tabTo('异常'); await type(FORM.evaluationText);
    await ticks('健康指导', ['纳入慢性病患者健康管理', '建议复查']);
    await ticks('危险因素控制', ['戒烟', '饮食', '减体重']);
    await number('减体重目标（kg）', FORM.targetWeightKg);
    await shot(page, 'elderly-2-form-filled');
    await press('Enter'); // sends the form
    await page.waitForSelector('[data-testid="elderly-saved"]');
    assert.match(await page.textContent('[data-testid="elderly-saved"]') ?? '', /已保存：生活自理能力 轻度依赖（7分），BMI 25.5（超重）.*体检表填写完整，计入老年人健康管理/);
    await focusedIs('[data-testid="elderly-back"]');
    await shot(page, 'elderly-3-saved');

    // Read back through the API: every field as typed.
    const after = await api<{ status: string; services: { serviceDate: string; complete: boolean; selfCareTotal: number; form: Record<string, unknown> }[] }>(page, `/api/publichealth/elderly/residents/${who.residentId}`);
    assert.equal(after.status, 200);
    assert.equal(after.json.services.length, 1);
    assert.deepEqual(after.json.services[0].form, { serviceDate: today(), ...FORM });
    assert.deepEqual([after.json.status, after.json.services[0].complete, after.json.services[0].selfCareTotal], ['done', true, 7]);

    // Back to the list (Enter on 返回名单): the resident is done; the worklist no longer asks for the service.
    await press('Enter');
    await page.waitForURL(/\/publichealth\/elderly$/);
    // (the list is read again after the save: until its answer arrives the row may show the list as it was)
    await page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent?.includes(text) ?? false, [`[data-testid="elderly-row-${who.residentId}"]`, `已完成${today()}`] as const, { timeout: 15_000 });
    await shot(page, 'elderly-4-list-after');
    const wl2 = await api<{ items: { residentId: string; kind: string }[] }>(page, '/api/chronic/worklist?limit=5000');
    assert.ok(!wl2.json.items.some((x) => x.residentId === who.residentId && x.kind === 'elderly'), 'the annual service left the worklist');

    // In English: the same refusal beside its field in English, the rate's definition in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="elderly-rate-definition"]')?.textContent?.includes('permanent residents 65+') ?? false);
    await page.goto(`${ctx.server.url}/publichealth/elderly/${who.residentId}`);
    await focusedIs('#serviceDate');
    await page.focus('#systolicLeft');
    await type('400');
    await press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.ant-form-item-explain-error').length > 0);
    assert.equal(await errorOf('systolicLeft'), 'systolic BP, left (mmHg) must be between 60 and 280');
    assert.equal(await errorOf('selfCare-eating'), 'eating score is required');
    assert.equal(await page.inputValue('#systolicLeft'), '400');
    await shot(page, 'elderly-5-refused-en');
    assert.ok(keys > 150, `${keys} keys`);
  });
});
