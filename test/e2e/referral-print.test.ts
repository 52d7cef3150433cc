// The printable 双向转诊单 (src/web/pages/referrals/print.tsx): printed to PDF by Chromium as the browser prints it, and
// read back with poppler — one A4 page, the form's fields, the app's frame left out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAVE_BROWSER, SHOTS, shot, signedInPage, useServerAndBrowser } from './helpers.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.ts';

describe('the printed referral form', { skip: HAVE_BROWSER ? false : 'Chromium not installed' }, () => {
  const ctx = useServerAndBrowser();

  test('the 双向转诊单 prints on one A4 page: the 转出单 of an up-referral, the 回转单 of a down-referral with its plan', async () => {
    const page = await signedInPage(ctx, 'coordinator', DEMO_PASSWORD);
    const list = async (box: string, status: string) => page.evaluate(async ([b, s]) => (await (await fetch(`/api/referrals/inbox?box=${b}&status=${s}`)).json()).items as { id: string; residentName: string; direction: string }[], [box, status]);
    const up = (await list('incoming', 'completed')).find((r) => r.direction === 'up');
    const down = (await list('outgoing', 'completed')).find((r) => r.direction === 'down');
    assert.ok(up && down, 'the demo county has a completed up-referral and a completed down-referral at the county hospital');
    for (const [r, title] of [[up, '双向转诊（转出）单'], [down, '双向转诊（回转）单']] as const) {
      await page.goto(`${ctx.server.url}/referrals/${r.id}`);
      await page.click('[data-testid="open-print"]');
      await page.waitForSelector('[data-testid="referral-form"]');
      assert.equal(await page.textContent('[data-testid="print-title"]'), title);
      assert.match(await page.textContent('[data-testid="print-patient"]') ?? '', new RegExp(`^${r.residentName}`));
      await shot(page, `referral-print-${r.direction}`);
      // printed as the browser prints it (print media: the app's menu and header hidden)
      mkdirSync(SHOTS, { recursive: true });
      const pdf = join(SHOTS, `referral-print-${r.direction}.pdf`);
      writeFileSync(pdf, await page.pdf({ format: 'A4', preferCSSPageSize: true }));
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
      assert.equal(pages, 1, `${title} fills ${pages} A4 pages`);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      for (const want of [title, `${title}（存根）`, r.residentName, '转诊医生（签字）', '（机构盖章）']) assert.ok(text.includes(want), `the printed form shows ${want}`);
      assert.ok(!text.includes('转诊工作台') && !text.includes('English'), 'the app\'s menu and header are not printed');
      if (r.direction === 'down') {
        const plan = await page.evaluate(async (id) => (await (await fetch(`/api/referrals/${id}`)).json()).followUpPlan as string | null, r.id);
        assert.ok(plan && text.replace(/\s+/g, '').includes(plan.replace(/\s+/g, '')), `the 回转单 carries the plan "${plan}"`);
      }
    }
    await page.context().close();
  });
});
