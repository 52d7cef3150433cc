// Which catalogue indicator a target measures, from the words around it (codes shared with the
// indicators module).
const RULES: [RegExp, string, RegExp?][] = [
  [/乡村医生.*(执业|资格)|具备执业.*乡村医生/, 'village_doctor_qualified_share'],
  [/执业[（(]?助理[）)]?医师/, 'physicians_per_1000'],
  [/注册护士/, 'nurses_per_1000'],
  [/全科医生/, 'gps_per_10000'],
  [/公共卫生人员/, 'public_health_staff_per_1000'],
  [/重点人群.*签约/, 'contract_coverage_priority'],
  [/签约(服务)?覆盖率|签约率/, 'contract_coverage'],
  [/[县市]域(内)?就诊率/, 'county_visit_rate'],
  [/县域内住院/, 'county_inpatient_rate'],
  [/基层.*(门急诊|诊疗量|诊疗人次).*占比|基层就诊/, 'basic_level_visit_share'],
  [/高血压.*规范管理/, 'htn_standard_management_rate'],
  [/糖尿病.*规范管理/, 'dm_standard_management_rate'],
  [/高血压.*(控制率|控制)/, 'htn_control_rate'],
  [/糖尿病.*(控制率|控制)/, 'dm_control_rate'],
  [/高血压.*管理/, 'htn_management_rate'],
  [/糖尿病.*管理/, 'dm_management_rate'],
  [/老年人.*健康管理/, 'elderly_health_management_rate'],
  [/(抗菌药物|抗生素).*(使用率|处方)|门诊处方抗(菌药物|生素)/, 'outpatient_antibiotic_rate'],
  [/推荐标准/, 'centres_recommended_standard_share'],
  [/基本标准/, 'centres_basic_standard_share'],
  // A count of community hospitals; "60%以上社区卫生服务中心建成社区医院" is a share the catalogue does not measure.
  [/社区医院/, 'community_hospitals', /^(个|所|家)$/],
  [/床位/, 'beds_per_1000'],
  [/满意度/, 'satisfaction'],
  [/管理费用/, 'admin_expense_ratio'],
  [/医疗服务收入/, 'service_revenue_share'],
  [/DIP|病种.*覆盖/, 'dip_coverage'],
];

/** The catalogue code of the indicator the words describe (in a unit it can be held against), or null. */
export function matchIndicator(words: string, unit: string): string | null {
  for (const [re, code, unitRe] of RULES) if (re.test(words)) return !unitRe || unitRe.test(unit) ? code : null;
  return null;
}
