// DICOM upload for a centre without a PACS, through the API on both engines: small DICOM Part 10
// files built here with dcmjs (a chest DR, its second view in another series), their tags filling
// the study record; a file of another patient, of the wrong modality, not DICOM at all, or sent twice
// is refused naming the file, with nothing written; the bytes are kept with their digest.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';
import { ENGINES } from '../../../test/helpers/db.ts';
import { openTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { buildCommunity, buildConsents, buildFacility, buildRegionTree, buildResident } from '../../../test/helpers/factories.ts';
import { patientProblem, readDicom, studyStart } from './dicom.ts';

/** A DICOM Part 10 file (explicit VR little endian, Digital X-Ray for presentation) with a tiny 2×2 image. */
function dicomFile(t: Record<string, string>): Buffer {
  const sop = t.SOPInstanceUID ?? '1.2.156.600.1.1.1';
  const ds = {
    _meta: { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.1.1', MediaStorageSOPInstanceUID: sop, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '1.2.826.0.1.3680043.2.1143' },
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.1.1', SOPInstanceUID: sop, StudyInstanceUID: '1.2.156.600.1', SeriesInstanceUID: '1.2.156.600.1.1', Modality: 'DX',
    StudyDate: '20261203', StudyTime: '093015', StudyDescription: 'Chest PA', PatientName: 'Jian^Cha', PatientBirthDate: '19500201', PatientSex: 'M',
    Rows: 2, Columns: 2, BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', PixelData: new Uint8Array([0, 64, 128, 255]).buffer,
    _vrMap: { PixelData: 'OB' },
    ...t,
  };
  return Buffer.from(dcmjs.data.datasetToDict(ds).write());
}

test('the tags read from a file built with dcmjs; the study start in Shanghai; the patient check', () => {
  const r = readDicom(dicomFile({ PatientID: 'P1', AccessionNumber: 'DX1' }));
  assert.ok(r.ok);
  assert.deepEqual(r.tags, { studyUid: '1.2.156.600.1', seriesUid: '1.2.156.600.1.1', sopInstanceUid: '1.2.156.600.1.1.1', modality: 'DX', studyDate: '2026-12-03', studyTime: '093015', patientId: 'P1', patientBirthDate: '1950-02-01', patientSex: 'M', accessionNumber: 'DX1', description: 'Chest PA' });
  assert.equal(studyStart(r.tags), '2026-12-03T09:30:15+08:00');
  assert.equal(studyStart({ studyDate: null, studyTime: '0930' }), null);
  const o = { placer: 'DX1', birthDate: '1950-02-01', sex: 'M' as const, idMatches: false };
  assert.equal(patientProblem(r.tags, o), null, 'the accession number is the placer number');
  assert.match(patientProblem({ ...r.tags, accessionNumber: null }, o) ?? '', /PatientID/);
  assert.equal(patientProblem({ ...r.tags, accessionNumber: null }, { ...o, idMatches: true }), null, 'PatientID is the resident\'s ID number');
  assert.match(patientProblem(r.tags, { ...o, birthDate: '1951-02-01' }) ?? '', /PatientBirthDate/);
  assert.match(patientProblem(r.tags, { ...o, sex: 'F' }) ?? '', /PatientSex/);
  const junk = readDicom(Buffer.from('not a dicom file at all'.repeat(20)));
  assert.ok(!junk.ok);
  assert.match(junk.problem, /not a DICOM/);
  const noUid = readDicom(dicomFile({ StudyInstanceUID: 'abc' }));
  assert.ok(!noUid.ok);
  assert.match(noUid.problem, /StudyInstanceUID/);
});

for (const engine of ENGINES) {
  describe(`DICOM upload [${engine}]`, () => {
    let t: TestApp;
    before(async () => { t = await openTestApp(engine); });
    after(() => t.close());
    const get = (cookie: string, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (cookie: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

    test('a chest DR uploaded at the township: the study filled from the tags, the order acquired; a second view adds a series; refusals name the file', async () => {
      const county = '377011';
      const tree = await buildRegionTree(t.db, { county });
      const hospital = await buildFacility(t.db, { code: 'IH0001', tier: 'county', kind: 'general_hospital', regionCode: county });
      const town = await buildFacility(t.db, { code: 'IT0001', tier: 'township', kind: 'township_centre', regionCode: tree.townA });
      const community = await buildCommunity(t.db, { leadFacilityId: hospital.id, regionCode: county, memberIds: [hospital.id, town.id] });
      const manager = await t.signIn('im1', 'manager', { regionCode: county });
      const reader = await t.signIn('ir1', 'diagnostician', { facilityCode: hospital.code });
      const gp = await t.signIn('ig1', 'doctor', { facilityCode: town.code });
      const nurse = await t.signIn('in1', 'nurse', { facilityCode: town.code });
      const patient = await buildResident(t.db, { name: '影像甲', birthDate: '1950-02-01', sex: 'M', villageCode: tree.villageA });
      await buildConsents(t.db, [patient.id], { facilityId: town.id });
      const c = (await post(manager, '/api/diagnostics/centres', { communityId: community.id, facilityCode: hospital.code, department: '放射科', modality: 'imaging', name: '县影像诊断中心' })).json();
      assert.equal((await post(manager, `/api/diagnostics/centres/${c.id}/items`, { code: 'DR-CHEST', nameZh: '胸部正位片', nameEn: 'Chest X-ray PA', kind: 'DR', turnaroundMinutes: 60 })).statusCode, 200);
      const o = (await post(gp, '/api/diagnostics/orders', { residentId: patient.id, centreId: c.id, itemCode: 'DR-CHEST', clinicalQuestion: '咳嗽两周' })).json();
      const upload = (file: Buffer, who = nurse) => post(who, `/api/diagnostics/orders/${o.id}/dicom`, { fileBase64: file.toString('base64') });
      const fileCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM imaging_files WHERE order_id = $1', [o.id]))[0].n;

      // refusals first, each naming the file, nothing written
      const other = await upload(dicomFile({ PatientID: 'SOMEONE-ELSE', AccessionNumber: 'ACC-9' }));
      assert.equal(other.statusCode, 400);
      assert.deepEqual([other.json().error.code, other.json().error.fields[0].path], ['diagnostics.dicom_invalid', 'fileBase64']);
      assert.match(other.json().error.fields[0].problem, /PatientID/);
      const wrongBirth = await upload(dicomFile({ AccessionNumber: o.placerNumber, PatientBirthDate: '19620320' }));
      assert.match(wrongBirth.json().error.fields[0].problem, /PatientBirthDate/);
      const ct = await upload(dicomFile({ AccessionNumber: o.placerNumber, Modality: 'CT' }));
      assert.equal(ct.statusCode, 400);
      assert.match(ct.json().error.fields[0].problem, /Modality/);
      const junk = await upload(Buffer.from('x'.repeat(400)));
      assert.equal(junk.statusCode, 400);
      assert.match(junk.json().error.fields[0].problem, /not a DICOM/);
      assert.equal((await upload(dicomFile({ AccessionNumber: o.placerNumber }), reader)).statusCode, 403, 'the township uploads');
      assert.equal(await fileCount(), 0);
      assert.equal((await get(gp, `/api/diagnostics/orders/${o.id}`)).json().status, 'ordered');

      // the first view: the order acquired, the study from the tags, the deadline from now
      const pa = dicomFile({ AccessionNumber: o.placerNumber, PatientID: 'TOWN-0042' });
      const r1 = await upload(pa);
      assert.equal(r1.statusCode, 200, r1.body);
      const a = r1.json();
      assert.equal(a.status, 'acquired');
      assert.deepEqual(a.study, { studyUid: '1.2.156.600.1', modality: 'DX', startedAt: '2026-12-03T01:30:15.000Z', description: 'Chest PA', seriesCount: 1, instanceCount: 1, viewerUrl: null, source: 'dicom_upload' });
      assert.equal(new Date(a.dueAt).getTime() - new Date(a.acquiredAt).getTime(), 60 * 60_000);
      // the lateral view in a second series of the same study
      const lat = await upload(dicomFile({ AccessionNumber: o.placerNumber, SeriesInstanceUID: '1.2.156.600.1.2', SOPInstanceUID: '1.2.156.600.1.2.1', StudyDescription: 'Chest LAT' }));
      assert.equal(lat.statusCode, 200, lat.body);
      assert.deepEqual([lat.json().study.seriesCount, lat.json().study.instanceCount], [2, 2]);
      const again = await upload(pa);
      assert.equal(again.statusCode, 409);
      const otherStudy = await upload(dicomFile({ AccessionNumber: o.placerNumber, StudyInstanceUID: '1.2.156.600.9', SOPInstanceUID: '1.2.156.600.9.1.1' }));
      assert.equal(otherStudy.statusCode, 400);
      assert.match(otherStudy.json().error.fields[0].problem, /not the order's study/);
      // the bytes kept as sent
      const files = await t.db.query<{ sop_instance_uid: string; size: number; sha256: string; bytes: Uint8Array }>('SELECT sop_instance_uid, size, sha256, bytes FROM imaging_files WHERE order_id = $1 ORDER BY uploaded_at, id', [o.id]);
      assert.deepEqual(files.map((f) => f.sop_instance_uid), ['1.2.156.600.1.1.1', '1.2.156.600.1.2.1']);
      assert.equal(files[0].size, pa.length);
      assert.equal(files[0].sha256, createHash('sha256').update(pa).digest('hex'));
      assert.ok(Buffer.from(files[0].bytes).equals(pa));
      // the centre reads it on its worklist
      const wl = (await get(reader, '/api/diagnostics/worklist?view=to_read')).json().items;
      assert.deepEqual(wl.map((x: { id: string }) => x.id), [o.id]);
      const audit = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'diagnostics.dicom_upload' AND resident_id = $1`, [patient.id]);
      assert.equal(audit[0].n, 2);
    });
  });
}
