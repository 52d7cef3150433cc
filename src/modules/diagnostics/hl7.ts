// Laboratory results as HL7 v2 ORU^R01 (v2.5.1) — the pure part: MLLP framing, reading a message
// with @medplum/core's HL7 v2 parser (Hl7Message), the mapping of each OBR/OBX to the order and to a
// report observation, the result status, and the ACK. No I/O: `lab-interface.ts` stores and
// processes, `mllp.ts` listens.
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import { flagOf, type Flag } from './rules.ts';

// ---- MLLP (HL7 v2 Minimal Lower Layer Protocol, release 2): <VT> message <FS><CR> ----

export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;
/** A frame longer than this without its end is dropped (and answered AR): no sender fills the server's memory. */
export const MLLP_MAX_BYTES = 1 << 20;

/** One message framed for MLLP. */
export function mllpFrame(text: string): Buffer {
  return Buffer.concat([Buffer.from([MLLP_START]), Buffer.from(text, 'utf8'), Buffer.from([MLLP_END, MLLP_CR])]);
}

export type MllpItem = { text: string } | { oversized: true; head: string };

/**
 * Reassembles MLLP frames from a TCP stream: a message split across packets is held until its end
 * arrives; several in one packet come out in order. Bytes outside a frame (between <FS><CR> and the
 * next <VT>) are discarded, as MLLP prescribes. Text is UTF-8.
 */
export class MllpReader {
  private buf: Buffer = Buffer.alloc(0);
  private inFrame = false;

  push(chunk: Buffer): MllpItem[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: MllpItem[] = [];
    for (;;) {
      if (!this.inFrame) {
        const s = this.buf.indexOf(MLLP_START);
        if (s < 0) { this.buf = Buffer.alloc(0); break; }
        this.buf = this.buf.subarray(s + 1);
        this.inFrame = true;
      }
      let e = this.buf.indexOf(MLLP_END);
      while (e >= 0 && e + 1 < this.buf.length && this.buf[e + 1] !== MLLP_CR) e = this.buf.indexOf(MLLP_END, e + 1);
      if (e < 0 || e + 1 >= this.buf.length) {
        if (this.buf.length > MLLP_MAX_BYTES) { out.push({ oversized: true, head: this.buf.subarray(0, 4096).toString('utf8') }); this.buf = Buffer.alloc(0); this.inFrame = false; }
        break;
      }
      out.push({ text: this.buf.subarray(0, e).toString('utf8') });
      this.buf = this.buf.subarray(e + 2);
      this.inFrame = false;
    }
    return out;
  }
}

// ---- escapes (HL7 v2.5.1 chapter 2.7) ----

/** The text of a field with the HL7 escape sequences (\F\ \S\ \T\ \R\ \E\, \.br\) turned back into characters. */
export function unescapeHl7(s: string, c: Hl7Context = new Hl7Context()): string {
  const e = c.escapeCharacter;
  if (!s.includes(e)) return s;
  const map: Record<string, string> = { F: c.fieldSeparator, S: c.componentSeparator, T: c.subcomponentSeparator, R: c.repetitionSeparator, E: e, '.br': '\n', H: '', N: '' };
  const esc = e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return s.replace(new RegExp(`${esc}([^${esc}]*)${esc}`, 'g'), (all, k: string) => (k in map ? map[k] : all));
}

/** Text made safe to put in one HL7 field (the delimiters escaped, line breaks as spaces). */
export function escapeHl7(s: string, c: Hl7Context = new Hl7Context()): string {
  const e = c.escapeCharacter;
  let out = '';
  for (const ch of s.replace(/[\r\n]+/g, ' ')) {
    if (ch === e) out += `${e}E${e}`;
    else if (ch === c.fieldSeparator) out += `${e}F${e}`;
    else if (ch === c.componentSeparator) out += `${e}S${e}`;
    else if (ch === c.subcomponentSeparator) out += `${e}T${e}`;
    else if (ch === c.repetitionSeparator) out += `${e}R${e}`;
    else out += ch;
  }
  return out;
}

// ---- reading ----

/** A reason not to process a message: the HL7 table 0357 code, the ACK code it earns, and the text (both languages). */
export interface Hl7Problem { ack: 'AE' | 'AR'; code: number; text: string; where?: string }
const problem = (ack: 'AE' | 'AR', code: number, text: string, where?: string): Hl7Problem => ({ ack, code, text, where });

/** HL7 table 0357 (message error condition codes) used here. */
export const ERROR_CODES: Record<number, string> = {
  0: 'Message accepted', 100: 'Segment sequence error', 101: 'Required field missing', 102: 'Data type error', 103: 'Table value not found',
  200: 'Unsupported message type', 201: 'Unsupported event code', 203: 'Unsupported version id', 204: 'Unknown key identifier', 205: 'Duplicate key identifier', 207: 'Application internal error',
};

export interface Hl7Header { sendingApp: string; sendingFacility: string; receivingApp: string; receivingFacility: string; type: string; event: string; controlId: string; version: string }

/** The MSH of a message as far as it can be read (for the ACK and the log), or why it cannot be. */
export function readHeader(text: string): { ok: true; message: Hl7Message; header: Hl7Header } | { ok: false; problem: Hl7Problem } {
  const t = text.replace(/^[\r\n]+/, '');
  if (!t.startsWith('MSH') || t.length < 8) return { ok: false, problem: problem('AR', 100, 'not an HL7 v2 message: it does not begin with MSH / 不是 HL7 v2 消息（未以 MSH 开头）', 'MSH') };
  let m: Hl7Message;
  try { m = Hl7Message.parse(t); } catch { return { ok: false, problem: problem('AR', 100, 'the message cannot be parsed / 消息无法解析', 'MSH') }; }
  const h = m.header;
  const f = (i: number, c = 1) => unescapeHl7(h.getComponent(i, c), m.context).trim();
  return { ok: true, message: m, header: { sendingApp: f(3), sendingFacility: f(4), receivingApp: f(5), receivingFacility: f(6), type: f(9, 1), event: f(9, 2), controlId: f(10), version: f(12) } };
}

export interface LabObservation {
  setId: string; valueType: string; localCode: string; name: string; codingSystem: string;
  /** A LOINC code the message itself carries (OBX-3 with coding system LN, first or alternate triplet). */
  loinc: string | null;
  value: number | null; text: string | null; unit: string; range: string; low: number | null; high: number | null;
  /** OBX-8 as sent (HL7 table 0078: L, H, LL, HH, N, A, …). */
  abnormal: string; status: string; observer: string | null;
}
export interface OruGroup { placer: string | null; filler: string | null; serviceCode: string; serviceName: string; resultStatus: string; interpreter: string | null; notes: string[]; observations: LabObservation[] }
export interface Oru { patient: { ids: string[]; name: string; birthDate: string | null; sex: 'M' | 'F' | null }; groups: OruGroup[] }

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A reference range as labs write it in OBX-7: "3.5-5.3", "3.5 - 5.3", "70_105", "<5.2", "≤5.2", ">60", or nothing. */
export function parseRange(s: string): { low: number | null; high: number | null } {
  const t = s.trim().replace(/\s+/g, '');
  // lower-upper (HL7 v2.5.1 OBX-7); some laboratories write the HL7 standard's own example form 70_105
  let m = /^([+-]?\d+(?:\.\d+)?)[-~–_]([+-]?\d+(?:\.\d+)?)$/.exec(t);
  if (m) return { low: Number(m[1]), high: Number(m[2]) };
  m = /^(?:<|<=|≤)(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return { low: null, high: Number(m[1]) };
  m = /^(?:>|>=|≥)(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return { low: Number(m[1]), high: null };
  return { low: null, high: null };
}

/** The person named in an XCN field (ID^family^given…; `xpn`: an XPN, family^given…), as one display name. */
function personOf(seg: Hl7Segment, field: number, c: Hl7Context, xpn = false): string | null {
  const id = xpn ? '' : unescapeHl7(seg.getComponent(field, 1), c).trim();
  const family = unescapeHl7(seg.getComponent(field, xpn ? 1 : 2), c).trim();
  const given = unescapeHl7(seg.getComponent(field, xpn ? 2 : 3), c).trim();
  const name = /[\u4e00-\u9fff]/.test(family + given) ? `${family}${given}` : [given, family].filter(Boolean).join(' ');
  return name || id || null;
}

/** HL7 DT/DTM to YYYY-MM-DD (the date part), or null. */
function dateOf(s: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(s.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * Reads an ORU^R01: the patient (PID-3 identifiers, PID-5 name, PID-7 birth date, PID-8 sex) and each
 * order group — ORC/OBR with the placer number (ORC-2, else OBR-2) and filler number (ORC-3, else
 * OBR-3), the service (OBR-4), the result status (OBR-25), the interpreter (OBR-32), its NTE notes and
 * OBX results (NM numeric, SN without a comparator numeric, ST/TX/FT/CWE/CE as text). Answers the first
 * problem found, with the segment and field it is in.
 */
export function readOru(m: Hl7Message): { ok: true; oru: Oru } | { ok: false; problem: Hl7Problem } {
  const c = m.context;
  const f = (seg: Hl7Segment, i: number, k = 1) => unescapeHl7(seg.getComponent(i, k), c).trim();
  const h = m.header;
  if (f(h, 9, 1) !== 'ORU') return { ok: false, problem: problem('AR', 200, `message type ${f(h, 9, 1) || '(none)'} is not supported: only ORU^R01 / 不支持的消息类型（仅 ORU^R01）`, 'MSH-9') };
  if (f(h, 9, 2) !== 'R01') return { ok: false, problem: problem('AR', 201, `event ${f(h, 9, 2) || '(none)'} is not supported: only ORU^R01 / 不支持的事件（仅 R01）`, 'MSH-9') };
  if (!f(h, 10)) return { ok: false, problem: problem('AR', 101, 'MSH-10 (message control id) is missing / 缺少消息控制号', 'MSH-10') };
  const version = f(h, 12);
  if (version && !/^2\.\d/.test(version)) return { ok: false, problem: problem('AR', 203, `version ${version} is not HL7 v2 / 不是 HL7 v2 版本`, 'MSH-12') };
  const pid = m.getSegment('PID');
  if (!pid) return { ok: false, problem: problem('AE', 100, 'no PID segment / 缺少 PID 段', 'PID') };
  const ids: string[] = [];
  for (const rep of pid.getField(3).components) { const v = unescapeHl7(rep[0] ?? '', c).trim(); if (v) ids.push(v); }
  const sexCode = f(pid, 8);
  const patient = { ids, name: personOf(pid, 5, c, true) ?? '', birthDate: dateOf(f(pid, 7)), sex: sexCode === 'M' ? 'M' as const : sexCode === 'F' ? 'F' as const : null };
  const groups: OruGroup[] = [];
  let orc: Hl7Segment | null = null;
  let cur: OruGroup | null = null;
  for (const seg of m.segments) {
    if (seg.name === 'ORC') { orc = seg; continue; }
    if (seg.name === 'OBR') {
      const placer = (orc && f(orc, 2)) || f(seg, 2) || null;
      const filler = (orc && f(orc, 3)) || f(seg, 3) || null;
      cur = { placer, filler, serviceCode: f(seg, 4, 1), serviceName: f(seg, 4, 2), resultStatus: f(seg, 25), interpreter: personOf(seg, 32, c), notes: [], observations: [] };
      groups.push(cur);
      orc = null;
      continue;
    }
    if (seg.name === 'NTE' && cur) { const t = f(seg, 3); if (t) cur.notes.push(t); continue; }
    if (seg.name === 'OBX') {
      if (!cur) return { ok: false, problem: problem('AE', 100, 'an OBX before any OBR / OBX 段出现在 OBR 之前', 'OBX') };
      const setId = f(seg, 1) || String(cur.observations.length + 1);
      const where = `OBX[${setId}]`;
      const valueType = f(seg, 2);
      const localCode = f(seg, 3, 1);
      if (!localCode) return { ok: false, problem: problem('AE', 101, `${where}-3 (observation identifier) is missing / 缺少检验项目代码`, `${where}-3`) };
      const triplets = [[f(seg, 3, 1), f(seg, 3, 3)], [f(seg, 3, 4), f(seg, 3, 6)]];
      const loinc = triplets.find(([code, sys]) => sys === 'LN' && /^\d{1,7}-\d$/.test(code))?.[0] ?? null;
      const raw5 = f(seg, 5);
      let value: number | null = null;
      let text: string | null = null;
      if (valueType === 'NM') {
        if (!NUMBER.test(raw5)) return { ok: false, problem: problem('AE', 102, `${where}-5 "${raw5.slice(0, 40)}" is not a number (value type NM) / 结果不是数值`, `${where}-5`) };
        value = Number(raw5);
      } else if (valueType === 'SN') {
        // structured numeric: comparator^num1^separator^num2; only a plain number is a value
        const cmp = f(seg, 5, 1), n1 = f(seg, 5, 2), sep = f(seg, 5, 3);
        if (!cmp && !sep && NUMBER.test(n1)) value = Number(n1);
        else text = [cmp, n1, sep, f(seg, 5, 4)].join('');
      } else if (['ST', 'TX', 'FT', 'CWE', 'CE', 'CNE', 'CX', 'ED'].includes(valueType) || valueType === '') {
        text = valueType === 'CWE' || valueType === 'CE' ? (f(seg, 5, 2) || f(seg, 5, 1)) : raw5;
      } else {
        return { ok: false, problem: problem('AE', 102, `${where}-2 value type ${valueType} is not supported / 不支持的值类型`, `${where}-2`) };
      }
      const range = f(seg, 7);
      const { low, high } = parseRange(range);
      cur.observations.push({ setId, valueType, localCode, name: f(seg, 3, 2) || localCode, codingSystem: f(seg, 3, 3), loinc, value, text, unit: f(seg, 6, 1), range, low, high, abnormal: f(seg, 8), status: f(seg, 11), observer: personOf(seg, 16, c) });
    }
  }
  if (!groups.length) return { ok: false, problem: problem('AE', 100, 'no OBR segment / 缺少 OBR 段', 'OBR') };
  for (const [i, g] of groups.entries()) {
    if (!g.placer && !g.filler) return { ok: false, problem: problem('AE', 101, `OBR[${i + 1}]: neither a placer number (ORC-2/OBR-2) nor a filler number (ORC-3/OBR-3) / 缺少申请单号和检验单号`, `OBR[${i + 1}]-2`) };
  }
  if (!groups.some((g) => g.observations.length)) return { ok: false, problem: problem('AE', 101, 'no OBX result in the message / 消息中没有 OBX 结果', 'OBX') };
  return { ok: true, oru: { patient, groups } };
}

/** What a message names, read without judging it (for a person resolving a message that could not be processed): placer and filler numbers, service, result status, results. */
export function summaryOf(m: Hl7Message): { placer: string | null; filler: string | null; service: string | null; resultStatus: string | null; results: number } {
  const c = m.context;
  const f = (seg: Hl7Segment | undefined, i: number, k = 1) => (seg ? unescapeHl7(seg.getComponent(i, k), c).trim() : '');
  const orc = m.getSegment('ORC');
  const obr = m.getSegment('OBR');
  return {
    placer: f(orc, 2) || f(obr, 2) || null, filler: f(orc, 3) || f(obr, 3) || null,
    service: [f(obr, 4, 1), f(obr, 4, 2)].filter(Boolean).join(' ') || null, resultStatus: f(obr, 25) || null, results: m.getAllSegments('OBX').length,
  };
}

/** What a result status (OBR-25, HL7 table 0123) asks of the report: F final, C correction, P preliminary (P, A some results, R not verified); anything else is no result. */
export function resultAction(statuses: readonly string[]): 'F' | 'C' | 'P' | null {
  const map = statuses.map((s) => (s === 'F' ? 'F' : s === 'C' ? 'C' : ['P', 'A', 'R'].includes(s) ? 'P' : null));
  if (map.some((x) => x === null)) return null;
  if (map.includes('C')) return 'C';
  if (map.every((x) => x === 'F')) return 'F';
  return 'P';
}

/** The one order a message names: every OBR group's placer number (else filler number) must agree. */
export function orderKey(groups: readonly OruGroup[]): { ok: true; placer: string | null; filler: string | null } | { ok: false; problem: Hl7Problem } {
  const placers = [...new Set(groups.map((g) => g.placer).filter((x): x is string => !!x))];
  const fillers = [...new Set(groups.map((g) => g.filler).filter((x): x is string => !!x))];
  if (placers.length > 1 || fillers.length > 1) return { ok: false, problem: problem('AE', 205, `one order per message: the message names ${placers.length > 1 ? placers.join(', ') : fillers.join(', ')} / 每条消息只能对应一个申请`, 'OBR-2') };
  return { ok: true, placer: placers[0] ?? null, filler: fillers[0] ?? null };
}

// ---- mapping to the report ----

/** An analyte of a centre's item as its laboratory codes it: the local code (OBX-3) → the observation code the centre's rules use, LOINC, names and unit. */
export interface Analyte { local: string; code: string; loinc: string | null; nameZh: string; nameEn: string; unit: string | null }

export interface MappedObservation { code: string; nameZh: string; nameEn: string; value: number; unit: string; low: number | null; high: number | null; flag: Flag; loinc: string | null; abnormal: string | null; localCode: string }

/** OBX-8 (HL7 table 0078) to L/N/H; null when it says nothing about direction (A, AA, empty, other). */
export function flagFromHl7(abnormal: string): Flag | null {
  if (['L', 'LL', 'LU', '<'].includes(abnormal)) return 'L';
  if (['H', 'HH', 'HU', '>'].includes(abnormal)) return 'H';
  if (abnormal === 'N') return 'N';
  return null;
}

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/**
 * One OBX as an observation of the report: the centre's analyte mapping (by local code) gives the
 * code its critical-value rules use, the LOINC and the names; else the local code, the message's own
 * LOINC and its text. The flag is OBX-8's direction, else the value against the range. A unit other
 * than the analyte's is a problem (a value in the wrong unit must not be judged against the rules).
 * A text result becomes a line of the findings.
 */
export function mapObservation(o: LabObservation, analytes: readonly Analyte[]): { kind: 'value'; obs: MappedObservation } | { kind: 'text'; line: string } | { kind: 'problem'; problem: Hl7Problem } {
  const a = analytes.find((x) => x.local === o.localCode);
  const where = `OBX[${o.setId}]`;
  if (o.value == null) return { kind: 'text', line: `${a?.nameZh ?? o.name}: ${o.text ?? ''}${o.unit ? ` ${o.unit}` : ''}`.trim() };
  if (a?.unit && o.unit && a.unit !== o.unit) return { kind: 'problem', problem: problem('AE', 102, `${where}-6 unit ${o.unit} is not the unit ${a.unit} configured for ${o.localCode} / 单位与中心配置不符`, `${where}-6`) };
  const code = a?.code ?? o.localCode;
  if (code.length > 20) return { kind: 'problem', problem: problem('AE', 102, `${where}-3 code ${code.slice(0, 30)} is longer than 20 characters / 项目代码过长`, `${where}-3`) };
  const unit = o.unit || a?.unit || '';
  return {
    kind: 'value',
    obs: {
      code, nameZh: cut(a?.nameZh ?? o.name, 50), nameEn: cut(a?.nameEn ?? o.name, 50), value: o.value, unit, low: o.low, high: o.high,
      flag: flagFromHl7(o.abnormal) ?? flagOf(o.value, o.low, o.high), loinc: a?.loinc ?? o.loinc, abnormal: o.abnormal || null, localCode: o.localCode,
    },
  };
}

/** Findings and impression of a lab report written from its results: text results and notes as findings, the abnormal values as the impression. */
export function reportTextOf(obs: readonly MappedObservation[], lines: readonly string[], notes: readonly string[]): { findings: string; impression: string } {
  const findings = [...lines, ...notes].join('\n') || `检验结果 ${obs.length} 项（LIS） / ${obs.length} result(s) from the laboratory system`;
  const off = obs.filter((x) => x.flag !== 'N');
  const impression = off.length ? `异常 / Abnormal: ${off.map((x) => `${x.nameZh} ${x.value} ${x.unit} ${x.abnormal ?? x.flag}`).join('；')}` : obs.length ? '各项在参考范围内 / All within the reference range' : '见检验所见 / See findings';
  return { findings: cut(findings, 8000), impression: cut(impression, 4000) };
}

// ---- the ACK ----

/** HL7 TS in Asia/Shanghai (YYYYMMDDHHMMSS+0800). */
export function hl7Time(d: Date): string {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}+0800`;
}

/**
 * The ACK of a message (original acknowledgement mode): MSH with sender and receiver swapped, MSA-1 the
 * code, MSA-2 the message's control id, MSA-3 the reason; for AE/AR an ERR segment (ERR-2 location,
 * ERR-3 the table 0357 code, ERR-4 severity E, ERR-8 the reason).
 */
export function buildAck(h: Hl7Header | null, code: 'AA' | 'AE' | 'AR', reason: string, err: Hl7Problem | null, now: Date, ackControlId: string): string {
  const c = new Hl7Context();
  const esc = (s: string) => escapeHl7(s, c);
  const segs = [
    new Hl7Segment(['MSH', c.getMsh2(), 'MERIDIAN', esc(h?.receivingFacility || 'MERIDIAN'), esc(h?.sendingApp ?? ''), esc(h?.sendingFacility ?? ''), hl7Time(now), '', `ACK^${esc(h?.event || 'R01')}^ACK`, esc(ackControlId), 'P', esc(h?.version || '2.5.1')], c),
    new Hl7Segment(['MSA', code, esc(h?.controlId ?? ''), esc(cut(reason, 80))], c),
  ];
  if (err && code !== 'AA') segs.push(new Hl7Segment(['ERR', '', esc(err.where ?? ''), `${err.code}^${esc(ERROR_CODES[err.code] ?? '')}^HL70357`, 'E', '', '', '', esc(cut(err.text, 250))], c));
  return new Hl7Message(segs, c).toString();
}
