/** Keeps each request's exact bytes (webhook signatures are computed over them). */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ValidationError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export function installBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    request.rawBody = text;
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ValidationError("Nội dung không phải JSON hợp lệ (the body is not valid JSON)", { field: "body" }), undefined);
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    request.rawBody = text;
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });
}
