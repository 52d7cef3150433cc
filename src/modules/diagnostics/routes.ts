// Diagnostics routes: thin — schema, access, one call to the service.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { ACQUIRERS, CENTRE_ADMINS, LAB_MESSAGE_DESK, CENTRE_VIEWERS, DIAGNOSTIC_FIGURE_READERS, DIAGNOSTIC_ORDERERS, READING_DOCTORS, RESULT_READERS, STAFF } from '../../shared/roles.ts';
import * as s from './service.ts';
import * as lab from './lab-interface.ts';
import {
  AckIn, AcquireIn, OpenCountOut, AlertOut, AlertsOut, AlertsQuery, AmendIn, CentreIn, CentreOut, CentreSettingsIn, CentresOut, ConsultationIn, ConsultationOut, ConsultationScheduleIn, ConsultationsOut,
  DicomIn, FiguresOut, FiguresQuery, IdOut, IdParams, ItemIn, LabMatchIn, LabMessageOut, LabMessagesOut, LabMessagesQuery, MessagesOut, MessagesReadIn, OkOut, OpinionIn, OrderIn, OrderOut, OrdersOut, OrdersQuery, ReasonIn, RecognisedOut, RecognitionIn,
  RecognitionOut, RecognitionQuery, ReportIn, RosterOut, RosterQuery, RuleIn, ScheduleIn, ShiftIn, SpecimenIn, TemplateIn, WorklistQuery,
} from './schema.ts';
import { z } from 'zod';

const tags = ['diagnostics'];
const READERS_OF_ORDERS = [...new Set([...ACQUIRERS, ...RESULT_READERS, ...READING_DOCTORS])];
const DESK = [...RESULT_READERS, ...READING_DOCTORS];

/** Registers /api/diagnostics/*. */
export async function diagnosticRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };

  // ---- centres ----
  app.get('/api/diagnostics/centres', {
    config: { access: CENTRE_VIEWERS },
    schema: { tags, summary: 'The diagnostic centres I see (my region, the centres serving my facility, or mine), with members, items, critical-value rules, templates and who is on duty', response: { 200: CentresOut } },
    handler: async (req) => s.listCentres(db, me(req)),
  });
  app.post('/api/diagnostics/centres', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'Designate a department of a community member as the community\'s centre for a modality, with the members it serves', body: CentreIn, response: { 200: CentreOut } },
    handler: async (req) => s.createCentre(db, me(req), req.body),
  });
  app.post('/api/diagnostics/centres/:id/settings', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'A centre\'s two-level review and critical-value acknowledgement limit (minutes)', params: IdParams, body: CentreSettingsIn, response: { 200: CentreOut } },
    handler: async (req) => s.setCentreSettings(db, me(req), req.params.id, req.body.twoLevel, req.body.ackMinutes),
  });
  app.post('/api/diagnostics/centres/:id/items', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'Add or change an item (turnaround target, recognition scope and window, price)', params: IdParams, body: ItemIn, response: { 200: CentreOut } },
    handler: async (req) => s.putItem(db, me(req), req.params.id, req.body),
  });
  app.post('/api/diagnostics/centres/:id/templates', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'Add a report template', params: IdParams, body: TemplateIn, response: { 200: CentreOut } },
    handler: async (req) => s.addTemplate(db, me(req), req.params.id, req.body),
  });
  app.post('/api/diagnostics/centres/:id/rules', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'Add or change a critical-value rule, with its source', params: IdParams, body: RuleIn, response: { 200: CentreOut } },
    handler: async (req) => s.putRule(db, me(req), req.params.id, req.body),
  });
  app.post('/api/diagnostics/centres/:id/roster', {
    config: { access: CENTRE_ADMINS },
    schema: { tags, summary: 'Add a reading doctor\'s shift to the duty roster', params: IdParams, body: ShiftIn, response: { 200: IdOut } },
    handler: async (req) => s.addShift(db, me(req), req.params.id, req.body),
  });
  app.get('/api/diagnostics/centres/:id/roster', {
    config: { access: CENTRE_VIEWERS },
    schema: { tags, summary: 'The duty roster between two days', params: IdParams, querystring: RosterQuery, response: { 200: RosterOut } },
    handler: async (req) => s.roster(db, me(req), req.params.id, req.query.from, req.query.to),
  });

  // ---- orders ----
  app.get('/api/diagnostics/recognition', {
    config: { access: DIAGNOSTIC_ORDERERS },
    schema: { tags, summary: 'The resident\'s earlier results of an item, each marked whether it still stands for mutual recognition (needs a basis)', querystring: RecognitionQuery, response: { 200: RecognitionOut } },
    handler: async (req) => s.recognitionCandidates(db, me(req), o, req.query.residentId, req.query.itemCode),
  });
  app.post('/api/diagnostics/recognitions', {
    config: { access: DIAGNOSTIC_ORDERERS },
    schema: { tags, summary: 'Recognise an earlier result instead of ordering a repeat (互认)', body: RecognitionIn, response: { 200: RecognisedOut } },
    handler: async (req) => s.recognise(db, me(req), o, req.body),
  });
  app.post('/api/diagnostics/orders', {
    config: { access: DIAGNOSTIC_ORDERERS },
    schema: { tags, summary: 'Order an item of a centre serving my facility for a resident (needs a basis; a standing recognisable result must be answered first)', body: OrderIn, response: { 200: OrderOut } },
    handler: async (req) => s.placeOrder(db, me(req), o, req.body),
  });
  app.get('/api/diagnostics/orders', {
    config: { access: [...ACQUIRERS.filter((r) => r !== 'diagnostician')] },
    schema: { tags, summary: 'My facility\'s orders (or one resident\'s, with a basis), newest first', querystring: OrdersQuery, response: { 200: OrdersOut } },
    handler: async (req) => s.facilityOrderList(db, me(req), o, req.query.residentId),
  });
  app.get('/api/diagnostics/worklist', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'My centre\'s worklist (to receive, to read, to verify, to publish, all open), soonest deadline first', querystring: WorklistQuery, response: { 200: OrdersOut } },
    handler: async (req) => s.worklist(db, me(req), req.query.view),
  });
  app.get('/api/diagnostics/orders/:id', {
    config: { access: READERS_OF_ORDERS },
    schema: { tags, summary: 'One order with its study, report versions and steps (the centre, or the requesting facility with a basis)', params: IdParams, response: { 200: OrderOut } },
    handler: async (req) => s.getOrder(db, me(req), o, req.params.id),
  });
  app.post('/api/diagnostics/orders/:id/schedule', {
    config: { access: ACQUIRERS },
    schema: { tags, summary: 'Book the acquisition', params: IdParams, body: ScheduleIn, response: { 200: OrderOut } },
    handler: async (req) => s.scheduleOrder(db, me(req), o, req.params.id, req.body.at),
  });
  app.post('/api/diagnostics/orders/:id/acquire', {
    config: { access: ACQUIRERS },
    schema: { tags, summary: 'Record the acquisition: the study (UID, viewer link) for images and tracings, the collection for a specimen', params: IdParams, body: AcquireIn, response: { 200: OrderOut } },
    handler: async (req) => s.acquireOrder(db, me(req), o, req.params.id, req.body),
  });
  app.post('/api/diagnostics/orders/:id/specimen', {
    config: { access: ACQUIRERS },
    schema: { tags, summary: 'A specimen\'s step: sent (township), received or rejected with a reason (centre)', params: IdParams, body: SpecimenIn, response: { 200: OrderOut } },
    handler: async (req) => s.specimenStep(db, me(req), o, req.params.id, req.body.step, req.body.note),
  });
  app.post('/api/diagnostics/orders/:id/cancel', {
    config: { access: ACQUIRERS },
    schema: { tags, summary: 'Cancel an order not yet acquired', params: IdParams, body: ReasonIn, response: { 200: OrderOut } },
    handler: async (req) => s.cancelOrder(db, me(req), o, req.params.id, req.body.reason),
  });
  app.post('/api/diagnostics/orders/:id/report', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Write the report (findings, impression, observations, critical findings); verify and publish at once where one level suffices', params: IdParams, body: ReportIn, response: { 200: OrderOut } },
    handler: async (req) => s.writeReport(db, me(req), o, req.params.id, req.body),
  });
  app.post('/api/diagnostics/orders/:id/dicom', {
    config: { access: ACQUIRERS },
    schema: { tags, summary: 'Upload a DICOM file for an order of a centre without a PACS: its tags fill the study record (StudyInstanceUID, modality, study date) after the patient check; the first file acquires the order', params: IdParams, body: DicomIn, response: { 200: OrderOut } },
    handler: async (req) => s.uploadDicom(db, ctx.keys, me(req), o, req.params.id, Buffer.from(req.body.fileBase64, 'base64')),
  });
  app.post('/api/diagnostics/orders/:id/verify', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Verify the preliminary report (two-level: another doctor); raises critical values at once', params: IdParams, body: z.strictObject({ publish: z.boolean().optional() }), response: { 200: OrderOut } },
    handler: async (req) => s.verifyReport(db, me(req), o, req.params.id, !!req.body.publish),
  });
  app.post('/api/diagnostics/orders/:id/publish', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Publish the verified report to the requesting facility and the resident\'s record', params: IdParams, response: { 200: OrderOut } },
    handler: async (req) => s.publishReport(db, me(req), o, req.params.id),
  });
  app.post('/api/diagnostics/orders/:id/amend', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Amend a published report: a new version with the reason; earlier readers are told', params: IdParams, body: AmendIn, response: { 200: OrderOut } },
    handler: async (req) => s.amendReport(db, me(req), o, req.params.id, req.body),
  });

  // ---- inbound laboratory messages (HL7 v2 ORU^R01 over MLLP) ----
  app.get('/api/diagnostics/lab-messages', {
    config: { access: LAB_MESSAGE_DESK },
    schema: { tags, summary: 'Laboratory messages (HL7 v2) from my centre\'s systems: those not accepted and not yet resolved (malformed, unmatched, in error), or all; the system administrator sees every sender\'s, without their text', querystring: LabMessagesQuery, response: { 200: LabMessagesOut } },
    handler: async (req) => lab.labMessages(db, me(req), req.query.state),
  });
  app.post('/api/diagnostics/lab-messages/:id/match', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Match a laboratory message that was not accepted to an order of my laboratory by its placer number: it is processed now (report, critical values) and marked matched', params: IdParams, body: LabMatchIn, response: { 200: LabMessageOut } },
    handler: async (req) => lab.matchLabMessage(db, me(req), req.params.id, req.body.placerNumber),
  });
  app.post('/api/diagnostics/lab-messages/:id/dismiss', {
    config: { access: LAB_MESSAGE_DESK },
    schema: { tags, summary: 'Dismiss a laboratory message that was not accepted, with the reason (it stays kept)', params: IdParams, body: ReasonIn, response: { 200: LabMessageOut } },
    handler: async (req) => lab.dismissLabMessage(db, me(req), req.params.id, req.body.reason),
  });

  // ---- critical values and messages ----
  app.get('/api/diagnostics/alerts', {
    config: { access: DESK },
    schema: { tags, summary: 'The critical-value desk: my facility\'s alerts (or my centre\'s) with their timers; overdue ones are escalated first', querystring: AlertsQuery, response: { 200: AlertsOut } },
    handler: async (req) => s.alertDesk(db, me(req), req.query.open === 'yes'),
  });
  app.get('/api/diagnostics/alerts/open-count', {
    config: { access: RESULT_READERS },
    schema: { tags, summary: 'How many critical values my facility has still to acknowledge (the banner on every page)', response: { 200: OpenCountOut } },
    handler: async (req) => s.openAlerts(db, me(req)),
  });
  app.post('/api/diagnostics/alerts/:id/acknowledge', {
    config: { access: RESULT_READERS },
    schema: { tags, summary: 'Acknowledge a critical value: read back and the action taken', params: IdParams, body: AckIn, response: { 200: AlertOut } },
    handler: async (req) => s.acknowledgeAlert(db, me(req), req.params.id, req.body.readBack, req.body.action),
  });
  app.get('/api/diagnostics/messages', {
    config: { access: STAFF },
    schema: { tags, summary: 'My messages: critical values, escalations, published and amended reports, consultations', response: { 200: MessagesOut } },
    handler: async (req) => s.myMessages(db, me(req)),
  });
  app.post('/api/diagnostics/messages/read', {
    config: { access: STAFF },
    schema: { tags, summary: 'Mark my messages read', body: MessagesReadIn, response: { 200: OkOut } },
    handler: async (req) => s.readMessages(db, me(req), req.body.ids),
  });
  app.get('/api/diagnostics/figures', {
    config: { access: DIAGNOSTIC_FIGURE_READERS },
    schema: { tags, summary: 'Turnaround per centre and item, critical values acknowledged within the limit, recognition and repeats avoided, orders and consultations per facility', querystring: FiguresQuery, response: { 200: FiguresOut } },
    handler: async (req) => s.figures(db, me(req), req.query.from, req.query.to),
  });

  // ---- remote consultation ----
  app.post('/api/diagnostics/consultations', {
    config: { access: DIAGNOSTIC_ORDERERS },
    schema: { tags, summary: 'Request a remote consultation with the summary and reports attached (needs a basis)', body: ConsultationIn, response: { 200: ConsultationOut } },
    handler: async (req) => s.requestConsultation(db, me(req), o, req.body),
  });
  app.get('/api/diagnostics/consultations', {
    config: { access: [...DIAGNOSTIC_ORDERERS, ...READING_DOCTORS] },
    schema: { tags, summary: 'Consultations of my centre or my facility', response: { 200: ConsultationsOut } },
    handler: async (req) => s.consultations(db, me(req)),
  });
  app.post('/api/diagnostics/consultations/:id/schedule', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Schedule the consultation with a doctor of the centre (video link kept)', params: IdParams, body: ConsultationScheduleIn, response: { 200: ConsultationOut } },
    handler: async (req) => s.scheduleConsultation(db, me(req), req.params.id, req.body),
  });
  app.post('/api/diagnostics/consultations/:id/opinion', {
    config: { access: READING_DOCTORS },
    schema: { tags, summary: 'Record the specialist\'s opinion (into the resident\'s record)', params: IdParams, body: OpinionIn, response: { 200: ConsultationOut } },
    handler: async (req) => s.recordOpinion(db, me(req), req.params.id, req.body.opinion),
  });
}
