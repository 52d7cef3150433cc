// The two-way referral in the browser: a township GP refers a patient up with a slot picked from the
// county hospital's schedule; the county coordinator accepts; the county doctor completes with a
// down-referral plan; the family doctor sees the task. Screenshots at each step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chooseOption, HAVE_BROWSER, shot, signedInPage, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('two-way referral in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const suite = useServerAndBrowser();

  const as = (username: string): Promise<Page> => signedInPage(suite, username, DEMO_PASSWORD);
  const choose = (page: Page, testId: string, text: string | RegExp) => chooseOption(page, page.locator(`[data-testid="${testId}"]`), text);

  test('GP refers up with a slot → coordinator accepts → county doctor completes with a plan → the family doctor sees the task', async () => {
    // the township GP, from a patient of their team
    const gp = await as('gp');
    const patients = await gp.evaluate(async () => (await (await fetch('/api/chronic/worklist?limit=20')).json()).items as { residentId: string; name: string }[]);
    assert.ok(patients.length > 0, 'the GP\'s team has patients');
    const patient = patients[0];
    await gp.goto(`${suite.server.url}/referrals/new?residentId=${patient.residentId}`);
    await gp.waitForFunction(() => (document.querySelector('[data-testid="summary"]') as HTMLTextAreaElement | null)?.value.includes('转诊原因'));
    await choose(gp, 'target-select', '人民医院');
    await gp.fill('[data-testid="department"]', '心血管内科');
    await choose(gp, 'reason-select', '诊断不明确');
    await choose(gp, 'schedule-select', '心内科普通门诊');
    await gp.waitForSelector('[data-testid="slot-option"]');
    const slotText = (await gp.locator('[data-testid="slot-option"]').first().innerText()).split(/\s+/).slice(0, 3).join(' ');
    await gp.locator('[data-testid="slot-option"]').first().click();
    await shot(gp, 'referrals-1-gp-new');
    await gp.click('[data-testid="send"]');
    await gp.waitForSelector('[data-testid="referral-status"]:has-text("待接收")');
    const referralUrl = gp.url();
    const id = referralUrl.split('/').pop()!;
    assert.match(await gp.textContent('[data-testid="booked-slot"]') ?? '', new RegExp(slotText.slice(0, 5)));
    await shot(gp, 'referrals-2-gp-sent');

    // the county coordinator: it waits in the incoming box with its timer; accept with the booked slot
    const coord = await as('coordinator');
    await coord.goto(`${suite.server.url}/referrals`);
    await coord.waitForSelector('[data-testid="inbox-incoming"] .ant-table-row');
    await coord.fill('input[data-testid="name-filter"], [data-testid="name-filter"] input', patient.name);
    const row = coord.locator('[data-testid="inbox-incoming"] .ant-table-row', { hasText: patient.name }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /剩余/);
    await shot(coord, 'referrals-3-coordinator-inbox');
    await coord.goto(`${suite.server.url}/referrals/${id}`);
    // a second tab on the same referral, opened before the first accepts (a colleague's screen, or the coordinator's own)
    const stale = await coord.context().newPage();
    await stale.goto(`${suite.server.url}/referrals/${id}`);
    await stale.waitForSelector('[data-testid="referral-status"]:has-text("待接收")');
    await coord.click('[data-testid="accept"]');
    await coord.waitForSelector('[data-testid="referral-status"]:has-text("已接收")');
    await shot(coord, 'referrals-4-coordinator-accepted');
    // the stale tab still offers 接收: the second accept is refused, said so, and the tab now shows the referral as it is
    await stale.click('[data-testid="accept"]');
    const refusal = stale.locator('.ant-message-error, .ant-notification-notice-error, .ant-message-notice-error').first();
    await refusal.waitFor();
    // said in words, not codes (it read "status: accepted → accept")
    assert.match(await refusal.innerText(), /转诊单当前为「已接收」，不能接收/);
    assert.doesNotMatch(await refusal.innerText(), /accepted|accept\b|→/);
    await stale.waitForSelector('[data-testid="referral-status"]:has-text("已接收")');
    assert.equal(await stale.locator('[data-testid="accept"]').count(), 0, 'no 接收 button on an accepted referral');
    await shot(stale, 'referrals-4b-second-accept-refused');
    await stale.close();
    const events = await coord.evaluate(async (rid) => (await (await fetch(`/api/referrals/${rid}`)).json()).events as { status: string }[], id);
    assert.equal(events.filter((e) => e.status === 'accepted').length, 1, 'accepted once');

    // the county doctor: arrival, then completion with the down-referral plan
    const doctor = await as('doctor');
    await doctor.goto(`${suite.server.url}/referrals/${id}`);
    await doctor.click('[data-testid="arrive"]');
    await doctor.waitForSelector('[data-testid="referral-status"]:has-text("已到诊")');
    await doctor.click('[data-testid="complete"]');
    await doctor.fill('[data-testid="outcome"]', '冠脉CTA未见明显狭窄，诊断为原发性高血压2级，调整降压方案。');
    await doctor.fill('[data-testid="plan-input"]', '每周测血压两次，2周后社区复诊');
    await doctor.fill('input[data-testid="plan-days"], [data-testid="plan-days"] input', '14');
    await shot(doctor, 'referrals-5-doctor-complete');
    await doctor.click('[data-testid="complete-ok"]');
    await doctor.waitForSelector('[data-testid="referral-status"]:has-text("已完成")');
    await doctor.waitForSelector('.ant-modal-wrap', { state: 'hidden' });
    assert.match(await doctor.textContent('[data-testid="plan"]') ?? '', /每周测血压两次/);
    await shot(doctor, 'referrals-6-doctor-completed');

    // the family doctor sees the follow-up task
    await gp.goto(`${suite.server.url}/referrals?box=tasks`);
    await gp.waitForSelector('[data-testid="tasks"] .ant-table-row');
    await gp.fill('input[data-testid="name-filter"], [data-testid="name-filter"] input', patient.name);
    const task = gp.locator('[data-testid="tasks"] .ant-table-row', { hasText: '每周测血压两次，2周后社区复诊' });
    await task.first().waitFor();
    assert.match(await task.first().innerText(), new RegExp(patient.name));
    await shot(gp, 'referrals-7-gp-task');

    // the patient books a follow-up examination themself from the public share: first their account, activated with the
    // code the GP issues from the resident's page and set up by the resident on the sign-in page
    await gp.goto(`${suite.server.url}/registry/residents/${patient.residentId}`);
    await gp.click('[data-testid="issue-activation"]');
    const code = (await gp.locator('[data-testid="activation-code"]').innerText()).replace(/\D/g, '');
    assert.match(code, /^\d{6}$/);
    await shot(gp, 'referrals-10a-activation-issued');
    // (the resident knows their own ID number; the test reads it as the GP would, with a reason)
    const login = await gp.evaluate(async (rid) => (await (await fetch(`/api/residents/${rid}/reveal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: '开通居民账号' }) })).json()).idNumber as string, patient.residentId);
    const ctx = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
    const res = await ctx.newPage();
    await res.goto(suite.server.url);
    await res.click('[data-testid="activate-open"]');
    await res.waitForSelector('[data-testid="activate-form"]');
    // wrong input first: a five-digit code and two passwords that differ, refused beside their fields, kept as typed
    await res.fill('[data-testid="activate-login"]', login);
    await res.fill('[data-testid="activate-code"]', code.slice(0, 5));
    await res.fill('[data-testid="activate-password"]', 'Resident-pass-1');
    await res.fill('[data-testid="activate-again"]', 'Resident-pass-2');
    await res.click('[data-testid="activate-submit"]');
    await res.locator('.ant-form-item-explain-error', { hasText: '激活码为6位数字' }).waitFor();
    await res.locator('.ant-form-item-explain-error', { hasText: '两次输入的密码不一致' }).waitFor();
    assert.equal(await res.inputValue('[data-testid="activate-code"]'), code.slice(0, 5));
    // a weak password: the server's policy, beside the password
    await res.fill('[data-testid="activate-code"]', code);
    await res.fill('[data-testid="activate-password"]', 'short');
    await res.fill('[data-testid="activate-again"]', 'short');
    await res.click('[data-testid="activate-submit"]');
    await res.locator('.ant-form-item-explain-error', { hasText: '至少8个字符' }).waitFor();
    await shot(res, 'referrals-10b-resident-activation-refused');
    await res.fill('[data-testid="activate-password"]', 'Resident-pass-1');
    await res.fill('[data-testid="activate-again"]', 'Resident-pass-1');
    await res.click('[data-testid="activate-submit"]');
    await res.waitForSelector('[data-testid="resident-home"]');
    await res.goto(`${suite.server.url}/scheduling/my`);
    await choose(res, 'my-schedule', '彩超检查');
    await res.locator('[data-testid="slot-times"] .ant-radio-button-wrapper').first().click();
    await res.getByRole('button', { name: /^预\s*约$/ }).click();
    await res.locator('.ant-table-row', { hasText: '彩超检查' }).first().waitFor();
    await shot(res, 'referrals-10-resident-booking');

    // the figures and the schedules, for the record
    await coord.goto(`${suite.server.url}/referrals/figures`);
    await coord.waitForSelector('[data-testid="figures-table"] .ant-table-row');
    await shot(coord, 'referrals-8-figures');
    await coord.goto(`${suite.server.url}/scheduling`);
    await coord.waitForSelector('[data-testid="slots-table"] .ant-table-row');
    await shot(coord, 'referrals-9-scheduling');
  });
});
