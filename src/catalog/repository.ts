import type pg from "pg";
import type { Db } from "../db/client.js";
import type { SearchableProcedure } from "./search/index.js";

import type { ProcedureRecord } from "./source.js";

export type ProcedureDocumentView = ProcedureRecord["documents"][number];

/** A published procedure as the product reads it back (the source record, as stored). */
export type ProcedureView = Omit<ProcedureRecord, "sourceHash" | "reviewStatus" | "portalDifferences"> & {
  reviewStatus: ProcedureRecord["reviewStatus"] | "WITHDRAWN";
  /** When an admin last corrected it (`procedures import`); null while it is as seeded. */
  correctedAt: Date | null;
  updatedAt: Date;
};

/** Where the catalog is read from; the service takes it as a constructor argument. */
export interface ProcedureRepository {
  /** Every procedure citizens may be shown (not WITHDRAWN), with its documents. */
  listVisible(): Promise<ProcedureView[]>;
  /** The same procedures as the search index takes them (catalog-service.ts searchableProcedure), when read apart: else made of listVisible's. */
  listSearchable?(): Promise<SearchableProcedure[]>;
}

export class PrismaProcedureRepository implements ProcedureRepository {
  constructor(private readonly db: Db) {}

  async listVisible(): Promise<ProcedureView[]> {
    const rows = await this.db.procedure.findMany({
      where: { reviewStatus: { not: "WITHDRAWN" } },
      include: { documents: { orderBy: { position: "asc" } } },
      orderBy: { code: "asc" },
    });
    // Staff-only facts (the portal's disagreements, who corrected it) stay out of the public view.
    return rows.map(({ sourceHash: _hash, createdAt: _created, portalDifferences: _diff, correctedBy: _by, documents, ...p }) => ({
      ...p,
      documents: documents.map(({ id: _id, procedureCode: _code, ...d }) => d),
    }));
  }
}

/**
 * The same read in one SQL statement over a pg pool (documents aggregated as JSON), for the CLI's
 * `procedures search`: it answers without loading Prisma's client and its query compiler, which
 * cost a one-shot command more than the read itself. A test holds it equal to the Prisma one.
 */
export class SqlProcedureRepository implements ProcedureRepository {
  constructor(private readonly pool: pg.Pool) {}

  async listVisible(): Promise<ProcedureView[]> {
    const { rows } = await this.pool.query<ProcedureView>(`
      SELECT p.code, p.name, p.field, p.level, p.agency, p."processingTime", p.fee, p."postalSubmission", p."postalReturn",
             p."legalBasis", p.aliases, p."toShow", p.notes, p.sources, p.confidence::text AS confidence,
             p."reviewStatus"::text AS "reviewStatus", p."dataAsOf", p.origin::text AS origin, p."correctedAt", p."updatedAt",
             COALESCE((SELECT json_agg(json_build_object('position', d.position, 'name', d.name, 'formNumber', d."formNumber",
                                                         'originals', d.originals, 'copies', d.copies, 'note', d.note) ORDER BY d.position)
                       FROM "ProcedureDocument" d WHERE d."procedureCode" = p.code), '[]'::json) AS documents
      FROM "Procedure" p
      WHERE p."reviewStatus" <> 'WITHDRAWN'
      ORDER BY p.code`);
    return rows;
  }

  /**
   * What the search index is built from, in one JSON value (parsed at once, where the text arrays
   * of listVisible's rows are parsed in JavaScript): the CLI's `procedures search` reads no more.
   * A test holds it equal to listVisible's, as the search takes them.
   */
  async listSearchable(): Promise<SearchableProcedure[]> {
    const { rows } = await this.pool.query<{ procedures: [string, string, string, string[], "CURATED" | "PORTAL", string[]][] | null }>(`
      SELECT json_agg(json_build_array(p.code, p.name, p.field, p.aliases, p.origin,
                                       COALESCE((SELECT json_agg(d.name ORDER BY d.position) FROM "ProcedureDocument" d WHERE d."procedureCode" = p.code), '[]'::json))
                      ORDER BY p.code) AS procedures
      FROM "Procedure" p
      WHERE p."reviewStatus" <> 'WITHDRAWN'`);
    return (rows[0]?.procedures ?? []).map(([code, name, field, aliases, origin, documentNames]) => ({ code, name, field, aliases, documentNames, origin }));
  }
}
