// Medical insurance (医保): settlement lists imported from facilities (all rows or none), DIP
// grouping and the year settled by points, and the fund supervision worklist. The insurance
// bureau's auditors work within their region; facilities and residents are the registry's, reached
// through its functions.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { encrypt, lookupHash, type Keys } from '../../platform/crypto.ts';
import { AppError, badRequest, conflict, notFound, type FieldProblem } from '../../platform/errors.ts';
import { writeAudit, writeAuditMany, type AuditEntry } from '../../platform/audit.ts';
import { scopePrefix } from '../../platform/scope.ts';
import { getFacility } from '../registry/facilities.ts';
import { residentIdByLogin } from '../registry/residents.ts';
import { maskIdNumber } from '../registry/id-number.ts';
import { ageOn } from '../registry/rules.ts';
import { parseCsv } from '../registry/csv.ts';
import { today } from '../../shared/time.ts';
import { checkSettlementList } from './list.ts';
import { budgetPointValue, buildGroups, casePoints, groupOf, settleYear, type DipCase, type GroupTable } from './rules.ts';
import { runRules, type RuleDef, type SupCase } from './supervision.ts';
import * as store from './store.ts';
import type { z } from 'zod';
import type { DipIn, DipOut, HitList, SettlementList } from './schema.ts';

/** The supervision rules shipped as data, with their parameters and sources. */
export const SUPERVISION_RULES: RuleDef[] = (JSON.parse(readFileSync(new URL('../../../data/insurance/supervision-rules.json', import.meta.url), 'utf8')) as { rules: RuleDef[] }).rules;

/** The cells of the first sheet of an XLSX, as text rows (dates as YYYY-MM-DD). */
async function xlsxRows(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw badRequest('insurance.file_unreadable', { zh: '无法读取该 Excel 文件', en: 'The Excel file cannot be read' }, [{ path: 'contentBase64', problem: 'not an .xlsx workbook / 不是 .xlsx 文件' }]);
  }
  const rows: string[][] = [];
  wb.worksheets[0]?.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const v = row.getCell(c).value;
      cells.push(v == null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' && 'result' in v ? String(v.result ?? '')
        : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : String(v));
    }
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/**
 * Imports settlement lists (CSV or the first sheet of an XLSX): every row or none; each bad cell
 * named by row and column, a facility outside the auditor's region or a list number already
 * imported among them. ID numbers are kept encrypted with their lookup hash; a list is linked to
 * the registry's resident when exactly one live resident holds the number.
 */
export async function importSettlements(db: Db, keys: Keys, p: Principal, fileName: string, contentBase64: string): Promise<{ imported: number; matchedResidents: number }> {
  const buf = Buffer.from(contentBase64, 'base64');
  const rows = /\.xlsx$/i.test(fileName) ? await xlsxRows(buf) : parseCsv(buf.toString('utf8').replace(/^\uFEFF/, '')).rows;
  const { items, problems } = checkSettlementList(rows, today());
  const fail = (list: FieldProblem[]) => badRequest('insurance.list_invalid', { zh: `结算清单有 ${list.length} 处错误，未导入任何一行`, en: `${list.length} problems in the settlement lists; nothing was imported` }, list);
  if (problems.length) throw fail(problems);
  return db.tx(async (q) => {
    const within = await scopePrefix(q, p);
    const facilities = new Map<string, { id: string; regionCode: string } | null>();
    for (const code of new Set(items.map((i) => i.facilityCode))) {
      try { const f = await getFacility(q, code, within); facilities.set(code, { id: f.id, regionCode: f.regionCode }); } catch (e) { if (e instanceof AppError && e.status === 404) facilities.set(code, null); else throw e; }
    }
    const taken = new Map<string, Set<string>>();
    for (const [code, f] of facilities) if (f) taken.set(code, await store.existingListNos(q, f.id, items.filter((i) => i.facilityCode === code).map((i) => i.listNo)));
    const more: FieldProblem[] = [];
    items.forEach((it, i) => {
      const row = rowNumbers(rows)[i];
      const f = facilities.get(it.facilityCode);
      if (!f) more.push({ path: `row ${row}, column facility_code`, problem: `"${it.facilityCode}" is not a facility of your region / 不是本辖区的机构` });
      else if (taken.get(it.facilityCode)?.has(it.listNo)) more.push({ path: `row ${row}, column list_no`, problem: `"${it.listNo}" was imported already for this facility / 该机构的此清单已导入` });
    });
    if (more.length) throw fail(more);
    let matched = 0;
    const inserts: store.SettlementInsert[] = [];
    for (const it of items) {
      const f = facilities.get(it.facilityCode)!;
      const residentId = await residentIdByLogin(q, keys, it.idNumber);
      if (residentId) matched++;
      inserts.push({
        countyCode: f.regionCode.slice(0, 6), facilityId: f.id, listNo: it.listNo, insuranceType: it.insuranceType, setting: it.setting, idNumberEnc: encrypt(keys, it.idNumber),
        idNumberHash: lookupHash(keys, it.idNumber), idMasked: maskIdNumber(it.idNumber), residentId, sex: it.sex, birthDate: it.birthDate, admittedOn: it.admittedOn, dischargedOn: it.dischargedOn,
        days: it.days, mainDiagnosis: it.mainDiagnosis, otherDiagnoses: it.otherDiagnoses, procedures: it.procedures, costs: it.costs, totalFen: it.totalFen, fundFen: it.fundFen, selfFen: it.selfFen,
      });
    }
    const imported = await store.insertSettlements(q, inserts, `导入：${fileName}`, p.userId);
    await writeAudit(q, actorOf(p, p.ip), { action: 'insurance.settlements_import', outcome: 'ok', details: { fileName, rows: imported, matchedResidents: matched } });
    return { imported, matchedResidents: matched };
  });
}

/** The file row number (header = 1) of each non-empty data row, in order (as checkSettlementList counts them). */
function rowNumbers(rows: string[][]): number[] {
  const out: number[] = [];
  rows.slice(1).forEach((r, i) => { if (!r.every((c) => !String(c ?? '').trim())) out.push(i + 2); });
  return out;
}

/**
 * The audit of a list read: one row for the list, and one `record.listed` row for each registry
 * resident shown (a list not linked to the registry has no resident's log to go to), all in one
 * transaction, as the other modules' work lists do. The resident reads it in their own access log.
 */
async function auditListed(db: Db, p: Principal, entry: AuditEntry, rows: readonly { resident_id: string | null }[], list: string): Promise<void> {
  const actor = actorOf(p, p.ip);
  const shown = [...new Set(rows.map((r) => r.resident_id).filter((x): x is string => x != null))];
  await db.tx((q) => writeAuditMany(q, [
    { actor, entry },
    ...shown.map((residentId) => ({ actor, entry: { action: 'record.listed', outcome: 'ok' as const, residentId, basis: 'insurance_supervision', details: { list } } })),
  ]));
}

/** Settlement lists of the auditor's region discharged in a period (ID numbers masked); audited as a read of personal data. */
export async function listSettlements(db: Db, p: Principal, f: { from: string; to: string; facilityCode?: string; limit: number; offset: number }): Promise<z.infer<typeof SettlementList>> {
  const within = await scopePrefix(db, p);
  const { rows, total } = await store.listSettlements(db, { within, from: f.from, to: f.to, facilityCode: f.facilityCode ?? null, limit: f.limit, offset: f.offset });
  await auditListed(db, p, { action: 'insurance.settlements_read', outcome: 'ok', details: { from: f.from, to: f.to, facilityCode: f.facilityCode ?? null, rows: rows.length, basis: 'insurance_supervision' } }, rows, 'insurance.settlements');
  return {
    total,
    items: rows.map((r) => ({
      id: r.id, listNo: r.list_no, facilityCode: r.facility_code, facilityName: r.facility_name, insuranceType: r.insurance_type, setting: r.setting, idMasked: r.id_masked, sex: r.sex,
      ageYears: ageOn(r.birth_date, r.admitted_on), admittedOn: r.admitted_on, dischargedOn: r.discharged_on, days: r.days, mainDiagnosis: r.main_diagnosis, otherDiagnoses: r.other_diagnoses,
      procedures: r.procedures, costs: r.costs, totalFen: Number(r.total_fen), fundFen: Number(r.fund_fen), selfFen: Number(r.self_fen), inRegistry: r.resident_id != null,
    })),
  };
}

const dipCase = (r: store.SettlementRow): DipCase => ({ id: r.id, facilityCode: r.facility_code, year: Number(r.discharged_on.slice(0, 4)), mainDiagnosis: r.main_diagnosis, procedures: r.procedures, totalFen: Number(r.total_fen), selfFen: Number(r.self_fen) });

/** The inpatient cases of the region for the year settled and its three base years, in one scan. */
async function dipCases(q: Queryable, within: string | null, year: number): Promise<{ base: DipCase[]; current: DipCase[]; names: Map<string, string> }> {
  const rows = (await store.settlementsBetween(q, within, `${year - 3}-01-01`, `${year}-12-31`)).filter((r) => r.setting === 'inpatient');
  const names = new Map(rows.map((r) => [r.facility_code, r.facility_name]));
  const all = rows.map(dipCase);
  return { base: all.filter((c) => c.year < year), current: all.filter((c) => c.year === year), names };
}

/**
 * DIP for one year of the auditor's region: groups and scores from the three preceding years
 * (1:2:7), the budgeted point value (the fund's budget over the points the last base year's cases
 * would score), the year's cases settled with their outlier bands and hospital coefficients, the
 * settled point value and each hospital's points, cases, payment and balance. A read: nothing is written.
 */
export async function dipYear(db: Db, p: Principal, input: z.infer<typeof DipIn>): Promise<z.infer<typeof DipOut>> {
  const within = await scopePrefix(db, p);
  const { base, current, names } = await dipCases(db, within, input.year);
  const baseYears = [input.year - 3, input.year - 2, input.year - 1] as [number, number, number];
  const table = buildGroups(base, baseYears, { threshold: input.threshold, scale: input.scale });
  return dipReport(table, base, current, names, input, baseYears);
}

/** The DIP answer from a group table and the year's cases (pure once the cases are read; the bench calls it too). */
export function dipReport(table: GroupTable, base: readonly DipCase[], current: readonly DipCase[], names: Map<string, string>, input: z.infer<typeof DipIn>, baseYears: number[]): z.infer<typeof DipOut> {
  const coef = (f: string) => input.coefficients[f] ?? 1;
  let expectedPoints = 0;
  for (const c of base) if (c.year === baseYears[2]) { const g = groupOf(table, c.mainDiagnosis, c.procedures); if (g) expectedPoints += casePoints(c.totalFen, g).points * coef(c.facilityCode); }
  const settled = settleYear(table, current, { fundAvailableFen: input.fundAvailableFen, fundShare: input.fundShare, coefficients: input.coefficients });
  const bands = { normal: 0, low: 0, high: 0, review: 0, ungrouped: 0 };
  const yearCases = new Map<string, number>();
  for (const s of settled.cases) { bands[s.band]++; if (s.groupKey) yearCases.set(s.groupKey, (yearCases.get(s.groupKey) ?? 0) + 1); }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    year: input.year, baseYears, baseCases: base.length, yearCases: current.length, groupedCases: current.length - bands.ungrouped, coreShare: r2(table.coreShare * 100) / 100,
    allMeanFen: Math.round(table.allMeanFen), expectedPoints: r2(expectedPoints), budgetPointValueFen: r2(budgetPointValue(input.fundBudgetFen, input.fundShare, expectedPoints)),
    settledPoints: r2(settled.totalPoints), settledPointValueFen: r2(settled.pointValue), bands,
    groups: [...table.groups.values()].sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key))
      .map((g) => ({ key: g.key, kind: g.kind, baseCases: g.cases, standardFen: Math.round(g.meanFen), score: r2(g.score), yearCases: yearCases.get(g.key) ?? 0 })),
    hospitals: settled.hospitals.map((h) => ({ ...h, facilityName: names.get(h.facilityCode) ?? h.facilityCode, points: r2(h.points) })),
  };
}

const supCase = (r: store.SettlementRow): SupCase => ({
  id: r.id, listNo: r.list_no, patientKey: r.id_number_hash, facilityCode: r.facility_code, setting: r.setting, sex: r.sex, birthDate: r.birth_date, admittedOn: r.admitted_on,
  dischargedOn: r.discharged_on, days: r.days, mainDiagnosis: r.main_diagnosis, otherDiagnoses: r.other_diagnoses, procedures: r.procedures, totalFen: Number(r.total_fen),
});

/**
 * Runs every supervision rule over the year's settlements of the auditor's region (the DIP groups of
 * its three base years for the rules that need them; the last weeks of the year before for
 * readmissions across New Year) and adds the hits to the worklist; a hit already there keeps its decision. Audited.
 */
export async function supervise(db: Db, p: Principal, input: { year: number; threshold: number; scale: number }): Promise<{ cases: number; hits: number; newHits: number; byRule: Record<string, number> }> {
  return db.tx(async (q) => {
    const within = await scopePrefix(q, p);
    const rows = await store.settlementsBetween(q, within, `${input.year - 3}-01-01`, `${input.year}-12-31`);
    const inYear = (r: store.SettlementRow) => r.discharged_on.startsWith(String(input.year));
    const table = buildGroups(rows.filter((r) => r.setting === 'inpatient' && !inYear(r)).map(dipCase), [input.year - 3, input.year - 2, input.year - 1], { threshold: input.threshold, scale: input.scale });
    const window = rows.filter((r) => inYear(r) || r.discharged_on >= `${input.year - 1}-12-01`);
    const ids = new Set(rows.filter(inYear).map((r) => r.id));
    const hits = runRules(SUPERVISION_RULES, window.map(supCase), table.groups.size ? table : null).filter((h) => ids.has(h.settlementId));
    const countyOf = new Map(rows.map((r) => [r.id, r.county_code]));
    const newHits = await store.insertHits(q, hits.map((h) => ({ countyCode: countyOf.get(h.settlementId)!, settlementId: h.settlementId, rule: h.rule, evidence: h.evidence })));
    const byRule: Record<string, number> = {};
    for (const h of hits) byRule[h.rule] = (byRule[h.rule] ?? 0) + 1;
    await writeAudit(q, actorOf(p, p.ip), { action: 'insurance.supervision_run', outcome: 'ok', details: { year: input.year, cases: ids.size, hits: hits.length, newHits } });
    return { cases: ids.size, hits: hits.length, newHits, byRule };
  });
}

/** The auditor's worklist (ID numbers masked) with each rule's counts and precision so far; audited as a read of personal data. */
export async function worklist(db: Db, p: Principal, f: { status?: 'open' | 'confirmed' | 'dismissed'; rule?: string; limit: number; offset: number }): Promise<z.infer<typeof HitList>> {
  const within = await scopePrefix(db, p);
  const { rows, total } = await store.listHits(db, { within, status: f.status ?? null, rule: f.rule ?? null, limit: f.limit, offset: f.offset });
  const counts = await store.hitCounts(db, within);
  await auditListed(db, p, { action: 'insurance.worklist_read', outcome: 'ok', details: { status: f.status ?? null, rule: f.rule ?? null, rows: rows.length, basis: 'insurance_supervision' } }, rows, 'insurance.worklist');
  const name = (code: string) => SUPERVISION_RULES.find((r) => r.code === code)?.name ?? { zh: code, en: code };
  return {
    total,
    items: rows.map((r) => ({
      id: r.id, rule: r.rule_code as RuleDef['code'], ruleName: name(r.rule_code), evidence: r.evidence, status: r.status, note: r.note, decidedBy: r.decided_by_name, decidedAt: r.decided_at, foundAt: r.found_at,
      settlement: { id: r.settlement_id, listNo: r.list_no, facilityCode: r.facility_code, facilityName: r.facility_name, idMasked: r.id_masked, sex: r.sex, admittedOn: r.admitted_on, dischargedOn: r.discharged_on, mainDiagnosis: r.main_diagnosis, totalFen: Number(r.total_fen) },
    })),
    rules: SUPERVISION_RULES.map((r) => {
      const n = (s: string) => counts.find((c) => c.rule_code === r.code && c.status === s)?.n ?? 0;
      const confirmed = n('confirmed');
      const dismissed = n('dismissed');
      return { code: r.code, name: r.name, source: r.source, params: r.params as unknown as Record<string, unknown>, open: n('open'), confirmed, dismissed, precision: confirmed + dismissed ? Math.round((confirmed / (confirmed + dismissed)) * 1000) / 1000 : null };
    }),
  };
}

/** The auditor confirms or dismisses an open hit with a note; a decided hit answers 409; outside the region 404. Audited. */
export async function decide(db: Db, p: Principal, id: string, input: { decision: 'confirmed' | 'dismissed'; note: string }): Promise<{ id: string; status: 'confirmed' | 'dismissed' }> {
  return db.tx(async (q) => {
    const within = await scopePrefix(q, p);
    const hit = await store.hitForUpdate(q, id, within);
    if (!hit) throw notFound({ zh: '监管疑点', en: 'Supervision hit' });
    if (hit.status !== 'open') throw conflict('insurance.hit_decided', { zh: '该疑点已审核', en: 'This hit has been decided already' });
    await store.decideHit(q, id, input.decision, input.note.trim(), p.userId);
    await writeAudit(q, actorOf(p, p.ip), { action: 'insurance.hit_decide', outcome: 'ok', details: { hitId: id, rule: hit.rule_code, settlementId: hit.settlement_id, decision: input.decision } });
    return { id, status: input.decision };
  });
}
