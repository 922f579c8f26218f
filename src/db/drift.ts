/**
 * Drift check: does applying prisma/migrations produce the database that schema.prisma describes?
 * Two scratch databases are built — one from the migrations, one from the schema's own SQL — and
 * their catalogs (columns, constraints, indexes, enums) compared. A field added to the schema
 * without a migration shows up as a difference.
 */
import pg from "pg";
import { randomBytes } from "node:crypto";
import { applyMigrations, diffSchemas } from "./migrations.js";

const SIGNATURE_SQL = `
SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
UNION ALL
SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%_prisma_migrations%'
UNION ALL
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
UNION ALL
SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname
ORDER BY 1`;

async function withScratchDatabase<T>(baseUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `motcua_drift_${randomBytes(4).toString("hex")}`;
  const adminUrl = new URL(baseUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function signature(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ line: string }>(SIGNATURE_SQL)).rows.map((r) => r.line);
  } finally {
    await client.end();
  }
}

export interface DriftReport {
  /** Present in the schema's database but not produced by the migrations. */
  missingFromMigrations: string[];
  /** Produced by the migrations but not in the schema. */
  notInSchema: string[];
}

export async function checkDrift(baseUrl: string, schemaText: string, migrationsDir?: string): Promise<DriftReport> {
  const fromMigrations = await withScratchDatabase(baseUrl, async (url) => {
    await applyMigrations(url, migrationsDir);
    return signature(url);
  });
  const fromSchema = await withScratchDatabase(baseUrl, async (url) => {
    const sql = await diffSchemas(url, null, schemaText);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return signature(url);
  });
  const a = new Set(fromMigrations);
  const b = new Set(fromSchema);
  return {
    missingFromMigrations: fromSchema.filter((l) => !a.has(l)),
    notInSchema: fromMigrations.filter((l) => !b.has(l)),
  };
}
