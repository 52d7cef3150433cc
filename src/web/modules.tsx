// The module menu: each page with the roles that see it. Adding a page is adding an entry here.
import type { ReactNode } from 'react';
import { ImportOutlined, ProfileOutlined } from '@ant-design/icons';
import { FundOutlined } from '@ant-design/icons';
import { AlertOutlined, ApartmentOutlined, BankOutlined, BarChartOutlined, ClusterOutlined, IdcardOutlined, UserOutlined, DatabaseOutlined,  FileSearchOutlined, MedicineBoxOutlined, UnorderedListOutlined, HomeOutlined, SettingOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import type { MessageKey } from './i18n';
import type { Role } from '../shared/roles';
import { HomePage } from './pages/home';
import { UsersPage } from './pages/admin/users';
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
import { ReferralFiguresPage } from './pages/referrals/figures';
import { PaymentCalculatorPage } from './pages/referrals/payment';
import { SchedulingPage } from './pages/scheduling/index';
import { MyBookingsPage } from './pages/scheduling/my-bookings';
import { IndicatorDashboardPage, IndicatorEntryPage, IndicatorExplorerPage } from './pages/indicators/dashboard';
import { ContractRatesPage, PackagesPage } from './pages/contracts/contracts';
import { ScreeningPage } from './pages/chronic/screening';
import { TwoFactorPage } from './pages/account/two-factor';
import { SafetyOutlined } from '@ant-design/icons';

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

const STAFF: Role[] = ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator'];
const INDEX: Role[] = ['sysadmin', 'manager', 'doctor', 'nurse', 'public_health', 'village_doctor', 'coordinator'];
const REG = { key: 'registry', label: 'menu.registry' as const, icon: <DatabaseOutlined /> };
const CHRONIC = { key: 'chronic', label: 'menu.chronic' as const, icon: <MedicineBoxOutlined /> };
const REFERRALS = { key: 'referrals', label: 'referrals.menu' as const, icon: <SwapOutlined /> };
const REFERRAL_HANDLERS: Role[] = ['doctor', 'village_doctor', 'nurse', 'coordinator'];
const MONITOR = { key: 'indicators', label: 'menu.indicators' as const, icon: <FundOutlined /> };
const ADMIN = { key: 'admin', label: 'menu.admin' as const, icon: <SettingOutlined /> };
const LEDGER = { key: 'ledger', label: 'ledger.menu' as const, icon: <ProfileOutlined /> };

export const PAGES: PageEntry[] = [
  { path: '/', label: 'menu.home', icon: <HomeOutlined />, element: <HomePage /> },
  { path: '/records', label: 'menu.records', icon: <FileSearchOutlined />, roles: ['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'], element: <RecordSearch /> },
  { path: '/records/:residentId', label: 'menu.records', icon: <FileSearchOutlined />, roles: ['doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'], hidden: true, element: <RecordPage /> },
  { path: '/registry/residents', label: 'menu.residents', icon: <IdcardOutlined />, roles: INDEX, group: REG, element: <ResidentSearchPage /> },
  { path: '/registry/residents/new', label: 'menu.residents', icon: <IdcardOutlined />, roles: ['sysadmin', 'doctor', 'nurse', 'public_health', 'village_doctor'], hidden: true, element: <ResidentNewPage /> },
  { path: '/registry/residents/:id', label: 'menu.residents', icon: <IdcardOutlined />, roles: INDEX, hidden: true, element: <ResidentDetailPage /> },
  { path: '/registry/duplicates', label: 'menu.duplicates', icon: <ClusterOutlined />, roles: ['sysadmin', 'manager', 'public_health'], group: REG, element: <DuplicatesPage /> },
  { path: '/registry/facilities', label: 'menu.facilities', icon: <BankOutlined />, roles: STAFF, group: REG, element: <FacilitiesPage /> },
  { path: '/registry/facilities/:code', label: 'menu.facilities', icon: <BankOutlined />, roles: STAFF, hidden: true, element: <FacilityDetailPage /> },
  { path: '/registry/communities', label: 'menu.communities', icon: <ApartmentOutlined />, roles: STAFF, group: REG, element: <CommunitiesPage /> },
  { path: '/registry/communities/:id', label: 'menu.communities', icon: <ApartmentOutlined />, roles: STAFF, hidden: true, element: <CommunitiesPage /> },
  { path: '/registry/workers', label: 'menu.workers', icon: <UserOutlined />, roles: STAFF, group: REG, element: <WorkersPage /> },
  { path: '/registry/workers/:id', label: 'menu.workers', icon: <UserOutlined />, roles: STAFF, hidden: true, element: <WorkersPage /> },
  { path: '/registry/regions', label: 'menu.regions', icon: <DatabaseOutlined />, roles: STAFF, group: REG, element: <RegionsPage /> },
  { path: '/chronic/worklist', label: 'menu.worklist', icon: <UnorderedListOutlined />, roles: ['doctor', 'nurse', 'village_doctor', 'public_health'], group: CHRONIC, element: <WorklistPage /> },
  { path: '/chronic/screening', label: 'chronic.menu.screening', icon: <FileSearchOutlined />, roles: ['doctor', 'nurse', 'village_doctor', 'public_health'], group: CHRONIC, element: <ScreeningPage /> },
  { path: '/chronic/followup/:residentId/:programme', label: 'menu.worklist', icon: <MedicineBoxOutlined />, roles: ['doctor', 'nurse', 'village_doctor', 'public_health'], hidden: true, element: <FollowUpPage /> },
  { path: '/chronic/rates', label: 'menu.chronicRates', icon: <BarChartOutlined />, roles: ['sysadmin', 'officer', 'manager', 'doctor', 'nurse', 'village_doctor', 'public_health'], group: CHRONIC, element: <RatesPage /> },
  { path: '/contracts/rates', label: 'menu.contractRates', icon: <BarChartOutlined />, roles: STAFF, group: CHRONIC, element: <ContractRatesPage /> },
  { path: '/ledger', label: 'ledger.menu.ledger', icon: <ProfileOutlined />, roles: ['officer', 'department'], group: LEDGER, element: <LedgerPage /> },
  { path: '/ledger/tasks/:id', label: 'ledger.menu.ledger', icon: <ProfileOutlined />, roles: ['officer', 'department'], hidden: true, element: <LedgerTaskPage /> },
  { path: '/ledger/import', label: 'ledger.menu.import', icon: <ImportOutlined />, roles: ['officer'], group: LEDGER, element: <PlanImportPage /> },
  { path: '/ledger/supervision', label: 'ledger.menu.supervision', icon: <AlertOutlined />, roles: ['officer'], group: LEDGER, element: <SupervisionPage /> },
  { path: '/ledger/units', label: 'ledger.menu.units', icon: <BankOutlined />, roles: ['officer', 'sysadmin'], group: LEDGER, element: <UnitsPage /> },
  { path: '/referrals', label: 'referrals.menuInbox', icon: <SwapOutlined />, roles: REFERRAL_HANDLERS, group: REFERRALS, element: <ReferralInboxPage /> },
  { path: '/referrals/new', label: 'referrals.menuInbox', icon: <SwapOutlined />, roles: ['doctor', 'village_doctor', 'nurse'], hidden: true, element: <ReferralNewPage /> },
  { path: '/referrals/figures', label: 'referrals.menuFigures', icon: <BarChartOutlined />, roles: ['sysadmin', 'officer', 'manager', 'doctor', 'coordinator', 'public_health'], group: REFERRALS, element: <ReferralFiguresPage /> },
  { path: '/referrals/payment', label: 'referrals.menuPayment', icon: <CalculatorOutlined />, roles: STAFF, group: REFERRALS, element: <PaymentCalculatorPage /> },
  { path: '/referrals/:id', label: 'referrals.menuInbox', icon: <SwapOutlined />, roles: REFERRAL_HANDLERS, hidden: true, element: <ReferralDetailPage /> },
  { path: '/scheduling', label: 'scheduling.menu', icon: <CalendarOutlined />, roles: ['sysadmin', 'manager', 'doctor', 'nurse', 'village_doctor', 'coordinator', 'public_health'], group: REFERRALS, element: <SchedulingPage /> },
  { path: '/scheduling/my', label: 'scheduling.menuMy', icon: <CalendarOutlined />, roles: ['resident'], element: <MyBookingsPage /> },
  { path: '/indicators', label: 'indicators.dashboard', icon: <FundOutlined />, roles: [...STAFF, 'department'], group: MONITOR, element: <IndicatorDashboardPage /> },
  { path: '/indicators/explore', label: 'indicators.explore', icon: <BarChartOutlined />, roles: [...STAFF, 'department'], group: MONITOR, element: <IndicatorExplorerPage /> },
  { path: '/indicators/entry', label: 'indicators.entry', icon: <BarChartOutlined />, roles: ['sysadmin', 'officer', 'manager'], group: MONITOR, element: <IndicatorEntryPage /> },
  { path: '/contracts/packages', label: 'contracts.menu.packages', icon: <SolutionOutlined />, roles: STAFF, group: CHRONIC, element: <PackagesPage /> },
  { path: '/me', label: 'menu.myRecord', icon: <SolutionOutlined />, roles: ['resident'], element: <MyRecordPage /> },
  { path: '/break-glass', label: 'menu.breakGlass', icon: <AlertOutlined />, roles: ['sysadmin', 'manager'], group: ADMIN, element: <BreakGlassReviewPage /> },
  { path: '/account/two-factor', label: 'mfa.menu', icon: <SafetyOutlined />, roles: STAFF, element: <TwoFactorPage /> },
  { path: '/admin/users', label: 'menu.users', icon: <TeamOutlined />, roles: ['sysadmin'], group: ADMIN, element: <UsersPage /> },
];

/** The pages a role may open. */
export function pagesFor(role: Role): PageEntry[] {
  return PAGES.filter((p) => !p.roles || p.roles.includes(role));
}
