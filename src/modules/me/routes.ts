// The resident's home route.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { myContractOptions, myContractRequest, myContractWithdraw, myHome } from './service.ts';
import { HomeOut } from './schema.ts';
import { ContractOptionsOut, RequestBody, RequestOut, Uuid } from '../contracts/schema.ts';

/** Registers /api/me/*: the home, and signing a contract online. */
export async function meRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  app.get('/api/me/home', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'My home: follow-ups and checks due, live bookings, my family-doctor team', response: { 200: HomeOut } },
    handler: async (req) => myHome(db, me(req)),
  });
  app.get('/api/me/contract', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Sign or renew online: what a request today would be, the county\'s teams (mine first), the packages, my requests', response: { 200: ContractOptionsOut } },
    handler: async (req) => myContractOptions(db, me(req)),
  });
  app.post('/api/me/contract-requests', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Ask a team for a contract or its renewal (one open request at a time; the team confirms)', body: RequestBody, response: { 201: RequestOut } },
    handler: async (req, reply) => reply.code(201).send(await myContractRequest(db, me(req), req.body)),
  });
  app.post('/api/me/contract-requests/:id/withdraw', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'Withdraw my open contract request', params: Uuid, response: { 200: RequestOut } },
    handler: async (req) => myContractWithdraw(db, me(req), req.params.id),
  });
}
