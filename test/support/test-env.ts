/** Where the tests find their services; shared by vitest.config.ts, the global setup and helpers. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/motcua_test";
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/14";
/** Migrated and seeded once per run; never connected to, only cloned. */
export const templateName = `${new URL(testDatabaseUrl).pathname.slice(1)}_tpl`;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function adminUrl(): string {
  return withDatabase(testDatabaseUrl, "postgres");
}
