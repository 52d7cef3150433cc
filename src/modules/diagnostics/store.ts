// The diagnostics module's SQL: centres, their members, items, roster, templates and critical-value
// rules; orders with their events, studies, reports with their versions and reads; critical alerts
// with their events; messages; recognition decisions; consultations. Only its own tables.
import type { Queryable } from '../../platform/db.ts';
import type { CriticalRule } from './rules.ts';
import type { Analyte } from './hl7.ts';

// ---- centres ----

export interface CentreRow { id: string; community_id: string; facility_id: string; department: string; modality: string; name: string; county_code: string; two_level: boolean; ack_minutes: number; active: boolean }

export async function insertCentre(q: Queryable, c: { communityId: string; facilityId: string; department: string; modality: string; name: string; county: string; twoLevel: boolean; ackMinutes: number }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO diagnostic_centres (community_id, facility_id, department, modality, name, county_code, two_level, ack_minutes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
    [c.communityId, c.facilityId, c.department, c.modality, c.name, c.county, c.twoLevel, c.ackMinutes]);
  return r.id;
}

export async function liveCentreFor(q: Queryable, communityId: string, modality: string): Promise<string | null> {
  const [r] = await q.query<{ id: string }>('SELECT id FROM diagnostic_centres WHERE community_id = $1 AND modality = $2 AND active', [communityId, modality]);
  return r?.id ?? null;
}

export async function centreById(q: Queryable, id: string): Promise<CentreRow | undefined> {
  const [r] = await q.query<CentreRow>('SELECT id, community_id, facility_id, department, modality, name, county_code, two_level, ack_minutes, active FROM diagnostic_centres WHERE id = $1', [id]);
  return r;
}

export function activeCentres(q: Queryable): Promise<CentreRow[]> {
  return q.query<CentreRow>('SELECT id, community_id, facility_id, department, modality, name, county_code, two_level, ack_minutes, active FROM diagnostic_centres WHERE active ORDER BY county_code, modality, name');
}

export async function setCentreSettings(q: Queryable, id: string, twoLevel: boolean, ackMinutes: number): Promise<void> {
  await q.query('UPDATE diagnostic_centres SET two_level = $2, ack_minutes = $3 WHERE id = $1', [id, twoLevel, ackMinutes]);
}

export async function addMembers(q: Queryable, centreId: string, facilityIds: string[]): Promise<void> {
  await q.query('INSERT INTO diagnostic_centre_members (centre_id, facility_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [centreId, facilityIds]);
}

export function membersOf(q: Queryable, centreIds: string[]): Promise<{ centre_id: string; facility_id: string }[]> {
  return q.query('SELECT centre_id, facility_id FROM diagnostic_centre_members WHERE centre_id = ANY($1::uuid[])', [centreIds]);
}

// ---- items ----

export interface ItemRow { id: string; centre_id: string; code: string; name_zh: string; name_en: string; kind: string; loinc: string | null; turnaround_minutes: number; recognition_scope: string | null; recognition_days: number | null; price_fen: number; analytes: Analyte[] }
const ITEM_COLS = 'id, centre_id, code, name_zh, name_en, kind, loinc, turnaround_minutes, recognition_scope, recognition_days, price_fen, analytes';

export async function upsertItem(q: Queryable, centreId: string, i: { code: string; nameZh: string; nameEn: string; kind: string; loinc: string | null; turnaroundMinutes: number; recognitionScope: string | null; recognitionDays: number | null; priceFen: number; analytes?: Analyte[] | null }): Promise<string> {
  // analytes: kept as they are when the change does not give them
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO diagnostic_items (centre_id, code, name_zh, name_en, kind, loinc, turnaround_minutes, recognition_scope, recognition_days, price_fen, analytes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,coalesce($11::jsonb, '[]'))
     ON CONFLICT (centre_id, code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind, loinc = EXCLUDED.loinc, turnaround_minutes = EXCLUDED.turnaround_minutes,
       recognition_scope = EXCLUDED.recognition_scope, recognition_days = EXCLUDED.recognition_days, price_fen = EXCLUDED.price_fen, active = true,
       analytes = CASE WHEN $11::jsonb IS NULL THEN diagnostic_items.analytes ELSE EXCLUDED.analytes END
     RETURNING id`,
    [centreId, i.code, i.nameZh, i.nameEn, i.kind, i.loinc, i.turnaroundMinutes, i.recognitionScope, i.recognitionDays, i.priceFen, i.analytes ? JSON.stringify(i.analytes) : null]);
  return r.id;
}

export function itemsOf(q: Queryable, centreIds: string[]): Promise<ItemRow[]> {
  return q.query<ItemRow>(`SELECT ${ITEM_COLS} FROM diagnostic_items WHERE centre_id = ANY($1::uuid[]) AND active ORDER BY code`, [centreIds]);
}

export async function itemByCode(q: Queryable, centreId: string, code: string): Promise<ItemRow | undefined> {
  const [r] = await q.query<ItemRow>(`SELECT ${ITEM_COLS} FROM diagnostic_items WHERE centre_id = $1 AND code = $2 AND active`, [centreId, code]);
  return r;
}

export function itemsByIds(q: Queryable, ids: string[]): Promise<ItemRow[]> {
  return q.query<ItemRow>(`SELECT ${ITEM_COLS} FROM diagnostic_items WHERE id = ANY($1::uuid[])`, [ids]);
}

// ---- roster, templates, rules ----

export async function insertShift(q: Queryable, centreId: string, userId: string, startsAt: string, endsAt: string): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO diagnostic_roster (centre_id, user_id, starts_at, ends_at) VALUES ($1,$2,$3,$4) RETURNING id', [centreId, userId, startsAt, endsAt]);
  return r.id;
}

export function rosterOf(q: Queryable, centreId: string, from: string, to: string): Promise<{ id: string; user_id: string; starts_at: Date; ends_at: Date }[]> {
  return q.query('SELECT id, user_id, starts_at, ends_at FROM diagnostic_roster WHERE centre_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at', [centreId, from, to]);
}

export async function onDuty(q: Queryable, centreId: string, at: Date): Promise<string[]> {
  const r = await q.query<{ user_id: string }>('SELECT DISTINCT user_id FROM diagnostic_roster WHERE centre_id = $1 AND starts_at <= $2 AND ends_at > $2', [centreId, at]);
  return r.map((x) => x.user_id);
}

export interface TemplateRow { id: string; centre_id: string; item_code: string | null; name: string; findings: string; impression: string; fields: { code: string; nameZh: string; nameEn: string; unit: string; low: number | null; high: number | null }[] }
export async function insertTemplate(q: Queryable, centreId: string, t: { itemCode: string | null; name: string; findings: string; impression: string; fields: TemplateRow['fields'] }): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO report_templates (centre_id, item_code, name, findings, impression, fields) VALUES ($1,$2,$3,$4,$5,$6::jsonb) RETURNING id',
    [centreId, t.itemCode, t.name, t.findings, t.impression, JSON.stringify(t.fields)]);
  return r.id;
}

export function templatesOf(q: Queryable, centreId: string): Promise<TemplateRow[]> {
  return q.query<TemplateRow>('SELECT id, centre_id, item_code, name, findings, impression, fields FROM report_templates WHERE centre_id = $1 AND active ORDER BY name', [centreId]);
}

export async function insertRules(q: Queryable, centreId: string, rules: CriticalRule[]): Promise<void> {
  await q.query(
    `INSERT INTO critical_rules (centre_id, code, name_zh, name_en, kind, unit, below, above, source)
     SELECT $1, x.code, x.name_zh, x.name_en, x.kind, x.unit, x.below, x.above, x.source
       FROM jsonb_to_recordset($2::jsonb) AS x(code text, name_zh text, name_en text, kind text, unit text, below numeric, above numeric, source text)
     ON CONFLICT (centre_id, code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind, unit = EXCLUDED.unit, below = EXCLUDED.below,
       above = EXCLUDED.above, source = EXCLUDED.source, active = true`,
    [centreId, JSON.stringify(rules.map((r) => ({ code: r.code, name_zh: r.nameZh, name_en: r.nameEn, kind: r.kind, unit: r.unit, below: r.below, above: r.above, source: r.source })))]);
}

export interface RuleRow { code: string; name_zh: string; name_en: string; kind: 'numeric' | 'finding'; unit: string | null; below: string | number | null; above: string | number | null; source: string }
export function rulesOf(q: Queryable, centreId: string): Promise<RuleRow[]> {
  return q.query<RuleRow>('SELECT code, name_zh, name_en, kind, unit, below, above, source FROM critical_rules WHERE centre_id = $1 AND active ORDER BY kind, code', [centreId]);
}

// ---- orders ----

export interface OrderRow {
  id: string; placer_number: string; county_code: string; centre_id: string; item_id: string; resident_id: string; requester_id: string; requester_name: string; facility_id: string;
  clinical_question: string; priority: string; status: string; basis: string; scheduled_for: Date | null; acquired_at: Date | null; received_at: Date | null; due_at: Date | null;
  reject_reason: string | null; ordered_at: Date; updated_at: Date; filler_number: string | null;
}
const ORDER_COLS = `id, placer_number, county_code, centre_id, item_id, resident_id, requester_id, requester_name, facility_id, clinical_question, priority, status, basis,
  scheduled_for, acquired_at, received_at, due_at, reject_reason, ordered_at, updated_at, filler_number`;

export async function insertOrder(q: Queryable, o: { placer: string; county: string; centreId: string; itemId: string; residentId: string; requesterId: string; requesterName: string; facilityId: string; question: string; priority: string; basis: string }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO diagnostic_orders (placer_number, county_code, centre_id, item_id, resident_id, requester_id, requester_name, facility_id, clinical_question, priority, status, basis)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'ordered',$11) RETURNING id`,
    [o.placer, o.county, o.centreId, o.itemId, o.residentId, o.requesterId, o.requesterName, o.facilityId, o.question, o.priority, o.basis]);
  return r.id;
}

export async function orderById(q: Queryable, id: string, lock = false): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

export async function orderByPlacer(q: Queryable, placer: string): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE placer_number = $1`, [placer]);
  return r;
}

/** The order a laboratory knows by its own (filler) number, among the orders of these centres. */
export async function orderByFiller(q: Queryable, centreIds: string[], filler: string): Promise<OrderRow | undefined> {
  const [r] = await q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE centre_id = ANY($1::uuid[]) AND filler_number = $2`, [centreIds, filler]);
  return r;
}

/** Learns the laboratory's (filler) number of an order from its first message that carries one. */
export async function setFillerNumber(q: Queryable, id: string, filler: string): Promise<void> {
  await q.query('UPDATE diagnostic_orders SET filler_number = $2 WHERE id = $1 AND filler_number IS NULL', [id, filler]);
}

/** Moves an order to a status (the caller checked the move), setting the step's time columns. */
export async function setOrderStatus(q: Queryable, id: string, status: string, x: { scheduledFor?: string | null; acquiredAt?: Date | null; receivedAt?: Date | null; dueAt?: Date | null; rejectReason?: string | null } = {}): Promise<void> {
  await q.query(
    `UPDATE diagnostic_orders SET status = $2, scheduled_for = coalesce($3, scheduled_for), acquired_at = coalesce($4, acquired_at), received_at = coalesce($5, received_at),
       due_at = coalesce($6, due_at), reject_reason = coalesce($7, reject_reason), updated_at = now() WHERE id = $1`,
    [id, status, x.scheduledFor ?? null, x.acquiredAt ?? null, x.receivedAt ?? null, x.dueAt ?? null, x.rejectReason ?? null]);
}

export async function insertOrderEvent(q: Queryable, orderId: string, step: string, userId: string | null, note: string | null, at: Date = new Date()): Promise<void> {
  await q.query('INSERT INTO diagnostic_order_events (order_id, step, at, user_id, note) VALUES ($1,$2,$3,$4,$5)', [orderId, step, at, userId, note]);
}

export function eventsOf(q: Queryable, orderId: string): Promise<{ step: string; at: Date; user_id: string | null; note: string | null }[]> {
  return q.query('SELECT step, at, user_id, note FROM diagnostic_order_events WHERE order_id = $1 ORDER BY id', [orderId]);
}

export async function lastSpecimenStep(q: Queryable, orderId: string): Promise<string | null> {
  const [r] = await q.query<{ step: string }>(`SELECT step FROM diagnostic_order_events WHERE order_id = $1 AND step LIKE 'specimen.%' ORDER BY id DESC LIMIT 1`, [orderId]);
  return r ? r.step.slice('specimen.'.length) : null;
}

/** The centre's open orders (to acquire, to read, to verify), soonest deadline first. */
export function centreWorklist(q: Queryable, centreIds: string[], statuses: string[]): Promise<OrderRow[]> {
  return q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE centre_id = ANY($1::uuid[]) AND status = ANY($2::text[]) ORDER BY due_at NULLS LAST, ordered_at LIMIT 500`, [centreIds, statuses]);
}

export function facilityOrders(q: Queryable, facilityIds: string[], residentId: string | null): Promise<OrderRow[]> {
  return q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE facility_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR resident_id = $2) ORDER BY ordered_at DESC LIMIT 300`, [facilityIds, residentId]);
}

export function residentOrders(q: Queryable, residentId: string): Promise<OrderRow[]> {
  return q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM diagnostic_orders WHERE resident_id = $1 ORDER BY ordered_at DESC LIMIT 300`, [residentId]);
}

// ---- studies ----

export interface StudyRow { order_id: string; study_uid: string; modality: string; started_at: Date; description: string | null; series_count: number; instance_count: number; viewer_url: string | null; source: string }
export async function insertStudy(q: Queryable, s: { orderId: string; studyUid: string; modality: string; startedAt: string; description: string | null; seriesCount: number; instanceCount: number; viewerUrl: string | null; source: string; by: string }): Promise<void> {
  await q.query(`INSERT INTO imaging_studies (order_id, study_uid, modality, started_at, description, series_count, instance_count, viewer_url, source, recorded_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [s.orderId, s.studyUid, s.modality, s.startedAt, s.description, s.seriesCount, s.instanceCount, s.viewerUrl, s.source, s.by]);
}

export function studiesOf(q: Queryable, orderIds: string[]): Promise<StudyRow[]> {
  return q.query<StudyRow>('SELECT order_id, study_uid, modality, started_at, description, series_count, instance_count, viewer_url, source FROM imaging_studies WHERE order_id = ANY($1::uuid[])', [orderIds]);
}

// ---- reports ----

export interface ReportRow { id: string; order_id: string; status: string; version: number; published_at: Date | null; created_at: Date }
export async function insertReport(q: Queryable, orderId: string, status: string): Promise<string> {
  const [r] = await q.query<{ id: string }>('INSERT INTO diagnostic_reports (order_id, status) VALUES ($1,$2) RETURNING id', [orderId, status]);
  return r.id;
}

export function reportsOfOrders(q: Queryable, orderIds: string[]): Promise<ReportRow[]> {
  return q.query<ReportRow>('SELECT id, order_id, status, version, published_at, created_at FROM diagnostic_reports WHERE order_id = ANY($1::uuid[])', [orderIds]);
}

export async function reportById(q: Queryable, id: string): Promise<ReportRow | undefined> {
  const [r] = await q.query<ReportRow>('SELECT id, order_id, status, version, published_at, created_at FROM diagnostic_reports WHERE id = $1', [id]);
  return r;
}

export async function setReport(q: Queryable, id: string, status: string, version: number, publishedAt: Date | null): Promise<void> {
  await q.query('UPDATE diagnostic_reports SET status = $2, version = $3, published_at = coalesce($4, published_at) WHERE id = $1', [id, status, version, publishedAt]);
}

export interface VersionRow {
  report_id: string; version: number; findings: string; impression: string; observations: { code: string; nameZh: string; nameEn: string; value: number; unit: string; low: number | null; high: number | null; flag: string }[];
  critical: { code: string; nameZh: string; nameEn: string; value?: number; unit?: string; bound?: string; source: string }[]; findings_coded?: string[];
  written_by: string | null; written_name: string; written_at: Date; verified_by: string | null; verified_name: string | null; verified_at: Date | null; published_at: Date | null; amend_reason: string | null;
  source_message_id: string | null;
}
const VERSION_COLS = 'report_id, version, findings, impression, observations, critical, written_by, written_name, written_at, verified_by, verified_name, verified_at, published_at, amend_reason, source_message_id';

/** A version; `by` null with `messageId` for one the laboratory's system wrote. */
export async function insertVersion(q: Queryable, v: { reportId: string; version: number; findings: string; impression: string; observations: unknown[]; critical: unknown[]; by: string | null; byName: string; amendReason: string | null; messageId?: string | null }): Promise<void> {
  await q.query(`INSERT INTO diagnostic_report_versions (report_id, version, findings, impression, observations, critical, written_by, written_name, amend_reason, source_message_id) VALUES ($1,$2,$3,$4,$5::jsonb,$6::jsonb,$7,$8,$9,$10)`,
    [v.reportId, v.version, v.findings, v.impression, JSON.stringify(v.observations), JSON.stringify(v.critical), v.by, v.byName, v.amendReason, v.messageId ?? null]);
}

export async function updateDraftVersion(q: Queryable, v: { reportId: string; version: number; findings: string; impression: string; observations: unknown[]; critical: unknown[]; by: string | null; byName: string; messageId?: string | null }): Promise<void> {
  await q.query(`UPDATE diagnostic_report_versions SET findings = $3, impression = $4, observations = $5::jsonb, critical = $6::jsonb, written_by = $7, written_name = $8, written_at = now(), source_message_id = $9
                 WHERE report_id = $1 AND version = $2 AND verified_at IS NULL`,
    [v.reportId, v.version, v.findings, v.impression, JSON.stringify(v.observations), JSON.stringify(v.critical), v.by, v.byName, v.messageId ?? null]);
}

export async function verifyVersion(q: Queryable, reportId: string, version: number, by: string | null, byName: string, at: Date): Promise<void> {
  await q.query('UPDATE diagnostic_report_versions SET verified_by = $3, verified_name = $4, verified_at = $5 WHERE report_id = $1 AND version = $2', [reportId, version, by, byName, at]);
}

export async function publishVersion(q: Queryable, reportId: string, version: number, at: Date): Promise<void> {
  await q.query('UPDATE diagnostic_report_versions SET published_at = $3 WHERE report_id = $1 AND version = $2', [reportId, version, at]);
}

export function versionsOf(q: Queryable, reportIds: string[]): Promise<VersionRow[]> {
  return q.query<VersionRow>(`SELECT ${VERSION_COLS} FROM diagnostic_report_versions WHERE report_id = ANY($1::uuid[]) ORDER BY report_id, version`, [reportIds]);
}

export async function insertRead(q: Queryable, reportId: string, version: number, userId: string): Promise<void> {
  await q.query('INSERT INTO diagnostic_report_reads (report_id, version, user_id) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [reportId, version, userId]);
}

export async function readersBefore(q: Queryable, reportId: string, version: number): Promise<string[]> {
  const r = await q.query<{ user_id: string }>('SELECT DISTINCT user_id FROM diagnostic_report_reads WHERE report_id = $1 AND version < $2', [reportId, version]);
  return r.map((x) => x.user_id);
}

// ---- critical alerts ----

export interface AlertRow {
  id: string; report_id: string; version: number; order_id: string; resident_id: string; facility_id: string; centre_id: string; notify_user_id: string; what: unknown[];
  raised_at: Date; ack_due_at: Date; escalated_at: Date | null; acknowledged_at: Date | null; acknowledged_by: string | null; ack_name: string | null; read_back: string | null; action_taken: string | null;
}
const ALERT_COLS = `id, report_id, version, order_id, resident_id, facility_id, centre_id, notify_user_id, what, raised_at, ack_due_at, escalated_at, acknowledged_at, acknowledged_by, ack_name, read_back, action_taken`;

export async function insertAlert(q: Queryable, a: { reportId: string; version: number; orderId: string; residentId: string; facilityId: string; centreId: string; notifyUserId: string; what: unknown[]; raisedAt: Date; ackDueAt: Date }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO critical_alerts (report_id, version, order_id, resident_id, facility_id, centre_id, notify_user_id, what, raised_at, ack_due_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9,$10) RETURNING id`,
    [a.reportId, a.version, a.orderId, a.residentId, a.facilityId, a.centreId, a.notifyUserId, JSON.stringify(a.what), a.raisedAt, a.ackDueAt]);
  return r.id;
}

export async function insertAlertEvent(q: Queryable, alertId: string, step: string, at: Date, toUser: string | null, byUser: string | null, note: string | null): Promise<void> {
  await q.query('INSERT INTO critical_alert_events (alert_id, step, at, to_user, by_user, note) VALUES ($1,$2,$3,$4,$5,$6)', [alertId, step, at, toUser, byUser, note]);
}

export function alertEventsOf(q: Queryable, alertIds: string[]): Promise<{ alert_id: string; step: string; at: Date; to_user: string | null; by_user: string | null; note: string | null }[]> {
  return q.query('SELECT alert_id, step, at, to_user, by_user, note FROM critical_alert_events WHERE alert_id = ANY($1::uuid[]) ORDER BY id', [alertIds]);
}

export function alertsOfFacilities(q: Queryable, facilityIds: string[], openOnly: boolean): Promise<AlertRow[]> {
  return q.query<AlertRow>(`SELECT ${ALERT_COLS} FROM critical_alerts WHERE facility_id = ANY($1::uuid[]) AND (NOT $2 OR acknowledged_at IS NULL) ORDER BY acknowledged_at IS NOT NULL, ack_due_at LIMIT 200`, [facilityIds, openOnly]);
}

export function alertsOfCentres(q: Queryable, centreIds: string[]): Promise<AlertRow[]> {
  return q.query<AlertRow>(`SELECT ${ALERT_COLS} FROM critical_alerts WHERE centre_id = ANY($1::uuid[]) ORDER BY acknowledged_at IS NOT NULL, ack_due_at LIMIT 200`, [centreIds]);
}

export async function alertById(q: Queryable, id: string, lock = false): Promise<AlertRow | undefined> {
  const [r] = await q.query<AlertRow>(`SELECT ${ALERT_COLS} FROM critical_alerts WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

/** Unacknowledged, unescalated alerts past their limit, locked so that two runs escalate each once. */
export function overdueAlerts(q: Queryable, now: Date): Promise<AlertRow[]> {
  return q.query<AlertRow>(`SELECT ${ALERT_COLS} FROM critical_alerts WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND ack_due_at < $1 ORDER BY ack_due_at FOR UPDATE SKIP LOCKED`, [now]);
}

export async function markEscalated(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE critical_alerts SET escalated_at = $2 WHERE id = $1', [id, at]);
}

export async function acknowledge(q: Queryable, id: string, by: string, byName: string, readBack: string, action: string, at: Date): Promise<boolean> {
  const r = await q.query('UPDATE critical_alerts SET acknowledged_at = $5, acknowledged_by = $2, ack_name = $6, read_back = $3, action_taken = $4 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id',
    [id, by, readBack, action, at, byName]);
  return r.length > 0;
}

/** How many critical values wait for acknowledgement at these facilities (no personal data). */
export async function openAlertCount(q: Queryable, facilityIds: string[]): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM critical_alerts WHERE facility_id = ANY($1::uuid[]) AND acknowledged_at IS NULL', [facilityIds]);
  return r.n;
}

// ---- messages ----

export async function insertMessages(q: Queryable, userIds: string[], kind: string, refId: string, title: string): Promise<void> {
  if (!userIds.length) return;
  await q.query('INSERT INTO diagnostic_messages (user_id, kind, ref_id, title) SELECT DISTINCT unnest($1::uuid[]), $2, $3::uuid, $4', [userIds, kind, refId, title]);
}

export function messagesOf(q: Queryable, userId: string): Promise<{ id: string; kind: string; ref_id: string; title: string; created_at: Date; read_at: Date | null }[]> {
  return q.query('SELECT id::text AS id, kind, ref_id, title, created_at, read_at FROM diagnostic_messages WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100', [userId]);
}

export async function markMessagesRead(q: Queryable, userId: string, ids: string[]): Promise<void> {
  await q.query('UPDATE diagnostic_messages SET read_at = now() WHERE user_id = $1 AND id = ANY($2::bigint[]) AND read_at IS NULL', [userId, ids]);
}

// ---- recognition ----

/** The resident's published results of an item code (any centre), newest first, with the item's recognition. */
export function publishedResults(q: Queryable, residentId: string, itemCode: string): Promise<{ report_id: string; order_id: string; centre_id: string; published_at: Date; recognition_scope: string | null; recognition_days: number | null; price_fen: number }[]> {
  return q.query(
    `SELECT r.id AS report_id, o.id AS order_id, o.centre_id, r.published_at, i.recognition_scope, i.recognition_days, i.price_fen
       FROM diagnostic_reports r JOIN diagnostic_orders o ON o.id = r.order_id JOIN diagnostic_items i ON i.id = o.item_id
      WHERE o.resident_id = $1 AND i.code = $2 AND r.published_at IS NOT NULL ORDER BY r.published_at DESC LIMIT 20`,
    [residentId, itemCode]);
}

export async function insertDecision(q: Queryable, d: { residentId: string; itemCode: string; reportId: string; recognised: boolean; reason: string | null; priceFen: number; facilityId: string; by: string; orderId: string | null }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO recognition_decisions (resident_id, item_code, report_id, recognised, reason, price_fen, facility_id, decided_by, order_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [d.residentId, d.itemCode, d.reportId, d.recognised, d.reason, d.priceFen, d.facilityId, d.by, d.orderId]);
  return r.id;
}

// ---- figures ----

/** Each report verified in the window: its centre and item, acquisition/receipt, verification, target. */
export function turnaroundRows(q: Queryable, centreIds: string[], from: string, to: string): Promise<{ centre_id: string; item_code: string; item_zh: string; item_en: string; start_at: Date; verified_at: Date; target: number }[]> {
  return q.query(
    `SELECT o.centre_id, i.code AS item_code, i.name_zh AS item_zh, i.name_en AS item_en, coalesce(o.received_at, o.acquired_at) AS start_at, v.verified_at, i.turnaround_minutes AS target
       FROM diagnostic_orders o JOIN diagnostic_items i ON i.id = o.item_id JOIN diagnostic_reports r ON r.order_id = o.id
       JOIN diagnostic_report_versions v ON v.report_id = r.id AND v.version = 1
      WHERE o.centre_id = ANY($1::uuid[]) AND v.verified_at >= $2::date AND v.verified_at < ($3::date + 1) AND coalesce(o.received_at, o.acquired_at) IS NOT NULL`,
    [centreIds, from, to]);
}

export function alertRows(q: Queryable, centreIds: string[], from: string, to: string): Promise<{ centre_id: string; raised_at: Date; ack_due_at: Date; acknowledged_at: Date | null }[]> {
  return q.query(`SELECT centre_id, raised_at, ack_due_at, acknowledged_at FROM critical_alerts WHERE centre_id = ANY($1::uuid[]) AND raised_at >= $2::date AND raised_at < ($3::date + 1)`, [centreIds, from, to]);
}

export function decisionRows(q: Queryable, facilityIds: string[], from: string, to: string): Promise<{ facility_id: string; recognised: boolean; price_fen: number }[]> {
  return q.query(`SELECT facility_id, recognised, price_fen FROM recognition_decisions WHERE facility_id = ANY($1::uuid[]) AND decided_at >= $2::date AND decided_at < ($3::date + 1)`, [facilityIds, from, to]);
}

export function ordersByFacility(q: Queryable, centreIds: string[], from: string, to: string): Promise<{ facility_id: string; n: number }[]> {
  return q.query(`SELECT facility_id, count(*)::int AS n FROM diagnostic_orders WHERE centre_id = ANY($1::uuid[]) AND ordered_at >= $2::date AND ordered_at < ($3::date + 1) GROUP BY facility_id`, [centreIds, from, to]);
}

// ---- consultations ----

export interface ConsultationRow { id: string; county_code: string; resident_id: string; requester_id: string; facility_id: string; centre_id: string; summary: string; question: string; report_ids: string[]; status: string; specialist_id: string | null; scheduled_at: Date | null; link: string | null; opinion: string | null; held_at: Date | null; requested_at: Date }
const CONS_COLS = 'id, county_code, resident_id, requester_id, facility_id, centre_id, summary, question, report_ids, status, specialist_id, scheduled_at, link, opinion, held_at, requested_at';

export async function insertConsultation(q: Queryable, c: { county: string; residentId: string; requesterId: string; facilityId: string; centreId: string; summary: string; question: string; reportIds: string[] }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO consultations (county_code, resident_id, requester_id, facility_id, centre_id, summary, question, report_ids, status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::uuid[],'requested') RETURNING id`,
    [c.county, c.residentId, c.requesterId, c.facilityId, c.centreId, c.summary, c.question, c.reportIds]);
  return r.id;
}

export async function consultationById(q: Queryable, id: string, lock = false): Promise<ConsultationRow | undefined> {
  const [r] = await q.query<ConsultationRow>(`SELECT ${CONS_COLS} FROM consultations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

export function consultationsOf(q: Queryable, centreIds: string[], facilityIds: string[]): Promise<ConsultationRow[]> {
  return q.query<ConsultationRow>(`SELECT ${CONS_COLS} FROM consultations WHERE centre_id = ANY($1::uuid[]) OR facility_id = ANY($2::uuid[]) ORDER BY requested_at DESC LIMIT 200`, [centreIds, facilityIds]);
}

export async function scheduleConsultation(q: Queryable, id: string, specialistId: string, at: string, link: string | null): Promise<void> {
  await q.query(`UPDATE consultations SET status = 'scheduled', specialist_id = $2, scheduled_at = $3, link = $4 WHERE id = $1`, [id, specialistId, at, link]);
}

export async function holdConsultation(q: Queryable, id: string, opinion: string, at: Date): Promise<void> {
  await q.query(`UPDATE consultations SET status = 'held', opinion = $2, held_at = $3 WHERE id = $1`, [id, opinion, at]);
}

export function consultationCounts(q: Queryable, centreIds: string[], from: string, to: string): Promise<{ facility_id: string; n: number }[]> {
  return q.query(`SELECT facility_id, count(*)::int AS n FROM consultations WHERE centre_id = ANY($1::uuid[]) AND status = 'held' AND held_at >= $2::date AND held_at < ($3::date + 1) GROUP BY facility_id`, [centreIds, from, to]);
}

// ---- inbound laboratory messages (HL7 v2 over MLLP) ----

export interface LabMessageRow {
  id: string; received_at: Date; peer: string | null; raw: string; sending_facility: string | null; message_type: string | null; control_id: string | null; client_id: string | null; facility_id: string | null;
  status: 'received' | 'accepted' | 'error' | 'rejected' | 'unmatched' | 'duplicate'; ack_code: 'AA' | 'AE' | 'AR' | null; reason: string | null; duplicate_of: string | null; order_id: string | null; report_id: string | null;
  processed_at: Date | null; resolved_at: Date | null; resolved_by: string | null; resolution: 'matched' | 'dismissed' | null; resolution_note: string | null;
}
const MSG_COLS = `id, received_at, peer, raw, sending_facility, message_type, control_id, client_id, facility_id, status, ack_code, reason, duplicate_of, order_id, report_id,
  processed_at, resolved_at, resolved_by, resolution, resolution_note`;

/** Keeps a message as it arrived, before anything is done with it. */
export async function insertLabMessage(q: Queryable, m: { peer: string | null; raw: string; sendingFacility: string | null; messageType: string | null; controlId: string | null; clientId: string | null; facilityId: string | null; status: LabMessageRow['status']; ackCode: LabMessageRow['ack_code']; reason: string | null; duplicateOf: string | null }): Promise<string> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO lab_messages (peer, raw, sending_facility, message_type, control_id, client_id, facility_id, status, ack_code, reason, duplicate_of, processed_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, CASE WHEN $8 = 'received' THEN NULL ELSE now() END) RETURNING id`,
    [m.peer, m.raw, m.sendingFacility, m.messageType, m.controlId, m.clientId, m.facilityId, m.status, m.ackCode, m.reason, m.duplicateOf]);
  return r.id;
}

/** The first message of a sender with a control id (a resend is a duplicate of it). */
export async function firstLabMessage(q: Queryable, clientId: string, controlId: string): Promise<LabMessageRow | undefined> {
  const [r] = await q.query<LabMessageRow>(`SELECT ${MSG_COLS} FROM lab_messages WHERE client_id = $1 AND control_id = $2 AND duplicate_of IS NULL`, [clientId, controlId]);
  return r;
}

export async function labMessageById(q: Queryable, id: string, lock = false): Promise<LabMessageRow | undefined> {
  const [r] = await q.query<LabMessageRow>(`SELECT ${MSG_COLS} FROM lab_messages WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r;
}

/** What became of a message (its status, answer, reason, and the order and report it wrote). */
export async function setLabMessageOutcome(q: Queryable, id: string, o: { status: LabMessageRow['status']; ackCode: LabMessageRow['ack_code']; reason: string | null; orderId?: string | null; reportId?: string | null }): Promise<void> {
  await q.query('UPDATE lab_messages SET status = $2, ack_code = $3, reason = $4, order_id = coalesce($5, order_id), report_id = coalesce($6, report_id), processed_at = now() WHERE id = $1',
    [id, o.status, o.ackCode, o.reason, o.orderId ?? null, o.reportId ?? null]);
}

/** A person's resolution of a message: matched to an order (then processed) or dismissed with a reason. */
export async function resolveLabMessage(q: Queryable, id: string, by: string, resolution: 'matched' | 'dismissed', note: string | null): Promise<void> {
  await q.query('UPDATE lab_messages SET resolved_at = now(), resolved_by = $2, resolution = $3, resolution_note = $4 WHERE id = $1 AND resolved_at IS NULL', [id, by, resolution, note]);
}

/** Messages of these facilities' senders (all senders for null), newest first: the unresolved ones (not accepted, not a duplicate, not resolved) or every one. */
export function labMessagesOf(q: Queryable, facilityIds: string[] | null, unresolvedOnly: boolean): Promise<LabMessageRow[]> {
  return q.query<LabMessageRow>(
    `SELECT ${MSG_COLS} FROM lab_messages
      WHERE ($1::uuid[] IS NULL OR facility_id = ANY($1::uuid[]))
        AND (NOT $2 OR (resolved_at IS NULL AND status IN ('received','error','rejected','unmatched')))
      ORDER BY received_at DESC, id LIMIT 300`,
    [facilityIds, unresolvedOnly]);
}

// ---- DICOM files (a centre without a PACS) ----

export async function insertImagingFile(q: Queryable, f: { orderId: string; studyUid: string; seriesUid: string; sopInstanceUid: string; modality: string; bytes: Uint8Array; sha256: string; by: string }): Promise<string | null> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO imaging_files (order_id, study_uid, series_uid, sop_instance_uid, modality, bytes, size, sha256, uploaded_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (sop_instance_uid) DO NOTHING RETURNING id`,
    [f.orderId, f.studyUid, f.seriesUid, f.sopInstanceUid, f.modality, f.bytes, f.bytes.byteLength, f.sha256, f.by]);
  return r[0]?.id ?? null;
}

/** The study's counts from its stored files (series, instances). */
export async function countStudyFiles(q: Queryable, orderId: string): Promise<{ series: number; instances: number }> {
  const [r] = await q.query<{ series: number; instances: number }>('SELECT count(DISTINCT series_uid)::int AS series, count(*)::int AS instances FROM imaging_files WHERE order_id = $1', [orderId]);
  return r;
}

export async function setStudyCounts(q: Queryable, orderId: string, series: number, instances: number): Promise<void> {
  await q.query('UPDATE imaging_studies SET series_count = $2, instance_count = $3 WHERE order_id = $1', [orderId, series, instances]);
}

export function imagingFilesOf(q: Queryable, orderId: string): Promise<{ id: string; sop_instance_uid: string; series_uid: string; size: number; sha256: string; uploaded_at: Date }[]> {
  return q.query('SELECT id, sop_instance_uid, series_uid, size, sha256, uploaded_at FROM imaging_files WHERE order_id = $1 ORDER BY uploaded_at, id', [orderId]);
}
