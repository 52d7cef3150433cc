// DICOM files uploaded for a centre without a PACS: the tags that fill the study record, read with
// dcmjs (the DICOM library of the OHIF viewer), and the checks on them — pure except for the parse.
import dcmjs from 'dcmjs';
import type { ItemKind } from './rules.ts';

export interface DicomTags {
  studyUid: string; seriesUid: string; sopInstanceUid: string; modality: string; studyDate: string | null; studyTime: string | null;
  patientId: string | null; patientBirthDate: string | null; patientSex: 'M' | 'F' | null; accessionNumber: string | null; description: string | null;
}

const str = (v: unknown): string | null => {
  const s = Array.isArray(v) ? v[0] : v;
  if (s == null || typeof s === 'object') return null;
  const t = String(s).trim();
  return t || null;
};
const da = (v: string | null) => (v && /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : null);

/** The tags of a DICOM Part 10 file (the 128-byte preamble, DICM, the meta group), or what is wrong with it. */
export function readDicom(bytes: Uint8Array): { ok: true; tags: DicomTags } | { ok: false; problem: string } {
  let nat: Record<string, unknown>;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    // the pixel data is not needed to fill the record
    nat = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(ab, { untilTag: '7FE00010', includeUntilTagValue: false }).dict);
  } catch (e) {
    return { ok: false, problem: `not a DICOM Part 10 file: ${(e as Error).message.slice(0, 120)} / 不是 DICOM 文件` };
  }
  const studyUid = str(nat.StudyInstanceUID), seriesUid = str(nat.SeriesInstanceUID), sop = str(nat.SOPInstanceUID), modality = str(nat.Modality);
  const missing = [['StudyInstanceUID (0020,000D)', studyUid], ['SeriesInstanceUID (0020,000E)', seriesUid], ['SOPInstanceUID (0008,0018)', sop], ['Modality (0008,0060)', modality]].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) return { ok: false, problem: `missing ${missing.join(', ')} / 缺少必需的 DICOM 标签` };
  const uid = /^[0-9.]{1,64}$/;
  const bad = [['StudyInstanceUID', studyUid], ['SeriesInstanceUID', seriesUid], ['SOPInstanceUID', sop]].filter(([, v]) => !uid.test(v!)).map(([k]) => k);
  if (bad.length) return { ok: false, problem: `${bad.join(', ')} is not a DICOM UID (digits and dots, up to 64) / UID 格式不符` };
  const sex = str(nat.PatientSex);
  return {
    ok: true,
    tags: {
      studyUid: studyUid!, seriesUid: seriesUid!, sopInstanceUid: sop!, modality: modality!.toUpperCase(), studyDate: da(str(nat.StudyDate)), studyTime: str(nat.StudyTime),
      patientId: str(nat.PatientID), patientBirthDate: da(str(nat.PatientBirthDate)), patientSex: sex === 'M' || sex === 'F' ? sex : null, accessionNumber: str(nat.AccessionNumber), description: str(nat.StudyDescription),
    },
  };
}

/** The DICOM modalities (0008,0060) an item kind is acquired as. */
export const DICOM_MODALITIES: Record<ItemKind, readonly string[]> = { DR: ['DX', 'CR', 'DR'], CT: ['CT'], MR: ['MR'], US: ['US'], ECG: ['ECG', 'HD'], LAB: [], PATH: ['SM'] };

/** The study's start in Asia/Shanghai from StudyDate and StudyTime (HHMMSS[.frac]); null without a date. */
export function studyStart(t: Pick<DicomTags, 'studyDate' | 'studyTime'>): string | null {
  if (!t.studyDate) return null;
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(t.studyTime ?? '');
  return `${t.studyDate}T${m ? m[1] : '00'}:${m?.[2] ?? '00'}:${m?.[3] ?? '00'}+08:00`;
}

/**
 * Whether the file is the order's patient's: PatientID (0010,0020) or AccessionNumber (0008,0050) is
 * the order's placer number, or PatientID is the resident's ID number (`idMatches`); and the birth
 * date and sex, where the file has them, are the resident's. Answers the problem, or null.
 */
export function patientProblem(t: DicomTags, o: { placer: string; birthDate: string; sex: 'M' | 'F'; idMatches: boolean }): string | null {
  const named = t.accessionNumber === o.placer || t.patientId === o.placer || o.idMatches;
  if (!named) return 'neither PatientID (0010,0020) nor AccessionNumber (0008,0050) names this order or its patient / 文件的患者号、检查号与本申请不符';
  if (t.patientBirthDate && t.patientBirthDate !== o.birthDate) return `PatientBirthDate (0010,0030) ${t.patientBirthDate} is not the patient's / 出生日期不符`;
  if (t.patientSex && t.patientSex !== o.sex) return `PatientSex (0010,0040) ${t.patientSex} is not the patient's / 性别不符`;
  return null;
}
