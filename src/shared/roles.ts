// Roles and region scope: pure, shared by server and web.

export const ROLES = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'resident', 'department', 'pharmacist', 'diagnostician', 'insurance_auditor'] as const;
export type Role = (typeof ROLES)[number];
/**
 * The role of a registered facility system (HIS/LIS) signed in with client credentials (a Bearer
 * token): a principal, never a user's role. A route admits it only when its access lists it.
 */
export const SYSTEM_ROLE = 'system' as const;
/** Who a request acts as: a user's role, or a facility system. */
export type PrincipalRole = Role | typeof SYSTEM_ROLE;

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  sysadmin: { zh: '系统管理员', en: 'System administrator' },
  officer: { zh: '卫健委', en: 'Health-commission officer' },
  manager: { zh: '医共体管理', en: 'Medical-community manager' },
  doctor: { zh: '医生', en: 'Doctor' },
  nurse: { zh: '护士', en: 'Nurse' },
  public_health: { zh: '公共卫生人员', en: 'Public-health staff' },
  village_doctor: { zh: '乡村医生', en: 'Village doctor' },
  coordinator: { zh: '转诊协调员', en: 'Referral coordinator' },
  resident: { zh: '居民', en: 'Resident' },
  department: { zh: '责任部门', en: 'Government department' },
  pharmacist: { zh: '药师', en: 'Pharmacist' },
  diagnostician: { zh: '诊断中心医师', en: 'Diagnostic-centre doctor' },
  insurance_auditor: { zh: '医保局审核员', en: 'Insurance-bureau auditor' },
};

/** Roles that care for patients and so may open a record when a legal basis exists. */
export const CLINICAL_ROLES: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health', 'coordinator'];

/** The code prefix that every region under `code` starts with (GB/T 2260 six digits, statistical twelve). */
export function regionPrefix(code: string): string {
  if (code.length === 12) {
    if (code.endsWith('000000')) return regionPrefix(code.slice(0, 6));
    if (code.endsWith('000')) return code.slice(0, 9);
    return code;
  }
  if (code.length === 6) {
    if (code.endsWith('0000')) return code.slice(0, 2);
    if (code.endsWith('00')) return code.slice(0, 4);
    return code;
  }
  return code;
}

// Role lists by purpose: each purpose named once and imported (the web's menu and pages; routes may use them too).
/** Every staff role (everyone but residents and government departments). */
export const STAFF: readonly Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator', 'pharmacist', 'diagnostician'];
/**
 * Who searches the resident master index, opens a resident's card and reveals their identifiers.
 * Not managers (and not officers): they see aggregates only.
 */
export const INDEX_READERS: readonly Role[] = ['sysadmin', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator'];
/** Who registers a resident. */
export const RESIDENT_REGISTRARS: readonly Role[] = ['sysadmin', 'doctor', 'nurse', 'public_health', 'village_doctor'];
/** Who issues a resident the one-time code with which they set their own password (with a legal basis for their record). */
export const RESIDENT_ACCOUNT_ISSUERS: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health'];
/** Who reviews probable duplicate residents (and merges them): people are shown, so not managers. */
export const DUPLICATE_REVIEWERS: readonly Role[] = ['sysadmin', 'public_health'];
/** Who sets a region's population. */
export const POPULATION_EDITORS: readonly Role[] = ['officer', 'sysadmin'];
/** Who imports the region tree. */
export const REGION_IMPORTERS: readonly Role[] = ['sysadmin'];
/** Staff who open a resident's lifelong record (with a legal basis). */
export const RECORD_READERS: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'];
/** Who reviews break-glass access. */
export const BREAK_GLASS_REVIEWERS: readonly Role[] = ['sysadmin', 'manager'];
/** The chronic programme's care staff: worklist, screening, follow-ups, the residents behind a rate. */
export const PROGRAMME_STAFF: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health'];
/** Who reads the programme rates. */
export const PROGRAMME_RATE_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'village_doctor', 'public_health'];
/** Who signs family-doctor contracts and decides residents' online requests (a team's members; a system administrator for any team). */
export const CONTRACT_SIGNERS: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'public_health', 'sysadmin'];
/** Who creates and edits family-doctor service packages. */
export const PACKAGE_EDITORS: readonly Role[] = ['sysadmin', 'manager'];
/** Who works the reform ledger. */
export const LEDGER_USERS: readonly Role[] = ['officer', 'department'];
/** The health commission: imports plans, supervises the ledger. */
export const COMMISSION: readonly Role[] = ['officer'];
/** Who keeps the ledger's departments (units). */
export const UNIT_EDITORS: readonly Role[] = ['officer', 'sysadmin'];
/** Who works the referral inbox. */
export const REFERRAL_HANDLERS: readonly Role[] = ['doctor', 'village_doctor', 'nurse', 'coordinator'];
/** Who sends a referral. */
export const REFERRAL_SENDERS: readonly Role[] = ['doctor', 'village_doctor', 'nurse'];
/** Who reads the referral figures. */
export const REFERRAL_FIGURE_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'coordinator', 'public_health'];
/** Who opens the scheduling desk. */
export const SCHEDULING_STAFF: readonly Role[] = ['sysadmin', 'manager', 'doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'];
/** Who books a place for a resident (staff for residents they have a basis for; a resident for themself). */
export const BOOKERS: readonly Role[] = ['sysadmin', 'doctor', 'nurse', 'village_doctor', 'coordinator', 'resident'];
/** Who works the bed board (admits, discharges, holds beds). */
export const BED_STAFF: readonly Role[] = ['sysadmin', 'manager', 'coordinator', 'doctor', 'nurse'];
/** Who creates schedules, closes days and reserves beds. */
export const SCHEDULE_MANAGERS: readonly Role[] = ['sysadmin', 'manager', 'coordinator'];
/** Who books and manages a slot's bookings at their own facility. */
export const SLOT_STAFF: readonly Role[] = ['sysadmin', 'doctor', 'nurse', 'coordinator'];
/** Who reads the indicator dashboards. */
export const INDICATOR_VIEWERS: readonly Role[] = [...STAFF, 'department'];
/** Who sets indicator targets. */
export const TARGET_EDITORS: readonly Role[] = ['sysadmin', 'officer'];
/** Who enters indicator values by hand. */
export const INDICATOR_ENTRANTS: readonly Role[] = ['sysadmin', 'officer', 'manager'];
/** Who administers users. */
export const USER_ADMINS: readonly Role[] = ['sysadmin'];
/** The roles that see many people and so sign in with two factors (MLPS 2.0 level 3). */
export const TWO_FACTOR_ROLES: readonly Role[] = ['sysadmin', 'manager', 'officer', 'insurance_auditor'];
/** Residents' own pages. */
export const RESIDENTS: readonly Role[] = ['resident'];

/** Who completes and submits infectious-disease report cards (the diagnosing doctor). */
export const CARD_DOCTORS: readonly Role[] = ['doctor', 'village_doctor'];
/** Who reviews report cards and responds to outbreak signals (the county CDC's public-health staff). */
export const CARD_REVIEWERS: readonly Role[] = ['public_health', 'sysadmin'];
/** Who opens a report card (its doctor, or the CDC). */
export const CARD_READERS: readonly Role[] = ['doctor', 'village_doctor', 'public_health', 'sysadmin'];
/** Who reads the drug catalogue. */
export const CATALOGUE_READERS: readonly Role[] = ['sysadmin', 'manager', 'doctor', 'nurse', 'village_doctor', 'public_health', 'pharmacist'];
/** Who imports a full drug catalogue (the community's pharmacy administration). */
export const CATALOGUE_IMPORTERS: readonly Role[] = ['sysadmin', 'pharmacist'];
/** Who prescribes from the catalogue (with a basis for the resident). */
export const MEDICINE_PRESCRIBERS: readonly Role[] = ['doctor', 'village_doctor'];
/** The county review centre (前置审方): held prescriptions of their region. */
export const PRESCRIPTION_REVIEWERS: readonly Role[] = ['pharmacist'];
/** Who dispenses (at the prescribing facility, or a pharmacist of its region) and sees the facility's prescriptions. */
export const DISPENSERS: readonly Role[] = ['doctor', 'village_doctor', 'nurse', 'pharmacist'];
/** Who reads a resident's medication across facilities (with a basis). */
export const MEDICATION_READERS: readonly Role[] = ['doctor', 'village_doctor', 'nurse'];
/** Who reads the stewardship figures (aggregates). */
export const STEWARDSHIP_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'pharmacist'];
/** Who registers a drug their village or township lacks for a patient (基层缺药登记). */
export const SHORTAGE_REGISTRARS: readonly Role[] = ['doctor', 'village_doctor', 'nurse'];
/** The vaccination clinic's staff (public-health workers of the clinic, who hold the public-health basis for its area): due list, lots, doses. */
export const IMMUNISATION_STAFF: readonly Role[] = ['public_health'];
/** Who reads the immunisation schedule (no person in it). */
export const SCHEDULE_READERS: readonly Role[] = STAFF;
/** Who serves the elderly 65+ programme of their facility's area (township GP, village doctor, public-health worker): its due list and annual services. */
export const ELDERLY_STAFF: readonly Role[] = ['doctor', 'village_doctor', 'public_health'];
/** Who reads 老年人健康管理率 by township (aggregates only, within their scope). */
export const ELDERLY_RATE_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'village_doctor', 'public_health'];
/** Who reads immunisation coverage by township (aggregates only). */
export const COVERAGE_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'public_health'];

/** Who reads the shared diagnostic centres and their items (to order, to see the roster and targets). */
export const CENTRE_VIEWERS: readonly Role[] = ['sysadmin', 'manager', 'doctor', 'nurse', 'village_doctor', 'diagnostician'];
/** Who designates a centre and keeps its members, items, roster, templates and critical-value rules (the community's management). */
export const CENTRE_ADMINS: readonly Role[] = ['sysadmin', 'manager'];
/** Who orders an examination or test from a centre for a resident (with a basis). */
export const DIAGNOSTIC_ORDERERS: readonly Role[] = ['doctor', 'village_doctor'];
/** Who records the acquisition at the township or the specimen's steps (their facility's orders). */
export const ACQUIRERS: readonly Role[] = ['doctor', 'nurse', 'village_doctor', 'diagnostician'];
/** The centre's reading doctors: worklist, reports, verification, amendment (上级诊断). */
export const READING_DOCTORS: readonly Role[] = ['diagnostician'];
/** Who sees the inbound laboratory messages (HL7 v2) not accepted and dismisses them: the laboratory's centre staff, and the system administrator (without the messages' text). Only the centre staff match one to an order. */
export const LAB_MESSAGE_DESK: readonly Role[] = ['diagnostician', 'sysadmin'];
/** Who sees their facility's orders and results and acknowledges critical values (the ordering clinician, the duty desk). */
export const RESULT_READERS: readonly Role[] = ['doctor', 'nurse', 'village_doctor'];
/** Who reads the centres' figures (turnaround, critical-value timeliness, recognition, orders by township). */
export const DIAGNOSTIC_FIGURE_READERS: readonly Role[] = ['sysadmin', 'officer', 'manager', 'diagnostician'];

/** The county insurance bureau (医保局): imports settlement lists, runs DIP and the fund supervision worklist (region scope). */
export const INSURANCE_AUDITORS: readonly Role[] = ['insurance_auditor'];
/** Who reads the DIP settlement figures (points, point value, hospitals' payments): the bureau, and the community's managers and the health commission (aggregates only). */
export const DIP_READERS: readonly Role[] = ['insurance_auditor', 'manager', 'officer', 'sysadmin'];
