/**
 * The whole catalog in two tiers. The curated procedures (procedures.json, with the citizens'
 * phrasings the search was built on) are searched first; the national portal's commune-level list
 * (procedures-commune.json: official names and documents, no aliases) answers only a question
 * none of the curated procedures fits. A question naming a procedure's national code gets that
 * procedure, whichever tier holds it.
 *
 * Scores of the two tiers are never mixed in one list: each tier's confidences are relative to
 * its own index, and the bot's "sure enough / far enough ahead" rule reads one list.
 */
import { buildSearchIndex, findByCodes, searchCatalog, type CatalogSearchIndex, type SearchOptions, type SearchResult, type SearchableProcedure } from "./index.js";

export interface TieredProcedure extends SearchableProcedure {
  origin: "CURATED" | "PORTAL";
}

export interface TieredSearchIndex {
  curated: CatalogSearchIndex;
  portal: CatalogSearchIndex;
}

export function buildTieredIndex(procedures: readonly TieredProcedure[]): TieredSearchIndex {
  return {
    curated: buildSearchIndex(procedures.filter((p) => p.origin === "CURATED")),
    portal: buildSearchIndex(procedures.filter((p) => p.origin === "PORTAL")),
  };
}

export function searchTiered(index: TieredSearchIndex, query: string, options: SearchOptions = {}): SearchResult[] {
  const limit = Math.max(0, Math.floor(options.limit ?? 5));
  const byCode = [...findByCodes(index.curated, query), ...findByCodes(index.portal, query)];
  if (byCode.length > 0) return byCode.slice(0, limit);
  const curated = searchCatalog(index.curated, query, options);
  return curated.length > 0 ? curated : searchCatalog(index.portal, query, options);
}
