// The resident's home route.
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { myHome } from './service.ts';
import { HomeOut } from './schema.ts';

/** Registers GET /api/me/home. */
export async function meRoutes(app: ZodApp, ctx: AppContext) {
  const { db } = ctx;
  app.get('/api/me/home', {
    config: { access: ['resident'] },
    schema: { tags: ['me'], summary: 'My home: follow-ups and checks due, live bookings, my family-doctor team', response: { 200: HomeOut } },
    handler: async (req) => myHome(db, me(req)),
  });
}
