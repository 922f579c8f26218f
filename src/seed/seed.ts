import type pg from "pg";
import type { Db } from "../db/client.js";
import { seedAdminUnits, type SeedCounts } from "./seed-admin-units.js";
import { seedProcedures, type ProcedureSeedResult } from "./seed-procedures.js";
import { CalendarService, type CalendarSeedReport } from "../calendar/calendar-service.js";

export interface SeedReport {
  adminUnits: SeedCounts;
  procedures: ProcedureSeedResult;
  /** Public holidays of 2026 and 2027 by the Labour Code's rule (each year stored once). */
  calendar: CalendarSeedReport;
}

/** Seeds through Prisma, and the working calendar through its service's SQL on `pool` (the same database). */
export async function seedAll(db: Db, pool: pg.Pool): Promise<SeedReport> {
  const adminUnits = await seedAdminUnits(db);
  const procedures = await seedProcedures(db);
  const calendar = await new CalendarService(pool).seed();
  return { adminUnits, procedures, calendar };
}

export function describeSeed(report: SeedReport): string[] {
  const line = (what: string, c: SeedCounts) => `${what}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
  const lines = [line("administrative units", report.adminUnits), line("procedures", report.procedures)];
  const { keptCorrected, superseded } = report.procedures;
  if (keptCorrected.length) lines.push(`  kept as corrected by an admin (not overwritten): ${keptCorrected.join(", ")}`);
  if (superseded.length) lines.push(`  portal records set aside for the curated ones: ${superseded.join(", ")}`);
  for (const r of report.procedures.rejected) lines.push(`  not published: ${r.file ? `${r.file} ` : ""}entry ${r.index}${r.code ? ` (${r.code})` : ""}: ${r.problems.join("; ")}`);
  const cal = report.calendar;
  lines.push(
    `working calendar: ${cal.seededYears.length ? `${cal.inserted} holiday days stored for ${cal.seededYears.join(", ")} (computed by the rule, unconfirmed unless from an official notice)` : "nothing to add"}` +
      (cal.skippedYears.length ? `; ${cal.skippedYears.join(", ")} stored before, left as the admin keeps it` : ""),
  );
  return lines;
}
