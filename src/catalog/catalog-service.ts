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
import { asTyped } from "../text/vietnamese.js";

/**
 * The longest question the search reads (the API's `q`, the bots' messages): a citizen's story of
 * some 200 words ("my wife and I married abroad…, what do we need and how long does it take"). A
 * story this long takes the search tens of milliseconds, not the few of a short question
 * (`npm run bench:search` prints both).
 */
export const MAX_QUERY_LENGTH = 1000;

interface Loaded {
  byCode: Map<string, ProcedureView>;
  procedures: ProcedureView[];
}

/** What the search index is built from, of a procedure (as stored, or as `seed` publishes it). */
export function searchableProcedure(p: Pick<ProcedureView, "code" | "name" | "field" | "aliases" | "documents" | "origin">): SearchableProcedure {
  return { code: p.code, name: p.name, field: p.field, aliases: p.aliases, documentNames: p.documents.map((d) => d.name), origin: p.origin };
}

export class CatalogService {
  private loaded: Promise<Loaded> | undefined;
  private indexed: Promise<CatalogSearchIndex> | undefined;

  /** `snapshot`: where a snapshot of the index may be read from (the build's by default; null: always build). */
  constructor(
    private readonly repository: ProcedureRepository,
    private readonly snapshot: SnapshotSource | null = builtSnapshot(),
  ) {}

  private load(): Promise<Loaded> {
    this.loaded ??= this.repository.listVisible().then((procedures) => ({ byCode: new Map(procedures.map((p) => [p.code, p])), procedures }));
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  /** One index over the whole catalog, curated and portal procedures alike (search/index.ts), from what the repository reads for it. */
  private index(): Promise<CatalogSearchIndex> {
    const { repository } = this;
    this.indexed ??= (repository.listSearchable ? repository.listSearchable() : this.load().then(({ procedures }) => procedures.map(searchableProcedure))).then((procedures) =>
      searchIndexOf(procedures, this.snapshot),
    );
    this.indexed.catch(() => (this.indexed = undefined));
    return this.indexed;
  }

  /** The best procedures for a question (read as typed: full-width "ＫＨＡＩ ＳＩＮＨ" is "KHAI SINH", `asTyped`). */
  async search(query: string, limit = 5): Promise<SearchResult[]> {
    return searchCatalog(await this.index(), asTyped(query), { limit });
  }

  /** The kind of answer a citizen's question gets (search/answer.ts): match, choices, out of scope or none. */
  async ask(query: string, limit = 5): Promise<SearchAnswer> {
    return askCatalog(await this.index(), asTyped(query), { limit });
  }

  async get(code: string): Promise<ProcedureView | undefined> {
    return (await this.load()).byCode.get(code.trim());
  }

  async list(): Promise<ProcedureView[]> {
    return [...(await this.load()).byCode.values()];
  }
}
