// Surveillance routes: the notifiable-disease catalogue, report cards (doctor and CDC), signals.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { CARD_DOCTORS, CARD_REVIEWERS, CARD_READERS } from '../../shared/roles.ts';
import { CATALOGUE_SOURCE, DISEASES, reportLimitHours } from './rules.ts';
import { editCard, getCard, myCards, reviewCard, reviewList, reviseCard, submitCard } from './cards.ts';
import { CardEdit, CardListOut, CardListQuery, CardOut, DiseasesOut, IdParam, ReviewIn, ReviseIn, VersionIn } from './schema.ts';
import { signalRoutes } from './signal-routes.ts';

/** Registers /api/surveillance/*. */
export async function surveillanceRoutes(app: ZodApp, ctx: AppContext) {
  const { db, keys } = ctx;
  const tags = ['surveillance'];

  app.get('/api/surveillance/diseases', {
    config: { access: 'signed-in' },
    schema: { tags, summary: 'The statutory notifiable diseases (classes A, B, C; managed as A), their ICD-10 codes and reporting limits, with the legal source', response: { 200: DiseasesOut } },
    handler: async () => ({ source: CATALOGUE_SOURCE, items: DISEASES.map((d) => ({ code: d.code, group: d.group, class: d.class, nameZh: d.nameZh, nameEn: d.nameEn, icd10: d.icd10, managedAsA: d.managedAsA, limitHours: reportLimitHours(d) })) }),
  });

  app.get('/api/surveillance/cards/mine', {
    config: { access: CARD_DOCTORS },
    schema: { tags, summary: "The doctor's report cards (drafts and returned first), with the countdown to the legal limit", response: { 200: CardListOut } },
    handler: async (req) => ({ items: await myCards(db, keys, me(req)) }),
  });

  app.get('/api/surveillance/cards', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: "The county CDC's review list (submitted cards first)", querystring: CardListQuery, response: { 200: CardListOut } },
    handler: async (req) => ({ items: await reviewList(db, keys, me(req), req.query.status ?? null) }),
  });

  app.get('/api/surveillance/cards/:id', {
    config: { access: CARD_READERS },
    schema: { tags, summary: 'One report card', params: IdParam, response: { 200: CardOut } },
    handler: async (req) => getCard(db, keys, me(req), req.params.id),
  });

  app.patch('/api/surveillance/cards/:id', {
    config: { access: CARD_DOCTORS },
    schema: { tags, summary: 'Complete a draft or returned card', params: IdParam, body: CardEdit, response: { 200: CardOut } },
    handler: async (req) => editCard(db, keys, me(req), req.params.id, req.body),
  });

  app.post('/api/surveillance/cards/:id/submit', {
    config: { access: CARD_DOCTORS },
    schema: { tags, summary: 'Submit the card (every field of the national card filled)', params: IdParam, body: VersionIn, response: { 200: CardOut } },
    handler: async (req) => submitCard(db, keys, me(req), req.params.id, req.body.version),
  });

  app.post('/api/surveillance/cards/:id/review', {
    config: { access: CARD_REVIEWERS },
    schema: { tags, summary: 'Review a card: accept, return for correction (reason), mark duplicate, delete (reason)', params: IdParam, body: ReviewIn, response: { 200: CardOut } },
    handler: async (req) => reviewCard(db, keys, me(req), req.params.id, req.body),
  });

  app.post('/api/surveillance/cards/:id/revise', {
    config: { access: CARD_READERS },
    schema: { tags, summary: "Revise the card's case classification (suspected → confirmed → excluded)", params: IdParam, body: ReviseIn, response: { 200: CardOut } },
    handler: async (req) => reviseCard(db, keys, me(req), req.params.id, req.body),
  });

  await signalRoutes(app, ctx);
}
