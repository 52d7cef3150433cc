// The module menu: each page with the roles that see it. Adding a page is adding an entry here.
import type { ReactNode } from 'react';
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
import { ContractRatesPage, PackagesPage } from './pages/contracts/contracts';
import { ScreeningPage } from './pages/chronic/screening';

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
const ADMIN = { key: 'admin', label: 'menu.admin' as const, icon: <SettingOutlined /> };

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
  { path: '/contracts/packages', label: 'contracts.menu.packages', icon: <SolutionOutlined />, roles: STAFF, group: CHRONIC, element: <PackagesPage /> },
  { path: '/me', label: 'menu.myRecord', icon: <SolutionOutlined />, roles: ['resident'], element: <MyRecordPage /> },
  { path: '/break-glass', label: 'menu.breakGlass', icon: <AlertOutlined />, roles: ['sysadmin', 'manager'], group: ADMIN, element: <BreakGlassReviewPage /> },
  { path: '/admin/users', label: 'menu.users', icon: <TeamOutlined />, roles: ['sysadmin'], group: ADMIN, element: <UsersPage /> },
];

/** The pages a role may open. */
export function pagesFor(role: Role): PageEntry[] {
  return PAGES.filter((p) => !p.roles || p.roles.includes(role));
}
