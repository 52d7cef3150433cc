// Labels of record codes for the pages (names from the records catalogue; legal bases from the records module).
import { BASIS_LABELS } from '../../../modules/records/access';
import { labelsFrom } from '../../i18n';

export const BASIS_LABELS_UI: Record<string, { zh: string; en: string }> = {
  ...BASIS_LABELS,
  ...labelsFrom('records.basis', ['registry_scope', 'insurance_supervision']),
};

export const ENCOUNTER_KIND_LABELS: Record<string, { zh: string; en: string }> = labelsFrom('records.encounterKind',
  ['outpatient', 'emergency', 'inpatient', 'home_visit', 'follow_up', 'health_check', 'remote_consultation']);

export const ACTION_LABELS: Record<string, { zh: string; en: string }> = labelsFrom('records.action',
  ['record.summary', 'record.timeline', 'record.trends', 'record.versions', 'record.break_glass', 'resident.read', 'resident.reveal',
    'record.basis_opened', 'record.encounter_create', 'record.observation_batch', 'record.listed', 'scheduling.resident_bookings', 'scheduling.slot_bookings', 'scheduling.bed_board', 'indicator.residents']);
