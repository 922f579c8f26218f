import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { readCatalogSources, type CatalogCheck } from "../catalog/source.js";
import type { SeedCounts } from "./seed-admin-units.js";

export interface ProcedureSeedResult extends SeedCounts {
  rejected: CatalogCheck["rejected"];
  /** Portal records not published because a curated record has their code. */
  superseded: string[];
  /** Codes an admin corrected (`procedures import`): the seed leaves them as corrected. */
  keptCorrected: string[];
}

/**
 * Publishes every entry that passes its checks (curated and portal records); unchanged entries
 * (same source hash) and entries an admin corrected are left alone.
 */
export async function seedProcedures(db: Db, check?: CatalogCheck): Promise<ProcedureSeedResult> {
  const { accepted, rejected, superseded = [] } = check ?? (await readCatalogSources());
  const existing = new Map(
    (await db.procedure.findMany({ select: { code: true, sourceHash: true, correctedAt: true } })).map((p) => [p.code, p]),
  );
  let created = 0;
  let updated = 0;
  const keptCorrected: string[] = [];
  for (const record of accepted) {
    const previous = existing.get(record.code);
    if (previous?.correctedAt) {
      keptCorrected.push(record.code);
      continue;
    }
    if (previous?.sourceHash === record.sourceHash) continue;
    const { documents, portalDifferences, ...rest } = record;
    const fields = { ...rest, portalDifferences: portalDifferences ?? Prisma.DbNull };
    await db.$transaction([
      db.procedureDocument.deleteMany({ where: { procedureCode: record.code } }),
      db.procedure.upsert({ where: { code: record.code }, create: fields, update: fields }),
      db.procedureDocument.createMany({ data: documents.map((d) => ({ ...d, procedureCode: record.code })) }),
    ]);
    if (previous === undefined) created += 1;
    else updated += 1;
  }
  return { created, updated, unchanged: accepted.length - created - updated - keptCorrected.length, rejected, superseded, keptCorrected };
}
