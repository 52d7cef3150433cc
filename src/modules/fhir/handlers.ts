// The registry of resource handlers: one per supported type, each declaring its interactions,
// search parameters and what Meridian does not store of the resource. The router serves requests
// from it and the CapabilityStatement is generated from it, so the statement cannot claim what the
// router does not do.
import type { Db } from '../../platform/db.ts';
import type { Keys } from '../../platform/crypto.ts';
import type { Principal } from '../../platform/auth.ts';
import type { AccessOptions } from '../records/access.ts';
import type { Lang } from './outcome.ts';

export type Interaction = 'read' | 'search-type' | 'create';
export type ParamType = 'token' | 'reference' | 'date' | 'string' | 'number' | 'quantity' | 'uri';

export interface SearchParamDef {
  name: string;
  type: ParamType;
  documentation: string;
}

/** What a handler is given: the database, keys, the caller, their language and the base URL. */
export interface FhirCtx {
  db: Db;
  keys: Keys;
  p: Principal;
  o: AccessOptions;
  lang: Lang;
  /** The absolute base URL, e.g. http://host/fhir/R4 (for fullUrl and next links). */
  base: string;
}

export type FhirResource = { resourceType: string; id?: string; meta?: { lastUpdated?: string; versionId?: string }; [k: string]: unknown };

/** The parsed search of one request: every parameter as its raw values (repeats kept), and the paging. */
export interface SearchRequest {
  params: Map<string, string[]>;
  count: number;
  offset: number;
}

export interface SearchPage {
  resources: FhirResource[];
  total: number;
}

export interface CreateResult {
  resource: FhirResource;
  /** false when a conditional create found the resource already stored. */
  created: boolean;
}

export interface ResourceHandler {
  type: string;
  /** The R4 base profile the resources conform to. */
  profile: string;
  interactions: readonly Interaction[];
  searchParams: readonly SearchParamDef[];
  /** Whether create honours If-None-Exist (identifier=system|value). */
  conditionalCreate: boolean;
  /** Operations on the type's instances that the router serves (e.g. Patient/$everything). */
  operations?: readonly { name: string; definition: string }[];
  /** Elements of the resource Meridian does not store (dropped on create, never in a read). */
  notStored: readonly string[];
  /** Elements of the resource Meridian stores, and from what. */
  mapped: readonly string[];
  read?(ctx: FhirCtx, id: string): Promise<FhirResource>;
  search?(ctx: FhirCtx, s: SearchRequest): Promise<SearchPage>;
  /**
   * Creates from a resource already checked against the structure definitions (inside a transaction
   * Bundle ctx.db joins the Bundle's transaction); `ifNoneExist` is the conditional create's query.
   */
  create?(ctx: FhirCtx, resource: FhirResource, o: { ifNoneExist: Map<string, string[]> | null }): Promise<CreateResult>;
}
