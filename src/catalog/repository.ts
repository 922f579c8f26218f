import type { Db } from "../db/client.js";

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
