import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { checkDrift } from "../../src/db/drift.js";
import { applyMigrations, loadMigrationList, migrationsDir, readSchema } from "../../src/db/migrations.js";
import { pendingMigrations } from "../../src/db/migration-status.js";

const databaseUrl = process.env.DATABASE_URL!;

describe("migrations", () => {
  it("schema.prisma and prisma/migrations describe the same database", async () => {
    const drift = await checkDrift(databaseUrl, await readSchema());
    expect(drift).toEqual({ missingFromMigrations: [], notInSchema: [] });
  });

  it("the drift check catches a field added to the schema without a migration", async () => {
    const schema = (await readSchema()).replace(
      "model Citizen {\n",
      "model Citizen {\n  email             String?\n",
    );
    expect(schema).toContain("email             String?");
    const drift = await checkDrift(databaseUrl, schema);
    expect(drift.missingFromMigrations.join("\n")).toMatch(/column Citizen\.email text YES/);
  });

  it("are recorded as prisma migrate deploy records them, and a second run applies nothing", async () => {
    expect(await pendingMigrations(databaseUrl)).toEqual([]);
    expect(await applyMigrations(databaseUrl)).toEqual([]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const rows = (await client.query("SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name")).rows;
    await client.end();
    const list = await loadMigrationList();
    expect(rows.map((r) => r.migration_name)).toEqual(list.migrationDirectories.map((d) => d.path));
    for (const row of rows) {
      const sql = await readFile(path.join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("keep Prisma's folder format", async () => {
    const lock = await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8");
    expect(lock).toMatch(/provider = "postgresql"/);
    const list = await loadMigrationList();
    expect(list.migrationDirectories.length).toBeGreaterThan(0);
    for (const dir of list.migrationDirectories) expect(dir.path).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });
});
