// The message catalogue: one file per module and language (locales/zh-CN/<module>.ts, locales/en-US/<module>.ts).
// Every key starts with its module's name; each English file is typed by its Chinese one, so a key missing
// from either language fails typecheck.
import zhApp from './zh-CN/app';
import zhCommon from './zh-CN/common';
import zhAdmin from './zh-CN/admin';
import zhRecords from './zh-CN/records';
import zhRegistry from './zh-CN/registry';
import zhChronic from './zh-CN/chronic';
import zhContracts from './zh-CN/contracts';
import zhLedger from './zh-CN/ledger';
import zhReferrals from './zh-CN/referrals';
import zhScheduling from './zh-CN/scheduling';
import zhIndicators from './zh-CN/indicators';
import zhAccount from './zh-CN/account';
import zhSurveillance from './zh-CN/surveillance';
import zhMedicines from './zh-CN/medicines';
import zhPublicHealth from './zh-CN/publichealth';
import zhDiagnostics from './zh-CN/diagnostics';
import zhInsurance from './zh-CN/insurance';
import zhMe from './zh-CN/me';
import enApp from './en-US/app';
import enCommon from './en-US/common';
import enAdmin from './en-US/admin';
import enRecords from './en-US/records';
import enRegistry from './en-US/registry';
import enChronic from './en-US/chronic';
import enContracts from './en-US/contracts';
import enLedger from './en-US/ledger';
import enReferrals from './en-US/referrals';
import enScheduling from './en-US/scheduling';
import enIndicators from './en-US/indicators';
import enAccount from './en-US/account';
import enSurveillance from './en-US/surveillance';
import enMedicines from './en-US/medicines';
import enPublicHealth from './en-US/publichealth';

import enDiagnostics from './en-US/diagnostics';
import enInsurance from './en-US/insurance';
import enMe from './en-US/me';

const zhCN = { ...zhApp, ...zhCommon, ...zhAdmin, ...zhRecords, ...zhRegistry, ...zhChronic, ...zhContracts, ...zhLedger, ...zhReferrals, ...zhScheduling, ...zhIndicators, ...zhAccount, ...zhSurveillance, ...zhMedicines, ...zhPublicHealth, ...zhDiagnostics, ...zhInsurance, ...zhMe };

/** Every message key of the app. */
export type MessageKey = keyof typeof zhCN;

const enUS: Record<MessageKey, string> = { ...enApp, ...enCommon, ...enAdmin, ...enRecords, ...enRegistry, ...enChronic, ...enContracts, ...enLedger, ...enReferrals, ...enScheduling, ...enIndicators, ...enAccount, ...enSurveillance, ...enMedicines, ...enPublicHealth, ...enDiagnostics, ...enInsurance, ...enMe };

export type Lang = 'zh' | 'en';
export const CATALOGUE: Record<Lang, Record<MessageKey, string>> = { zh: zhCN, en: enUS };
