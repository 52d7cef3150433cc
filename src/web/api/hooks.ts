// The data-access layer: every page reads and writes through these hooks, over the typed client.
// TanStack Query holds the cache; openapi-react-query types each hook from the OpenAPI document,
// so a route's path, parameters, body and answer are checked at compile time. Every failure is shown
// to the user in the UI's language (one handler on the query and mutation caches), unless the page
// says it shows that error itself (`meta: { ownError: true }`, e.g. "not found" drawn in the page).
import { MutationCache, QueryCache, QueryClient, useQueryClient } from '@tanstack/react-query';
import type { UseMutationOptions, UseMutationResult, UseQueryOptions, UseQueryResult } from '@tanstack/react-query';
import createQueryHooks from 'openapi-react-query';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import type { MaybeOptionalInit } from 'openapi-fetch';
import { api, errorText } from './client';
import type { paths } from './schema';

type Lang = 'zh' | 'en';
type Method = Exclude<HttpMethod, 'options' | 'head' | 'trace'>;

/** The JSON answer of a route on success (200 or 201): the one way pages name a server shape. */
export type ApiData<P extends keyof paths, M extends Method = 'get'> = paths[P] extends Record<M, infer Op>
  ? Op extends { responses: { 200: { content: { 'application/json': infer D } } } }
    ? D
    : Op extends { responses: { 201: { content: { 'application/json': infer D } } } }
      ? D
      : never
  : never;
/** One item of a route's `items` list. */
export type ApiItem<P extends keyof paths, M extends Method = 'get'> = ApiData<P, M> extends { items: (infer I)[] } ? I : never;
/** A route's JSON request body. */
export type ApiBody<P extends keyof paths, M extends Method = 'post'> = paths[P] extends Record<M, infer Op>
  ? Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
  : never;
/** A route's query parameters. */
export type ApiQuery<P extends keyof paths, M extends Method = 'get'> = paths[P] extends Record<M, infer Op>
  ? Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never
  : never;

// Where failures are shown: set by <ErrorReporter> once antd's message API and the language exist.
let report: (err: unknown) => void = () => {};
/** Registers how errors reach the user (antd message, in the current language). */
export function setErrorReporter(show: (text: string) => void, lang: Lang) {
  report = (err) => show(errorText(err, lang));
}
/** Shows one failure to the user, as the hooks do (for the few direct calls: downloads, uploads). */
export function showError(err: unknown) {
  report(err);
}

interface Meta extends Record<string, unknown> { ownError?: boolean }

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (err, query) => { if (!(query.meta as Meta | undefined)?.ownError) report(err); } }),
  mutationCache: new MutationCache({ onError: (err, _v, _c, mutation) => { if (!(mutation.meta as Meta | undefined)?.ownError) report(err); } }),
  // Work pages: a failed read is shown at once (no silent retries), and nothing refetches behind the user's back.
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
});

const $api = createQueryHooks(api);

type QOpts<P extends PathsWithMethod<paths, 'get'>> = Omit<UseQueryOptions<ApiData<P>, unknown>, 'queryKey' | 'queryFn'> & { meta?: Meta };

/** Reads a route (GET); the answer is cached under ['get', path, init] and a failure is shown. */
export function useApiQuery<P extends PathsWithMethod<paths, 'get'>, Init extends MaybeOptionalInit<paths[P], 'get'>>(
  path: P,
  ...[init, options]: RequiredKeysOf<Init> extends never ? [Init?, QOpts<P>?] : [Init, QOpts<P>?]
): UseQueryResult<ApiData<P>, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- path and init are checked by the signature above; the library's overloads do not accept a generic path
  return ($api.useQuery as any)('get', path, init, options);
}

/** The query key under which a route's answers are cached (every parameter set), for invalidation. */
export const keyOf = (path: keyof paths) => ['get', path] as const;

type MutOpts<M extends Method, P extends PathsWithMethod<paths, M>> = Omit<
  UseMutationOptions<ApiData<P, M>, unknown, MaybeOptionalInit<paths[P], M>>,
  'mutationKey' | 'mutationFn'
> & {
  /** The routes whose cached answers this write changes: refetched after success. */
  invalidates?: (keyof paths)[];
  meta?: Meta;
};

/**
 * Writes through a route; errors are shown. The `invalidates` routes are refetched after success, and after a refusal
 * too: a write refused because the thing changed meanwhile (someone else accepted the referral, took the slot) must
 * not leave the page showing the old state with its buttons still active.
 */
export function useApiMutation<M extends Exclude<Method, 'get'>, P extends PathsWithMethod<paths, M>>(method: M, path: P, opts: MutOpts<M, P> = {}) {
  const qc = useQueryClient();
  const { invalidates = [], onSuccess, onError, ...rest } = opts;
  const refetch = () => Promise.all(invalidates.map((p) => qc.invalidateQueries({ queryKey: keyOf(p) })));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- openapi-react-query's generic mutation type is narrowed by MutOpts above
  return ($api.useMutation as any)(method, path, {
    ...rest,
    onSuccess: async (...a: Parameters<NonNullable<typeof onSuccess>>) => {
      await refetch();
      await onSuccess?.(...a);
    },
    onError: async (...a: Parameters<NonNullable<typeof onError>>) => {
      await refetch();
      await onError?.(...a);
    },
  }) as UseMutationResult<ApiData<P, M>, unknown, MaybeOptionalInit<paths[P], M>>;
}

/**
 * Reads a route on demand (a search as the user types, the next page, a branch opened) through the same
 * cache and keys as useApiQuery. A failure is shown to the user and the answer is undefined.
 */
export function useApiFetch() {
  const qc = useQueryClient();
  return async <P extends PathsWithMethod<paths, 'get'>>(path: P, init: MaybeOptionalInit<paths[P], 'get'>): Promise<ApiData<P> | undefined> => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- path and init are checked by the signature above
      return (await qc.fetchQuery(($api.queryOptions as any)('get', path, init))) as ApiData<P>;
    } catch (err) {
      report(err);
      return undefined;
    }
  };
}

type Download = '/api/indicators/targets.xlsx' | '/api/indicators/report.docx' | '/api/indicators/values.xlsx';

/** Downloads a file route's answer under `name`; a failure is shown to the user. */
export async function downloadFile<P extends Download>(path: P, name: string, query?: ApiQuery<P>) {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the export routes take the same typed query; openapi-fetch's blob parsing needs the loose form
    const r = await (api.GET as any)(path, { params: { query }, parseAs: 'blob' });
    if (!r.data) return report(r.error);
    const url = URL.createObjectURL(r.data as Blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    URL.revokeObjectURL(url);
  } catch (err) {
    report(err);
  }
}

/** Refetches the given routes' cached answers (after a write made outside useApiMutation, e.g. an upload). */
export function useInvalidate() {
  const qc = useQueryClient();
  return (...routes: (keyof paths)[]) => Promise.all(routes.map((p) => qc.invalidateQueries({ queryKey: keyOf(p) })));
}
