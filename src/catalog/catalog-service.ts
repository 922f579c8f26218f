/**
 * The procedure catalog as the rest of the product sees it: look-up by code and free-text search.
 * The catalog and its search index are read from the database once per process, on first use: a
 * process started before a `seed` answers from the catalog it read until it is restarted. The
 * index is read from the build's snapshot when that was made of exactly these procedures by this
 * search (search/snapshot.ts), else built.
 */
import type { SearchAnswer } from "./search/answer.js";
import { askCatalog, searchCatalog, type CatalogSearchIndex, type SearchableProcedure, type SearchResult } from "./search/index.js";
import { builtSnapshot, searchIndexOf, type SnapshotSource } from "./search/snapshot.js";
import type { ProcedureRepository, ProcedureView } from "./repository.js";

export const MAX_QUERY_LENGTH = 500;

interface Loaded {
  byCode: Map<string, ProcedureView>;
  index: CatalogSearchIndex;
}

/** What the search index is built from, of a procedure (as stored, or as `seed` publishes it). */
export function searchableProcedure(p: Pick<ProcedureView, "code" | "name" | "field" | "aliases" | "documents" | "origin">): SearchableProcedure {
  return { code: p.code, name: p.name, field: p.field, aliases: p.aliases, documentNames: p.documents.map((d) => d.name), origin: p.origin };
}

export class CatalogService {
  private loaded: Promise<Loaded> | undefined;

  /** `snapshot`: where a snapshot of the index may be read from (the build's by default; null: always build). */
  constructor(
    private readonly repository: ProcedureRepository,
    private readonly snapshot: SnapshotSource | null = builtSnapshot(),
  ) {}

  private load(): Promise<Loaded> {
    this.loaded ??= this.repository.listVisible().then((procedures) => ({
      byCode: new Map(procedures.map((p) => [p.code, p])),
      // one index over the whole catalog, curated and portal procedures alike (search/index.ts)
      index: searchIndexOf(procedures.map(searchableProcedure), this.snapshot),
    }));
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  async search(query: string, limit = 5): Promise<SearchResult[]> {
    const { index } = await this.load();
    return searchCatalog(index, query, { limit });
  }

  /** The kind of answer a citizen's question gets (search/answer.ts): match, choices, out of scope or none. */
  async ask(query: string, limit = 5): Promise<SearchAnswer> {
    const { index } = await this.load();
    return askCatalog(index, query, { limit });
  }

  async get(code: string): Promise<ProcedureView | undefined> {
    return (await this.load()).byCode.get(code.trim());
  }

  async list(): Promise<ProcedureView[]> {
    return [...(await this.load()).byCode.values()];
  }
}
