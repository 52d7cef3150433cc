// The reasons the national hypertension and diabetes norms (3rd ed., 2017) give for referring a patient
// up, as codes with their zh/en names. Pure, shared: the chronic rules draft referrals with them, the
// referral rules accept them as reason codes, and the web app shows their names.
export const CHRONIC_REFERRAL_REASONS = {
  htn_uncontrolled_twice: { zh: '连续两次出现血压控制不满意', en: 'Blood pressure not controlled at two consecutive visits' },
  htn_adverse_uncontrollable: { zh: '药物不良反应难以控制', en: 'Adverse drug reaction hard to control' },
  htn_new_complication: { zh: '出现新的并发症', en: 'New complication' },
  htn_complication_worse: { zh: '原有并发症加重', en: 'Existing complication worse' },
  dm_uncontrolled_twice: { zh: '连续两次出现空腹血糖控制不满意', en: 'Fasting glucose not controlled at two consecutive visits' },
  dm_adverse_uncontrollable: { zh: '药物不良反应难以控制', en: 'Adverse drug reaction hard to control' },
  dm_new_complication: { zh: '出现新的并发症', en: 'New complication' },
  dm_complication_worse: { zh: '原有并发症加重', en: 'Existing complication worse' },
  emergency: { zh: '危急情况，紧急转诊', en: 'Emergency: urgent referral' },
  screening_confirm: { zh: '筛查疑似，转诊确诊', en: 'Suspected at screening: refer to confirm' },
} as const;
export type ChronicReferralReason = keyof typeof CHRONIC_REFERRAL_REASONS;
