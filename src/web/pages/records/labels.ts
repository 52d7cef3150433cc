// Labels of record codes for the pages.
import { BASIS_LABELS } from '../../../modules/records/access';

export const BASIS_LABELS_UI: Record<string, { zh: string; en: string }> = {
  ...BASIS_LABELS,
  registry_scope: { zh: '辖区档案管理', en: 'Registry (scope)' },
};

export const ENCOUNTER_KIND_LABELS: Record<string, { zh: string; en: string }> = {
  outpatient: { zh: '门诊', en: 'Outpatient' },
  emergency: { zh: '急诊', en: 'Emergency' },
  inpatient: { zh: '住院', en: 'Inpatient' },
  home_visit: { zh: '上门服务', en: 'Home visit' },
  follow_up: { zh: '随访', en: 'Follow-up' },
  health_check: { zh: '健康体检', en: 'Health check' },
  remote_consultation: { zh: '远程会诊', en: 'Remote consultation' },
};

export const ACTION_LABELS: Record<string, { zh: string; en: string }> = {
  'record.summary': { zh: '查看档案摘要', en: 'Opened the summary' },
  'record.timeline': { zh: '查看就诊记录', en: 'Opened the timeline' },
  'record.trends': { zh: '查看趋势图', en: 'Opened the trends' },
  'record.versions': { zh: '查看修改历史', en: 'Opened the change history' },
  'record.break_glass': { zh: '紧急访问', en: 'Emergency access' },
  'record.basis_opened': { zh: '凭本人在场证明开始诊疗', en: 'Began care with proof of your presence' },
  'record.encounter_create': { zh: '记录诊疗', en: 'Recorded an encounter' },
  'record.observation_batch': { zh: '批量记录检测结果', en: 'Recorded measurements in a batch' },
  'record.listed': { zh: '出现在工作清单中', en: 'Shown in a work list' },
  'resident.read': { zh: '查看基本信息', en: 'Opened the demographics' },
  'resident.reveal': { zh: '查看完整证件号', en: 'Revealed the ID number' },
};
