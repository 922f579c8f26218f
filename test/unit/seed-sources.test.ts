import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseAdminUnitsCsv, readAdminUnits } from "../../src/admin-units/source.js";
import { checkCatalog, proceduresJsonPath } from "../../src/catalog/source.js";

describe("administrative units source", () => {
  it("reads 34 provinces and 3,321 communes with search names", async () => {
    const units = await readAdminUnits();
    expect(units.filter((u) => u.level === "PROVINCE")).toHaveLength(34);
    expect(units.filter((u) => u.level === "COMMUNE")).toHaveLength(3321);
    expect(units.find((u) => u.code === "30235")).toMatchObject({ name: "Phong Hoà", searchName: "phong hoa", parentCode: "82" });
  });

  it("refuses a malformed file, naming the line", () => {
    expect(() => parseAdminUnitsCsv("code,level,name,full_name,unit_type,parent_code\n01,province,Hà Nội,Thành phố Hà Nội,Thành phố,\n123,commune,X,Xã X,Xã,01\n")).toThrow(/line 3/);
    expect(() => parseAdminUnitsCsv("a,b\n")).toThrow(/header/);
    expect(() => parseAdminUnitsCsv("code,level,name,full_name,unit_type,parent_code\n00004,commune,Ba Đình,Phường Ba Đình,Phường,01\n")).toThrow(/unknown province/);
  });
});

describe("procedure catalog source", () => {
  it("accepts every entry of the shipped catalog, keeping sources, and flags the unconfirmed ones", async () => {
    const raw = JSON.parse(await readFile(proceduresJsonPath, "utf8")) as unknown[];
    const { accepted, rejected } = checkCatalog(raw);
    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(raw.length);
    for (const p of accepted) {
      expect(p.sources.length).toBeGreaterThan(0);
      expect(p.documents.length).toBeGreaterThan(0);
      expect(p.reviewStatus).toBe(p.confidence === "HIGH" ? "PUBLISHED" : "NEEDS_REVIEW");
    }
  });

  it("rejects an entry without sources, with a bad code, or listed twice — and says why", () => {
    const good = { code: "1.000001", name: "Thủ tục thử", field: "Hộ tịch", level: "commune", agency: "UBND xã", processing_time: "1 ngày", fee: "Miễn phí", postal: true, documents: [{ name: "Tờ khai", form: null, original: 1, copy: 0, note: null }], legal_basis: ["Luật Hộ tịch 2014"], sources: ["x"], confidence: "high" };
    const { accepted, rejected } = checkCatalog([good, { ...good, code: "1.000002", sources: [] }, { ...good, code: "abc" }, good, { ...good, code: "1.000003", documents: [] }]);
    expect(accepted.map((p) => p.code)).toEqual(["1.000001"]);
    expect(rejected.map((r) => r.problems.join())).toEqual([
      expect.stringMatching(/sources/),
      expect.stringMatching(/national procedure code/),
      expect.stringMatching(/appears twice/),
      expect.stringMatching(/at least one document/),
    ]);
  });

  it("normalises text to NFC", () => {
    const nfd = "Đăng ký khai sinh".normalize("NFD");
    const { accepted } = checkCatalog([{ code: "1.000001", name: nfd, field: "f", level: "l", agency: "a", processing_time: "t", fee: "f", postal: null, documents: [{ name: nfd }], legal_basis: ["x"], sources: ["s"], confidence: "low" }]);
    expect(accepted[0]?.name).toBe("Đăng ký khai sinh".normalize("NFC"));
    expect(accepted[0]?.postalReturn).toBeNull();
  });
});
