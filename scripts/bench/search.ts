/**
 * Catalog search speed over the whole catalog: index build (first, then rebuilds) and the time
 * per question over the dev questions (test/fixtures/search/dev.json).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { readCatalogSources } from "../../src/catalog/source.js";
import { askCatalog, buildSearchIndex } from "../../src/catalog/search/index.js";
import { projectRoot } from "../../src/paths.js";
import { line, percentile } from "./support.js";

const { accepted } = await readCatalogSources();
const procedures = accepted.map((p) => ({ code: p.code, name: p.name, field: p.field, aliases: p.aliases, documentNames: p.documents.map((d) => d.name), origin: p.origin }));
let t = performance.now();
let index = buildSearchIndex(procedures);
const firstBuild = performance.now() - t;
const builds: number[] = [];
for (let i = 0; i < 20; i += 1) {
  t = performance.now();
  index = buildSearchIndex(procedures.map((p) => ({ ...p, aliases: [...p.aliases] })));
  builds.push(performance.now() - t);
}
const questions = (JSON.parse(readFileSync(path.join(projectRoot, "test", "fixtures", "search", "dev.json"), "utf8")) as { q: string }[]).map((x) => x.q);
const times: number[] = [];
for (let round = 0; round < 5; round += 1) {
  for (const q of questions) {
    t = performance.now();
    askCatalog(index, q);
    times.push(performance.now() - t);
  }
}
// the longest questions the search takes: stories of MAX_QUERY_LENGTH characters, each the dev
// questions of over 250 characters run together six at a time (the limit's module, with what it
// imports, is loaded only now: the first build above is measured in a process as it was before)
const { MAX_QUERY_LENGTH } = await import("../../src/catalog/catalog-service.js");
const long = questions.filter((q) => q.length > 250);
const stories: string[] = [];
for (let i = 0; i + 6 <= long.length; i += 3) stories.push(long.slice(i, i + 6).join(" ").slice(0, MAX_QUERY_LENGTH));
const storyTimes: number[] = [];
for (const q of stories) {
  t = performance.now();
  askCatalog(index, q);
  storyTimes.push(performance.now() - t);
}
console.log(`bench:search: ${procedures.length} procedures, ${questions.length} dev questions × 5 (figures depend on the machine's load)`);
console.log(line("index build, first in this process", `${firstBuild.toFixed(1)} ms`, "≤ 500 ms", firstBuild <= 500));
console.log(line("index build, rebuild (median of 20)", `${percentile(builds, 50).toFixed(1)} ms`, "≤ 500 ms", percentile(builds, 50) <= 500));
console.log(line("question, p50", `${percentile(times, 50).toFixed(2)} ms`));
console.log(line("question, p95", `${percentile(times, 95).toFixed(2)} ms`, "≤ 5 ms", percentile(times, 95) <= 5));
console.log(line(`story of ${MAX_QUERY_LENGTH} characters (${stories.length}), p50`, `${percentile(storyTimes, 50).toFixed(1)} ms`));
console.log(line(`story of ${MAX_QUERY_LENGTH} characters, p95`, `${percentile(storyTimes, 95).toFixed(1)} ms`));
console.log(line("questions answered per second (one core)", `${(1000 / (times.reduce((a, b) => a + b, 0) / times.length)).toFixed(0)} q/s`));
