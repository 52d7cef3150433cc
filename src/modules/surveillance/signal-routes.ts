// Signal routes: the detection on demand, the CDC's worklist and response, responsiveness, the township grid.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { CARD_REVIEWERS } from '../../shared/roles.ts';
import { respond, runOnDemand, signalDetail, signalFigures, signalGrid, signalList } from './signals.ts';
import { FiguresOut, FiguresQuery, GridOut, GridQuery, IdParam, RespondIn, RunIn, RunOut, SignalDetailOut, SignalListOut, SignalQuery } from './schema.ts';

/** Registers /api/surveillance/detection and /api/surveillance/signals*. */
export async function signalRoutes(app: ZodApp, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  const tags = ['surveillance'];
  app.post('/api/surveillance/detection/run', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: "Run the day's detection for the county now (the daily job runs it every morning)", body: RunIn, response: { 200: RunOut } },
    handler: async (req) => runOnDemand(db, me(req), req.body),
  });
  app.get('/api/surveillance/signals', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: "The CDC's signal worklist (open first)", querystring: SignalQuery, response: { 200: SignalListOut } },
    handler: async (req) => ({ items: await signalList(db, me(req), req.query) }),
  });
  app.get('/api/surveillance/signals/figures', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: 'Responsiveness as CIDARS reports it: share responded, share within 24 h, median hours', querystring: FiguresQuery, response: { 200: FiguresOut } },
    handler: async (req) => signalFigures(db, me(req), req.query),
  });
  app.get('/api/surveillance/grid', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: 'Signals and cases of the last 7 days by township', querystring: GridQuery, response: { 200: GridOut } },
    handler: async (req) => signalGrid(db, me(req), req.query.day),
  });
  app.get('/api/surveillance/signals/:id', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: 'One signal with its series, baseline and threshold', params: IdParam, response: { 200: SignalDetailOut } },
    handler: async (req) => signalDetail(db, me(req), req.params.id),
  });
  app.post('/api/surveillance/signals/:id/respond', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: 'Respond: exclude or investigate (verification), then confirm the outbreak with its cases or close', params: IdParam, body: RespondIn, response: { 200: SignalDetailOut } },
    handler: async (req) => respond(db, me(req), req.params.id, req.body),
  });
}
