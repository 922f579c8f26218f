import pg from "pg";
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
