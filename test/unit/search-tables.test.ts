import { describe, expect, it } from "vitest";
import stopWordsJson from "../../src/catalog/search/data/stopwords.json" with { type: "json" };
import synonymsJson from "../../src/catalog/search/data/synonyms.json" with { type: "json" };
import { checkSearchTables } from "../../src/catalog/search/data.js";
import { ValidationError } from "../../src/errors.js";

// The tables are checked when the program is built and here, not at every start (data.ts).
describe("the search's data tables", () => {
  it("meet their schemas", () => {
    expect(() => checkSearchTables()).not.toThrow();
  });

  it("a bad table is refused, naming its file", () => {
    expect(() => checkSearchTables({ stopwords: { ...stopWordsJson, words: [...stopWordsJson.words, ""] } })).toThrow(ValidationError);
    expect(() => checkSearchTables({ synonyms: { ...synonymsJson, entries: [{ say: [], means: "x", note: "y" }] } })).toThrow(/synonyms\.json/);
  });
});
