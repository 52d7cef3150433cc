// Administrators manage users; health workers issue residents' activation codes.
import { z } from 'zod';
import type { AppContext, ZodApp } from '../../platform/http.ts';
import { ErrorBody, me } from '../../platform/http.ts';
import { RESIDENT_ACCOUNT_ISSUERS, RESIDENT_REGISTRARS, USER_ADMINS } from '../../shared/roles.ts';
import { ActivationCodeOut, CreateUserIn, Ok, ResidentParams, UserOut } from './schema.ts';
import { createUser, listUsers, resetPassword, setDisabled } from './service.ts';
import { issueActivationCode, passwordByStaffGone } from './accounts.ts';

const Username = z.object({ username: z.string().min(1).max(64) });
const admins = [...USER_ADMINS];

/** Registers /api/users/* and the residents' account routes. */
export async function userRoutes(app: ZodApp, ctx: AppContext) {
  const { db, keys, config } = ctx;
  app.get('/api/users', {
    config: { access: admins },
    schema: { tags: ['users'], summary: 'List users', response: { 200: z.object({ items: z.array(UserOut) }) } },
    handler: async (req) => ({ items: await listUsers(db, me(req)) }),
  });
  app.post('/api/users', {
    config: { access: admins },
    schema: { tags: ['users'], summary: 'Create a user (not a resident: residents redeem an activation code)', body: CreateUserIn, response: { 201: z.object({ user: UserOut }) } },
    handler: async (req, reply) => reply.code(201).send({ user: await createUser(db, me(req), req.body) }),
  });
  app.post('/api/users/:username/disable', {
    config: { access: admins },
    schema: { tags: ['users'], summary: 'Disable a user', params: Username, body: z.strictObject({ disabled: z.boolean() }), response: { 200: Ok } },
    handler: async (req) => {
      await setDisabled(db, me(req), req.params.username, req.body.disabled);
      return { ok: true as const };
    },
  });
  app.post('/api/users/:username/reset-password', {
    config: { access: admins },
    schema: { tags: ['users'], summary: 'Reset a staff user\'s password (a resident\'s: 409, issue an activation code)', params: Username, body: z.strictObject({ password: z.string().min(1).max(200) }), response: { 200: Ok } },
    handler: async (req) => {
      await resetPassword(db, me(req), req.params.username, req.body.password);
      return { ok: true as const };
    },
  });

  // ---- residents' accounts, started at the facility ----
  app.post('/api/residents/:id/account', {
    config: { access: [...RESIDENT_REGISTRARS] },
    schema: {
      tags: ['registry'], summary: 'Gone: staff never set a resident\'s password; issue an activation code (POST /api/residents/{id}/activation-code)', deprecated: true,
      params: ResidentParams, response: { 410: ErrorBody },
    },
    handler: async () => {
      throw passwordByStaffGone();
    },
  });
  app.post('/api/residents/:id/activation-code', {
    config: { access: [...RESIDENT_ACCOUNT_ISSUERS] },
    schema: {
      tags: ['registry'], summary: 'Issue a one-time code (24 h) with which the resident sets their own password (needs a legal basis for their record; audited, in their access log; redeeming a new code ends every session of the account)',
      params: ResidentParams, response: { 200: ActivationCodeOut },
    },
    handler: async (req) => issueActivationCode(db, keys, me(req), req.params.id, { encounterDays: config.encounterAccessDays }),
  });
}
