/**
 * Preloaded into bench:notify's API process when BENCH_API_PROFILE is set
 * (`node --import ./scripts/bench/profile-on-signal.mjs`): each SIGUSR2 starts a CPU profile of
 * the process, and the next one stops it and writes it to BENCH_PROFILE_FILE_PREFIX + `<n>.cpuprofile`
 * (n = 1, 2, …), so that the bench profiles each measured part alone. Bench code only: the
 * service never loads it.
 */
import { renameSync, writeFileSync } from "node:fs";
import inspector from "node:inspector";

const prefix = process.env.BENCH_PROFILE_FILE_PREFIX;
if (prefix) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  let running = false;
  let written = 0;
  let busy = Promise.resolve();
  process.on("SIGUSR2", () => {
    busy = busy.then(async () => {
      if (!running) {
        await post("Profiler.enable");
        await post("Profiler.start");
        running = true;
        return;
      }
      const { profile } = await post("Profiler.stop");
      running = false;
      // Written whole under a temporary name, then renamed: the bench waits for the final name.
      const file = `${prefix}${(written += 1)}.cpuprofile`;
      writeFileSync(`${file}.partial`, JSON.stringify(profile));
      renameSync(`${file}.partial`, file);
    }).catch((error) => console.error("profile-on-signal:", error));
  });
}
