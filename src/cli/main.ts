/**
 * `motcua` — the one program, with its commands:
 *   serve [--role all|api|worker|bot] [--port N]
 *   migrate                      apply prisma/migrations (offline, as `prisma migrate deploy` would)
 *   migration new <name>         write the next migration from a schema.prisma change
 *   seed                         administrative units and the procedure catalog (idempotent)
 *   procedures search "<text>"   which procedure answers a citizen's question
 *   procedures show <code>       one procedure with its documents
 *   procedures export|import     an admin's corrections (JSON; shows the difference, asks, records who)
 *   procedures differences|history   where the portal disagrees with a curated record; past corrections
 *   keys create|revoke           API keys (the new key is printed alone on the last line)
 *   staff create|reset-password|disable   staff console accounts (a one-time password alone on the last line)
 */
import cluster from "node:cluster";
import { parseArgs } from "node:util";
import { ConfigError, loadEnv, type Env } from "../config/env.js";
import { AppError } from "../errors.js";

const USAGE = `motcua — thông báo hồ sơ một cửa và trợ lý thủ tục

Usage:
  motcua serve [--role all|api|worker|bot] [--port N]
  motcua migrate
  motcua migration new <name>
  motcua seed
  motcua procedures search "<câu hỏi>" [--limit N] [--json]
  motcua procedures show <mã thủ tục> [--json]
  motcua procedures export <mã thủ tục>... | --all [--out <file.json>]
  motcua procedures import <file.json> [--yes] [--by <tên>]
  motcua procedures differences [<mã thủ tục>]
  motcua procedures history <mã thủ tục>
  motcua keys create --role integration|commune_staff|post_office_staff|admin --name <name> [--unit <code>]
  motcua keys revoke <prefix>
  motcua staff create --username <u> --name "<họ tên>" --role commune_staff|post_office_staff|admin [--unit <code>]
  motcua staff reset-password <username>
  motcua staff disable <username>

Configuration comes from the environment (see README.md).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const env: Env = loadEnv();
  switch (command) {
    case "serve": {
      const { values } = parseArgs({ args: rest, options: { role: { type: "string", default: "all" }, port: { type: "string" } }, strict: true });
      const { runServe } = await import("./commands/serve.js");
      return runServe(env, { role: values.role ?? "all", ...(values.port ? { port: values.port } : {}) });
    }
    case "migrate":
      return (await import("./commands/migrate.js")).runMigrate(env);
    case "migration": {
      const [sub, name] = rest;
      if (sub !== "new" || !name) throw new AppError("VALIDATION_FAILED", 'usage: motcua migration new <name>   (e.g. motcua migration new add_citizen_email)');
      return (await import("./commands/migrate.js")).runNewMigration(env, name);
    }
    case "seed":
      return (await import("./commands/seed.js")).runSeed(env);
    case "keys":
      return (await import("./commands/keys.js")).runKeys(env, rest);
    case "staff":
      return (await import("./commands/staff.js")).runStaff(env, rest);
    case "procedures":
      return (await import("./commands/procedures.js")).runProcedures(env, rest);
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    reportCliError(error);
  } finally {
    // An API process of a cluster (API_PROCESSES > 1) is done: its channel to the primary would keep it alive.
    if (cluster.isWorker) cluster.worker?.disconnect();
  }
}

function reportCliError(error: unknown): void {
  if (error instanceof ConfigError || error instanceof AppError) {
    console.error(error.message);
    process.exitCode = error instanceof ConfigError ? 78 : 1;
    return;
  }
  console.error(`motcua: ${(error as Error).message ?? String(error)}`);
  process.exitCode = 1;
}
