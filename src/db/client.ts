import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Db = InstanceType<typeof PrismaClient>;
export { PrismaClient };

const TIMESTAMP_OID = 1114;
/** Type parsers for raw queries: `timestamp` columns hold UTC (as Prisma writes them). */
const utcTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export interface Database {
  /** Prisma for everyday access. */
  db: Db;
  /** The same connection pool, for the few bulk statements Prisma cannot express (ingest, relay). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(databaseUrl: string, options: { max?: number } = {}): Database {
  // Prisma stores "timestamp without time zone" in UTC; raw statements must read and write it the same way.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, types: utcTypes, options: "-c TimeZone=UTC" });
  pool.on("error", () => undefined); // an idle client's error is reported by the next query
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    pool,
    async close() {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/** A Prisma client over the pg driver adapter (Prisma 7's Rust-free client). */
export function createDb(databaseUrl: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}
