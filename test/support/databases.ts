/** A database of one's own for a test file: a clone of the migrated, seeded template. */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { adminUrl, templateName, testDatabaseUrl, withDatabase } from "./test-env.js";

export async function cloneTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${templateName.replace(/_tpl$/, "")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Two clones of one template at the same instant collide; retry briefly.
    for (let i = 0; ; i += 1) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
        break;
      } catch (error) {
        if (i >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(testDatabaseUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
