// Antibacterials and their class under China's 抗菌药物临床应用管理办法 (2012): 非限制使用级,
// 限制使用级, 特殊使用级. Provinces publish their own catalogues; these follow the common
// classification and are data to adjust locally.

export type AntibacterialClass = 'unrestricted' | 'restricted' | 'special';

export const ANTIBACTERIALS: { zh: string; en: string; atc: string; cls: AntibacterialClass }[] = [
  { zh: '阿莫西林', en: 'amoxicillin', atc: 'J01CA04', cls: 'unrestricted' },
  { zh: '阿莫西林克拉维酸钾', en: 'amoxicillin-clavulanate', atc: 'J01CR02', cls: 'restricted' },
  { zh: '青霉素', en: 'benzylpenicillin', atc: 'J01CE01', cls: 'unrestricted' },
  { zh: '苄星青霉素', en: 'benzathine benzylpenicillin', atc: 'J01CE08', cls: 'unrestricted' },
  { zh: '氨苄西林', en: 'ampicillin', atc: 'J01CA01', cls: 'unrestricted' },
  { zh: '哌拉西林他唑巴坦', en: 'piperacillin-tazobactam', atc: 'J01CR05', cls: 'restricted' },
  { zh: '头孢氨苄', en: 'cefalexin', atc: 'J01DB01', cls: 'unrestricted' },
  { zh: '头孢拉定', en: 'cefradine', atc: 'J01DB09', cls: 'unrestricted' },
  { zh: '头孢唑林', en: 'cefazolin', atc: 'J01DB04', cls: 'unrestricted' },
  { zh: '头孢呋辛', en: 'cefuroxime', atc: 'J01DC02', cls: 'unrestricted' },
  { zh: '头孢克洛', en: 'cefaclor', atc: 'J01DC04', cls: 'unrestricted' },
  { zh: '头孢克肟', en: 'cefixime', atc: 'J01DD08', cls: 'restricted' },
  { zh: '头孢曲松', en: 'ceftriaxone', atc: 'J01DD04', cls: 'restricted' },
  { zh: '头孢噻肟', en: 'cefotaxime', atc: 'J01DD01', cls: 'restricted' },
  { zh: '头孢他啶', en: 'ceftazidime', atc: 'J01DD02', cls: 'restricted' },
  { zh: '头孢哌酮舒巴坦', en: 'cefoperazone-sulbactam', atc: 'J01DD62', cls: 'special' },
  { zh: '头孢吡肟', en: 'cefepime', atc: 'J01DE01', cls: 'special' },
  { zh: '亚胺培南西司他丁', en: 'imipenem-cilastatin', atc: 'J01DH51', cls: 'special' },
  { zh: '美罗培南', en: 'meropenem', atc: 'J01DH02', cls: 'special' },
  { zh: '万古霉素', en: 'vancomycin', atc: 'J01XA01', cls: 'special' },
  { zh: '替考拉宁', en: 'teicoplanin', atc: 'J01XA02', cls: 'special' },
  { zh: '利奈唑胺', en: 'linezolid', atc: 'J01XX08', cls: 'special' },
  { zh: '替加环素', en: 'tigecycline', atc: 'J01AA12', cls: 'special' },
  { zh: '阿奇霉素', en: 'azithromycin', atc: 'J01FA10', cls: 'unrestricted' },
  { zh: '红霉素', en: 'erythromycin', atc: 'J01FA01', cls: 'unrestricted' },
  { zh: '克拉霉素', en: 'clarithromycin', atc: 'J01FA09', cls: 'unrestricted' },
  { zh: '罗红霉素', en: 'roxithromycin', atc: 'J01FA06', cls: 'unrestricted' },
  { zh: '左氧氟沙星', en: 'levofloxacin', atc: 'J01MA12', cls: 'restricted' },
  { zh: '莫西沙星', en: 'moxifloxacin', atc: 'J01MA14', cls: 'restricted' },
  { zh: '环丙沙星', en: 'ciprofloxacin', atc: 'J01MA02', cls: 'unrestricted' },
  { zh: '诺氟沙星', en: 'norfloxacin', atc: 'J01MA06', cls: 'unrestricted' },
  { zh: '庆大霉素', en: 'gentamicin', atc: 'J01GB03', cls: 'unrestricted' },
  { zh: '阿米卡星', en: 'amikacin', atc: 'J01GB06', cls: 'restricted' },
  { zh: '多西环素', en: 'doxycycline', atc: 'J01AA02', cls: 'unrestricted' },
  { zh: '米诺环素', en: 'minocycline', atc: 'J01AA08', cls: 'restricted' },
  { zh: '复方磺胺甲噁唑', en: 'sulfamethoxazole-trimethoprim', atc: 'J01EE01', cls: 'unrestricted' },
  { zh: '甲硝唑', en: 'metronidazole', atc: 'J01XD01', cls: 'unrestricted' },
  { zh: '替硝唑', en: 'tinidazole', atc: 'J01XD02', cls: 'unrestricted' },
  { zh: '克林霉素', en: 'clindamycin', atc: 'J01FF01', cls: 'unrestricted' },
  { zh: '磷霉素', en: 'fosfomycin', atc: 'J01XX01', cls: 'unrestricted' },
  { zh: '呋喃妥因', en: 'nitrofurantoin', atc: 'J01XE01', cls: 'unrestricted' },
];

const BY_NAME = new Map(ANTIBACTERIALS.flatMap((a) => [[a.zh, a.cls], [a.en, a.cls]] as [string, AntibacterialClass][]));

/** The class of an antibacterial by generic name (Chinese or English; dosage-form suffixes ignored), or null. */
export function antibacterialClass(genericName: string): AntibacterialClass | null {
  const n = genericName.trim().toLowerCase().replace(/(胶囊|片|颗粒|分散片|缓释片|干混悬剂|注射液|注射用|钠|钾)$/g, '');
  return BY_NAME.get(n) ?? BY_NAME.get(n.replace(/^注射用/, '')) ?? null;
}
