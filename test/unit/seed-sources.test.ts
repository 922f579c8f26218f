import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAdminUnitsCsv, readAdminUnits } from "../../src/admin-units/source.js";
import { checkCatalog, isPublicSource, mergeCatalogs, portalProceduresJsonPath, proceduresJsonPath, readCatalogSources, readProcedureAliases } from "../../src/catalog/source.js";

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
    const good = { code: "1.000001", name: "Thủ tục thử", field: "Hộ tịch", level: "commune", agency: "UBND xã", processing_time: "1 ngày", fee: "Miễn phí", postal: true, documents: [{ name: "Tờ khai", form: null, original: 1, copy: 0, note: null }], legal_basis: ["Luật Hộ tịch 2014"], sources: ["https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"], confidence: "high" };
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
    const { accepted } = checkCatalog([{ code: "1.000001", name: nfd, field: "f", level: "l", agency: "a", processing_time: "t", fee: "f", postal: null, documents: [{ name: nfd }], legal_basis: ["x"], sources: ["Luật Hộ tịch 2014"], confidence: "low" }]);
    expect(accepted[0]?.name).toBe("Đăng ký khai sinh".normalize("NFC"));
    expect(accepted[0]?.postalReturn).toBeNull();
  });

  it("refuses an internal note as a source: only public pages and named public documents", () => {
    const entry = { code: "1.000001", name: "Thủ tục thử", field: "Hộ tịch", level: "commune", agency: "UBND xã", processing_time: "1 ngày", fee: "Miễn phí", postal: true, documents: [{ name: "Tờ khai" }], legal_basis: ["Luật Hộ tịch 2014"], confidence: "high" };
    const { accepted, rejected } = checkCatalog([
      { ...entry, sources: ["index file id 69617585809 (procedure registry: codes, portal links)"] },
      { ...entry, code: "1.000002", sources: ["DungVu06/AITroLyDichVuCong:data/procedure/PROC_1_001193.json"] },
      { ...entry, code: "1.000003", sources: ["https://dichvucong.gov.vn (Cơ sở dữ liệu quốc gia về thủ tục hành chính, mã 1.000003)", "Nghị định 123/2015/NĐ-CP"] },
    ]);
    expect(accepted.map((p) => p.code)).toEqual(["1.000003"]);
    expect(rejected.map((r) => r.problems.join())).toEqual([expect.stringMatching(/sources\[1\]: must be an http\(s\) address or a named public document/), expect.stringMatching(/sources\[1\]/)]);
    expect(isPublicSource("page:https://example.gov.vn/x")).toBe(false);
    expect(isPublicSource("http://linhtay.tpthuduc.hochiminhcity.gov.vn/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-tu/ct/6073/10454")).toBe(true);
  });

  it("accepts every record of the portal's commune-level list, keeping what the portal leaves empty as null", async () => {
    const raw = JSON.parse(await readFile(portalProceduresJsonPath, "utf8")) as { code: string }[];
    const portal = checkCatalog(raw, "PORTAL");
    expect(portal.rejected).toEqual([]);
    expect(portal.accepted).toHaveLength(412);
    const noTime = portal.accepted.find((p) => p.code === "1.115148");
    expect(noTime).toMatchObject({ processingTime: null, fee: null, origin: "PORTAL", reviewStatus: "NEEDS_REVIEW" });
    expect(portal.accepted.find((p) => p.code === "2.001008")?.documents).toEqual([]);
    for (const p of portal.accepted) expect(p.dataAsOf, p.code).toMatch(/^2026-0[68]$/);
  });

  it("adds the citizens' phrasings of procedure-aliases/*.json to the portal records, and refuses a malformed file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "motcua-aliases-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ about: "test", entries: [{ code: "1.115148", aliases: ["xin thử một cách gọi"] }] }));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ about: "test", entries: [{ code: "1.115148", aliases: ["cách gọi thứ hai"] }] }));
    const aliases = readProcedureAliases(dir);
    expect(aliases.get("1.115148")).toEqual(["xin thử một cách gọi", "cách gọi thứ hai"]);
    const raw = JSON.parse(await readFile(portalProceduresJsonPath, "utf8")) as { code: string }[];
    const plain = checkCatalog(raw, "PORTAL").accepted.find((p) => p.code === "1.115148")!;
    const withAliases = checkCatalog(raw, "PORTAL", new Map(), aliases).accepted.find((p) => p.code === "1.115148")!;
    expect(withAliases.aliases).toEqual([...plain.aliases, "xin thử một cách gọi", "cách gọi thứ hai"]);
    // a changed alias changes the record's hash, so the next seed publishes it
    expect(withAliases.sourceHash).not.toBe(plain.sourceHash);
    writeFileSync(join(dir, "c.json"), JSON.stringify({ about: "test", entries: [{ code: "x", aliases: [] }] }));
    expect(() => readProcedureAliases(dir)).toThrow(/c\.json: entries\[1\]\.code/);
    // the shipped files are valid
    expect(() => readProcedureAliases()).not.toThrow();
  });

  it("merges both files: every curated code is the curated record, the rest come from the portal", async () => {
    const merged = await readCatalogSources();
    expect(merged.rejected).toEqual([]);
    expect(merged.accepted).toHaveLength(440);
    expect(new Set(merged.accepted.map((p) => p.code)).size).toBe(440);
    expect(merged.accepted.filter((p) => p.origin === "CURATED")).toHaveLength(28);
    // where the portal's copy of a curated code is given too, the curated record wins and the portal's is set aside
    const curatedRaw = JSON.parse(await readFile(proceduresJsonPath, "utf8")) as unknown[];
    const birth = { code: "1.001193", name: "Đăng ký khai sinh (bản của Cổng)", field: "Hộ tịch", level: "commune", agency: null, processing_time: "1", fee: "Miễn phí", postal: true, documents: [], legal_basis: [], aliases: [], sources: [], confidence: "medium", checked_at: "2026-06" };
    const both = mergeCatalogs(checkCatalog(curatedRaw), checkCatalog([birth], "PORTAL"));
    expect(both.superseded).toEqual(["1.001193"]);
    expect(both.accepted.filter((p) => p.code === "1.001193")).toEqual([expect.objectContaining({ name: "Đăng ký khai sinh", origin: "CURATED" })]);
    // staff see where the portal disagrees with a curated record
    expect(merged.accepted.find((p) => p.code === "1.003197")?.portalDifferences).toContainEqual({ field: "processing_time", portal: "05 ngày làm việc", curated: "khoảng 01 ngày" });
    expect(merged.accepted.find((p) => p.code === "3.000722")?.portalDifferences).toBeNull();
  });
});
