// Signal routes (detection, worklist, response) — registered by routes.ts.
import type { AppContext, ZodApp } from '../../platform/http.ts';

/** Registers the signals' routes (none yet). */
export async function signalRoutes(app: ZodApp, ctx: AppContext): Promise<void> {
  void app; void ctx;
}
