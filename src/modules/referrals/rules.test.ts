// The referral state machine: every allowed change and every refusal with its code; direction; the
// service level; the deductible-once calculator, worked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, directionOf, transitionText, dueAt, minutesLeft, residentShare, share, STATES, transition, type Action, type State, type TransitionContext, type Tier, type TierParameters } from './rules.ts';

const now = new Date('2026-11-24T08:00:00Z');
const ctx = (o: Partial<TransitionContext> = {}): TransitionContext => ({
  now, dueAt: new Date(now.getTime() + 60_000), urgency: 'routine', direction: 'up', hasPlace: true, summary: true, declineReason: 'no bed', outcome: 'discharged', followUpPlan: null, followUpDays: null,
  everAccepted: false, ...o,
});

test('every allowed change', () => {
  const allowed: [State, Action, State][] = [
    ['draft', 'send', 'sent'], ['sent', 'accept', 'accepted'], ['sent', 'decline', 'declined'], ['accepted', 'arrive', 'arrived'], ['arrived', 'complete', 'completed'],
    ['draft', 'cancel', 'cancelled'], ['sent', 'cancel', 'cancelled'], ['accepted', 'cancel', 'cancelled'],
  ];
  for (const [from, a, to] of allowed) assert.deepEqual(transition(from, a, ctx({ everAccepted: from === 'accepted' || from === 'arrived' })), { to }, `${from} ${a}`);
  assert.deepEqual(transition('sent', 'expire', ctx({ dueAt: new Date(now.getTime() - 1) })), { to: 'expired' });
});

test('every other pair of state and action is refused, with a stable code', () => {
  const ok = new Set(['draft send', 'sent accept', 'sent decline', 'accepted arrive', 'arrived complete', 'draft cancel', 'sent cancel', 'accepted cancel', 'sent expire']);
  for (const s of STATES) {
    for (const a of ACTIONS) {
      if (ok.has(`${s} ${a}`)) continue;
      const r = transition(s, a, ctx({ everAccepted: ['accepted', 'arrived', 'completed'].includes(s) }));
      assert.ok('refusal' in r, `${s} ${a} must be refused`);
      assert.match(r.refusal, /^referral\./);
    }
  }
});

test('named refusals', () => {
  const cases: [State, Action, Partial<TransitionContext>, string][] = [
    // accepting or declining an expired referral, before and after the sweep marks it
    ['sent', 'accept', { dueAt: new Date(now.getTime() - 1) }, 'referral.expired'],
    ['sent', 'decline', { dueAt: new Date(now.getTime() - 1) }, 'referral.expired'],
    ['expired', 'accept', {}, 'referral.expired'],
    // completing or arriving on one never accepted
    ['sent', 'complete', {}, 'referral.not_accepted'],
    ['draft', 'complete', {}, 'referral.not_accepted'],
    ['declined', 'complete', {}, 'referral.not_accepted'],
    ['sent', 'arrive', {}, 'referral.not_accepted'],
    ['accepted', 'complete', { everAccepted: true }, 'referral.not_arrived'],
    ['completed', 'complete', { everAccepted: true }, 'referral.invalid_transition'],
    ['sent', 'accept', { hasPlace: false }, 'referral.needs_place'],
    ['sent', 'decline', { declineReason: ' ' }, 'referral.decline_reason_required'],
    ['draft', 'send', { summary: false }, 'referral.summary_required'],
    ['draft', 'send', { direction: 'down', followUpPlan: '每周随访血压', followUpDays: null }, 'referral.plan_required'],
    ['draft', 'send', { direction: 'down', followUpPlan: null, followUpDays: 14 }, 'referral.plan_required'],
    ['arrived', 'complete', { everAccepted: true, outcome: '' }, 'referral.outcome_required'],
    ['sent', 'expire', { dueAt: now }, 'referral.not_overdue'],
    ['completed', 'cancel', { everAccepted: true }, 'referral.invalid_transition'],
  ];
  for (const [s, a, o, code] of cases) assert.deepEqual((transition(s, a, ctx(o)) as { refusal: string }).refusal, code, `${s} ${a} ${JSON.stringify(o)}`);
});

test('the service level: exactly at the deadline is still in time; a millisecond after is expired', () => {
  assert.deepEqual(transition('sent', 'accept', ctx({ dueAt: now })), { to: 'accepted' });
  assert.deepEqual(transition('sent', 'accept', ctx({ dueAt: new Date(now.getTime() - 1) })), { refusal: 'referral.expired' });
  const sla = { routine: 2880, urgent: 240, green_channel: 30 };
  assert.equal(dueAt(now, 'green_channel', sla).toISOString(), '2026-11-24T08:30:00.000Z');
  assert.equal(dueAt(now, 'routine', sla).toISOString(), '2026-11-26T08:00:00.000Z');
  assert.equal(minutesLeft(new Date(now.getTime() + 90 * 60_000), now), 90);
  assert.equal(minutesLeft(new Date(now.getTime() - 30_000), now), -1);
});

test('the green channel is accepted without a booked place; a down-referral with its plan may be sent', () => {
  assert.deepEqual(transition('sent', 'accept', ctx({ hasPlace: false, urgency: 'green_channel' })), { to: 'accepted' });
  assert.deepEqual(transition('sent', 'accept', ctx({ hasPlace: false, urgency: 'urgent' })), { refusal: 'referral.needs_place', field: 'slotId' });
  assert.deepEqual(transition('draft', 'send', ctx({ direction: 'down', followUpPlan: '每周随访', followUpDays: 14 })), { to: 'sent' });
  assert.deepEqual(transition('sent', 'accept', ctx({ hasPlace: false, direction: 'down' })), { to: 'accepted' });
});

test('direction between tiers', () => {
  const cases: [Tier, Tier, boolean, string][] = [
    ['township', 'county', true, 'up'], ['village', 'township', true, 'up'], ['county', 'township', true, 'down'], ['county', 'village', true, 'down'],
    ['township', 'township', true, 'lateral'], ['county', 'city', false, 'out'], ['township', 'county', false, 'out'],
  ];
  for (const [a, b, same, d] of cases) assert.equal(directionOf(a, b, same), d, `${a}→${b}`);
});

const PARAMS: Record<Tier, TierParameters> = {
  village: { deductibleFen: 0, reimburseBp: 9000, capFen: 20_000_000 },
  township: { deductibleFen: 20_000, reimburseBp: 9000, capFen: 20_000_000 },
  county: { deductibleFen: 60_000, reimburseBp: 8000, capFen: 20_000_000 },
  city: { deductibleFen: 120_000, reimburseBp: 7000, capFen: 20_000_000 },
};

test('deductible once: a township stay then a county stay pay 600 yuan of deductible in all, not 800', () => {
  const stays = [{ tier: 'township' as Tier, totalFen: 300_000 }, { tier: 'county' as Tier, totalFen: 1_000_000 }];
  const once = residentShare(stays, PARAMS, true);
  // township: deductible 200 元, fund 90 % of 2,800 元 = 2,520 元, resident 480 元
  // county: deductible 600 − 200 = 400 元, fund 80 % of 9,600 元 = 7,680 元, resident 2,320 元
  assert.deepEqual(once.stays.map((s) => [s.deductibleFen, s.fundFen, s.residentFen]), [[20_000, 252_000, 48_000], [40_000, 768_000, 232_000]]);
  assert.equal(once.deductibleFen, 60_000);
  assert.equal(once.residentFen, 280_000);
  const twice = residentShare(stays, PARAMS, false);
  assert.equal(twice.deductibleFen, 80_000);
  // county without the rule: deductible 600 元, fund 80 % of 9,400 元 = 7,520 元, resident 2,480 元
  assert.equal(twice.residentFen, 48_000 + 248_000);
  // down again to the township: nothing more to pay as deductible
  assert.equal(residentShare([...stays, { tier: 'township', totalFen: 100_000 }], PARAMS, true).stays[2].deductibleFen, 0);
});

test('deductible edges: a bill below the deductible, the fund rounds down to the fen, the annual cap', () => {
  assert.deepEqual(residentShare([{ tier: 'county', totalFen: 50_000 }], PARAMS, true).stays[0], { tier: 'county', totalFen: 50_000, deductibleFen: 50_000, fundFen: 0, residentFen: 50_000 });
  assert.equal(residentShare([{ tier: 'county', totalFen: 60_001 }], PARAMS, true).stays[0].fundFen, 0);
  assert.equal(residentShare([{ tier: 'county', totalFen: 60_002 }], PARAMS, true).stays[0].fundFen, 1);
  const capped = residentShare([{ tier: 'county', totalFen: 1_000_000 }], { ...PARAMS, county: { ...PARAMS.county, capFen: 500_000 } }, true);
  assert.equal(capped.fundFen, 500_000);
  assert.equal(capped.residentFen, 500_000);
});

test('shares', () => {
  assert.equal(share(1, 3), 0.3333);
  assert.equal(share(0, 0), null);
});

test('a refused move is named in words, in both languages', () => {
  assert.deepEqual(transitionText('accepted', 'accept'), { zh: '转诊单当前为「已接收」，不能接收', en: 'The referral is accepted now and cannot be accepted' });
  assert.deepEqual(transitionText('completed', 'arrive'), { zh: '转诊单当前为「已完成」，不能登记到达', en: 'The referral is completed now and cannot be marked as arrived' });
});
