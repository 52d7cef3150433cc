// The full national hypertension follow-up form (高血压患者随访服务记录表), entered keyboard-only from the
// worklist to saved and on to the next patient, as a village doctor would. Used by the chronic browser test
// (at machine pace) and by bench/followup (at human pace, ~5 keys/s). Every step is a key: Tab moves on until
// the field named by its label has the focus, so the script follows the form's real tab order and fails if a
// field cannot be reached by Tab.
import type { Page } from 'playwright-core';

/** What the script types, and what the saved visit must then hold. */
export const FULL_FORM = {
  visitMode: 'home', sbp: 146, dbp: 92, heartRate: 78, noSymptoms: true,
  smokingNow: 10, smokingTarget: 5, drinkingNow: 2, drinkingTarget: 1, exerciseTimesNow: 3, exerciseTimesTarget: 5, exerciseMinutesNow: 30, exerciseMinutesTarget: 40,
  saltNow: 'medium', saltTarget: 'light', psychology: 'good', compliance: 'fair',
  medications: [{ drug: '氨氯地平片', dose: 5, unit: 'mg', timesPerDay: 1 }],
  advice: '低盐饮食，规律服药，两周后复查血压',
} as const;

export interface KeyRun { keys: number; ms: number; residentId: string }

/**
 * From the worklist page (loaded, the search box focused) to the saved visit of `name` and back on the worklist
 * with the next patient's row focused. `pace` ms after every key (0: as fast as the page answers).
 */
export async function enterFullFollowUp(page: Page, name: string, pace = 0): Promise<KeyRun> {
  let keys = 0;
  const rest = () => (pace ? page.waitForTimeout(pace) : Promise.resolve());
  const press = async (k: string) => { keys++; await page.keyboard.press(k); await rest(); };
  const type = async (text: string) => { for (const ch of text) { keys++; await page.keyboard.type(ch); await rest(); } };
  /** The label of the focused control: its own (a checkbox, a radio, a button) or its form item's. */
  const focusedLabels = () => page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a) return [] as string[];
    const own = a.closest('label, button')?.textContent?.trim() ?? '';
    const item = a.closest('.ant-form-item')?.querySelector('.ant-form-item-label label')?.textContent?.trim() ?? '';
    return [own, item];
  });
  const tabTo = async (label: string, max = 40) => {
    for (let i = 0; i < max; i++) {
      if ((await focusedLabels()).includes(label)) return;
      await press('Tab');
    }
    throw new Error(`「${label}」 not reached by ${max} Tabs`);
  };
  const focusedIs = (sel: string) => page.waitForFunction((s) => document.activeElement?.matches(s) ?? false, sel);

  const t0 = Date.now();
  await focusedIs('[data-testid="worklist-search"] input, input[data-testid="worklist-search"]');
  await type(name);
  await press('Enter'); // to the first row found
  await focusedIs('tr.ant-table-row');
  await press('Enter'); // opens the follow-up
  await focusedIs('#sbp');
  const residentId = /\/chronic\/followup\/([0-9a-f-]{36})\//.exec(page.url())?.[1] ?? '';
  // 随访方式: just before the readings (门诊 by default) → 家庭
  await press('Shift+Tab');
  await press('ArrowRight');
  await press('Tab');
  await type(String(FULL_FORM.sbp)); await press('Tab');
  await type(String(FULL_FORM.dbp)); await press('Tab');
  await type(String(FULL_FORM.heartRate));
  await tabTo('无症状'); await press('Space');
  await tabTo('日吸烟量 支/日');
  const lifestyle = [FULL_FORM.smokingNow, FULL_FORM.smokingTarget, FULL_FORM.drinkingNow, FULL_FORM.drinkingTarget,
    FULL_FORM.exerciseTimesNow, FULL_FORM.exerciseTimesTarget, FULL_FORM.exerciseMinutesNow, FULL_FORM.exerciseMinutesTarget];
  for (const [i, v] of lifestyle.entries()) { await type(String(v)); if (i < lifestyle.length - 1) await press('Tab'); }
  // The radio groups: none chosen yet, Tab lands on the first choice; an arrow moves to and chooses the next.
  await tabTo('摄盐情况'); await press('ArrowRight'); // 轻 → 中
  await tabTo('摄盐目标'); await press('Space'); // 轻
  await tabTo('心理调整'); await press('Space'); // 良好
  await tabTo('遵医行为'); await press('ArrowRight'); // 良好 → 一般
  // 用药情况: a line added by Enter on 添加药物, which takes the focus to its drug
  await tabTo('添加药物'); await press('Enter');
  await focusedIs('#med-0-drug');
  const med = FULL_FORM.medications[0];
  await type(med.drug); await press('Tab');
  await type(String(med.dose));
  await tabTo('每日次数'); await type(String(med.timesPerDay));
  await tabTo('医生建议'); await type(FULL_FORM.advice);
  // Enter in the last field saves (the next visit date left to the rule); the focus goes to 下一位
  await tabTo('下次随访日期'); await press('Enter');
  await page.waitForSelector('[data-testid="followup-saved"]');
  await focusedIs('[data-testid="followup-next"]');
  await press('Enter');
  await page.waitForURL(/\/chronic\/worklist$/);
  await focusedIs('tr.ant-table-row');
  return { keys, ms: Date.now() - t0, residentId };
}
