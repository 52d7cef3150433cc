// Drafting a referral: the summary assembled from the record, the direction from the tiers and the
// community, edits before sending (optimistic version), the preview and the facilities it may go to.
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { badRequest, conflict, notFound, stale, type FieldProblem } from '../../platform/errors.ts';
import { requireBasis, type AccessOptions } from '../records/access.ts';
import { assertMayAttach } from '../records/basis.ts';
import { directionOf, GREEN_CHANNELS, REASONS, type State } from './rules.ts';
import { visibleReferral, whoAmI } from './context.ts';
import type { CreateInput, DraftFields, EditInput, Summary, Target } from './schema.ts';
import * as store from './store.ts';

export type { CreateInput, Summary } from './schema.ts';

const VITALS: Record<string, string> = { '8480-6': '收缩压', '8462-4': '舒张压', '8867-4': '心率', '29463-7': '体重', '1558-6': '空腹血糖', '4548-4': '糖化血红蛋白', '2093-3': '总胆固醇', '8310-5': '体温' };

/** Assembles the clinical summary from the record: active problems, medication, allergies, recent vitals and results, the reason. */
export async function assembleSummary(q: Queryable, residentId: string, reason: string): Promise<Summary> {
  const [problems, meds, allergies, vitals] = await store.summaryParts(q, residentId);
  const s: Omit<Summary, 'text'> = {
    assembledAt: new Date().toISOString(), reason,
    problems: problems.map((p) => ({ code: p.icd10, name: p.name_zh, since: p.onset_date })),
    medications: meds.map((m) => ({ drug: m.drug_name, dose: m.dose, frequency: m.frequency, since: new Date(m.prescribed_at).toISOString().slice(0, 10) })),
    allergies: allergies.map((a) => ({ substance: a.substance, reaction: a.reaction, severity: a.severity })),
    vitals: vitals.map((v) => ({ code: v.code, name: VITALS[v.code] ?? v.code, value: Number(v.value), unit: v.unit, at: new Date(v.observed_at).toISOString().slice(0, 10), flag: v.flag })),
  };
  const lines = [
    `转诊原因：${reason}`,
    `现患疾病：${s.problems.map((p) => `${p.name}(${p.code})`).join('；') || '无记录'}`,
    `目前用药：${s.medications.map((m) => [m.drug, m.dose, m.frequency].filter(Boolean).join(' ')).join('；') || '无记录'}`,
    `过敏史：${s.allergies.map((a) => a.substance + (a.reaction ? `（${a.reaction}）` : '')).join('；') || '无已知过敏'}`,
    `近期体征与检验：${s.vitals.map((v) => `${v.name} ${v.value}${v.unit === 'mm[Hg]' ? 'mmHg' : v.unit}${v.flag && v.flag !== 'N' ? `(${v.flag})` : ''} ${v.at}`).join('；') || '无记录'}`,
  ];
  return { ...s, text: lines.join('\n') };
}

function validateInput(i: DraftFields): FieldProblem[] {
  const f: FieldProblem[] = [];
  if (i.reasonCode !== undefined && !REASONS[i.reasonCode]) f.push({ path: 'reasonCode', problem: 'unknown reason code / 未知的转诊原因代码' });
  if (i.reasonCode === 'other' && !i.reasonText?.trim()) f.push({ path: 'reasonText', problem: 'describe the reason / 请说明原因' });
  if (i.urgency === 'green_channel' && !i.greenChannel) f.push({ path: 'greenChannel', problem: 'name the emergency centre / 请选择急救中心' });
  if (i.urgency && i.urgency !== 'green_channel' && i.greenChannel) f.push({ path: 'greenChannel', problem: 'only for the green channel / 仅绿色通道填写' });
  if (i.greenChannel && !GREEN_CHANNELS[i.greenChannel]) f.push({ path: 'greenChannel', problem: 'unknown / 未知' });
  return f;
}

/** Drafts a referral: the direction follows the tiers and the community; the summary is assembled from the record. */
export async function createReferral(db: Db, p: Principal, o: AccessOptions, input: CreateInput) {
  return db.tx(async (q) => {
    // The one rule for attaching anything to a resident (as bookings do), checked in the transaction that writes.
    const { basis } = await assertMayAttach(q, p, input.residentId, o);
    const m = await whoAmI(q, p);
    const fields = validateInput(input);
    const to = await store.openFacilityByCode(q, input.toFacilityCode);
    if (!to) fields.push({ path: 'toFacilityCode', problem: 'unknown facility / 未知机构' });
    else if (to.id === m.facilityId) fields.push({ path: 'toFacilityCode', problem: 'your own facility / 不能转至本机构' });
    if (fields.length) throw badRequest('referral.invalid', { zh: '转诊单有误，未保存', en: 'Invalid referral; nothing was saved' }, fields);
    const direction = directionOf(m.tier, to!.tier, await store.sameCommunity(q, m.facilityId, to!.id));
    const county = await store.residentCounty(q, input.residentId);
    const reason = REASONS[input.reasonCode].zh + (input.reasonText ? `：${input.reasonText}` : '');
    const summary = await assembleSummary(q, input.residentId, reason);
    if (input.summaryText) summary.text = input.summaryText;
    const id = await store.insertDraft(q, {
      residentId: input.residentId, county, direction, urgency: input.urgency, greenChannel: input.greenChannel ?? null, reasonCode: input.reasonCode, reasonText: input.reasonText ?? null,
      fromFacilityId: m.facilityId, fromWorkerId: m.workerId, toFacilityId: to!.id, toDepartment: input.toDepartment ?? null, summary, followUpPlan: input.followUpPlan ?? null,
      followUpDays: input.followUpDays ?? null, inpatient: !!input.inpatient, createdBy: p.userId,
    });
    await store.insertEvent(q, { referralId: id, status: 'draft', fromStatus: null, byUser: p.userId, note: 'drafted' });
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.create', outcome: 'ok', residentId: input.residentId, recordType: 'referral', recordId: id, basis, details: { direction } });
    return { id, direction, status: 'draft' as State };
  });
}

/** Edits a draft before sending: the summary text, reason, urgency, target, plan (optimistic version). */
export async function updateDraft(db: Db, p: Principal, id: string, input: EditInput) {
  return db.tx(async (q) => {
    const { r, side } = await visibleReferral(q, p, id, true);
    if (side !== 'from') throw notFound({ zh: '转诊单', en: 'Referral' });
    if (r.status !== 'draft') throw conflict('referral.invalid_transition', { zh: '只有草稿可以修改', en: 'Only a draft can be edited' }, [{ path: 'status', problem: r.status }]);
    if (r.version !== input.version) throw stale(r.version);
    const urgency = input.urgency ?? r.urgency;
    const green = input.greenChannel !== undefined ? input.greenChannel : urgency === 'green_channel' ? r.green_channel : null;
    const fields = validateInput({ ...input, urgency, greenChannel: green });
    let toId = r.to_facility_id;
    let direction = r.direction;
    if (input.toFacilityCode) {
      const to = await store.openFacilityByCode(q, input.toFacilityCode);
      if (!to || to.id === r.from_facility_id) fields.push({ path: 'toFacilityCode', problem: 'unknown facility / 未知机构' });
      else {
        const fromTier = await store.facilityTier(q, r.from_facility_id);
        toId = to.id;
        direction = directionOf(fromTier, to.tier, await store.sameCommunity(q, r.from_facility_id, to.id));
      }
    }
    if (fields.length) throw badRequest('referral.invalid', { zh: '转诊单有误，未保存', en: 'Invalid referral; nothing was saved' }, fields);
    const reasonCode = input.reasonCode ?? r.reason_code;
    const reasonText = input.reasonText !== undefined ? input.reasonText : r.reason_text;
    let summary = r.summary;
    // A draft from the chronic programme has only the visit's values: assemble the full summary on first edit.
    if (!summary || !summary.text) summary = await assembleSummary(q, r.resident_id, (REASONS[reasonCode]?.zh ?? reasonCode) + (reasonText ? `：${reasonText}` : ''));
    if (input.summaryText != null) summary = { ...summary, text: input.summaryText };
    await store.updateDraft(q, id, {
      urgency, greenChannel: green ?? null, reasonCode, reasonText: reasonText ?? null, toFacilityId: toId, direction, toDepartment: input.toDepartment !== undefined ? input.toDepartment : r.to_department, summary,
      followUpPlan: input.followUpPlan !== undefined ? input.followUpPlan : r.follow_up_plan, followUpDays: input.followUpDays !== undefined ? input.followUpDays : r.follow_up_days, inpatient: input.inpatient ?? r.inpatient,
    });
    await writeAudit(q, actorOf(p, p.ip), { action: 'referral.edit', outcome: 'ok', residentId: r.resident_id, recordType: 'referral', recordId: id });
    return { id, version: r.version + 1 };
  });
}

/** The summary the record would give now (for the form, before the draft exists): a record read, audited. */
export async function summaryPreview(db: Db, p: Principal, o: AccessOptions, residentId: string, reasonCode: string) {
  const { basis } = await requireBasis(db, p, residentId, o);
  const s = await assembleSummary(db, residentId, REASONS[reasonCode]?.zh ?? reasonCode);
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'referral.summary_preview', outcome: 'ok', residentId, basis }));
  return s;
}

/** Facilities a referral may go to from the principal's facility: the community's members first. */
export async function targets(db: Db, p: Principal): Promise<Target[]> {
  const m = await whoAmI(db, p);
  const rows = await store.targetFacilities(db, m.facilityId, m.region.slice(0, 4));
  return rows.map((r) => ({ code: r.code, name: r.name, tier: r.tier, inCommunity: r.in_community, direction: directionOf(m.tier, r.tier, r.in_community) }));
}

/** What another module's rules (the chronic programme) put in a draft for the doctor to complete and send. */
export interface DraftInput {
  residentId: string;
  countyCode: string;
  direction: 'up' | 'down';
  urgency: 'urgent' | 'routine';
  reasonCode: string;
  reasonText: string;
  fromFacilityId: string;
  fromWorkerId: string | null;
  toFacilityId: string;
  summary: object;
  note: string;
  dueAt?: string | null;
}

/** Creates a draft referral with its first event inside the caller's transaction (the caller has checked the basis); returns its id. */
export async function createDraft(q: Queryable, p: Principal, input: DraftInput): Promise<string> {
  const id = await store.insertRuleDraft(q, { ...input, createdBy: p.userId, dueAt: input.dueAt ?? null });
  await store.insertEvent(q, { referralId: id, status: 'draft', fromStatus: null, byUser: p.userId, note: input.note });
  return id;
}
