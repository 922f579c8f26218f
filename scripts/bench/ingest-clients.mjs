/**
 * bench:notify's ingest load generator, run as a process of its own (`node ingest-clients.mjs`),
 * as upstream systems are other machines: the API's process serves requests and nothing else.
 * Plain JavaScript, and cheap per request (on a small machine the load generator takes CPU from
 * the API and PostgreSQL): each client is one kept-alive TCP connection writing ready-made
 * HTTP/1.1 requests and reading each answer's status line and Content-Length (wrk's way), not
 * node:http (about 0.4 ms of CPU per request here).
 *
 * Its arguments come as one JSON object in argv[2]:
 *   { base, key, mode: "single" | "batch", count, clients, warm, batchSize, firstSeq }
 * It builds its events (every request body before the measured part), posts `warm` single events
 * first (connections opened, the API's statements prepared), prints the line `ready`, waits for a
 * line on stdin, then posts `count` events (single: from `clients` concurrent clients; batch: one
 * batch at a time) and prints one JSON line: { ms, cpuUs } — the measured part's wall time and
 * this process's own CPU time (user + system) over it. Every answer must be a 202.
 */
import net from "node:net";
import { randomBytes } from "node:crypto";
import readline from "node:readline";

const o = JSON.parse(process.argv[2]);
const url = new URL(o.base);
const head = (path, length) =>
  `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${o.key}\r\nContent-Length: ${length}\r\n\r\n`;
/** A request's bytes, built before it is sent. */
const request = (path, body) => {
  const payload = Buffer.from(body);
  return Buffer.concat([Buffer.from(head(path, payload.length)), payload]);
};
let seq = o.firstSeq;

/** The bench's event: a new dossier of a citizen with a Telegram chat (phones match bench:notify's citizens). */
function event() {
  seq += 1;
  return {
    eventId: `b-${seq}-${randomBytes(3).toString("hex")}`,
    dossierCode: `H15.50.05.13-261124-${String(seq).padStart(6, "0")}`,
    status: "RECEIVED",
    occurredAt: new Date().toISOString(),
    procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
    applicant: { fullName: "Nguyễn Văn An", phone: `091${String(seq).padStart(7, "0")}` },
    communeCode: "29955",
    channel: "COUNTER",
    dueAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
  };
}

/** One connection: sends each request when the answer to the previous one has come whole; every answer must be a 202. */
function connection() {
  const socket = net.connect({ host: url.hostname, port: Number(url.port) });
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let waiting = null;
  socket.on("data", (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const end = buffered.indexOf("\r\n\r\n");
    if (end < 0 || !waiting) return;
    const headers = buffered.subarray(0, end).toString("latin1");
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const body = buffered.subarray(end + 4, end + 4 + length).toString();
    buffered = buffered.subarray(end + 4 + length);
    const { resolve, reject } = waiting;
    waiting = null;
    if (headers.startsWith("HTTP/1.1 202 ")) resolve();
    else reject(new Error(`answered ${headers.split("\r\n")[0]}: ${body}`));
  });
  socket.on("error", (error) => waiting?.reject(error));
  const ready = new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return {
    async send(bytes) {
      await ready;
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(bytes);
      });
    },
    close: () => socket.destroy(),
  };
}

/** `requests` sent by `clients` connections, each sending the next one when its answer came. */
async function post(requests, clients) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, requests.length) }, async () => {
      const c = connection();
      try {
        while (next < requests.length) await c.send(requests[next++]);
      } finally {
        c.close();
      }
    }),
  );
}

const single = (n) => Array.from({ length: n }, () => request("/api/v1/dossier-events", JSON.stringify(event())));
await post(single(o.warm ?? 0), o.clients ?? 20);
const requests =
  o.mode === "batch"
    ? Array.from({ length: Math.ceil(o.count / o.batchSize) }, (_, i) =>
        request("/api/v1/dossier-events/batch", JSON.stringify({ events: Array.from({ length: Math.min(o.batchSize, o.count - i * o.batchSize) }, event) })),
      )
    : single(o.count);
console.log("ready");
const lines = readline.createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once("line", resolve));
lines.close();
const cpu = process.cpuUsage();
const started = performance.now();
await post(requests, o.mode === "batch" ? 1 : (o.clients ?? 20));
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms, cpuUs: used.user + used.system }));
