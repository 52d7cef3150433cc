// Medicines routes: thin — schema, access, one call to the service.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { CATALOGUE_IMPORTERS, CATALOGUE_READERS, DISPENSERS, MEDICATION_READERS, MEDICINE_PRESCRIBERS, PRESCRIPTION_REVIEWERS, SHORTAGE_REGISTRARS, STEWARDSHIP_READERS } from '../../shared/roles.ts';
import { commentOn, commentSampleOf, catalogue, checkPrescription, currentMedication, decideReview, dispense, importCatalogue, listPrescriptions, prescribe, reviewWorklist, stewardship } from './service.ts';
import { FIELD_SOURCES } from './catalogue.ts';
import { listShortages, receiveStock, registerShortage, stepShortage, stock, transferStock } from './pharmacy.ts';
import {
  CatalogueImportIn, CatalogueImportOut, IdOut, CatalogueOut, CatalogueQuery, CheckOut, CurrentMedicationOut, IdParams, PrescriptionIn, PrescriptionList, PrescriptionListQuery, PrescriptionOut,
  ResidentParams, ReviewDecisionIn, StewardshipOut, StewardshipQuery, WorklistOut,
  CommentIn, CommentSampleOut, CommentSampleQuery, OkOut, LotOut, ReceiveIn, ShortageIn, ShortageList, ShortageStepIn, ShortageStepOut, ShortageStepParams, StockOut, StockQuery, TransferIn,
} from './schema.ts';

/** Registers /api/medicines/*. */
export async function medicineRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  const o = { encounterDays: ctx.config.encounterAccessDays };

  app.get('/api/medicines/catalogue', {
    config: { access: CATALOGUE_READERS },
    schema: { tags: ['medicines'], summary: 'The community\'s drug catalogue (search by name, code or ATC; by facility level; antibacterials), with the source of each field', querystring: CatalogueQuery, response: { 200: CatalogueOut } },
    handler: async (req) => ({ items: await catalogue(db, req.query), sources: FIELD_SOURCES }),
  });
  app.post('/api/medicines/catalogue/import', {
    config: { access: CATALOGUE_IMPORTERS },
    schema: { tags: ['medicines'], summary: 'Import a full catalogue (.csv or the first sheet of an .xlsx, base64): every row or none, each bad cell named by row and column', body: CatalogueImportIn, response: { 200: CatalogueImportOut } },
    handler: async (req) => importCatalogue(db, me(req), req.body.fileName, req.body.contentBase64),
  });
  app.post('/api/medicines/prescriptions/check', {
    config: { access: MEDICINE_PRESCRIBERS },
    schema: { tags: ['medicines'], summary: 'Review a prescription before signing it (nothing is written): each finding warns or holds, with its source', body: PrescriptionIn, response: { 200: CheckOut } },
    handler: async (req) => checkPrescription(db, me(req), o, req.body),
  });
  app.post('/api/medicines/prescriptions', {
    config: { access: MEDICINE_PRESCRIBERS },
    schema: { tags: ['medicines'], summary: 'Prescribe from the catalogue: reviewed; warnings need a reason each; a hold sends it to the review centre, otherwise it may be dispensed', body: PrescriptionIn, response: { 200: PrescriptionOut } },
    handler: async (req) => prescribe(db, ctx.keys, me(req), o, req.body),
  });
  app.get('/api/medicines/prescriptions', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'My prescriptions and my facilities\' (to dispense); with residentId, that resident\'s (needs a basis)', querystring: PrescriptionListQuery, response: { 200: PrescriptionList } },
    handler: async (req) => ({ items: await listPrescriptions(db, me(req), o, req.query) }),
  });
  app.get('/api/medicines/review', {
    config: { access: PRESCRIPTION_REVIEWERS },
    schema: { tags: ['medicines'], summary: 'The review centre\'s worklist: held prescriptions of my region, soonest due first, with minutes left', response: { 200: WorklistOut } },
    handler: async (req) => reviewWorklist(db, me(req)),
  });
  app.post('/api/medicines/prescriptions/:id/review', {
    config: { access: PRESCRIPTION_REVIEWERS },
    schema: { tags: ['medicines'], summary: 'Approve a held prescription, or return it with a note', params: IdParams, body: ReviewDecisionIn, response: { 200: PrescriptionOut } },
    handler: async (req) => decideReview(db, me(req), req.params.id, req.body.decision, req.body.note),
  });
  app.post('/api/medicines/prescriptions/:id/dispense', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'Dispense a prescription that passed review or was approved (once)', params: IdParams, response: { 200: PrescriptionOut } },
    handler: async (req) => dispense(db, me(req), req.params.id),
  });
  app.get('/api/medicines/residents/:residentId/current', {
    config: { access: MEDICATION_READERS },
    schema: { tags: ['medicines'], summary: 'A resident\'s current medication across every facility; the same drug at two facilities flagged (needs a basis)', params: ResidentParams, response: { 200: CurrentMedicationOut } },
    handler: async (req) => currentMedication(db, me(req), o, req.params.residentId),
  });
  app.get('/api/medicines/stewardship', {
    config: { access: STEWARDSHIP_READERS },
    schema: { tags: ['medicines'], summary: 'Antibiotic rate, injection rate, essential-medicine share and mean drugs per prescription by facility or prescriber (outpatient)', querystring: StewardshipQuery, response: { 200: StewardshipOut } },
    handler: async (req) => stewardship(db, me(req), req.query),
  });

  // ---- the shared pharmacy ----
  app.get('/api/medicines/stock', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'A facility\'s stock by lot, soonest expiry first, each lot expired / expiring (90 days) / ok', querystring: StockQuery, response: { 200: StockOut } },
    handler: async (req) => stock(db, me(req), req.query.facilityCode),
  });
  app.post('/api/medicines/stock/receive', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'Receive stock into a lot (my facility, or one of my region for a pharmacist)', body: ReceiveIn, response: { 200: LotOut } },
    handler: async (req) => receiveStock(db, me(req), req.body),
  });
  app.post('/api/medicines/stock/transfer', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'Transfer part of a lot to another facility (same lot and expiry there)', body: TransferIn, response: { 200: LotOut } },
    handler: async (req) => transferStock(db, me(req), req.body),
  });
  app.post('/api/medicines/shortages', {
    config: { access: SHORTAGE_REGISTRARS },
    schema: { tags: ['medicines'], summary: 'Register a drug my facility lacks for a patient (基层缺药登记; needs a basis)', body: ShortageIn, response: { 200: IdOut } },
    handler: async (req) => registerShortage(db, me(req), o, req.body),
  });
  app.get('/api/medicines/shortages', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'Missing-drug registrations: my region\'s (pharmacist) or my facilities\'', response: { 200: ShortageList } },
    handler: async (req) => listShortages(db, me(req)),
  });
  app.post('/api/medicines/shortages/:id/:step', {
    config: { access: DISPENSERS },
    schema: { tags: ['medicines'], summary: 'Fill (from a county lot) and ship (county pharmacist); deliver to the patient or cancel (requesting facility)', params: ShortageStepParams, body: ShortageStepIn, response: { 200: ShortageStepOut } },
    handler: async (req) => stepShortage(db, me(req), req.params.id, req.params.step, req.body.lotId),
  });

  // ---- the monthly prescription comment ----
  app.get('/api/medicines/comments/sample', {
    config: { access: PRESCRIPTION_REVIEWERS },
    schema: { tags: ['medicines'], summary: 'The month\'s prescription-comment sample of a facility (1‰, at least 100), drawn reproducibly, with the national form\'s counts', querystring: CommentSampleQuery, response: { 200: CommentSampleOut } },
    handler: async (req) => commentSampleOf(db, me(req), req.query.facilityCode, req.query.month),
  });
  app.post('/api/medicines/comments', {
    config: { access: PRESCRIPTION_REVIEWERS },
    schema: { tags: ['medicines'], summary: 'Comment on a sampled prescription: rational, irregular, inappropriate or excessive (处方点评管理规范 第十六至十九条)', body: CommentIn, response: { 200: OkOut } },
    handler: async (req) => commentOn(db, me(req), req.body),
  });
}
