import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../src/catalog/search/bm25.js";

// BM25+ as MiniSearch 7 scored it (the search's answers were tuned on those scores)
const bm25 = (tf: number, matching: number, n: number, length: number, average: number): number =>
  Math.log(1 + (n - matching + 0.5) / (matching + 0.5)) * (0.5 + (tf * 2.2) / (tf + 1.2 * (1 - 0.7 + (0.7 * length) / average)));

describe("Bm25Index", () => {
  const index = new Bm25Index(2);
  index.add([["khai", "sinh", "khai sinh"], ["khai", "khai"]]);
  index.add([["ket", "hon"], []]);
  index.add([["khai", "tu"], ["khai tu"]]);

  it("sums term boost × field boost × BM25+ over fields and terms, times the terms matched", () => {
    const hits = index.search(["khai", "sinh"], [3, 1], (t) => (t === "sinh" ? 0.5 : 1));
    // field lengths are distinct terms: name 3, 2, 2 (average 7/3); aliases 1, 0, 1 (average 2/3)
    const doc0 = (3 * bm25(1, 2, 3, 3, 7 / 3) + 1 * bm25(2, 1, 3, 1, 2 / 3) + 0.5 * 3 * bm25(1, 1, 3, 3, 7 / 3)) * 2;
    const doc2 = 3 * bm25(1, 2, 3, 2, 7 / 3);
    expect(hits.map((h) => h.id)).toEqual([0, 2]);
    expect(hits[0]!.score).toBeCloseTo(doc0, 12);
    expect(hits[1]!.score).toBeCloseTo(doc2, 12);
  });

  it("matches exact terms only, and nothing for unknown terms", () => {
    expect(index.search(["kha"], [1, 1], () => 1)).toEqual([]);
    expect(index.search(["hon"], [1, 1], () => 1).map((h) => h.id)).toEqual([1]);
  });
});
