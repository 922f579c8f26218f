/** Runs the built `motcua` CLI (bin/motcua.js) in a child process, as a user would from the shell. */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../src/paths.js";

const run = promisify(execFile);
export const motcuaBin = path.join(projectRoot, "bin", "motcua.js");

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `motcua …args` with the test process's environment plus `env`; `node` options go before the
 * script (`--import …`). The time-out only bounds a hang: a failed command's exit code and output
 * are returned, never thrown.
 */
export async function motcua(args: string[], env: Record<string, string> = {}, options: { node?: string[]; timeoutMs?: number } = {}): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(options.node ?? []), motcuaBin, ...args], { env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
