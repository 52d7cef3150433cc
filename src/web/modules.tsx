// The module menu: each page with the roles that see it. Adding a page is adding an entry here.
import type { ReactNode } from 'react';
import { AccountBookOutlined, ImportOutlined, ProfileOutlined } from '@ant-design/icons';
import { FundOutlined } from '@ant-design/icons';
import { AlertOutlined, ApartmentOutlined, BankOutlined, BarChartOutlined, ClusterOutlined, IdcardOutlined, UserOutlined, DatabaseOutlined,  FileSearchOutlined, MedicineBoxOutlined, UnorderedListOutlined, HomeOutlined, SettingOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import type { MessageKey } from './i18n';
import {
  BREAK_GLASS_REVIEWERS, COMMISSION, DUPLICATE_REVIEWERS, INDEX_READERS, INDICATOR_ENTRANTS, INDICATOR_VIEWERS, LEDGER_USERS, PROGRAMME_RATE_READERS, PROGRAMME_STAFF,
  CARD_DOCTORS, CARD_REVIEWERS, ACQUIRERS, CENTRE_VIEWERS, DIAGNOSTIC_FIGURE_READERS, DIAGNOSTIC_ORDERERS, LAB_MESSAGE_DESK, READING_DOCTORS, RESULT_READERS, CATALOGUE_READERS, DISPENSERS, MEDICINE_PRESCRIBERS, PRESCRIPTION_REVIEWERS, STEWARDSHIP_READERS,
  RECORD_READERS, REFERRAL_FIGURE_READERS, REFERRAL_HANDLERS, REFERRAL_SENDERS, RESIDENT_REGISTRARS, RESIDENTS, CONTRACT_SIGNERS, SCHEDULING_STAFF, STAFF, UNIT_EDITORS, USER_ADMINS, type Role,
  IMMUNISATION_STAFF, ELDERLY_STAFF, SCHEDULE_READERS, DIP_READERS, INSURANCE_AUDITORS,
} from '../shared/roles';
import { HomePage } from './pages/home';
import { UsersPage } from './pages/admin/users';
import { SystemClientsPage } from './pages/admin/system-clients';
import { RecordPage, RecordSearch } from './pages/records/record';
import { BreakGlassReviewPage, MyRecordPage } from './pages/records/me';
import { WorklistPage } from './pages/chronic/worklist';
import { DuplicatesPage, ResidentDetailPage, ResidentNewPage, ResidentSearchPage } from './pages/registry/residents';
import { CommunitiesPage, FacilitiesPage, FacilityDetailPage, RegionsPage, WorkersPage } from './pages/registry/places';
import { FollowUpPage } from './pages/chronic/followup';
import { RatesPage } from './pages/chronic/rates';
import { LedgerPage } from './pages/ledger/ledger';
import { LedgerTaskPage } from './pages/ledger/task';
import { PlanImportPage } from './pages/ledger/import';
import { SupervisionPage } from './pages/ledger/supervision';
import { UnitsPage } from './pages/ledger/units';
import { SwapOutlined, CalendarOutlined, CalculatorOutlined } from '@ant-design/icons';
import { ReferralInboxPage } from './pages/referrals/inbox';
import { ReferralNewPage } from './pages/referrals/new';
import { ReferralDetailPage } from './pages/referrals/detail';
import { ReferralPrintPage } from './pages/referrals/print';
import { ReferralFiguresPage } from './pages/referrals/figures';
import { PaymentCalculatorPage } from './pages/referrals/payment';
import { SchedulingPage } from './pages/scheduling/index';
import { MyBookingsPage } from './pages/scheduling/my-bookings';
import { IndicatorDashboardPage, IndicatorEntryPage, IndicatorExplorerPage } from './pages/indicators/dashboard';
import { ContractRatesPage, PackagesPage } from './pages/contracts/contracts';
import { ContractRequestsPage } from './pages/contracts/requests';
import { MyContractPage } from './pages/me/contract';
import { ScreeningPage } from './pages/chronic/screening';
import { TwoFactorPage } from './pages/account/two-factor';
import { SafetyOutlined, ExperimentOutlined } from '@ant-design/icons';
import { CardReviewPage, MyCardsPage } from './pages/surveillance/cards';
import { SignalsPage } from './pages/surveillance/signals';
import { CataloguePage, PrescribePage, PrescriptionsPage, ReviewCentrePage, StewardshipPage } from './pages/medicines/index';
import { PharmacyPage } from './pages/medicines/pharmacy';
import { DipPage, SettlementsPage, FundSupervisionPage } from './pages/insurance/index';
import { ChildCardPage, ClinicPage, SchedulePage } from './pages/publichealth/clinic';
import { ElderlyPage, ElderlyServicePage } from './pages/publichealth/elderly';
import { CentresPage, ConsultationsPage, CriticalDeskPage, DiagnosticFiguresPage, DiagnosticOrdersPage, DiagnosticReadingPage, DiagnosticWorklistPage, LabMessagesPage } from './pages/diagnostics/index';
import { ApiOutlined, ScanOutlined } from '@ant-design/icons';

export interface PageEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Routed but not listed in the menu (detail pages). */
  hidden?: boolean;
  /** Roles that see this page; undefined = every signed-in user. */
  roles?: readonly Role[];
  group?: { key: string; label: MessageKey; icon: ReactNode };
  element: ReactNode;
}

const REG = { key: 'registry', label: 'registry.menu.group' as const, icon: <DatabaseOutlined /> };
const CHRONIC = { key: 'chronic', label: 'chronic.menu.group' as const, icon: <MedicineBoxOutlined /> };
const REFERRALS = { key: 'referrals', label: 'referrals.menu.group' as const, icon: <SwapOutlined /> };
const MONITOR = { key: 'indicators', label: 'indicators.menu.group' as const, icon: <FundOutlined /> };
const ADMIN = { key: 'admin', label: 'admin.menu.group' as const, icon: <SettingOutlined /> };
const SURVEILLANCE = { key: 'surveillance', label: 'surveillance.menu.group' as const, icon: <AlertOutlined /> };
const MEDICINES = { key: 'medicines', label: 'medicines.menu.group' as const, icon: <ExperimentOutlined /> };
const PUBLIC_HEALTH = { key: 'publichealth', label: 'publichealth.menu.group' as const, icon: <SafetyOutlined /> };
const DIAGNOSTICS = { key: 'diagnostics', label: 'diagnostics.menu.group' as const, icon: <ScanOutlined /> };
const INSURANCE = { key: 'insurance', label: 'insurance.menu.group' as const, icon: <AccountBookOutlined /> };
const LEDGER = { key: 'ledger', label: 'ledger.menu.group' as const, icon: <ProfileOutlined /> };

export const PAGES: PageEntry[] = [
  { path: '/', label: 'app.menu.home', icon: <HomeOutlined />, element: <HomePage /> },
  { path: '/records', label: 'records.menu.records', icon: <FileSearchOutlined />, roles: RECORD_READERS, element: <RecordSearch /> },
  { path: '/records/:residentId', label: 'records.menu.records', icon: <FileSearchOutlined />, roles: RECORD_READERS, hidden: true, element: <RecordPage /> },
  { path: '/registry/residents', label: 'registry.menu.residents', icon: <IdcardOutlined />, roles: INDEX_READERS, group: REG, element: <ResidentSearchPage /> },
  { path: '/registry/residents/new', label: 'registry.menu.residents', icon: <IdcardOutlined />, roles: RESIDENT_REGISTRARS, hidden: true, element: <ResidentNewPage /> },
  { path: '/registry/residents/:id', label: 'registry.menu.residents', icon: <IdcardOutlined />, roles: INDEX_READERS, hidden: true, element: <ResidentDetailPage /> },
  { path: '/registry/duplicates', label: 'registry.menu.duplicates', icon: <ClusterOutlined />, roles: DUPLICATE_REVIEWERS, group: REG, element: <DuplicatesPage /> },
  { path: '/registry/facilities', label: 'registry.menu.facilities', icon: <BankOutlined />, roles: STAFF, group: REG, element: <FacilitiesPage /> },
  { path: '/registry/facilities/:code', label: 'registry.menu.facilities', icon: <BankOutlined />, roles: STAFF, hidden: true, element: <FacilityDetailPage /> },
  { path: '/registry/communities', label: 'registry.menu.communities', icon: <ApartmentOutlined />, roles: STAFF, group: REG, element: <CommunitiesPage /> },
  { path: '/registry/communities/:id', label: 'registry.menu.communities', icon: <ApartmentOutlined />, roles: STAFF, hidden: true, element: <CommunitiesPage /> },
  { path: '/registry/workers', label: 'registry.menu.workers', icon: <UserOutlined />, roles: STAFF, group: REG, element: <WorkersPage /> },
  { path: '/registry/workers/:id', label: 'registry.menu.workers', icon: <UserOutlined />, roles: STAFF, hidden: true, element: <WorkersPage /> },
  { path: '/registry/regions', label: 'registry.menu.regions', icon: <DatabaseOutlined />, roles: STAFF, group: REG, element: <RegionsPage /> },
  { path: '/chronic/worklist', label: 'chronic.menu.worklist', icon: <UnorderedListOutlined />, roles: PROGRAMME_STAFF, group: CHRONIC, element: <WorklistPage /> },
  { path: '/chronic/screening', label: 'chronic.menu.screening', icon: <FileSearchOutlined />, roles: PROGRAMME_STAFF, group: CHRONIC, element: <ScreeningPage /> },
  { path: '/chronic/followup/:residentId/:programme', label: 'chronic.menu.worklist', icon: <MedicineBoxOutlined />, roles: PROGRAMME_STAFF, hidden: true, element: <FollowUpPage /> },
  { path: '/chronic/rates', label: 'chronic.menu.rates', icon: <BarChartOutlined />, roles: PROGRAMME_RATE_READERS, group: CHRONIC, element: <RatesPage /> },
  { path: '/contracts/rates', label: 'contracts.menu.rates', icon: <BarChartOutlined />, roles: STAFF, group: CHRONIC, element: <ContractRatesPage /> },
  { path: '/ledger', label: 'ledger.menu.ledger', icon: <ProfileOutlined />, roles: LEDGER_USERS, group: LEDGER, element: <LedgerPage /> },
  { path: '/ledger/tasks/:id', label: 'ledger.menu.ledger', icon: <ProfileOutlined />, roles: LEDGER_USERS, hidden: true, element: <LedgerTaskPage /> },
  { path: '/ledger/import', label: 'ledger.menu.import', icon: <ImportOutlined />, roles: COMMISSION, group: LEDGER, element: <PlanImportPage /> },
  { path: '/ledger/supervision', label: 'ledger.menu.supervision', icon: <AlertOutlined />, roles: COMMISSION, group: LEDGER, element: <SupervisionPage /> },
  { path: '/ledger/units', label: 'ledger.menu.units', icon: <BankOutlined />, roles: UNIT_EDITORS, group: LEDGER, element: <UnitsPage /> },
  { path: '/referrals', label: 'referrals.menu.inbox', icon: <SwapOutlined />, roles: REFERRAL_HANDLERS, group: REFERRALS, element: <ReferralInboxPage /> },
  { path: '/referrals/new', label: 'referrals.menu.inbox', icon: <SwapOutlined />, roles: REFERRAL_SENDERS, hidden: true, element: <ReferralNewPage /> },
  { path: '/referrals/figures', label: 'referrals.menu.figures', icon: <BarChartOutlined />, roles: REFERRAL_FIGURE_READERS, group: REFERRALS, element: <ReferralFiguresPage /> },
  { path: '/referrals/payment', label: 'referrals.menu.payment', icon: <CalculatorOutlined />, roles: STAFF, group: REFERRALS, element: <PaymentCalculatorPage /> },
  { path: '/referrals/:id', label: 'referrals.menu.inbox', icon: <SwapOutlined />, roles: REFERRAL_HANDLERS, hidden: true, element: <ReferralDetailPage /> },
  { path: '/referrals/:id/print', label: 'referrals.menu.inbox', icon: <SwapOutlined />, roles: REFERRAL_HANDLERS, hidden: true, element: <ReferralPrintPage /> },
  { path: '/scheduling', label: 'scheduling.menu.scheduling', icon: <CalendarOutlined />, roles: SCHEDULING_STAFF, group: REFERRALS, element: <SchedulingPage /> },
  { path: '/scheduling/my', label: 'scheduling.menu.my', icon: <CalendarOutlined />, roles: RESIDENTS, element: <MyBookingsPage /> },
  { path: '/indicators', label: 'indicators.dashboard', icon: <FundOutlined />, roles: INDICATOR_VIEWERS, group: MONITOR, element: <IndicatorDashboardPage /> },
  { path: '/indicators/explore', label: 'indicators.explore', icon: <BarChartOutlined />, roles: INDICATOR_VIEWERS, group: MONITOR, element: <IndicatorExplorerPage /> },
  { path: '/indicators/entry', label: 'indicators.entry', icon: <BarChartOutlined />, roles: INDICATOR_ENTRANTS, group: MONITOR, element: <IndicatorEntryPage /> },
  { path: '/contracts/requests', label: 'contracts.menu.requests', icon: <SolutionOutlined />, roles: CONTRACT_SIGNERS, group: CHRONIC, element: <ContractRequestsPage /> },
  { path: '/contracts/packages', label: 'contracts.menu.packages', icon: <SolutionOutlined />, roles: STAFF, group: CHRONIC, element: <PackagesPage /> },
  { path: '/surveillance/cards', label: 'surveillance.menu.cards', icon: <FileSearchOutlined />, roles: CARD_DOCTORS, group: SURVEILLANCE, element: <MyCardsPage /> },
  { path: '/surveillance/review', label: 'surveillance.menu.review', icon: <FileSearchOutlined />, roles: CARD_REVIEWERS, group: SURVEILLANCE, element: <CardReviewPage /> },
  { path: '/surveillance/signals', label: 'surveillance.menu.signals', icon: <AlertOutlined />, roles: CARD_REVIEWERS, group: SURVEILLANCE, element: <SignalsPage /> },
  { path: '/medicines/catalogue', label: 'medicines.menu.catalogue', icon: <ExperimentOutlined />, roles: CATALOGUE_READERS, group: MEDICINES, element: <CataloguePage /> },
  { path: '/medicines/prescriptions', label: 'medicines.menu.dispense', icon: <ExperimentOutlined />, roles: DISPENSERS, group: MEDICINES, element: <PrescriptionsPage /> },
  { path: '/medicines/prescribe/:residentId', label: 'medicines.menu.prescribe', icon: <ExperimentOutlined />, roles: MEDICINE_PRESCRIBERS, hidden: true, element: <PrescribePage /> },
  { path: '/medicines/pharmacy', label: 'medicines.menu.pharmacy', icon: <ExperimentOutlined />, roles: DISPENSERS, group: MEDICINES, element: <PharmacyPage /> },
  { path: '/medicines/review', label: 'medicines.menu.review', icon: <ExperimentOutlined />, roles: PRESCRIPTION_REVIEWERS, group: MEDICINES, element: <ReviewCentrePage /> },
  { path: '/publichealth/clinic', label: 'publichealth.menu.clinic', icon: <SafetyOutlined />, roles: IMMUNISATION_STAFF, group: PUBLIC_HEALTH, element: <ClinicPage /> },
  { path: '/publichealth/elderly', label: 'publichealth.menu.elderly', icon: <SafetyOutlined />, roles: ELDERLY_STAFF, group: PUBLIC_HEALTH, element: <ElderlyPage /> },
  { path: '/publichealth/elderly/:residentId', label: 'publichealth.menu.elderly', icon: <SafetyOutlined />, roles: ELDERLY_STAFF, hidden: true, element: <ElderlyServicePage /> },
  { path: '/publichealth/schedule', label: 'publichealth.menu.schedule', icon: <SafetyOutlined />, roles: SCHEDULE_READERS, group: PUBLIC_HEALTH, element: <SchedulePage /> },
  { path: '/publichealth/children/:residentId', label: 'publichealth.menu.card', icon: <SafetyOutlined />, roles: RECORD_READERS, hidden: true, element: <ChildCardPage /> },
  { path: '/medicines/stewardship', label: 'medicines.menu.stewardship', icon: <BarChartOutlined />, roles: STEWARDSHIP_READERS, group: MEDICINES, element: <StewardshipPage /> },
  { path: '/diagnostics/orders', label: 'diagnostics.menu.orders', icon: <ScanOutlined />, roles: ACQUIRERS.filter((r) => r !== 'diagnostician'), group: DIAGNOSTICS, element: <DiagnosticOrdersPage /> },
  { path: '/diagnostics/worklist', label: 'diagnostics.menu.worklist', icon: <ScanOutlined />, roles: READING_DOCTORS, group: DIAGNOSTICS, element: <DiagnosticWorklistPage /> },
  { path: '/diagnostics/read/:id', label: 'diagnostics.menu.worklist', icon: <ScanOutlined />, roles: READING_DOCTORS, hidden: true, element: <DiagnosticReadingPage /> },
  { path: '/diagnostics/lab-messages', label: 'diagnostics.menu.labMessages', icon: <ApiOutlined />, roles: LAB_MESSAGE_DESK, group: DIAGNOSTICS, element: <LabMessagesPage /> },
  { path: '/diagnostics/alerts', label: 'diagnostics.menu.alerts', icon: <AlertOutlined />, roles: [...RESULT_READERS, ...READING_DOCTORS], group: DIAGNOSTICS, element: <CriticalDeskPage /> },
  { path: '/diagnostics/consultations', label: 'diagnostics.menu.consultations', icon: <TeamOutlined />, roles: [...DIAGNOSTIC_ORDERERS, ...READING_DOCTORS], group: DIAGNOSTICS, element: <ConsultationsPage /> },
  { path: '/diagnostics/centres', label: 'diagnostics.menu.centres', icon: <BankOutlined />, roles: CENTRE_VIEWERS, group: DIAGNOSTICS, element: <CentresPage /> },
  { path: '/diagnostics/figures', label: 'diagnostics.menu.figures', icon: <BarChartOutlined />, roles: DIAGNOSTIC_FIGURE_READERS, group: DIAGNOSTICS, element: <DiagnosticFiguresPage /> },
  { path: '/insurance/dip', label: 'insurance.menu.dip', icon: <AccountBookOutlined />, roles: DIP_READERS, group: INSURANCE, element: <DipPage /> },
  { path: '/insurance/supervision', label: 'insurance.menu.supervision', icon: <AccountBookOutlined />, roles: INSURANCE_AUDITORS, group: INSURANCE, element: <FundSupervisionPage /> },
  { path: '/insurance/settlements', label: 'insurance.menu.settlements', icon: <AccountBookOutlined />, roles: INSURANCE_AUDITORS, group: INSURANCE, element: <SettlementsPage /> },
  { path: '/me/contract', label: 'me.menu.contract', icon: <SolutionOutlined />, roles: RESIDENTS, element: <MyContractPage /> },
  { path: '/me', label: 'records.menu.myRecord', icon: <SolutionOutlined />, roles: RESIDENTS, element: <MyRecordPage /> },
  { path: '/break-glass', label: 'records.menu.breakGlass', icon: <AlertOutlined />, roles: BREAK_GLASS_REVIEWERS, group: ADMIN, element: <BreakGlassReviewPage /> },
  { path: '/account/two-factor', label: 'account.mfa.menu', icon: <SafetyOutlined />, roles: STAFF, element: <TwoFactorPage /> },
  { path: '/admin/users', label: 'admin.menu.users', icon: <TeamOutlined />, roles: USER_ADMINS, group: ADMIN, element: <UsersPage /> },
  { path: '/admin/system-clients', label: 'admin.menu.clients', icon: <ApartmentOutlined />, roles: USER_ADMINS, group: ADMIN, element: <SystemClientsPage /> },
];

/** The pages a role may open. */
export function pagesFor(role: Role): PageEntry[] {
  return PAGES.filter((p) => !p.roles || p.roles.includes(role));
}
