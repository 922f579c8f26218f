import type { Env } from "../../config/env.js";
import { ensureDatabase } from "../../db/bootstrap.js";
import { applyMigrations, writeNextMigration } from "../../db/migrations.js";
import { AppError } from "../../errors.js";

function databaseLabel(url: string): string {
  const u = new URL(url);
  return `${u.pathname.replace(/^\//, "")} on ${u.hostname}:${u.port || 5432}`;
}

export async function migrateDatabase(env: Env, say: (line: string) => void = console.log): Promise<string[]> {
  const { created } = await ensureDatabase(env.DATABASE_URL);
  if (created) say(`created database ${databaseLabel(env.DATABASE_URL)}`);
  try {
    return await applyMigrations(env.DATABASE_URL);
  } catch (error) {
    throw new AppError("MIGRATION_FAILED", `Migrations could not be applied to ${databaseLabel(env.DATABASE_URL)}: ${(error as Error).message}`);
  }
}

export async function runMigrate(env: Env): Promise<number> {
  const applied = await migrateDatabase(env);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : `database ${databaseLabel(env.DATABASE_URL)} is up to date`);
  return 0;
}

export async function runNewMigration(env: Env, name: string): Promise<number> {
  await ensureDatabase(env.DATABASE_URL); // the engine needs a connection, though the diff reads no table
  const { folder, sql } = await writeNextMigration(env.DATABASE_URL, name);
  if (!folder) {
    console.log("prisma/schema.prisma has no change since the last migration: nothing written.");
    return 0;
  }
  console.log(`wrote prisma/migrations/${folder}/migration.sql (${sql.split("\n").length} lines); review it, then run: npm run db:migrate`);
  return 0;
}
