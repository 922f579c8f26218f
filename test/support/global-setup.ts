/**
 * Prepares this run's test databases from nothing: a template (migrated and seeded once) and,
 * cloned from it, the shared `motcua_test_<run>`; tests that need a database of their own clone
 * the template too (test/support/databases.ts). Fails loudly (never skips) when PostgreSQL or
 * Redis is missing. At the end it drops the databases of this run, and only those.
 */
import { execFileSync } from "node:child_process";
import pg from "pg";
import { ensureDatabase, ensureRedis } from "../../src/db/bootstrap.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createDatabase } from "../../src/db/client.js";
import { seedAll } from "../../src/seed/seed.js";
import { adminUrl, runDatabasePattern, templateName, testDatabaseUrl, testRedisUrl, withDatabase } from "./test-env.js";

export default async function setup(): Promise<() => Promise<void>> {
  await ensureRedis(testRedisUrl);
  // The pages' assets, as `npm ci` builds them (so a change to web/assets is tested as it ships).
  execFileSync(process.execPath, ["scripts/build-web.mjs"], { stdio: "ignore" });
  // The compiled program the tests spawn (bin/motcua.js runs dist/), rebuilt when a source changed.
  execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale", "--quiet"], { stdio: "inherit" });
  const name = new URL(testDatabaseUrl).pathname.slice(1);
  if (!/^motcua_test\w*$/.test(name)) throw new Error(`Refusing to reset "${name}": the test database's name must start with motcua_test.`);
  await ensureDatabase(adminUrl()); // throws the one-sentence explanation when PostgreSQL is missing
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Only this run's own names: another run's databases are never touched.
    await dropRunDatabases(admin);
    await admin.query(`CREATE DATABASE "${templateName}"`);
    const templateUrl = withDatabase(testDatabaseUrl, templateName);
    await applyMigrations(templateUrl);
    const database = createDatabase(templateUrl);
    try {
      const report = await seedAll(database.db, database.pool);
      if (report.procedures.rejected.length) throw new Error(`catalog entries rejected: ${JSON.stringify(report.procedures.rejected)}`);
    } finally {
      await database.close();
    }
    // The schema engine's pool may linger on the template; nothing else may use it from now on.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [templateName]);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await admin.end();
  }
  return async () => {
    if (process.env.MOTCUA_TEST_KEEP_DB) return;
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      await dropRunDatabases(client);
    } finally {
      await client.end();
    }
  };
}

async function dropRunDatabases(admin: pg.Client): Promise<void> {
  const mine = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [runDatabasePattern]);
  for (const row of mine.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
}
