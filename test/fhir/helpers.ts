// Helpers of the FHIR tests: a system client with SMART scopes and its token, FHIR requests.
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { createClient } from '../../src/modules/auth/clients.ts';
import { ID_SYSTEMS, VILLAGE_EXT } from '../../src/modules/fhir/rules.ts';

export const FHIR = { 'content-type': 'application/fhir+json' };

/** Registers a system client of a facility with scopes and answers its Bearer header. */
export async function systemBearer(t: TestApp, facilityCode: string, scopes: string[]): Promise<string> {
  const c = await createClient(t.db, null, { facilityCode, name: `HIS ${facilityCode}`, scopes });
  const r = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${c.client.clientId}&client_secret=${c.clientSecret}` });
  assert.equal(r.statusCode, 200, r.body);
  return `Bearer ${r.json().access_token}`;
}

/** A Patient of the test county with a resident ID number. */
export function patientOf(idNumber: string, village: string, name = '张三', extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Patient', identifier: [{ system: ID_SYSTEMS.resident_id, value: idNumber }], name: [{ family: name.slice(0, 1), given: [name.slice(1)] }],
    address: [{ extension: [{ url: VILLAGE_EXT, valueCode: village }] }], ...extra,
  };
}

/** An Observation of a catalogue code for a patient reference. */
export function observationOf(subject: string, code: string, value: number, unit: string, at: string, identifier?: { system: string; value: string }) {
  return {
    resourceType: 'Observation', status: 'final', ...(identifier ? { identifier: [identifier] } : {}),
    code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: subject }, effectiveDateTime: at,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  };
}
