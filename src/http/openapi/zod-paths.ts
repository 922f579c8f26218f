/**
 * OpenAPI path items built from the zod schemas the routes validate with (zod 4's JSON Schema
 * output), so a route's documentation cannot drift from what it accepts. Each route module that
 * uses it exports its paths; `src/http/openapi/sections.ts` lists them for /openapi.json.
 */
import { z } from "zod";

type Json = Record<string, unknown>;

/** The JSON Schema of a zod schema, as the request side of the route reads it. */
export function schemaOf(schema: z.ZodType, io: "input" | "output" = "input"): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  delete out.$schema;
  return out;
}

export const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

export const jsonResponse = (description: string, schema: Json = { type: "object" }) => ({ description, content: { "application/json": { schema } } });

export const jsonBody = (schema: z.ZodType, required = true) => ({ required, content: { "application/json": { schema: schemaOf(schema) } } });

/** Query parameters from a zod object schema. */
export function queryParameters(schema: z.ZodObject): Json[] {
  const json = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: (json.required ?? []).includes(name), schema: s }));
}

export const pathParameter = (name: string, example?: string) => ({ name, in: "path", required: true, schema: { type: "string" }, ...(example ? { example } : {}) });

/** The security of a guarded route: an API key or the console's session cookie. */
export const staffSecurity = [{ integrationKey: [] }, { staffSession: [] }];

/** Answers every guarded route may give besides its own. */
export const guardResponses = {
  "401": errorResponse("No valid API key or signed-in session."),
  "403": errorResponse("This role may not do this, or the thing belongs to another unit."),
  "429": errorResponse("Too many failed authentications from this address: every key is refused until the minute is over (see Retry-After), except one that worked here lately; a signed-in session is let through."),
};

export type PathItems = Record<string, Json>;
