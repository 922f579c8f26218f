import http from "node:http";
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../src/app/context.js";
import { parseEnv } from "../../src/config/env.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging/logger.js";

describe("stopping the HTTP server", () => {
  const contexts: AppContext[] = [];
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  async function server(graceMs: number) {
    const ctx = createAppContext(parseEnv({ ...process.env, PORT: "0" }), createLogger({ level: "silent" }));
    contexts.push(ctx);
    const app = await buildHttpServer(ctx, { shutdownGraceMs: graceMs });
    const address = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
    return { app, port: Number(address.port) };
  }

  function connect(port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
      socket.on("error", reject);
    });
  }

  it("is not held open by a client that connected and sent half a request", async () => {
    const { app, port } = await server(300);
    const socket = await connect(port);
    socket.write("POST /webhooks/twilio/status HTTP/1.1\r\nHost: x\r\n"); // headers never finished
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await app.close(); // without a bound this waits for Node's 60 s headers timeout
    await closed;
    expect(socket.destroyed).toBe(true);
  }, 30_000); // well under Node's 60 s headers timeout: only the bound can end it in time

  it("closes idle keep-alive connections at once and lets a request under way finish", async () => {
    let arrived!: () => void;
    const underWay = new Promise<void>((resolve) => (arrived = resolve));
    const ctx = createAppContext(parseEnv({ ...process.env, PORT: "0" }), createLogger({ level: "silent" }));
    contexts.push(ctx);
    const app = await buildHttpServer(ctx, {
      shutdownGraceMs: 60_000, // longer than the test may take: only the idle handling can end it in time
      extraRoutes: (a) => {
        a.get("/slow", async () => {
          arrived();
          await new Promise((r) => setTimeout(r, 400));
          return { done: true };
        });
      },
    });
    const port = Number(new URL(await app.listen({ host: "127.0.0.1", port: 0 })).port);
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port, path, agent }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on("error", reject);
      });
    expect((await get("/healthz")).status).toBe(200); // leaves an idle keep-alive socket behind
    const slow = get("/slow");
    await underWay;
    await app.close();
    expect(await slow).toEqual({ status: 200, body: JSON.stringify({ done: true }) });
    agent.destroy();
  }, 30_000); // well under the 60 s grace
});
