import pg from "pg";
import { AppError } from "../errors.js";
import { migrationFolders } from "./migrations.js";

/**
 * Names of migrations in prisma/migrations not yet applied to the database — asked over `client`
 * when given (a command's own connection: it stays open), else over a connection of its own.
 */
export async function pendingMigrations(databaseUrl: string, client?: pg.ClientBase): Promise<string[]> {
  const folders = await migrationFolders();
  const own = client ? null : new pg.Client({ connectionString: databaseUrl });
  const db = client ?? own!;
  if (own) await own.connect();
  try {
    const exists = await db.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
    if (!exists.rows[0]?.t) return folders;
    const applied = await db.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
    const done = new Set(applied.rows.map((r: { migration_name: string }) => r.migration_name));
    return folders.filter((name) => !done.has(name));
  } finally {
    await own?.end();
  }
}

/** Stops with one sentence when the database lacks migrations (a fresh database included). */
export async function ensureSchemaCurrent(databaseUrl: string, client?: pg.ClientBase): Promise<void> {
  const pending = await pendingMigrations(databaseUrl, client);
  if (pending.length === 0) return;
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  throw new AppError(
    "MIGRATION_FAILED",
    `The database "${name}" lacks ${pending.length} migration(s) (${pending.join(", ")}); run \`npm run db:migrate\` and then \`npx motcua seed\` (or \`npm run demo\`, which does both).`,
  );
}
