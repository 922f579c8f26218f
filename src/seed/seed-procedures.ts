import type { Db } from "../db/client.js";
import { readCatalogSource, type CatalogCheck } from "../catalog/source.js";
import type { SeedCounts } from "./seed-admin-units.js";

export interface ProcedureSeedResult extends SeedCounts {
  rejected: CatalogCheck["rejected"];
}

/** Publishes every entry that passes its checks; unchanged entries (same source hash) are left alone. */
export async function seedProcedures(db: Db, check?: CatalogCheck): Promise<ProcedureSeedResult> {
  const { accepted, rejected } = check ?? (await readCatalogSource());
  const existing = new Map((await db.procedure.findMany({ select: { code: true, sourceHash: true } })).map((p) => [p.code, p.sourceHash]));
  let created = 0;
  let updated = 0;
  for (const record of accepted) {
    const previous = existing.get(record.code);
    if (previous === record.sourceHash) continue;
    const { documents, ...fields } = record;
    await db.$transaction([
      db.procedureDocument.deleteMany({ where: { procedureCode: record.code } }),
      db.procedure.upsert({ where: { code: record.code }, create: fields, update: fields }),
      db.procedureDocument.createMany({ data: documents.map((d) => ({ ...d, procedureCode: record.code })) }),
    ]);
    if (previous === undefined) created += 1;
    else updated += 1;
  }
  return { created, updated, unchanged: accepted.length - created - updated, rejected };
}
