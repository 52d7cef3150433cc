// The insurance bureau in the browser: an auditor (added to the shared county before the server
// starts) imports settlement lists for the county hospital and a township centre, computes DIP for
// the year — the hospitals' points, payment and balance shown — runs the supervision rules, and on
// the worklist first tries to confirm a hit without a note (refused beside the field, nothing
// written), then confirms it with one; the decision is read back through the API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HAVE_BROWSER, shot, signInUi, useServerAndBrowser } from './helpers.ts';
import { openPglite } from '../../src/platform/db.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { makeIdNumber } from '../../src/modules/registry/id-number.ts';

const PASSWORD = 'Auditor-password-1';
const call = <T,>(page: Page, method: string, path: string, body?: unknown) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch(p as string, { method: m as string, headers: b ? { 'content-type': 'application/json' } : {}, body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, json: await r.json() };
}, [method, path, body] as const) as Promise<{ status: number; json: T }>;

describe('the insurance bureau in the browser', { skip: HAVE_BROWSER ? false : 'Chromium not installed (apt-get install chromium); .ci/run installs it' }, () => {
  const f = { hospital: '', centre: '' };
  const ctx = useServerAndBrowser({
    beforeStart: async (dir) => {
      const db = await openPglite(join(dir, 'db'));
      const [h] = await db.query<{ code: string }>(`SELECT code FROM facilities WHERE tier = 'county' AND kind = 'general_hospital' AND region_code LIKE '371003%' ORDER BY code LIMIT 1`);
      const [c] = await db.query<{ code: string }>(`SELECT code FROM facilities WHERE tier = 'township' AND region_code LIKE '371003%' ORDER BY code LIMIT 1`);
      f.hospital = h.code; f.centre = c.code;
      await createUser(db, null, { username: 'ybj', role: 'insurance_auditor', regionCode: '371003', facilityCode: null, password: PASSWORD });
      await db.close();
    },
  });

  test('import → DIP → supervision → a decision refused without a note, then made', async () => {
    const page = await (await ctx.browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signInUi(page, ctx.server.url, 'ybj', PASSWORD);
    await page.waitForSelector('[data-testid="home-welcome"]');
    const y = new Date().getFullYear() - 1;
    const header = 'list_no,facility_code,insurance_type,setting,id_number,admitted_on,discharged_on,days,main_diagnosis,procedures,total_cost,fund_paid,self_paid';
    const man = (n: number) => makeIdNumber('371003', '1960-01-01', String(n * 2 + 1));
    const rows: string[] = [];
    let k = 0;
    const add = (fac: string, id: string, adm: string, dis: string, days: number, dx: string, procs: string, yuan: number) => rows.push([`E${++k}`, fac, '城乡居民', '住院', id, adm, dis, days, dx, procs, yuan, (yuan * 0.7).toFixed(2), (yuan * 0.3).toFixed(2)].join(','));
    for (const yr of [y - 3, y - 2, y - 1]) for (let i = 0; i < 3; i++) {
      add(f.hospital, man(100 + k), `${yr}-0${i + 3}-01`, `${yr}-0${i + 3}-08`, 7, 'K35.800', '47.0901', 9000 + 500 * i);
      add(f.centre, man(100 + k), `${yr}-0${i + 3}-01`, `${yr}-0${i + 3}-06`, 5, 'I10.x00', '', 3500 + 200 * i);
    }
    add(f.hospital, man(1), `${y}-02-01`, `${y}-02-08`, 7, 'K35.800', '47.0901', 9800);
    add(f.hospital, man(2), `${y}-03-01`, `${y}-03-08`, 7, 'K35.800', '47.0901', 31000);
    add(f.centre, man(3), `${y}-04-01`, `${y}-04-06`, 5, 'I10.x00', '', 3600);
    add(f.centre, man(3), `${y}-04-12`, `${y}-04-17`, 5, 'I10.x00', '', 3700);
    const imp = await call<{ imported: number }>(page, 'POST', '/api/insurance/settlements/import', { fileName: 'lists.csv', contentBase64: Buffer.from([header, ...rows].join('\n')).toString('base64') });
    assert.deepEqual([imp.status, imp.json.imported], [200, 22], JSON.stringify(imp.json));

    await page.goto(`${ctx.server.url}/insurance/settlements`);
    await page.waitForSelector('text=结算清单');
    await shot(page, 'insurance-0-settlements');

    await page.goto(`${ctx.server.url}/insurance/dip`);
    await page.fill('#year', String(y));
    await page.fill('#fundBudgetYuan', '60000');
    await page.fill('#fundAvailableYuan', '40000');
    await page.fill('#threshold', '2');
    await page.click('[data-testid="dip-run"]');
    await page.waitForSelector('text=各医疗机构分值与支付');
    const body = await page.textContent('main') ?? (await page.textContent('body')) ?? '';
    assert.match(body, /结算点值/);
    assert.match(body, /K35\.8\|47\.09/);
    assert.match(body, /费用极高（>200%） 1/);
    await shot(page, 'insurance-1-dip');

    await page.goto(`${ctx.server.url}/insurance/supervision`);
    await page.locator('.ant-card-extra .ant-input-number-input').fill(String(y));
    await page.click('[data-testid="supervision-run"]');
    await page.waitForSelector('text=分解住院 >> nth=1');
    await page.getByRole('button', { name: /^查 ?实$/ }).first().click();
    await page.getByRole('button', { name: /OK|确 ?定/ }).click();
    await page.waitForSelector('text=请填写审核意见');
    const open = await call<{ items: { id: string; status: string }[] }>(page, 'GET', '/api/insurance/supervision/hits?status=open');
    assert.equal(open.json.items.length, 1, 'nothing decided without a note');
    await shot(page, 'insurance-2-note-refused');
    await page.fill('[data-testid="decision-note"]', '同一疾病6天内再入院');
    await page.getByRole('button', { name: /OK|确 ?定/ }).click();
    await page.waitForSelector('text=请填写审核意见', { state: 'detached' });
    const done = await call<{ items: { id: string; note: string; rule: string }[] }>(page, 'GET', '/api/insurance/supervision/hits?status=confirmed');
    assert.deepEqual(done.json.items.map((h) => [h.rule, h.note]), [['decomposed_admission', '同一疾病6天内再入院']]);
    await shot(page, 'insurance-3-worklist');
  });
});
