// The laboratory interface: HL7 v2 ORU^R01 messages (from `mllp.ts`) kept, checked, mapped to their
// order and made into the order's report through the service's report path; each answered with its
// ACK. What is not accepted stays listed for the centre's staff, who match it to an order (then it is
// processed) or dismiss it with a reason. Nothing is ever lost: a message is stored in its own
// transaction before it is processed, and a failure only changes its status.
//
// Decisions (docs/reference/contracts.md, HL7 v2):
// - Unknown sender (MSH-4 not the facility code of a live system client allowed to write results),
//   unreadable message, unsupported type or version → AR (rejected).
// - Understood but not processed (a required field missing, a value that is not a number, a unit
//   other than the centre's, an order in the wrong state, a patient who is not the order's) → AE
//   (error); no order by its placer or filler number → AE 204 (unmatched). Both kept and listed.
// - The same sender's control id (MSH-10) again with the same text is a resend (HL7 v2.5.1 §2.10.1):
//   answered as the first message is answered now (AA once accepted — also after a person matched
//   it), with no second report. The same control id with different text is an error (AE 205).
import type { Hl7Message } from '@medplum/core';
import type { Db, Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { actorOf } from '../../platform/auth.ts';
import { writeAudit } from '../../platform/audit.ts';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.ts';
import { systemClientOfFacility } from '../auth/clients.ts';
import { careFacts } from '../registry/residents.ts';
import { facilityBriefs, getFacility } from '../registry/facilities.ts';
import {
  buildAck, mapObservation, orderKey, readHeader, readOru, reportTextOf, resultAction, summaryOf,
  type Hl7Header, type Hl7Problem, type MappedObservation, type Oru,
} from './hl7.ts';
import { applyLabResult, itemOfOrder, labOrderFor } from './service.ts';
import * as store from './store.ts';

type Status = store.LabMessageRow['status'];
type AckCode = 'AA' | 'AE' | 'AR';
export interface Inbound { ack: string; messageId: string; status: Status; ackCode: AckCode; reason: string }

/** A refusal found while processing: the message keeps this status and is answered with the problem. */
class Refusal extends Error {
  constructor(readonly status: 'error' | 'unmatched', readonly problem: Hl7Problem) { super(problem.text); }
}

let ackSeq = 0;
const ackId = (now: Date) => `MER${now.getTime().toString(36).toUpperCase()}${(++ackSeq % 1296).toString(36).toUpperCase().padStart(2, '0')}`;
const LAB_ACTOR = { userId: null, username: 'mllp', role: null, ip: null };

async function audit(q: Queryable, p: Principal | null, peer: string | null, id: string, status: Status, ackCode: AckCode, reason: string, residentId: string | null = null) {
  await writeAudit(q, p ? actorOf(p, peer) : { ...LAB_ACTOR, ip: peer }, {
    action: 'diagnostics.lab_message', outcome: status === 'accepted' || status === 'duplicate' ? 'ok' : status === 'rejected' ? 'denied' : 'failed',
    residentId, basis: residentId ? 'lab_interface' : undefined, recordType: 'lab_message', recordId: id, details: { status, ack: ackCode, reason: reason.slice(0, 300) },
  });
}

/** The answer a kept message earns now (for a resend): AA once accepted, AR if rejected, AE otherwise. */
const answerOf = (m: store.LabMessageRow): AckCode => (m.status === 'accepted' ? 'AA' : m.status === 'rejected' ? 'AR' : 'AE');

/**
 * One inbound message, from its raw text to its ACK: kept first, then the sender, a resend, the
 * content, the order and the report, each refusal answered and kept with its reason.
 */
export async function receiveLabMessage(db: Db, raw: string, peer: string | null, now = new Date(), log?: { error(o: object, m: string): void }): Promise<Inbound> {
  const h = readHeader(raw);
  if (!h.ok) {
    const reason = h.problem.text;
    const id = await db.tx(async (q) => {
      const mid = await store.insertLabMessage(q, { peer, raw, sendingFacility: null, messageType: null, controlId: null, clientId: null, facilityId: null, status: 'rejected', ackCode: 'AR', reason, duplicateOf: null });
      await audit(q, null, peer, mid, 'rejected', 'AR', reason);
      return mid;
    });
    return { ack: buildAck(null, 'AR', reason, h.problem, now, ackId(now)), messageId: id, status: 'rejected', ackCode: 'AR', reason };
  }
  const header = h.header;
  const base = { peer, raw, sendingFacility: header.sendingFacility || null, messageType: [header.type, header.event].filter(Boolean).join('^') || null, controlId: header.controlId || null };
  const sys = await systemClientOfFacility(db, header.sendingFacility, peer);
  if (!sys) {
    const p: Hl7Problem = { ack: 'AR', code: 103, text: `sending facility ${header.sendingFacility.slice(0, 32) || '(none)'} is not a registered system client / 发送机构（MSH-4）不是已登记的系统客户端`, where: 'MSH-4' };
    const id = await db.tx(async (q) => {
      const mid = await store.insertLabMessage(q, { ...base, clientId: null, facilityId: null, status: 'rejected', ackCode: 'AR', reason: p.text, duplicateOf: null });
      await audit(q, null, peer, mid, 'rejected', 'AR', p.text);
      return mid;
    });
    return { ack: buildAck(header, 'AR', p.text, p, now, ackId(now)), messageId: id, status: 'rejected', ackCode: 'AR', reason: p.text };
  }
  // Kept first, in its own transaction: whatever happens next, the message is there.
  let kept: { id: string; duplicate: Inbound | null } | null = null;
  for (let attempt = 0; !kept; attempt++) {
    try {
      kept = await db.tx(async (q) => {
        const first = base.controlId ? await store.firstLabMessage(q, sys.userId, base.controlId) : undefined;
        if (first) {
          const same = first.raw === raw;
          const code: AckCode = same ? answerOf(first) : 'AE';
          const reason = same ? `resent message: answered as message ${first.id} (${first.status}${first.resolution ? `, ${first.resolution}` : ''}); nothing written again / 重复发送：按首条消息答复，未重复处理`
            : `control id ${base.controlId} was used already for a different message (${first.id}) / 消息控制号已用于另一条不同的消息`;
          const status: Status = same ? 'duplicate' : 'error';
          const mid = await store.insertLabMessage(q, { ...base, clientId: sys.userId, facilityId: sys.facilityId, status, ackCode: code, reason, duplicateOf: first.id });
          await audit(q, sys, peer, mid, status, code, reason);
          const p: Hl7Problem | null = code === 'AA' ? null : same ? { ack: code as 'AE' | 'AR', code: 205, text: first.reason ?? reason, where: 'MSH-10' } : { ack: 'AE', code: 205, text: reason, where: 'MSH-10' };
          const text = code === 'AA' ? reason : p!.text;
          return { id: mid, duplicate: { ack: buildAck(header, code, text, p, now, ackId(now)), messageId: mid, status, ackCode: code, reason } };
        }
        const mid = await store.insertLabMessage(q, { ...base, clientId: sys.userId, facilityId: sys.facilityId, status: 'received', ackCode: null, reason: null, duplicateOf: null });
        return { id: mid, duplicate: null };
      });
    } catch (e) {
      // the same control id arriving twice at once: the second sees the first on its next try
      if ((e as { code?: string }).code === '23505' && attempt < 2) continue;
      throw e;
    }
  }
  if (kept.duplicate) return kept.duplicate;
  const id = kept.id;
  try {
    const done = await db.tx(async (q) => {
      const r = await processOru(q, sys, h.message, id, sys.facilityId, null, now);
      await store.setLabMessageOutcome(q, id, { status: 'accepted', ackCode: 'AA', reason: r.reason, orderId: r.orderId, reportId: r.reportId });
      await audit(q, sys, peer, id, 'accepted', 'AA', r.reason, r.residentId);
      return r;
    });
    return { ack: buildAck(header, 'AA', done.reason, null, now, ackId(now)), messageId: id, status: 'accepted', ackCode: 'AA', reason: done.reason };
  } catch (e) {
    const { status, problem } = refusalOf(e);
    await db.tx(async (q) => {
      await store.setLabMessageOutcome(q, id, { status, ackCode: problem.ack, reason: problem.text });
      await audit(q, sys, peer, id, status, problem.ack, problem.text);
    });
    if (!(e instanceof Refusal) && !(e instanceof AppError)) log?.error({ err: e, messageId: id }, 'laboratory message failed');
    return { ack: buildAck(header, problem.ack, problem.text, problem, now, ackId(now)), messageId: id, status, ackCode: problem.ack, reason: problem.text };
  }
}

/** A message that came as an MLLP frame too long to hold: kept (its head) as rejected and answered AR. */
export async function receiveOversized(db: Db, head: string, peer: string | null, now = new Date()): Promise<Inbound> {
  const reason = 'message longer than 1 MiB: refused (its first 4,096 characters kept) / 消息超过 1 MiB，已拒收（保留前 4096 个字符）';
  const h = readHeader(head);
  const header: Hl7Header | null = h.ok ? h.header : null;
  const id = await db.tx(async (q) => {
    const mid = await store.insertLabMessage(q, { peer, raw: head.slice(0, 4096), sendingFacility: header?.sendingFacility || null, messageType: header ? `${header.type}^${header.event}` : null, controlId: null, clientId: null, facilityId: null, status: 'rejected', ackCode: 'AR', reason, duplicateOf: null });
    await audit(q, null, peer, mid, 'rejected', 'AR', reason);
    return mid;
  });
  return { ack: buildAck(header, 'AR', reason, { ack: 'AR', code: 100, text: reason }, now, ackId(now)), messageId: id, status: 'rejected', ackCode: 'AR', reason };
}

function refusalOf(e: unknown): { status: 'error' | 'unmatched'; problem: Hl7Problem } {
  if (e instanceof Refusal) return { status: e.status, problem: e.problem };
  if (e instanceof AppError) return { status: 'error', problem: { ack: 'AE', code: 207, text: `${e.text.en} / ${e.text.zh}` } };
  return { status: 'error', problem: { ack: 'AE', code: 207, text: 'internal error while processing; the message is kept / 处理时出现内部错误，消息已保存' } };
}

/**
 * The content of an ORU^R01 made into its order's report (inside the caller's transaction): read,
 * the result status, the one order it names (or the one a person chose), the patient checked against
 * the order's resident (PID-7 birth date, PID-8 sex, where sent), each OBX mapped by the item's
 * analytes, then the service's report path.
 */
async function processOru(q: Queryable, actor: Principal, message: Hl7Message, messageId: string, facilityId: string, chosen: store.OrderRow | null, now: Date) {
  const r = readOru(message);
  if (!r.ok) throw new Refusal('error', r.problem);
  const oru: Oru = r.oru;
  const action = resultAction(oru.groups.map((g) => g.resultStatus));
  if (!action) throw new Refusal('error', { ack: 'AE', code: 103, text: `OBR-25 result status ${oru.groups.map((g) => g.resultStatus || '(empty)').join(',')} gives no result to record (F, P or C expected) / 结果状态不是 F、P 或 C`, where: 'OBR-25' });
  const key = orderKey(oru.groups);
  if (!key.ok) throw new Refusal('error', key.problem);
  const order = chosen ?? await labOrderFor(q, facilityId, key);
  if (!order) {
    throw new Refusal('unmatched', { ack: 'AE', code: 204, text: `no order of this laboratory with ${key.placer ? `placer number ${key.placer}` : ''}${key.placer && key.filler ? ' or ' : ''}${key.filler ? `filler number ${key.filler}` : ''}; kept for matching / 未找到对应申请，已保存待人工匹配`, where: key.placer ? 'ORC-2' : 'ORC-3' });
  }
  const facts = await careFacts(q, order.resident_id);
  if (!facts) throw new Refusal('error', { ack: 'AE', code: 204, text: 'the order\'s resident is no longer in the master index / 申请对应的居民已不在主索引中', where: 'PID-3' });
  if (oru.patient.birthDate && oru.patient.birthDate !== facts.birthDate) throw new Refusal('error', { ack: 'AE', code: 204, text: `PID-7 birth date ${oru.patient.birthDate} is not that of the order's patient / 出生日期与申请的患者不符`, where: 'PID-7' });
  if (oru.patient.sex && oru.patient.sex !== facts.sex) throw new Refusal('error', { ack: 'AE', code: 204, text: `PID-8 sex ${oru.patient.sex} is not that of the order's patient / 性别与申请的患者不符`, where: 'PID-8' });
  const item = await itemOfOrder(q, order);
  const observations: MappedObservation[] = [];
  const lines: string[] = [];
  for (const g of oru.groups) {
    for (const o of g.observations) {
      const m = mapObservation(o, item.analytes ?? []);
      if (m.kind === 'problem') throw new Refusal('error', m.problem);
      if (m.kind === 'value') observations.push(m.obs);
      else lines.push(m.line);
    }
  }
  const codes = observations.map((o) => o.code);
  const twice = codes.find((c, i) => codes.indexOf(c) !== i);
  if (twice) throw new Refusal('error', { ack: 'AE', code: 205, text: `observation ${twice} appears twice in the message / 同一检验项目出现两次`, where: 'OBX-3' });
  const notes = oru.groups.flatMap((g) => g.notes);
  const text = reportTextOf(observations, lines, notes);
  const lisName = actor.kind === 'system' ? actor.displayName : 'LIS';
  const observer = oru.groups.flatMap((g) => g.observations).map((o) => o.observer).find(Boolean) ?? null;
  const interpreter = oru.groups.map((g) => g.interpreter).find(Boolean) ?? null;
  const writerName = `${observer ?? lisName}（检验系统 / LIS）`.slice(0, 100);
  const verifierName = `${interpreter ?? observer ?? lisName}（检验系统 / LIS）`.slice(0, 100);
  const res = await applyLabResult(q, actor, order, {
    action, findings: text.findings, impression: text.impression, observations,
    writer: { userId: null, name: writerName, messageId }, verifier: { userId: null, name: verifierName, messageId },
    fillerNumber: key.filler, reason: action === 'C' ? (notes.join(' ').slice(0, 500) || null) : null,
  }, now);
  return { orderId: order.id, reportId: res.reportId, residentId: order.resident_id, reason: `${res.outcome}: order ${order.placer_number}, ${observations.length} result(s) / 已${res.outcome === 'published' ? '发布' : res.outcome === 'amended' ? '更正' : '写入初步报告'}` };
}

// ---- the people who resolve what was not accepted ----

async function visibleFacilities(q: Queryable, p: Principal): Promise<string[] | null> {
  if (p.role === 'sysadmin') return null;
  if (p.role !== 'diagnostician' || !p.facilityCode) return [];
  return [(await getFacility(q, p.facilityCode, null)).id];
}

async function describe(q: Queryable, rows: store.LabMessageRow[], showRaw: boolean) {
  const facs = await facilityBriefs(q, rows.map((r) => r.facility_id).filter((x): x is string => !!x));
  return rows.map((m) => {
    const h = readHeader(m.raw);
    const sum = h.ok ? summaryOf(h.message) : { placer: null, filler: null, service: null, resultStatus: null, results: 0 };
    return {
      id: m.id, receivedAt: m.received_at.toISOString(), peer: m.peer, sendingFacility: m.sending_facility, sender: m.facility_id ? facs.get(m.facility_id)?.name ?? null : null,
      messageType: m.message_type, controlId: m.control_id, status: m.status, ackCode: m.ack_code, reason: m.reason, duplicateOf: m.duplicate_of,
      placerNumber: sum.placer, fillerNumber: sum.filler, service: sum.service, resultStatus: sum.resultStatus, results: sum.results,
      orderId: m.order_id, reportId: m.report_id, processedAt: m.processed_at?.toISOString() ?? null,
      resolvedAt: m.resolved_at?.toISOString() ?? null, resolvedBy: m.resolved_by, resolution: m.resolution, resolutionNote: m.resolution_note,
      // the raw text holds the patient's name and identifiers: shown to the laboratory's own centre staff, withheld from the system administrator
      raw: showRaw ? m.raw : '',
    };
  });
}

/** The laboratory messages of my centre's senders (a reading doctor), or every sender's without their text (the system administrator): the unresolved ones, or all. Audited. */
export async function labMessages(db: Db, p: Principal, state: 'unresolved' | 'all') {
  const facs = await visibleFacilities(db, p);
  const rows = facs && !facs.length ? [] : await store.labMessagesOf(db, facs, state === 'unresolved');
  const items = await describe(db, rows, p.role !== 'sysadmin');
  await db.tx((q) => writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.lab_messages', outcome: 'ok', basis: 'lab_interface', details: { state, shown: rows.length } }));
  return { items };
}

async function openMessage(q: Queryable, p: Principal, id: string) {
  const m = await store.labMessageById(q, id, true);
  const facs = await visibleFacilities(q, p);
  if (!m || (facs !== null && (!m.facility_id || !facs.includes(m.facility_id)))) throw notFound({ zh: '检验消息', en: 'Laboratory message' });
  if (m.resolved_at || m.status === 'accepted' || m.status === 'duplicate') throw conflict('diagnostics.lab_message_resolved', { zh: '该消息已处理', en: 'The message is resolved already' });
  return m;
}

/** A person matches an unmatched (or failed) message to an order of their laboratory: it is processed now as if it had named that order; the message is marked matched. */
export async function matchLabMessage(db: Db, p: Principal, id: string, placerNumber: string, now = new Date()) {
  await db.tx(async (q) => {
    const m = await openMessage(q, p, id);
    if (p.role !== 'diagnostician') throw notFound({ zh: '检验消息', en: 'Laboratory message' });
    if (m.status === 'rejected') throw conflict('diagnostics.lab_message_rejected', { zh: '被拒收的消息（未知发送方或无法解析）不能匹配，只能驳回', en: 'A rejected message (unknown sender or unreadable) cannot be matched, only dismissed' });
    const order = await labOrderFor(q, m.facility_id!, { placer: placerNumber, filler: null });
    if (!order) throw badRequest('diagnostics.lab_match_invalid', { zh: '本检验中心没有该申请单号', en: 'No order of this laboratory has that placer number' }, [{ path: 'placerNumber', problem: 'not an order of this laboratory / 不是本检验中心的申请' }]);
    const h = readHeader(m.raw);
    if (!h.ok) throw conflict('diagnostics.lab_message_rejected', { zh: '消息无法解析', en: 'The message cannot be read' });
    try {
      const r = await processOru(q, p, h.message, m.id, m.facility_id!, order, now);
      await store.setLabMessageOutcome(q, m.id, { status: 'accepted', ackCode: m.ack_code, reason: `${r.reason} (matched by ${p.username})`, orderId: r.orderId, reportId: r.reportId });
      await store.resolveLabMessage(q, m.id, p.userId, 'matched', placerNumber);
      await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.lab_message_match', outcome: 'ok', residentId: order.resident_id, basis: 'diagnostic_centre', recordType: 'lab_message', recordId: m.id, details: { orderId: order.id, placerNumber } });
    } catch (e) {
      if (e instanceof Refusal) throw conflict('diagnostics.lab_message_refused', { zh: `仍不能处理：${e.problem.text}`, en: `Still cannot be processed: ${e.problem.text}` });
      throw e;
    }
  });
  return (await describe(db, [(await store.labMessageById(db, id))!], true))[0];
}

/** A person dismisses a message that was not accepted, with the reason (it stays kept). */
export async function dismissLabMessage(db: Db, p: Principal, id: string, reason: string) {
  await db.tx(async (q) => {
    const m = await openMessage(q, p, id);
    await store.resolveLabMessage(q, m.id, p.userId, 'dismissed', reason);
    await writeAudit(q, actorOf(p, p.ip), { action: 'diagnostics.lab_message_dismiss', outcome: 'ok', recordType: 'lab_message', recordId: m.id, details: { reason, status: m.status } });
  });
  return (await describe(db, [(await store.labMessageById(db, id))!], p.role !== 'sysadmin'))[0];
}
