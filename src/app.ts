// The composition root: every module's routes on one HTTP app.
import type { Logger } from 'pino';
import { buildHttp, type App, type AppContext } from './platform/http.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { registryRoutes } from './modules/registry/routes.ts';
import { recordRoutes } from './modules/records/routes.ts';
import { chronicRoutes } from './modules/chronic/routes.ts';
import { onDiagnosesRecorded, onDiagnosisChanged } from './modules/records/service.ts';
import { enrolFromDiagnoses } from './modules/chronic/service.ts';
import { contractRoutes } from './modules/contracts/routes.ts';
import { meRoutes } from './modules/me/routes.ts';
import { ledgerRoutes } from './modules/ledger/routes.ts';
import { schedulingRoutes } from './modules/scheduling/routes.ts';
import { referralRoutes } from './modules/referrals/routes.ts';
import { followBookingMove } from './modules/referrals/service.ts';
import { indicatorRoutes } from './modules/indicators/routes.ts';
import { surveillanceRoutes } from './modules/surveillance/routes.ts';
import { draftFromDiagnoses, reviseFromDiagnosis } from './modules/surveillance/cards.ts';
import { medicineRoutes } from './modules/medicines/routes.ts';
import { publicHealthRoutes } from './modules/publichealth/routes.ts';
import { diagnosticRoutes } from './modules/diagnostics/routes.ts';
import { insuranceRoutes } from './modules/insurance/routes.ts';
import { principalOfAccessToken } from './modules/auth/clients.ts';
import { fhirRoutes } from './modules/fhir/routes.ts';

export interface BuildOptions {
  logger?: Logger | false;
  /** Sign-in attempts per IP per minute. */
  loginRateLimit?: number;
  /** Token requests per system client per minute (POST /oauth/token; default 10). */
  tokenRateLimit?: number;
  /** API requests per system client per minute (default 600). */
  systemRateLimit?: number;
}

/** Builds the Meridian HTTP app on a context (database, keys, configuration). */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<App> {
  const loginRateLimit = opts.loginRateLimit ?? 30;
  // The record tells the chronic programme of recorded diagnoses (it enrols from them) without importing it.
  onDiagnosesRecorded(enrolFromDiagnoses);
  // …and the surveillance module of notifiable ones (it drafts the report card), and of a diagnosis confirmed (it revises the card).
  onDiagnosesRecorded(draftFromDiagnoses);
  onDiagnosisChanged(reviseFromDiagnosis);
  return buildHttp(ctx, {
    logger: opts.logger ?? false,
    // A facility system's Bearer token names its system client (the auth module's).
    bearer: (token, ip) => principalOfAccessToken(ctx.db, token, ip),
    systemRateLimit: opts.systemRateLimit,
    register: async (app) => {
      await authRoutes(app, ctx, { loginRateLimit, tokenRateLimit: opts.tokenRateLimit ?? 10 });
      await userRoutes(app, ctx);
      await registryRoutes(app, ctx);
      await recordRoutes(app, ctx);
      await chronicRoutes(app, ctx);
      await contractRoutes(app, ctx);
      await meRoutes(app, ctx);
      await ledgerRoutes(app, ctx);
      // A referral follows its booking when scheduling moves it (scheduling cannot import referrals).
      await schedulingRoutes(app, ctx, { onBookingMoved: followBookingMove });
      await referralRoutes(app, ctx);
      await indicatorRoutes(app, ctx);
      // The FHIR R4 face: maps to and from the modules above through their services.
      await fhirRoutes(app, ctx);
      await surveillanceRoutes(app, ctx);
      await medicineRoutes(app, ctx);
      await publicHealthRoutes(app, ctx);
      await diagnosticRoutes(app, ctx);
      await insuranceRoutes(app, ctx);
    },
  });
}
