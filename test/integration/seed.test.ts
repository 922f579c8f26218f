import { afterAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../src/db/client.js";
import { seedAll } from "../../src/seed/seed.js";
import { readCatalogSources } from "../../src/catalog/source.js";

const database = createDatabase(process.env.DATABASE_URL!);
const { db } = database;
afterAll(() => database.close());

describe("seed data", () => {
  it("holds every province and commune of the 2025 reform", async () => {
    expect(await db.adminUnit.count({ where: { level: "PROVINCE" } })).toBe(34);
    expect(await db.adminUnit.count({ where: { level: "COMMUNE" } })).toBe(3321);
    expect(await db.adminUnit.count({ where: { parentCode: "82" } })).toBe(102);
    const hongNgu = await db.adminUnit.findUnique({ where: { code: "29955" } });
    expect(hongNgu).toMatchObject({ name: "Hồng Ngự", parentCode: "82", level: "COMMUNE", searchName: "hong ngu" });
  });

  it("publishes the catalog with its documents, sources and review status", async () => {
    const { accepted } = await readCatalogSources();
    expect(accepted).toHaveLength(440);
    expect(await db.procedure.count()).toBe(accepted.length);
    // the curated procedures keep their codes; the portal's list fills in the rest
    expect(await db.procedure.count({ where: { origin: "CURATED" } })).toBe(28);
    expect(await db.procedure.count({ where: { origin: "PORTAL" } })).toBe(412);
    expect(await db.procedure.findUnique({ where: { code: "1.000080" } })).toMatchObject({ origin: "PORTAL", dataAsOf: "2026-06", processingTime: null, reviewStatus: "NEEDS_REVIEW" });
    const birth = await db.procedure.findUnique({ where: { code: "1.001193" }, include: { documents: { orderBy: { position: "asc" } } } });
    expect(birth?.name).toBe("Đăng ký khai sinh");
    expect(birth?.documents[0]?.name).toBe("Tờ khai đăng ký khai sinh");
    expect(birth?.sources.length).toBeGreaterThan(0);
    expect(birth?.reviewStatus).toBe("PUBLISHED");
    const low = await db.procedure.findUnique({ where: { code: "1.014027" } });
    expect(low?.confidence).toBe("LOW");
    expect(low?.reviewStatus).toBe("NEEDS_REVIEW");
  });

  it("holds the public holidays of 2026 and 2027 by the Labour Code's rule, Tết 2026 confirmed by its notice", async () => {
    expect((await db.calendarSeedYear.findMany({ orderBy: { year: "asc" } })).map((y) => y.year)).toEqual([2026, 2027]);
    const day = (key: string) => db.calendarDay.findUnique({ where: { date: new Date(`${key}T00:00:00Z`) } });
    expect(await day("2026-02-17")).toMatchObject({ kind: "HOLIDAY", confirmed: true });
    expect(await day("2026-04-26")).toMatchObject({ name: "Giỗ Tổ Hùng Vương (10/3 Âm lịch)", confirmed: false });
    expect(await day("2027-02-06")).toMatchObject({ name: "Tết Nguyên đán (mùng 1)", confirmed: false });
    expect(await db.calendarDay.count({ where: { date: { gte: new Date("2026-01-01T00:00:00Z"), lt: new Date("2028-01-01T00:00:00Z") } } })).toBe(12 + 14);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const before = await db.procedure.findMany({ select: { code: true, updatedAt: true }, orderBy: { code: "asc" } });
    const docsBefore = await db.procedureDocument.findMany({ select: { id: true }, orderBy: { id: "asc" } });
    const unitsBefore = await db.adminUnit.aggregate({ _max: { updatedAt: true }, _count: true });
    const report = await seedAll(db, database.pool);
    expect(report.adminUnits).toEqual({ created: 0, updated: 0, unchanged: 3355 });
    expect(report.procedures).toMatchObject({ created: 0, updated: 0, unchanged: before.length, rejected: [], superseded: [], keptCorrected: [] });
    expect(report.calendar).toEqual({ seededYears: [], inserted: 0, skippedYears: [2026, 2027] });
    expect(await db.procedure.findMany({ select: { code: true, updatedAt: true }, orderBy: { code: "asc" } })).toEqual(before);
    expect(await db.procedureDocument.findMany({ select: { id: true }, orderBy: { id: "asc" } })).toEqual(docsBefore);
    expect(await db.adminUnit.aggregate({ _max: { updatedAt: true }, _count: true })).toEqual(unitsBefore);
  });
});
