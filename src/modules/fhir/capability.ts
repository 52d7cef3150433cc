// The CapabilityStatement, generated from the handlers' registry that serves the requests: each
// type lists exactly the interactions and search parameters its handler implements, and what
// Meridian does not store of it.
import type { ResourceHandler } from './handlers.ts';
import { MERIDIAN } from './rules.ts';

export const FHIR_VERSION = '4.0.1';

/** The statement for the handlers, at a base URL. */
export function capabilityStatement(handlers: readonly ResourceHandler[], base: string, software: { version: string }): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-02',
    publisher: 'Meridian',
    kind: 'instance',
    software: { name: 'Meridian', version: software.version },
    implementation: { description: 'Meridian county health platform — FHIR R4 face', url: base },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      documentation: 'Signed in by a user session (cookie) or a facility system\'s Bearer token from POST /oauth/token (client credentials) with SMART scopes system/<Type|*>.<read|write|*>; a resident\'s session reads their own record (patient/*.read). Searches return only what the caller may read; every read of a person is audited.',
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: base.replace(/\/fhir\/R4$/, '/oauth/token') }] }],
      },
      resource: handlers.map((h) => ({
        type: h.type,
        profile: h.profile,
        interaction: h.interactions.map((code) => ({ code })),
        ...(h.interactions.includes('create') ? { conditionalCreate: h.conditionalCreate, updateCreate: false } : {}),
        versioning: 'no-version',
        readHistory: false,
        searchParam: h.interactions.includes('search-type') ? h.searchParams.map((p) => ({ name: p.name, type: p.type, documentation: p.documentation })) : [],
        ...(h.operations?.length ? { operation: h.operations.map((x) => ({ name: x.name, definition: x.definition })) } : {}),
        documentation: `Stored: ${h.mapped.join('; ')}. Not stored: ${h.notStored.join('; ')}.`,
        extension: [{ url: `${MERIDIAN}:not-stored`, valueString: h.notStored.join('; ') }],
      })),
      interaction: [{ code: 'batch' }, { code: 'transaction' }],
    }],
  };
}
