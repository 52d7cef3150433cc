// Which module owns each table. A module writes only its own tables (in its store.ts); another
// module that needs a change there calls the owner's service. The indicators engine alone reads
// other modules' tables, read-only (ARCHITECTURE.md). A test (test/architecture) holds the code to it.
import type { Db } from './db.ts';
import { AppError } from './errors.ts';

export const MODULES = ['users', 'registry', 'records', 'contracts', 'chronic', 'referrals', 'scheduling', 'indicators', 'ledger', 'plans', 'demo', 'auth', 'surveillance', 'medicines', 'publichealth', 'diagnostics', 'insurance'] as const;
export type ModuleName = (typeof MODULES)[number];

/** Every table of the schema and the one module that writes it ('platform' for the plumbing's own). */
export const TABLE_OWNERS: Record<string, ModuleName | 'platform'> = {
  // platform
  sessions: 'platform', login_throttle: 'platform',
  // auth (two-factor sign-in, system clients)
  user_totp: 'auth', user_recovery_codes: 'auth', system_clients: 'auth', system_client_tokens: 'auth',
  audit_log: 'platform',
  audit_anchors: 'platform',
  schema_migrations: 'platform',
  // users
  users: 'users', resident_activation_codes: 'users',
  // registry
  regions: 'registry', region_population: 'registry', facilities: 'registry', communities: 'registry', community_members: 'registry',
  workers: 'registry', worker_postings: 'registry', households: 'registry', residents: 'registry', resident_duplicates: 'registry', resident_merges: 'registry',
  // records
  icd10_codes: 'records', encounters: 'records', diagnoses: 'records', observations: 'records', prescriptions: 'records', allergies: 'records',
  immunisations: 'records', documents: 'records', consents: 'records', break_glass: 'records', record_versions: 'records', presence_codes: 'records',
  // contracts
  care_teams: 'contracts', care_team_members: 'contracts', care_team_areas: 'contracts', service_packages: 'contracts', contracts: 'contracts', contract_packages: 'contracts', contract_requests: 'contracts',
  // chronic
  chronic_enrolments: 'chronic', chronic_followups: 'chronic',
  // referrals
  referrals: 'referrals', referral_events: 'referrals', referral_sla: 'referrals', referral_tasks: 'referrals', insurance_parameters: 'referrals',
  // scheduling
  schedules: 'scheduling', schedule_exceptions: 'scheduling', slots: 'scheduling', bookings: 'scheduling', waiting_list: 'scheduling', wards: 'scheduling', beds: 'scheduling', bed_events: 'scheduling',
  // indicators
  targets: 'indicators', indicator_values: 'indicators', indicator_runs: 'indicators',
  // ledger
  gov_units: 'ledger', plans: 'ledger', plan_tasks: 'ledger', plan_task_units: 'ledger', plan_task_reports: 'ledger', plan_report_attachments: 'ledger',
  plan_task_reviews: 'ledger', plan_reminders: 'ledger', plan_history: 'ledger',
  // surveillance (infectious-disease reports and early warning)
  report_cards: 'surveillance', report_card_events: 'surveillance', surveillance_counts: 'surveillance', surveillance_params: 'surveillance',
  surveillance_signals: 'surveillance', surveillance_signal_cases: 'surveillance',
  // medicines
  medicines: 'medicines', medication_orders: 'medicines', medication_order_items: 'medicines',
  stock_lots: 'medicines', stock_moves: 'medicines', shortage_requests: 'medicines', prescription_comments: 'medicines',
  // public health (immunisation: the clinics' vaccine lots, the vaccination record)
  vaccine_lots: 'publichealth', vaccine_lot_moves: 'publichealth', vaccinations: 'publichealth', elderly_services: 'publichealth',
  // diagnostics (shared diagnostic centres)
  diagnostic_centres: 'diagnostics', diagnostic_centre_members: 'diagnostics', diagnostic_items: 'diagnostics', diagnostic_roster: 'diagnostics', report_templates: 'diagnostics',
  critical_rules: 'diagnostics', diagnostic_orders: 'diagnostics', diagnostic_order_events: 'diagnostics', imaging_studies: 'diagnostics', diagnostic_reports: 'diagnostics',
  diagnostic_report_versions: 'diagnostics', diagnostic_report_reads: 'diagnostics', critical_alerts: 'diagnostics', critical_alert_events: 'diagnostics', diagnostic_messages: 'diagnostics',
  recognition_decisions: 'diagnostics', consultations: 'diagnostics', lab_messages: 'diagnostics', imaging_files: 'diagnostics',
  // insurance (settlement lists, the fund supervision worklist)
  insurance_settlements: 'insurance', insurance_supervision_hits: 'insurance',
};

/**
 * A bulk loader (COPY) limited to the tables `module` owns: the owner's store hands it to whoever
 * loads data in bulk (the demo county, imports), so the load still goes through the owner.
 */
export function ownedCopy(module: ModuleName) {
  return async (db: Pick<Db, 'copyIn'>, table: string, columns: string[], text: string): Promise<void> => {
    if (TABLE_OWNERS[table] !== module) {
      throw new AppError(500, 'platform.not_owner', { zh: `模块 ${module} 不拥有表 ${table}`, en: `module ${module} does not own table ${table}` });
    }
    await db.copyIn(table, columns, text);
  };
}
