// Administrators manage users.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { me } from '../../platform/http.ts';
import { CreateUserIn, UserOut } from './schema.ts';
import { createUser, listUsers, resetPassword, setDisabled } from './service.ts';

const Username = z.object({ username: z.string().min(1).max(64) });

/** Registers /api/users/*. */
export async function userRoutes(app: ZodApp, ctx: AppContext) {
  app.get('/api/users', {
    config: { access: ['sysadmin'] },
    schema: { tags: ['users'], summary: 'List users', response: { 200: z.object({ items: z.array(UserOut) }) } },
    handler: async (req) => ({ items: await listUsers(ctx.db, me(req)) }),
  });
  app.post('/api/users', {
    config: { access: ['sysadmin'] },
    schema: { tags: ['users'], summary: 'Create a user', body: CreateUserIn, response: { 201: z.object({ user: UserOut }) } },
    handler: async (req, reply) => reply.code(201).send({ user: await createUser(ctx.db, me(req), req.body) }),
  });
  app.post('/api/users/:username/disable', {
    config: { access: ['sysadmin'] },
    schema: { tags: ['users'], summary: 'Disable a user', params: Username, body: z.strictObject({ disabled: z.boolean() }), response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await setDisabled(ctx.db, me(req), req.params.username, req.body.disabled);
      return { ok: true as const };
    },
  });
  app.post('/api/users/:username/reset-password', {
    config: { access: ['sysadmin'] },
    schema: { tags: ['users'], summary: 'Reset a user\'s password', params: Username, body: z.strictObject({ password: z.string().min(1).max(200) }), response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await resetPassword(ctx.db, me(req), req.params.username, req.body.password);
      return { ok: true as const };
    },
  });
}
