import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { createPool } from "./pool.js";

export type Db = InstanceType<typeof PrismaClient>;
export { PrismaClient };

export interface Database {
  /** Prisma for everyday access. */
  db: Db;
  /** The same connection pool, for the few bulk statements Prisma cannot express (ingest, relay). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(databaseUrl: string, options: { max?: number } = {}): Database {
  // Prisma stores "timestamp without time zone" in UTC; raw statements must read and write it the same way.
  const pool = createPool(databaseUrl, options);
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

/** A Prisma client over an existing pg pool (the api roles' context: one pool for Prisma and raw SQL). */
export function prismaOver(pool: pg.Pool): Db {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/** A Prisma client over the pg driver adapter (Prisma 7's Rust-free client). */
export function createDb(databaseUrl: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}
