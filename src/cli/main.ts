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
 *   help (or --help anywhere)    the usage (on stdout, exit 0); no command prints it on stderr and exits 2
 * What it says to an administrator is Vietnamese, from src/text/cli-vi.ts.
 */
import cluster from "node:cluster";
import { parseArgs } from "node:util";
import { ConfigError, loadEnv, type Env } from "../config/env.js";
import { AppError } from "../errors.js";
import { CLI_TEXT, CLI_USAGE } from "../text/cli-vi.js";

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `--help` / `-h` anywhere ("motcua keys --help") asks for the usage, as it does first.
  if (command === "help" || argv.includes("--help") || argv.includes("-h")) {
    console.log(CLI_USAGE);
    return 0;
  }
  // No command is a usage error, as an unknown one is: the help goes to stderr and the exit is 2.
  if (!command) {
    console.error(`${CLI_TEXT.noCommand}\n\n${CLI_USAGE}`);
    return 2;
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
      if (sub !== "new" || !name) throw new AppError("VALIDATION_FAILED", CLI_TEXT.migrationUsage);
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
      console.error(`${CLI_TEXT.unknownCommand(command)}\n\n${CLI_USAGE}`);
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
  // node:util parseArgs's refusal of an option (English, and a stack trace otherwise): a usage error.
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
    console.error(`${CLI_TEXT.badOption(code, (error as Error).message)} Xem: motcua help`);
    process.exitCode = 2;
    return;
  }
  if (error instanceof ConfigError || error instanceof AppError) {
    console.error(error.message);
    process.exitCode = error instanceof ConfigError ? 78 : 1;
    return;
  }
  console.error(`motcua: ${(error as Error).message ?? String(error)}`);
  process.exitCode = 1;
}
