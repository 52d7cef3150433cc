// The demo county's shared diagnostic centres: the county hospital's ECG room, imaging department and
// laboratory designated as the community's centres (every member served), their usual items with
// turnaround targets and recognition windows, report templates, and the demo reading doctor `reader`
// on duty for the coming week — through the diagnostics module's own use cases.
import type { Db } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import type { Role } from '../../shared/roles.ts';
import { getFacility } from '../registry/facilities.ts';
import { addShift, addTemplate, createCentre, putItem } from '../diagnostics/service.ts';
import type { ItemIn, TemplateIn } from '../diagnostics/schema.ts';
import type { Modality } from '../diagnostics/rules.ts';

const CENTRES: { modality: Modality; department: string; name: string; items: ItemIn[]; templates: TemplateIn[] }[] = [
  {
    modality: 'ecg', department: '心电图室', name: '医共体心电诊断中心',
    items: [{ code: 'ECG12', nameZh: '常规十二导联心电图', nameEn: '12-lead ECG', kind: 'ECG', loinc: '11524-6', turnaroundMinutes: 30, recognitionScope: 'community', recognitionDays: 30, priceFen: 2500 }],
    templates: [
      { itemCode: 'ECG12', name: '正常心电图', findings: '窦性心律，PR、QRS、QT 间期正常，ST-T 未见异常。', impression: '正常心电图', fields: [{ code: 'HR', nameZh: '心率', nameEn: 'Heart rate', unit: '/min', low: 60, high: 100 }, { code: 'QTC', nameZh: 'QTc', nameEn: 'QTc', unit: 'ms', low: 350, high: 450 }] },
      { itemCode: 'ECG12', name: '房室传导阻滞', findings: 'P 波与 QRS 波群无固定关系，心室率缓慢。', impression: '三度房室传导阻滞', fields: [{ code: 'HR', nameZh: '心室率', nameEn: 'Ventricular rate', unit: '/min', low: 60, high: 100 }, { code: 'QTC', nameZh: 'QTc', nameEn: 'QTc', unit: 'ms', low: 350, high: 450 }] },
    ],
  },
  {
    modality: 'imaging', department: '医学影像科', name: '医共体影像诊断中心',
    items: [
      { code: 'DR-CHEST', nameZh: '胸部正位 DR', nameEn: 'Chest X-ray (DR)', kind: 'DR', turnaroundMinutes: 120, recognitionScope: 'community', recognitionDays: 180, priceFen: 8000 },
      { code: 'CT-HEAD', nameZh: '头颅 CT 平扫', nameEn: 'Head CT', kind: 'CT', turnaroundMinutes: 60, recognitionScope: 'city', recognitionDays: 90, priceFen: 20000 },
      { code: 'US-ABD', nameZh: '腹部超声', nameEn: 'Abdominal ultrasound', kind: 'US', turnaroundMinutes: 60, recognitionScope: 'community', recognitionDays: 90, priceFen: 10000 },
    ],
    templates: [{ itemCode: 'DR-CHEST', name: '胸片未见异常', findings: '双肺纹理清晰，未见实变影；心影大小形态正常；双侧膈面光整，肋膈角锐利。', impression: '心肺膈未见明显异常', fields: [] }],
  },
  {
    modality: 'laboratory', department: '检验科', name: '医共体检验中心',
    items: [
      { code: 'ELEC', nameZh: '电解质（钾钠氯）', nameEn: 'Electrolytes', kind: 'LAB', loinc: '2823-3', turnaroundMinutes: 120, recognitionScope: 'community', recognitionDays: 7, priceFen: 3000 },
      { code: 'GLU', nameZh: '空腹血糖', nameEn: 'Fasting glucose', kind: 'LAB', loinc: '1558-6', turnaroundMinutes: 120, recognitionScope: 'community', recognitionDays: 7, priceFen: 500 },
      { code: 'CBC', nameZh: '血常规', nameEn: 'Complete blood count', kind: 'LAB', loinc: '58410-2', turnaroundMinutes: 60, recognitionScope: 'province', recognitionDays: 7, priceFen: 2000 },
    ],
    templates: [
      { itemCode: 'ELEC', name: '电解质', findings: '见检验结果。', impression: '电解质检验结果如上', fields: [{ code: 'K', nameZh: '血钾', nameEn: 'Potassium', unit: 'mmol/L', low: 3.5, high: 5.3 }, { code: 'NA', nameZh: '血钠', nameEn: 'Sodium', unit: 'mmol/L', low: 137, high: 147 }] },
      { itemCode: 'CBC', name: '血常规', findings: '见检验结果。', impression: '血常规检验结果如上', fields: [{ code: 'HGB', nameZh: '血红蛋白', nameEn: 'Haemoglobin', unit: 'g/L', low: 115, high: 150 }, { code: 'PLT', nameZh: '血小板', nameEn: 'Platelets', unit: '10*9/L', low: 125, high: 350 }] },
    ],
  },
];

async function principal(db: Db, username: string): Promise<Principal | null> {
  const [u] = await db.query<{ id: string; display_name: string; role: Role; region_code: string | null; facility_code: string | null }>(
    'SELECT id, display_name, role, region_code, facility_code FROM users WHERE username = $1', [username]);
  return u ? { userId: u.id, username, displayName: u.display_name, role: u.role, regionCode: u.region_code, facilityCode: u.facility_code, ip: null } : null;
}

/** Designates the county hospital's departments as the community's ECG, imaging and laboratory centres and puts `reader` on duty for a week. */
export async function seedDiagnosticsDemo(db: Db): Promise<void> {
  const admin = await principal(db, 'admin');
  const reader = await principal(db, 'reader');
  if (!admin || !reader?.facilityCode) return;
  const hospital = await getFacility(db, reader.facilityCode, null);
  if (!hospital.community) return;
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  for (const c of CENTRES) {
    const centre = await createCentre(db, admin, { communityId: hospital.community.id, facilityCode: hospital.code, department: c.department, modality: c.modality, name: c.name });
    for (const i of c.items) await putItem(db, admin, centre.id, i);
    for (const tpl of c.templates) await addTemplate(db, admin, centre.id, tpl);
    await addShift(db, admin, centre.id, { username: 'reader', startsAt: new Date(start.getTime() - 86400_000).toISOString(), endsAt: new Date(start.getTime() + 8 * 86400_000).toISOString() });
  }
}
