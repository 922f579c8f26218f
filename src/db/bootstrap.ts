/**
 * Start-up checks for the two services motcua needs, and creation of its database (by the commands
 * that prepare or run the service: migrate, seed, serve, the demo; read commands only check).
 * Every failure ends in one sentence that says what is missing and how to get it.
 */
import pg from "pg";
import { AppError, ServiceUnavailableError } from "../errors.js";

const POSTGRES_HELP =
  "Install and start it (Debian/Ubuntu: `sudo apt-get install postgresql && sudo service postgresql start`) or set DATABASE_URL to a reachable server.";
const REDIS_HELP =
  "Install and start it (Debian/Ubuntu: `sudo apt-get install redis-server && sudo service redis-server start`) or set REDIS_URL to a reachable server.";

function describeServer(url: string): string {
  const u = new URL(url);
  return `${u.hostname || "127.0.0.1"}:${u.port || (u.protocol.startsWith("redis") ? "6379" : "5432")}`;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Makes sure PostgreSQL answers and the application database exists (creating it if missing). */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const name = databaseName(databaseUrl);
  const target = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await target.connect();
    await target.end();
    return { created: false };
  } catch (error) {
    await target.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code !== "3D000") throw postgresUnavailable(databaseUrl, error);
  }
  // The database does not exist yet: create it from the maintenance database.
  const maintenanceUrl = new URL(databaseUrl);
  maintenanceUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: maintenanceUrl.toString(), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return { created: true };
  } catch (error) {
    if ((error as { code?: string }).code === "42P04") return { created: false }; // created meanwhile
    throw new ServiceUnavailableError(
      `PostgreSQL at ${describeServer(databaseUrl)} is reachable but the database "${name}" is missing and could not be created (${(error as Error).message}). Create it (\`createdb ${name}\`) or give the user in DATABASE_URL the right to create databases.`,
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Makes sure PostgreSQL answers and the application database exists, without creating it: for
 * commands that only read or change rows (procedures search/show, keys), which must leave no
 * database behind as a side effect.
 */
export async function requireDatabase(databaseUrl: string): Promise<void> {
  const target = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await target.connect();
  } catch (error) {
    throw noDatabase(databaseUrl, error);
  } finally {
    await target.end().catch(() => undefined);
  }
}

/** How long requireDatabase and connectExisting wait for PostgreSQL to accept a connection. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * requireDatabase on a pool's own connection (give the pool connectionTimeoutMillis:
 * CONNECT_TIMEOUT_MS): a one-shot command then checks and reads over a single connection. The
 * client is the caller's to release.
 */
export async function connectExisting(pool: pg.Pool, databaseUrl: string): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw noDatabase(databaseUrl, error);
  }
}

/** Why a connection to an existing database failed, in one sentence: no such database, or no PostgreSQL. */
function noDatabase(databaseUrl: string, error: unknown): AppError | ServiceUnavailableError {
  if ((error as { code?: string }).code === "3D000") {
    const name = databaseName(databaseUrl);
    return new AppError(
      "MIGRATION_FAILED",
      `The database "${name}" does not exist on ${describeServer(databaseUrl)}; run \`npm run db:migrate\` and then \`npx motcua seed\` (or \`npm run demo\`, which does both) to create it.`,
    );
  }
  return postgresUnavailable(databaseUrl, error);
}

function postgresUnavailable(databaseUrl: string, error: unknown): ServiceUnavailableError {
  const code = (error as { code?: string }).code;
  const server = describeServer(databaseUrl);
  if (code === "28P01" || code === "28000") {
    return new ServiceUnavailableError(
      `PostgreSQL at ${server} refused the user in DATABASE_URL (${(error as Error).message}); set DATABASE_URL with a user and password that can log in.`,
    );
  }
  return new ServiceUnavailableError(`PostgreSQL is not reachable at ${server} (from DATABASE_URL). ${POSTGRES_HELP}`);
}

/** Makes sure Redis answers a PING. */
export async function ensureRedis(redisUrl: string): Promise<void> {
  const { Redis } = await import("ioredis"); // loaded here: the commands that only read PostgreSQL never need it
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new ServiceUnavailableError(`Redis is not reachable at ${describeServer(redisUrl)} (from REDIS_URL). ${REDIS_HELP}`);
  } finally {
    redis.disconnect();
  }
}
