import type { Env } from "../../config/env.js";
import { createDatabase } from "../../db/client.js";
import { pendingMigrations } from "../../db/migration-status.js";
import { ensureDatabase } from "../../db/bootstrap.js";
import { AppError } from "../../errors.js";
import { ADMIN_UNITS_ATTRIBUTION } from "../../admin-units/source.js";
import { PORTAL_PROCEDURES_ATTRIBUTION } from "../../catalog/source.js";
import { describeSeed, seedAll } from "../../seed/seed.js";

export async function runSeed(env: Env): Promise<number> {
  await ensureDatabase(env.DATABASE_URL);
  const pending = await pendingMigrations(env.DATABASE_URL);
  if (pending.length) throw new AppError("MIGRATION_FAILED", `The database lacks ${pending.length} migration(s) (${pending.join(", ")}); run \`npm run db:migrate\` first.`);
  const database = createDatabase(env.DATABASE_URL);
  try {
    const report = await seedAll(database.db, database.pool);
    for (const line of describeSeed(report)) console.log(line);
    console.log(ADMIN_UNITS_ATTRIBUTION);
    console.log(PORTAL_PROCEDURES_ATTRIBUTION);
    return report.procedures.rejected.length ? 1 : 0;
  } finally {
    await database.close();
  }
}
