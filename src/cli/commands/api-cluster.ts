/**
 * `serve --role api` with API_PROCESSES > 1: this process becomes a node:cluster primary that
 * forks that many API processes, each running `serve --role api` as with API_PROCESSES=1, on the
 * same port (the primary accepts the connections and hands them out in turn). The primary opens no
 * database or Redis connection of its own (the preflight has run before it forks).
 *
 * - Ready: the primary logs "motcua API listening on …" (and calls `onListening`) once every
 *   process listens. Each process answers /readyz as soon as it listens.
 * - Stop: SIGTERM or SIGINT to the primary sends SIGTERM to every process, which closes as a
 *   single API process does (requests under way get their grace); the primary ends with 0 once
 *   they have all ended with 0.
 * - A process that ends unexpectedly after start is logged and replaced; more than
 *   MAX_RESTARTS replacements within RESTART_WINDOW_MS stop the whole API (exit 1), so a crash
 *   loop does not spin forever. A process that ends while starting stops the start (exit 1): its
 *   own error is on standard error.
 */
import cluster, { type Worker } from "node:cluster";
import type { Env } from "../../config/env.js";
import { createLogger } from "../../logging/logger.js";

export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;

export async function runApiCluster(
  env: Env,
  options: { processes: number; stopRequested: Promise<string>; onListening?: (address: string) => void },
): Promise<number> {
  const log = createLogger({ level: env.LOG_LEVEL, name: "motcua" });
  const { processes } = options;
  // Every process must sign the web chat's cookie alike: without WEB_CHAT_SECRET (never in
  // production) the primary's random one is handed to all of them.
  const childEnv = { WEB_CHAT_SECRET: env.WEB_CHAT_SECRET };
  const fork = (): Worker => cluster.fork(childEnv);

  let stopping = false;
  let started = false;
  let failed = false;
  const restarts: number[] = [];
  const listening = new Set<number>();
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let exitCode = 0;

  const stopAll = (code: number): void => {
    if (code !== 0) exitCode = code;
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (alive.length === 0) resolveDone(exitCode);
    // A plain signal, not worker.kill(): each process stops as a single API process does.
    for (const w of alive) w.process.kill("SIGTERM");
  };

  cluster.on("listening", (worker, address) => {
    if (started || stopping) return;
    listening.add(worker.id);
    if (listening.size < processes) return;
    started = true;
    const host = address.addressType === 6 ? `[${address.address}]` : (address.address ?? env.HOST);
    const at = `http://${host}:${address.port}`;
    log.info({ role: "api", processes }, `motcua API listening on ${at} (${processes} processes, API_PROCESSES=${processes})`);
    options.onListening?.(at);
  });

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      // Ended by the SIGTERM sent to it before it listened for it: stopped all the same.
      if (code !== 0 && signal !== "SIGTERM") exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) resolveDone(exitCode);
      return;
    }
    if (!started) {
      // Its own error (a port in use, say) is on standard error.
      log.error({ pid: worker.process.pid, code, signal }, "an API process ended while starting: stopping the others");
      failed = true;
      stopAll(1);
      return;
    }
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      log.fatal({ pid: worker.process.pid, code, signal }, `an API process ended and ${MAX_RESTARTS} were replaced within ${RESTART_WINDOW_MS / 1000} s: stopping the API`);
      stopAll(1);
      return;
    }
    restarts.push(now);
    const replacement = fork();
    log.error({ pid: worker.process.pid, code, signal, replacement: replacement.process.pid }, "an API process ended unexpectedly: replaced");
  });

  for (let i = 0; i < processes; i += 1) fork();
  void options.stopRequested.then((signal) => {
    if (stopping) return;
    log.info({ signal }, "shutting down the API processes");
    stopAll(0);
  });
  const code = await done;
  if (!failed && code === 0) log.info("every API process has ended");
  return code;
}
