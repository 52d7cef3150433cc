// Every menu page of every demo user, once each in Chinese (by the first demo user whose menu has it): words only — no
// region code, snake_case value, message key or missing value — and no page load refused to a user whose menu offers
// it (test/e2e/walk.ts). MERIDIAN_WALK_EN=gp,officer walks those users' pages in English as well.
import { describe, test } from 'node:test';
import { HAVE_BROWSER, useServerAndBrowser } from './helpers.ts';
import { DEMO_USERS } from '../../src/modules/demo/demo.ts';
import { walkPages } from './walk.ts';

describe('every menu page shows words', { skip: HAVE_BROWSER ? false : 'Chromium not installed' }, () => {
  const ctx = useServerAndBrowser();

  test('no code, key or missing value on any page; no page load refused to a user whose menu offers it', async () => {
    await walkPages(ctx, DEMO_USERS, 30);
  });
});
