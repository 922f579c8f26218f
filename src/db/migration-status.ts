import pg from "pg";
import { AppError } from "../errors.js";
import { loadMigrationList } from "./migrations.js";

/** Names of migrations in prisma/migrations not yet applied to the database. */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const list = await loadMigrationList();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
    if (!exists.rows[0]?.t) return list.migrationDirectories.map((d) => d.path);
    const applied = await client.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
    const done = new Set(applied.rows.map((r: { migration_name: string }) => r.migration_name));
    return list.migrationDirectories.map((d) => d.path).filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

/** Stops with one sentence when the database lacks migrations (a fresh database included). */
export async function ensureSchemaCurrent(databaseUrl: string): Promise<void> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length === 0) return;
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  throw new AppError(
    "MIGRATION_FAILED",
    `The database "${name}" lacks ${pending.length} migration(s) (${pending.join(", ")}); run \`npm run db:migrate\` and then \`npx motcua seed\` (or \`npm run demo\`, which does both).`,
  );
}
