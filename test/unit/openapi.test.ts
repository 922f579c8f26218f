/** The OpenAPI document served at /openapi.json is valid OpenAPI (checked by a real validator). */
import fs from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../src/auth/guard.js";
import { openApiDocument } from "../../src/http/openapi.js";
import { searchResultSchema } from "../../src/http/routes/procedures.js";

describe("the OpenAPI document", () => {
  it("validates", async () => {
    const doc = openApiDocument("http://127.0.0.1:3000");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("describes the four kinds of search answer the procedures route gives (its zod schema)", () => {
    const doc = openApiDocument("http://x") as { components: { schemas: Record<string, { oneOf: { required: string[]; properties: Record<string, { const?: string }> }[] }> } };
    const answer = doc.components.schemas.SearchAnswer!;
    const kinds = answer.oneOf.map((o) => o.properties.kind!.const);
    expect(kinds).toEqual(searchResultSchema.options.map((o) => o.shape.kind.value));
    for (const [i, o] of answer.oneOf.entries()) {
      expect(o.required.sort(), kinds[i]).toEqual(Object.keys(searchResultSchema.options[i]!.shape).sort());
    }
  });

  it("describes every guarded API route (the console's pages are not API)", () => {
    const paths = Object.keys((openApiDocument("http://x") as { paths: Record<string, unknown> }).paths);
    for (const route of Object.keys(ROUTES).filter((r) => r.split(" ")[1]!.startsWith("/api/"))) {
      const [, url] = route.split(" ");
      expect(paths, route).toContain(url!.replace(/:(\w+)/g, "{$1}"));
    }
  });

  it("gives every guarded API route the guard's own answers: 401, 403 and the 429 of an address held for failed authentications", () => {
    const paths = (openApiDocument("http://x") as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }).paths;
    for (const route of Object.keys(ROUTES).filter((r) => r.split(" ")[1]!.startsWith("/api/"))) {
      const [method, url] = route.split(" ");
      const responses = paths[url!.replace(/:(\w+)/g, "{$1}")]?.[method!.toLowerCase()]?.responses ?? {};
      expect(Object.keys(responses), route).toEqual(expect.arrayContaining(["401", "403", "429"]));
    }
  });

  it("describes every API and webhook route the README names (`METHOD /api/…` or `METHOD /webhooks/…`)", () => {
    const paths = (openApiDocument("http://x") as { paths: Record<string, Record<string, unknown>> }).paths;
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    const named = [...readme.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/(?:api|webhooks)\/[^`?\s]*)/g)].map((m) => [m[1]!, m[2]!.replace(/:(\w+)/g, "{$1}")] as const);
    expect(named.length).toBeGreaterThan(40);
    for (const [method, url] of named) expect(Object.keys(paths[url] ?? {}), `${method} ${url}`).toContain(method.toLowerCase());
  });
});
