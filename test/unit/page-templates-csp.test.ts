/**
 * The console's and the public pages' templates (web/views) hold nothing their Content-Security-Policy
 * refuses (src/web/pages.ts: style-src 'self'; script-src 'self'): no style attribute or <style>
 * element, no <script> without src, no on…= handler. A refused one is dropped by the browser with
 * a CSP error in its console, so what it meant to do silently does not happen.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const VIEWS = path.resolve(import.meta.dirname, "../../web/views");
const templates = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith(".njk") ? [path.join(dir, e.name)] : []));

describe("page templates under the pages' CSP", () => {
  it("have no inline style, inline script or event-handler attribute", () => {
    const found: string[] = [];
    for (const file of templates(VIEWS)) {
      for (const [i, line] of fs.readFileSync(file, "utf8").split("\n").entries()) {
        if (/\sstyle\s*=|<style\b|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=/i.test(line)) found.push(`${path.relative(VIEWS, file)}:${i + 1}: ${line.trim()}`);
      }
    }
    expect(found).toEqual([]);
  });
});
