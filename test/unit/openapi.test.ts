/** The OpenAPI document served at /openapi.json is valid OpenAPI (checked by a real validator). */
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../src/auth/guard.js";
import { openApiDocument } from "../../src/http/openapi.js";

describe("the OpenAPI document", () => {
  it("validates", async () => {
    const doc = openApiDocument("http://127.0.0.1:3000");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("describes every guarded API route (the console's pages are not API)", () => {
    const paths = Object.keys((openApiDocument("http://x") as { paths: Record<string, unknown> }).paths);
    for (const route of Object.keys(ROUTES).filter((r) => r.split(" ")[1]!.startsWith("/api/"))) {
      const [, url] = route.split(" ");
      expect(paths, route).toContain(url!.replace(/:(\w+)/g, "{$1}"));
    }
  });
});
