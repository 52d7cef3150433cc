// Registered facility systems (a hospital's HIS, a laboratory's LIS): a system client belongs to one
// facility, authenticates with its client id and secret (OAuth 2.0 client credentials, RFC 6749
// §4.4) for a short-lived Bearer token, and then acts as the principal role 'system' bound to that
// facility: it may call the routes that list 'system', for its own facility only, and every audit
// row it causes names the client as the actor. Revoking a client ends its tokens at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db.ts';
import { actorOf, hashPassword, verifyPassword, type Principal } from '../../platform/auth.ts';
import { writeAudit, type Actor } from '../../platform/audit.ts';
import { badRequest, conflict, notFound, type Bilingual } from '../../platform/errors.ts';
import { SYSTEM_ROLE } from '../../shared/roles.ts';
import * as store from './store.ts';
import { isSystemScope, scopeCovers } from './scopes.ts';
import { SYSTEM_SCOPES, type SystemClientCreated, type SystemClientIn, type SystemClientOut } from './schema.ts';

/** How long an access token lives (seconds). */
export const TOKEN_SECONDS = 3600;

const CLI_ACTOR: Actor = { userId: null, username: 'cli', role: 'sysadmin', ip: null };
const actor = (by: Principal | null) => (by ? actorOf(by, by.ip) : CLI_ACTOR);
const CLIENT_ID = /^[A-Za-z0-9_.-]{8,64}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** An error of the token endpoint in the form of RFC 6749 §5.2 (error, error_description), with the bilingual message. */
export class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, readonly text: Bilingual) {
    super(`${error}: ${text.en}`);
    this.name = 'OAuthError';
  }

  toJSON() {
    // error_description is ASCII only (RFC 6749 §5.2); the Chinese goes in `message` beside it.
    return { error: this.error, error_description: this.text.en, message: this.text };
  }
}

export const invalidClient = () => new OAuthError(401, 'invalid_client', { zh: '客户端认证失败（客户端编号或密钥错误，或已吊销）', en: 'Client authentication failed (unknown client, wrong secret, or revoked)' });
export const invalidRequest = (en: string, zh: string) => new OAuthError(400, 'invalid_request', { zh, en });

function toOut(r: store.SystemClientRow): SystemClientOut {
  return {
    id: r.id, clientId: r.client_id, name: r.name, facilityCode: r.facility_code, facilityName: r.facility_name, scopes: r.scopes,
    createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/** Registers a system client of a facility; answers its secret, which is shown this once. Audited. */
export async function createClient(db: Db, by: Principal | null, input: SystemClientIn): Promise<SystemClientCreated> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw badRequest('request.invalid', { zh: '名称须为1–100个字符', en: 'The name must have 1–100 characters' }, [{ path: 'name', problem: '1–100 characters / 1–100个字符' }]);
  const badScope = (input.scopes ?? []).findIndex((x) => !isSystemScope(x));
  if (badScope >= 0) throw badRequest('request.invalid', { zh: `权限范围 ${input.scopes![badScope].slice(0, 80)} 无效`, en: `Invalid scope ${input.scopes![badScope].slice(0, 80)}` }, [{ path: `scopes.${badScope}`, problem: 'records:write or system/<Type|*>.<read|write|*> / 须为 records:write 或 SMART 系统权限范围' }]);
  const clientSecret = `mcs_${randomBytes(32).toString('base64url')}`;
  const secretHash = await hashPassword(clientSecret);
  return db.tx(async (q) => {
    const f = await store.facilityByCode(q, input.facilityCode);
    if (!f) throw badRequest('request.invalid', { zh: `机构 ${input.facilityCode} 不存在`, en: `Unknown facility ${input.facilityCode}` }, [{ path: 'facilityCode', problem: 'unknown facility / 未知机构' }]);
    const clientId = `mcl_${randomBytes(10).toString('hex')}`;
    const id = await store.insertClient(q, { facilityId: f.id, name, clientId, secretHash, scopes: [...new Set(input.scopes ?? SYSTEM_SCOPES)], createdBy: by?.userId ?? null });
    await writeAudit(q, actor(by), { action: 'auth.client_create', outcome: 'ok', recordType: 'system_client', recordId: id, details: { clientId, facilityCode: f.code, name } });
    const row = (await store.clientByClientId(q, clientId))!;
    return { client: toOut(row), clientSecret };
  });
}

/** Every system client, or those of one facility (404 for an unknown facility). */
export async function listClients(db: Queryable, facilityCode: string | null = null): Promise<SystemClientOut[]> {
  let facilityId: string | null = null;
  if (facilityCode !== null) {
    const f = await store.facilityByCode(db, facilityCode);
    if (!f) throw notFound({ zh: `机构 ${facilityCode}`, en: `Facility ${facilityCode}` });
    facilityId = f.id;
  }
  return (await store.listClients(db, facilityId)).map(toOut);
}

/** Revokes a client: it obtains no more tokens and the ones it has stop working at once. Audited. */
export async function revokeClient(db: Db, by: Principal | null, clientId: string): Promise<SystemClientOut> {
  return db.tx(async (q) => {
    const cur = await store.clientByClientId(q, clientId);
    if (!cur) throw notFound({ zh: `系统客户端 ${clientId}`, en: `System client ${clientId}` });
    if (cur.revoked_at) throw conflict('auth.client_revoked', { zh: `系统客户端 ${clientId} 已于 ${cur.revoked_at.toISOString()} 吊销`, en: `System client ${clientId} was revoked already (${cur.revoked_at.toISOString()})` }, [{ path: 'clientId', problem: 'revoked already / 已吊销' }]);
    await store.revokeClient(q, clientId, by?.userId ?? null);
    await writeAudit(q, actor(by), { action: 'auth.client_revoke', outcome: 'ok', recordType: 'system_client', recordId: cur.id, details: { clientId, facilityCode: cur.facility_code } });
    return toOut((await store.clientByClientId(q, clientId))!);
  });
}

/** The client credentials of a token request: from HTTP Basic (RFC 6749 §2.3.1) or the body, never both. */
export function credentialsOf(authorization: string | undefined, body: { client_id?: string; client_secret?: string }): { clientId: string; clientSecret: string; basic: boolean } {
  const inBody = body.client_id !== undefined || body.client_secret !== undefined;
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    if (inBody) throw invalidRequest('Authenticate the client one way: HTTP Basic or client_id/client_secret in the body, not both', '客户端认证只能用一种方式：HTTP Basic 或请求体中的 client_id/client_secret');
    const raw = Buffer.from(authorization.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = raw.indexOf(':');
    if (colon < 1) throw invalidClient();
    try {
      // Each part is form-urlencoded before it is joined (RFC 6749 §2.3.1).
      const dec = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
      return { clientId: dec(raw.slice(0, colon)), clientSecret: dec(raw.slice(colon + 1)), basic: true };
    } catch {
      throw invalidClient();
    }
  }
  if (body.client_id === undefined || body.client_secret === undefined) {
    throw new OAuthError(401, 'invalid_client', { zh: '缺少客户端认证（HTTP Basic，或 client_id 与 client_secret）', en: 'Client authentication is missing (HTTP Basic, or client_id and client_secret)' });
  }
  return { clientId: body.client_id, clientSecret: body.client_secret, basic: false };
}

/** An access token as RFC 6749 §5.1 answers it. */
export interface TokenOut {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * The client-credentials grant: checks the client's secret (as slowly for an unknown or revoked
 * client, so that the answer tells nothing), the requested scope, and issues a token for
 * TOKEN_SECONDS. A refusal is audited too, naming the client id that was tried.
 */
export async function issueToken(db: Db, req: { grantType: string; scope?: string; clientId: string; clientSecret: string; ip: string | null }): Promise<TokenOut> {
  if (req.grantType !== 'client_credentials') {
    throw new OAuthError(400, 'unsupported_grant_type', { zh: `不支持的授权类型 ${req.grantType.slice(0, 40)}（只支持 client_credentials）`, en: 'Only the client_credentials grant is supported' });
  }
  const row = CLIENT_ID.test(req.clientId) ? await store.clientByClientId(db, req.clientId) : null;
  const live = row && !row.revoked_at ? row : null;
  const ok = await verifyPassword(live?.secret_hash ?? null, req.clientSecret);
  if (!live || !ok) {
    await db.tx((q) => writeAudit(q, { userId: null, username: null, role: null, ip: req.ip }, { action: 'auth.client_token', outcome: 'denied', details: { clientId: CLIENT_ID.test(req.clientId) ? req.clientId : null, reason: row ? (row.revoked_at ? 'revoked' : 'secret') : 'unknown' } }));
    throw invalidClient();
  }
  const asked = req.scope === undefined ? live.scopes : req.scope.split(' ').filter(Boolean);
  const beyond = asked.filter((s) => !live.scopes.some((g) => scopeCovers(g, s)));
  if (beyond.length || !asked.length) {
    throw new OAuthError(400, 'invalid_scope', { zh: `所请求的权限范围不可用：${beyond.join(' ') || '（空）'}`, en: `The requested scope is not available to this client: ${beyond.join(' ') || '(empty)'}`.replace(/[^\x20-\x7e]/g, '?') });
  }
  const scopes = [...new Set(asked)];
  const token = `mat_${randomBytes(32).toString('base64url')}`;
  await db.tx(async (q) => {
    await store.insertToken(q, live.id, sha256(token), scopes, TOKEN_SECONDS);
    await writeAudit(q, { userId: live.id, username: live.client_id, role: SYSTEM_ROLE, ip: req.ip }, { action: 'auth.client_token', outcome: 'ok', recordType: 'system_client', recordId: live.id, details: { scopes } });
  });
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: scopes.join(' ') };
}

/** The principal of a Bearer token: the system client bound to its facility, or null (unknown, expired, revoked). */
export async function principalOfAccessToken(db: Queryable, token: string, ip: string | null): Promise<Principal | null> {
  if (!/^mat_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const r = await store.clientOfToken(db, sha256(token));
  if (!r) return null;
  return { userId: r.id, username: r.client_id, displayName: r.name, role: SYSTEM_ROLE, regionCode: null, facilityCode: r.facility_code, ip, kind: 'system', clientId: r.id, scopes: r.scopes };
}

/**
 * The system client a sending facility (HL7 v2 MSH-4: the facility code, as the contracts' HL7 v2
 * section binds it) stands for: the earliest registered live client of that facility whose scopes
 * allow writing results (records:write, or system/DiagnosticReport.write); null for an unknown
 * facility or one without such a client. Its principal is the one audited for what the message does.
 */
export async function systemClientOfFacility(q: Queryable, facilityCode: string, ip: string | null): Promise<(Principal & { facilityId: string }) | null> {
  if (!facilityCode || facilityCode.length > 32) return null;
  const f = await store.facilityByCode(q, facilityCode);
  if (!f) return null;
  const live = (await store.listClients(q, f.id)).filter((r) => !r.revoked_at && r.scopes.some((s) => s === 'records:write' || scopeCovers(s, 'system/DiagnosticReport.write')));
  const r = live.at(-1);
  if (!r) return null;
  return { userId: r.id, username: r.client_id, displayName: r.name, role: SYSTEM_ROLE, regionCode: null, facilityCode: r.facility_code, ip, kind: 'system', clientId: r.id, scopes: r.scopes, facilityId: f.id };
}
