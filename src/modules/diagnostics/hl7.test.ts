// The HL7 v2 mapping rules, table-tested: MLLP framing (split and joined packets), reading an
// ORU^R01 (the HL7 v2.5.1 chapter 7 example's structure — MSH, PID, OBR with placer/filler numbers,
// OBX — written out by hand), each refusal with its ACK code and table 0357 code, the result status,
// the OBX → observation mapping with the centre's analytes and LOINC, ranges, flags, escapes, the ACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hl7Message } from '@medplum/core';
import {
  MllpReader, buildAck, escapeHl7, flagFromHl7, mapObservation, mllpFrame, orderKey, parseRange, readHeader, readOru, reportTextOf, resultAction, unescapeHl7,
  type Analyte, type LabObservation,
} from './hl7.ts';

// The example of HL7 v2.5.1 chapter 7 (ORU^R01, glucose, structured numeric ^182 mg/dl), as
// published; only the version field says 2.5.1.
const SPEC_EXAMPLE = [
  'MSH|^~\\&|GHH LAB|ELAB-3|GHH OE|BLDG4|200202150930||ORU^R01|CNTRL-3456|P|2.5.1',
  'PID|||555-44-4444||EVERYWOMAN^EVE^E^^^^L|JONES|19620320|F|||153 FERNWOOD DR.^^STATESVILLE^OH^35292||(206)3345232|(206)752-121||||AC555444444||67-A4335^OH^20030520',
  'OBR|1|845439^GHH OE|1045813^GHH LAB|15545^GLUCOSE|||200202150730|||||||||555-55-5555^PRIMARY^PATRICIA P^^^^MD^^|||||||||F||||||444-44-4444^HIPPOCRATES^HOWARD H^^^^MD',
  'OBX|1|SN|1554-5^GLUCOSE^POST 12H CFST:MCNC:PT:SER/PLAS:QN||^182|mg/dl|70_105|H|||F',
].join('\r');

const parse = (text: string) => { const h = readHeader(text); assert.ok(h.ok); return readOru(h.message); };

test('MLLP: a message split across packets comes out once whole; two in one packet come out in order; bytes between frames are dropped', () => {
  const a = 'MSH|^~\\&|A|LAB|M|C|20261203||ORU^R01|1|P|2.5.1\rPID|1';
  const b = 'MSH|^~\\&|A|LAB|M|C|20261203||ORU^R01|2|P|2.5.1\rPID|2';
  const r = new MllpReader();
  const fa = mllpFrame(a);
  assert.deepEqual(r.push(fa.subarray(0, 5)), []);
  assert.deepEqual(r.push(fa.subarray(5, fa.length - 1)), [], 'the <FS> arrived, its <CR> not yet');
  assert.deepEqual(r.push(fa.subarray(fa.length - 1)), [{ text: a }]);
  assert.deepEqual(r.push(Buffer.concat([Buffer.from('noise'), mllpFrame(a), Buffer.from('\r\n'), mllpFrame(b)])), [{ text: a }, { text: b }]);
  // a Chinese name split inside its UTF-8 bytes
  const zh = 'MSH|^~\\&|A|LAB|M|C|1||ORU^R01|3|P|2.5.1\rPID|1||X||张^三';
  const fz = mllpFrame(zh);
  const cutAt = fz.indexOf(Buffer.from('张')) + 1;
  assert.deepEqual([...r.push(fz.subarray(0, cutAt)), ...r.push(fz.subarray(cutAt))], [{ text: zh }]);
  assert.deepEqual([...fa.subarray(0, 1), ...fa.subarray(fa.length - 2)], [0x0b, 0x1c, 0x0d]);
});

test('reading the v2.5.1 example: header, patient, placer/filler numbers, status, interpreter and the SN result', () => {
  const h = readHeader(SPEC_EXAMPLE);
  assert.ok(h.ok);
  assert.deepEqual(h.header, { sendingApp: 'GHH LAB', sendingFacility: 'ELAB-3', receivingApp: 'GHH OE', receivingFacility: 'BLDG4', type: 'ORU', event: 'R01', controlId: 'CNTRL-3456', version: '2.5.1' });
  const r = readOru(h.message);
  assert.ok(r.ok);
  assert.deepEqual(r.oru.patient, { ids: ['555-44-4444'], name: 'EVE EVERYWOMAN', birthDate: '1962-03-20', sex: 'F' });
  assert.equal(r.oru.groups.length, 1);
  const g = r.oru.groups[0];
  // the example's HIPPOCRATES stands in field 31 (v2.5.1: reason for study); the principal result interpreter is OBR-32, empty here
  assert.deepEqual([g.placer, g.filler, g.serviceCode, g.serviceName, g.resultStatus, g.interpreter], ['845439', '1045813', '15545', 'GLUCOSE', 'F', null]);
  assert.deepEqual(g.observations, [{
    setId: '1', valueType: 'SN', localCode: '1554-5', name: 'GLUCOSE', codingSystem: 'POST 12H CFST:MCNC:PT:SER/PLAS:QN', loinc: null,
    value: 182, text: null, unit: 'mg/dl', range: '70_105', low: 70, high: 105, abnormal: 'H', status: 'F', observer: null,
  }]);
});

const oru = (obx: string[], o: { type?: string; obr?: string; orc?: string | null; pid?: string } = {}) => [
  `MSH|^~\\&|LIS|LAB01|MERIDIAN|CTR|20261203101500+0800||${o.type ?? 'ORU^R01^ORU_R01'}|MSG-1|P|2.5.1`,
  o.pid ?? 'PID|1||R-1^^^LAB01^MR||张^三||19500201|M',
  ...(o.orc === null ? [] : [o.orc ?? 'ORC|RE|DX1^MERIDIAN|L77^LIS']),
  o.obr ?? 'OBR|1|DX1^MERIDIAN|L77^LIS|ELEC^电解质^L|||20261203093000+0800|||||||||||||||20261203101000+0800|||F',
  ...obx,
].join('\r');

test('refusals: each with its ACK code, table 0357 code and place', () => {
  const table: [string, string, 'AE' | 'AR', number, string][] = [
    ['not HL7', 'HELLO WORLD', 'AR', 100, 'MSH'],
    ['another message type', oru([], { type: 'ADT^A01' }), 'AR', 200, 'MSH-9'],
    ['another event', oru([], { type: 'ORU^R30' }), 'AR', 201, 'MSH-9'],
    ['a number that is not', oru(['OBX|1|NM|K^钾^L||6,8|mmol/L|3.5-5.3|H|||F']), 'AE', 102, 'OBX[1]-5'],
    ['an unsupported value type', oru(['OBX|1|XX|K^钾^L||6.8|mmol/L|||||F']), 'AE', 102, 'OBX[1]-2'],
    ['no observation identifier', oru(['OBX|1|NM|||6.8|mmol/L|||||F']), 'AE', 101, 'OBX[1]-3'],
    ['no OBR', oru([], { orc: null, obr: 'NTE|1||x' }), 'AE', 100, 'OBR'],
    ['no result at all', oru([]), 'AE', 101, 'OBX'],
    ['neither placer nor filler', oru(['OBX|1|NM|K^钾^L||6.8|mmol/L|||||F'], { orc: null, obr: 'OBR|1|||ELEC^电解质^L|||||||||||||||||||||F' }), 'AE', 101, 'OBR[1]-2'],
    ['no PID', oru(['OBX|1|NM|K^钾^L||6.8|mmol/L|||||F'], { pid: 'NTE|1||no patient' }), 'AE', 100, 'PID'],
  ];
  for (const [what, text, ack, code, where] of table) {
    const h = readHeader(text);
    const p = h.ok ? (() => { const r = readOru(h.message); assert.ok(!r.ok, what); return r.problem; })() : h.problem;
    assert.deepEqual([p.ack, p.code, p.where], [ack, code, where], what);
  }
});

test('the placer number is ORC-2, else OBR-2; the filler ORC-3, else OBR-3; one order per message', () => {
  const k = oru(['OBX|1|NM|K^钾^L||4.1|mmol/L|3.5-5.3|N|||F']);
  const r1 = parse(k);
  assert.ok(r1.ok);
  assert.deepEqual(orderKey(r1.oru.groups), { ok: true, placer: 'DX1', filler: 'L77' });
  const r2 = parse(oru(['OBX|1|NM|K^钾^L||4.1|mmol/L|||||F'], { orc: null, obr: 'OBR|1||L88^LIS|ELEC|||||||||||||||||||||F' }));
  assert.ok(r2.ok);
  assert.deepEqual(orderKey(r2.oru.groups), { ok: true, placer: null, filler: 'L88' });
  const two = parse([oru(['OBX|1|NM|K^钾^L||4.1|mmol/L|||||F']), 'ORC|RE|DX2', 'OBR|2|DX2||GLU|||||||||||||||||||||F', 'OBX|1|NM|GLU^葡萄糖^L||5.0|mmol/L|||||F'].join('\r'));
  assert.ok(two.ok);
  const key = orderKey(two.oru.groups);
  assert.ok(!key.ok);
  assert.deepEqual([key.problem.ack, key.problem.code], ['AE', 205]);
});

test('the result status (OBR-25, table 0123): F final, C correction, P/A/R preliminary, anything else no result', () => {
  const table: [string[], 'F' | 'C' | 'P' | null][] = [
    [['F'], 'F'], [['F', 'F'], 'F'], [['P'], 'P'], [['F', 'P'], 'P'], [['A'], 'P'], [['R'], 'P'], [['C'], 'C'], [['C', 'F'], 'C'], [['X'], null], [[''], null], [['F', 'I'], null],
  ];
  for (const [s, want] of table) assert.equal(resultAction(s), want, s.join(','));
});

test('reference ranges and OBX-8 flags', () => {
  const ranges: [string, number | null, number | null][] = [
    ['3.5-5.3', 3.5, 5.3], ['3.5 - 5.3', 3.5, 5.3], ['70_105', 70, 105], ['<5.2', null, 5.2], ['≤5.2', null, 5.2], ['>60', 60, null], ['', null, null], ['阴性', null, null], ['-1.5-2', -1.5, 2],
  ];
  for (const [s, low, high] of ranges) assert.deepEqual(parseRange(s), { low, high }, s);
  const flags: [string, 'L' | 'N' | 'H' | null][] = [['L', 'L'], ['LL', 'L'], ['<', 'L'], ['H', 'H'], ['HH', 'H'], ['>', 'H'], ['N', 'N'], ['A', null], ['AA', null], ['', null]];
  for (const [s, f] of flags) assert.equal(flagFromHl7(s), f, s);
});

const obx = (x: Partial<LabObservation>): LabObservation => ({
  setId: '1', valueType: 'NM', localCode: 'K+', name: 'Potassium', codingSystem: 'L', loinc: null, value: 6.8, text: null, unit: 'mmol/L', range: '3.5-5.3', low: 3.5, high: 5.3, abnormal: 'HH', status: 'F', observer: null, ...x,
});
const K: Analyte = { local: 'K+', code: 'K', loinc: '2823-3', nameZh: '血钾', nameEn: 'Potassium', unit: 'mmol/L' };

test('an OBX as an observation: the centre\'s mapping (rule code, LOINC, names) first, else the message\'s own coding; the unit checked', () => {
  assert.deepEqual(mapObservation(obx({}), [K]), { kind: 'value', obs: { code: 'K', nameZh: '血钾', nameEn: 'Potassium', value: 6.8, unit: 'mmol/L', low: 3.5, high: 5.3, flag: 'H', loinc: '2823-3', abnormal: 'HH', localCode: 'K+' } });
  // no mapping: the local code and the LOINC the message carries as its alternate coding
  assert.deepEqual(mapObservation(obx({ localCode: 'NA', name: 'Sodium', loinc: '2951-2', value: 128, range: '137-147', low: 137, high: 147, abnormal: '' }), [K]),
    { kind: 'value', obs: { code: 'NA', nameZh: 'Sodium', nameEn: 'Sodium', value: 128, unit: 'mmol/L', low: 137, high: 147, flag: 'L', loinc: '2951-2', abnormal: null, localCode: 'NA' } });
  const wrongUnit = mapObservation(obx({ unit: 'mg/dL' }), [K]);
  assert.equal(wrongUnit.kind, 'problem');
  assert.deepEqual(wrongUnit.kind === 'problem' && [wrongUnit.problem.ack, wrongUnit.problem.code, wrongUnit.problem.where], ['AE', 102, 'OBX[1]-6']);
  // a missing unit takes the configured one (the rule compares units)
  assert.equal((mapObservation(obx({ unit: '' }), [K]) as { obs: { unit: string } }).obs.unit, 'mmol/L');
  assert.deepEqual(mapObservation(obx({ valueType: 'ST', value: null, text: '阴性', localCode: 'HBSAG', name: '乙肝表面抗原', unit: '' }), [K]), { kind: 'text', line: '乙肝表面抗原: 阴性' });
  // the LOINC the message names in OBX-3 is read only when its coding system is LN
  const withLn = parse(oru(['OBX|1|NM|K+^钾^L^2823-3^Potassium^LN||6.8|mmol/L|3.5-5.3|HH|||F', 'OBX|2|NM|2951-2^Sodium^LN||140|mmol/L|||||F', 'OBX|3|NM|99^X^99LOCAL||1|U|||||F']));
  assert.ok(withLn.ok);
  assert.deepEqual(withLn.oru.groups[0].observations.map((o) => o.loinc), ['2823-3', '2951-2', null]);
});

test('the report text: abnormal values as the impression, text results and notes as findings', () => {
  const m = mapObservation(obx({}), [K]);
  assert.ok(m.kind === 'value');
  const t = reportTextOf([m.obs], ['乙肝表面抗原: 阴性'], ['标本轻度溶血']);
  assert.equal(t.findings, '乙肝表面抗原: 阴性\n标本轻度溶血');
  assert.equal(t.impression, '异常 / Abnormal: 血钾 6.8 mmol/L HH');
  assert.equal(reportTextOf([], [], []).impression, '见检验所见 / See findings');
});

test('HL7 escapes both ways', () => {
  assert.equal(escapeHl7('a|b^c&d~e\\f'), 'a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
  assert.equal(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f'), 'a|b^c&d~e\\f');
  assert.equal(unescapeHl7('line\\.br\\two'), 'line\ntwo');
  const r = parse(oru(['OBX|1|ST|NOTE^备注^L||溶血\\T\\脂血||||||F']));
  assert.ok(r.ok);
  assert.equal(r.oru.groups[0].observations[0].text, '溶血&脂血');
});

test('the ACK: sender and receiver swapped, MSA-1 code, MSA-2 the control id, MSA-3 the reason, ERR for AE/AR', () => {
  const h = readHeader(SPEC_EXAMPLE);
  assert.ok(h.ok);
  const at = new Date('2026-12-03T02:15:00Z');
  const ae = Hl7Message.parse(buildAck(h.header, 'AE', 'no order | kept', { ack: 'AE', code: 204, text: 'no order | kept', where: 'ORC-2' }, at, 'A1'));
  const msh = ae.header;
  assert.deepEqual([3, 4, 5, 6, 7, 9, 10, 12].map((i) => msh.getField(i).toString()), ['MERIDIAN', 'BLDG4', 'GHH LAB', 'ELAB-3', '20261203101500+0800', 'ACK^R01^ACK', 'A1', '2.5.1']);
  const msa = ae.getSegment('MSA')!;
  assert.deepEqual([msa.getField(1).toString(), msa.getField(2).toString(), unescapeHl7(msa.getField(3).toString())], ['AE', 'CNTRL-3456', 'no order | kept']);
  const err = ae.getSegment('ERR')!;
  assert.deepEqual([err.getField(2).toString(), err.getComponent(3, 1), err.getComponent(3, 2), err.getComponent(3, 3), err.getField(4).toString()], ['ORC-2', '204', 'Unknown key identifier', 'HL70357', 'E']);
  const aa = Hl7Message.parse(buildAck(h.header, 'AA', 'published', null, at, 'A2'));
  assert.equal(aa.getSegment('MSA')!.getField(1).toString(), 'AA');
  assert.equal(aa.getSegment('ERR'), undefined);
  // an unreadable message has no control id to echo
  assert.equal(Hl7Message.parse(buildAck(null, 'AR', 'not HL7', { ack: 'AR', code: 100, text: 'not HL7' }, at, 'A3')).getSegment('MSA')!.getField(2).toString(), '');
});
