/**
 * Where the tests find their services; shared by vitest.config.ts, the global setup and helpers.
 *
 * Every run works in databases of its own, named after a run id (`motcua_test_<run>`, its
 * template `…_tpl`, and per-file clones `…_<hex>`), so two runs on one machine never touch each
 * other's data; a run drops only the databases it created. The run id is fixed once per run in
 * the environment, so the config, the global setup and every test process agree on it.
 */
import { randomBytes } from "node:crypto";

process.env.MOTCUA_TEST_RUN ??= `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
export const testRunId = process.env.MOTCUA_TEST_RUN;

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/motcua_test_${testRunId}`;
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/14";
/** Migrated and seeded once per run; never connected to, only cloned. */
export const templateName = `${new URL(testDatabaseUrl).pathname.slice(1)}_tpl`;
/** Every database this run creates starts with this name (LIKE pattern, underscores escaped). */
export const runDatabasePattern = `${new URL(testDatabaseUrl).pathname.slice(1).replace(/_/g, "\\_")}%`;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function adminUrl(): string {
  return withDatabase(testDatabaseUrl, "postgres");
}
