/**
 * The two readers of the catalog agree: SqlProcedureRepository (one SQL statement, used by the
 * CLI's `procedures search` so it starts without Prisma) returns exactly what the Prisma one does.
 * And a freshly seeded database gives the search exactly what the build's snapshot of the search
 * index was made of (src/catalog/search-snapshot-build.ts), so that the snapshot is used.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchableProcedure } from "../../src/catalog/catalog-service.js";
import { PrismaProcedureRepository, SqlProcedureRepository } from "../../src/catalog/repository.js";
import { seededSearchInput } from "../../src/catalog/search-snapshot-build.js";
import { snapshotKey } from "../../src/catalog/search/snapshot.js";
import { createDb, type Db } from "../../src/db/client.js";
import { createPool } from "../../src/db/pool.js";
import { cloneTestDatabase } from "../support/databases.js";

let database: Awaited<ReturnType<typeof cloneTestDatabase>>;
let db: Db;
let pool: ReturnType<typeof createPool>;

beforeAll(async () => {
  database = await cloneTestDatabase();
  db = createDb(database.url);
  pool = createPool(database.url, { max: 2 });
});
afterAll(async () => {
  await db?.$disconnect();
  await pool?.end();
  await database?.drop();
});

describe("SqlProcedureRepository", () => {
  // (first: the next test changes the catalog)
  it("reads from a freshly seeded database what the build's search snapshot is made of", async () => {
    const read = (await new SqlProcedureRepository(pool).listVisible()).map(searchableProcedure);
    const seeded = await seededSearchInput();
    expect(read).toStrictEqual(seeded);
    expect(await new SqlProcedureRepository(pool).listSearchable()).toStrictEqual(seeded);
    expect(snapshotKey(read, "v")).toBe(snapshotKey(seeded, "v"));
  });

  it("lists the visible procedures with their documents exactly as the Prisma repository does", async () => {
    // A withdrawn procedure (left out), a corrected one (a date read back in UTC) and one without documents.
    const [withdrawn, corrected, bare] = await db.procedure.findMany({ orderBy: { code: "asc" }, take: 3, skip: 5 });
    await db.procedure.update({ where: { code: withdrawn!.code }, data: { reviewStatus: "WITHDRAWN" } });
    await db.procedure.update({ where: { code: corrected!.code }, data: { correctedAt: new Date("2026-11-30T23:30:00.123Z"), correctedBy: "test", postalReturn: null } });
    await db.procedureDocument.deleteMany({ where: { procedureCode: bare!.code } });

    const viaPrisma = await new PrismaProcedureRepository(db).listVisible();
    const viaSql = await new SqlProcedureRepository(pool).listVisible();
    expect(viaSql.length).toBeGreaterThan(100);
    expect(viaSql.some((p) => p.code === withdrawn!.code)).toBe(false);
    expect(viaSql.find((p) => p.code === corrected!.code)?.correctedAt?.toISOString()).toBe("2026-11-30T23:30:00.123Z");
    expect(viaSql.find((p) => p.code === bare!.code)?.documents).toEqual([]);
    expect(viaSql.some((p) => p.documents.length > 3)).toBe(true);
    expect(viaSql).toStrictEqual(viaPrisma);
    // what the CLI's search reads alone is what the search takes of them
    expect(await new SqlProcedureRepository(pool).listSearchable()).toStrictEqual(viaPrisma.map(searchableProcedure));
  });
});
