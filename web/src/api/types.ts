// Names for the API's types in the UI's words. The types themselves are generated from the API
// document (docs/openapi.yaml → openapi.gen.ts, `npm run api-types`); nothing here restates them.

import type { components, paths } from './openapi.gen';

type Schemas = components['schemas'];
/** The JSON body of a GET route's 200 response. */
type Ok<P extends keyof paths> = paths[P]['get'] extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

export type Status = Schemas['Status'];
export const STATUSES: readonly Status[] = ['fresh', 'warn', 'error', 'unknown'];
export type AssetKind = Schemas['AssetKind'];
export type Counts = Schemas['Counts'];

export type Summary = Schemas['Summary'];
export type ConnectionSummary = Summary['connections'][number];

export type AssetSummary = Schemas['AssetSummary'];
export type AssetList = Ok<'/api/v1/assets'>;
export type AssetSort = NonNullable<NonNullable<paths['/api/v1/assets']['get']['parameters']['query']>['sort']>;

export type Rule = Schemas['Rule'];
export type AssetDetail = Schemas['AssetDetail'];
export type Observation = AssetDetail['observations'][number];
export type Interval = AssetDetail['intervals'][number];
export type AssetRef = AssetDetail['ancestors'][number];

export type HistoryDay = Schemas['HistoryDay'];
export type History = Ok<'/api/v1/assets/{key}/history'>;
export type TreeNode = Schemas['TreeNode'];
export type Tree = Ok<'/api/v1/tree'>;
export type Lineage = Ok<'/api/v1/assets/{key}/lineage'>;
export type Edge = Lineage['edges'][number];
export type Session = Ok<'/api/v1/session'>;

export type Problem = Schemas['Problem'];

export type IncidentRoot = Schemas['IncidentRoot'];
export type Incident = Schemas['Incident'];
export type IncidentEvent = Schemas['IncidentEvent'];
export type Delivery = Schemas['Delivery'];
export type IncidentDetail = Schemas['IncidentDetail'];
export type IncidentList = Ok<'/api/v1/incidents'>;
export type IncidentState = NonNullable<NonNullable<paths['/api/v1/incidents']['get']['parameters']['query']>['state']>;
