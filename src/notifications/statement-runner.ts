/**
 * A SqlRunner for statements whose result is not read (wakeRelay's `SELECT pg_notify(…)`):
 * Prisma cannot read pg_notify's `void` column through $queryRawUnsafe ("Failed to deserialize
 * column of type 'void'"), so the statement goes through $executeRawUnsafe and answers no rows.
 */
import type { SqlRunner } from "./notice-store.js";

export function statementOf(db: { $executeRawUnsafe: (sql: string, ...params: unknown[]) => Promise<unknown> }): SqlRunner {
  return async <R,>(sql: string, params: unknown[]) => {
    await db.$executeRawUnsafe(sql, ...params);
    return [] as R[];
  };
}
