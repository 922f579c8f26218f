import pg from "pg";

const TIMESTAMP_OID = 1114;
/** Type parsers for raw queries: `timestamp` columns hold UTC (as Prisma writes them). */
export const utcTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

// A Date sent as a parameter is written in UTC too: pg's default is the process's local time
// with its offset, which a `timestamp` (without time zone) column takes as wall-clock time, the
// offset dropped — in a process running under TZ=Asia/Ho_Chi_Minh every such time was 7 hours
// late (a scheduled announcement started 7 hours early). Set for every pg client of the process.
pg.defaults.parseInputDatesAsUTC = true;

/**
 * A session of the pool left inside a transaction doing nothing (its request hung, a bug that
 * never released the client, a peer gone without a TCP reset) is ended by PostgreSQL after this
 * long, and with it the row locks it held, which would otherwise stall every write to those
 * dossiers or notices (and VACUUM) for as long as the process lives.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * A pg pool that reads and writes `timestamp` columns in UTC, as Prisma does — without loading
 * Prisma (a command that only runs a few SQL statements starts faster without its client).
 * Its sessions end a transaction left idle for a minute (IDLE_IN_TRANSACTION_TIMEOUT_MS) and run without PostgreSQL's JIT compilation: the service's statements read a few rows
 * each, and a row estimate gone wrong (a table grown since its last ANALYZE) pushes one over the
 * JIT threshold, to be compiled on every call — the relay's sweep of due checks, finding nothing,
 * spent 170 ms compiling each time.
 */
export function createPool(databaseUrl: string, options: { max?: number; idleInTransactionTimeoutMs?: number; connectionTimeoutMillis?: number } = {}): pg.Pool {
  const idle = Math.round(options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    ...(options.connectionTimeoutMillis ? { connectionTimeoutMillis: options.connectionTimeoutMillis } : {}),
    types: utcTypes,
    options: `-c TimeZone=UTC -c jit=off -c idle_in_transaction_session_timeout=${idle}`,
  });
  pool.on("error", () => undefined); // an idle client's error is reported by the next query
  // A client lent out has no listener of the pool's: its connection ending under a request (the
  // backend terminated, the server restarted) emitted "error" unheard, which ends the process.
  // The request's query fails with it, and the pool drops the client when it comes back.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

/**
 * Runs `work` in one transaction on a client of the pool's own: committed when it returns, rolled
 * back when it throws (the rollback's own failure never hides the error), the client released.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
