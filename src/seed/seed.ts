import type { Db } from "../db/client.js";
import { seedAdminUnits, type SeedCounts } from "./seed-admin-units.js";
import { seedProcedures, type ProcedureSeedResult } from "./seed-procedures.js";

export interface SeedReport {
  adminUnits: SeedCounts;
  procedures: ProcedureSeedResult;
}

export async function seedAll(db: Db): Promise<SeedReport> {
  const adminUnits = await seedAdminUnits(db);
  const procedures = await seedProcedures(db);
  return { adminUnits, procedures };
}

export function describeSeed(report: SeedReport): string[] {
  const line = (what: string, c: SeedCounts) => `${what}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
  const lines = [line("administrative units", report.adminUnits), line("procedures", report.procedures)];
  for (const r of report.procedures.rejected) lines.push(`  not published: entry ${r.index}${r.code ? ` (${r.code})` : ""}: ${r.problems.join("; ")}`);
  return lines;
}
