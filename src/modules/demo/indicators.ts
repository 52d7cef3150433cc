// The demo's indicators: a few targets for Wendeng typed in by hand (the plan's own targets come with the
// import of 威文政办字〔2024〕10号 into the ledger, src/modules/demo/ledger.ts; its share of community hospitals
// is entered here as the count the catalogue measures), and the indicators computed
// for the months of the seeded year of care, so the dashboards are full on first start.
import type { Db } from '../../platform/db.ts';
import { compute } from '../indicators/engine.ts';
import { addHandTargets } from '../indicators/service.ts';
import { periodsOfYear } from '../indicators/rules.ts';
import { today } from '../../shared/time.ts';

const PLAN = '威文政办字〔2024〕10号';

/** Adds Wendeng's hand targets (when the county is Wendeng; the year of care, 65+ health checks included, is history.ts's), then computes every indicator for every period of this year. */
export async function seedIndicators(db: Db, county: string, log: (m: string) => void = () => {}, computeNow = true): Promise<void> {
  const day = today();
  const year = Number(day.slice(0, 4));
  if (county === '371003') {
    // 60% of the community centres become community hospitals: as a count of this county's centres.
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM facilities WHERE kind = 'community_centre' AND region_code LIKE $1 || '%'`, [county]);
    const rows: [string, string, number, string, number, string, string][] = [
      ['community_hospitals', '>=', Math.ceil(n * 0.6), '个', 2025, '到2025年年底前，60%以上社区卫生服务中心建成社区医院', `${PLAN} 任务2（手工录入；按本区${n}个社区卫生服务中心的60%折算为个数）`],
      ['htn_control_rate', '>=', 60, '%', year, '管理人群血压控制率达到60%', '区卫健局年度工作目标（演示数据，手工录入，非规划原文）'],
      ['contract_coverage', '>=', 65, '%', year, '家庭医生签约服务覆盖率达到65%', '区卫健局年度工作目标（演示数据，手工录入，非规划原文）'],
    ];
    // Through the owner of the targets (the indicators module).
    await db.tx((q) => addHandTargets(q, county, rows.map(([code, comparator, value, unit, dueYear, text, note]) => ({ code, comparator, value, unit, dueYear, text, note }))));
  }
  if (!computeNow) return;
  const r = await compute(db, { county, periods: periodsOfYear(year, day), today: day });
  log(`indicators: ${r.indicators} indicators × ${r.periods} periods, ${r.values} values (${r.ms} ms)`);
}
