/**
 * Catalog search speed: index build and per-question time over the dev and held-out questions.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { readCatalogSources } from "../../src/catalog/source.js";
import { buildTieredIndex, searchTiered } from "../../src/catalog/search/tiered.js";
import { projectRoot } from "../../src/paths.js";
import { line, percentile } from "./support.js";

const { accepted } = await readCatalogSources();
const procedures = accepted.map((p) => ({ code: p.code, name: p.name, field: p.field, aliases: p.aliases, documentNames: p.documents.map((d) => d.name), origin: p.origin }));
const builds: number[] = [];
let index = buildTieredIndex(procedures);
for (let i = 0; i < 20; i += 1) {
  const t = performance.now();
  index = buildTieredIndex(procedures.map((p) => ({ ...p, aliases: [...p.aliases] })));
  builds.push(performance.now() - t);
}
const questions = ["queries-dev.json", "queries-holdout.json"].flatMap((f) => (JSON.parse(readFileSync(path.join(projectRoot, "test", "fixtures", f), "utf8")) as { q: string }[]).map((x) => x.q));
const times: number[] = [];
for (let round = 0; round < 5; round += 1) {
  for (const q of questions) {
    const t = performance.now();
    searchTiered(index, q);
    times.push(performance.now() - t);
  }
}
console.log(`bench:search over ${questions.length} questions × 5`);
console.log(line(`index build (${procedures.length} procedures), median`, `${percentile(builds, 50).toFixed(1)} ms`));
console.log(line("search, p50", `${percentile(times, 50).toFixed(2)} ms`));
console.log(line("search, p95", `${percentile(times, 95).toFixed(2)} ms`, "≤ 5 ms", percentile(times, 95) <= 5));
console.log(line("questions answered per second (one core)", `${(1000 / (times.reduce((a, b) => a + b, 0) / times.length)).toFixed(0)} q/s`));
