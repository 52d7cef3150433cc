// Insurance routes: thin — schema, access, one call to the service.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { DIP_READERS, INSURANCE_AUDITORS } from '../../shared/roles.ts';
import { decide, dipYear, importSettlements, listSettlements, supervise, worklist } from './service.ts';
import { DecisionIn, DecisionOut, DipIn, DipOut, HitList, HitParams, HitQuery, ImportIn, ImportOut, SettlementList, SettlementQuery, SuperviseIn, SuperviseOut } from './schema.ts';

/** Registers /api/insurance/*. */
export async function insuranceRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  app.post('/api/insurance/settlements/import', {
    config: { access: INSURANCE_AUDITORS },
    schema: { tags: ['insurance'], summary: 'Import settlement lists (医保结算清单; .csv or the first sheet of an .xlsx, base64): every row or none, each bad cell named by row and column', body: ImportIn, response: { 200: ImportOut } },
    handler: async (req) => importSettlements(db, ctx.keys, me(req), req.body.fileName, req.body.contentBase64),
  });
  app.get('/api/insurance/settlements', {
    config: { access: INSURANCE_AUDITORS },
    schema: { tags: ['insurance'], summary: 'Settlement lists of the region discharged in a period (ID numbers masked)', querystring: SettlementQuery, response: { 200: SettlementList } },
    handler: async (req) => listSettlements(db, me(req), req.query),
  });
  app.post('/api/insurance/dip', {
    config: { access: DIP_READERS },
    schema: { tags: ['insurance'], summary: 'DIP for a year: groups and scores from the three preceding years (1:2:7), budgeted and settled point values, outliers, each hospital\'s points, payment and balance (nothing written)', body: DipIn, response: { 200: DipOut } },
    handler: async (req) => dipYear(db, me(req), req.body),
  });
  app.post('/api/insurance/supervision/run', {
    config: { access: INSURANCE_AUDITORS },
    schema: { tags: ['insurance'], summary: 'Run every fund supervision rule over the year\'s settlements; hits go to the worklist (a hit already there keeps its decision)', body: SuperviseIn, response: { 200: SuperviseOut } },
    handler: async (req) => supervise(db, me(req), req.body),
  });
  app.get('/api/insurance/supervision/hits', {
    config: { access: INSURANCE_AUDITORS },
    schema: { tags: ['insurance'], summary: 'The auditor\'s worklist with each hit\'s evidence, and each rule\'s counts and precision', querystring: HitQuery, response: { 200: HitList } },
    handler: async (req) => worklist(db, me(req), req.query),
  });
  app.post('/api/insurance/supervision/hits/:id/decision', {
    config: { access: INSURANCE_AUDITORS },
    schema: { tags: ['insurance'], summary: 'Confirm or dismiss a hit with a note (once)', params: HitParams, body: DecisionIn, response: { 200: DecisionOut } },
    handler: async (req) => decide(db, me(req), req.params.id, req.body),
  });
}
