// The demo county's reform ledger: Wendeng's own plan (data/plans/wendeng-2024.txt) imported through
// the same reader and save as an upload, its departments with their short names, the department
// sign-in `yibao` bound to 区医疗保障局, and one progress report so the ledger is not empty.
import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import type { Role } from '../../shared/roles.ts';
import { parsePlanText } from '../plans/parse.ts';
import { addUnitsIfMissing, planSections, reportProgress, savePlan } from '../ledger/service.ts';
import { bindUnitNamed } from '../users/bulk.ts';

const WENDENG = '371003';
export const DEMO_PLAN = new URL('../../../data/plans/wendeng-2024.txt', import.meta.url).pathname;

// Departments as records before the import, with the short names other documents print for them.
const UNITS: [string, string[]][] = [
  ['区卫生健康局', ['区卫健局', '文登区卫生健康局']],
  ['区医疗保障局', ['区医保局', '文登区医疗保障局']],
  ['区人力资源和社会保障局', ['区人社局']],
  ['区发展和改革局', ['区发改局']],
  ['区财政局', ['文登区财政局']],
  ['区委编办', ['区委机构编制委员会办公室']],
];

async function principal(db: Db, username: string): Promise<Principal | null> {
  const [u] = await db.query<{ id: string; display_name: string; role: Role; region_code: string | null; facility_code: string | null }>(
    'SELECT id, display_name, role, region_code, facility_code FROM users WHERE username = $1', [username]);
  return u ? { userId: u.id, username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code, ip: null } : null;
}

/** Imports the demo plan for the county and binds the department sign-in `yibao` to 区医疗保障局. */
export async function seedLedgerDemo(db: Db, county: string): Promise<void> {
  // The plan is Wendeng's own (371003); a county seeded under another code gets no plan of someone else's.
  const officer = await principal(db, 'officer');
  if (!officer || county !== WENDENG) return;
  await addUnitsIfMissing(db, county, UNITS.map(([name, aliases]) => ({ name, aliases })));
  const text = readFileSync(DEMO_PLAN, 'utf8');
  const plan = parsePlanText(text);
  await savePlan(db, officer, { regionCode: county, sourceName: 'wendeng-2024.txt', plan, sections: planSections(text, plan.tasks) });
  await bindUnitNamed(db, 'yibao', '区医疗保障局');
  const yibao = await principal(db, 'yibao');
  const [task] = await db.query<{ id: string }>("SELECT t.id FROM plan_tasks t JOIN plans p ON p.id = t.plan_id WHERE p.region_code = $1 AND t.title = '推进医保支付方式改革'", [county]);
  if (yibao && task) await reportProgress(db, yibao, task.id, { body: '已将医保基金总额预算打包至医共体牵头医院；DRG基层病组已确定18个，年底前达到20个。', percentDone: 60 });
}
