/**
 * `npx tsx scripts/bench/telegram-cpu.ts`: the worker's CPU per Telegram message sent (this process,
 * process.cpuUsage), against the fake Bot API in a process of its own, BENCH_CONCURRENCY at once.
 */
import { fork } from "node:child_process";
import { TelegramChannel } from "../../src/channels/telegram-channel.js";

const N = Number(process.env.BENCH_NOTICES ?? 10000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);

async function main(): Promise<void> {
  if (process.argv[2] === "fake") {
    const { TelegramFake } = await import("../../test/fakes/telegram-fake.js");
    const fake = new TelegramFake();
    await fake.start();
    process.send!({ url: fake.url, token: fake.token });
    // The fake keeps what it was sent: cleared now and then, so its memory stays flat.
    setInterval(() => fake.sent.splice(0), 1000);
    return;
  }
  const child = fork(new URL(import.meta.url).pathname, ["fake"], { execArgv: ["--import", "tsx"] });
  const { url, token } = await new Promise<{ url: string; token: string }>((r) => child.once("message", (m) => r(m as { url: string; token: string })));
  const channel = new TelegramChannel({ token, apiRoot: url });
  const text = "Kính gửi ông/bà Nguyễn Văn An, hồ sơ H15.50.05.13-261124-000001 (Đăng ký khai sinh) đã được tiếp nhận ngày 02/12/2026. Ngày hẹn trả kết quả: 05/12/2026.";
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          next += 1;
          await channel.send({ noticeId: "x", recipient: String(7000000 + next), text });
        }
      }),
    );
  };
  await run(2000);
  for (let r = 0; r < 3; r++) {
    const before = process.cpuUsage();
    await run(N);
    const used = process.cpuUsage(before);
    console.log(`Telegram send: ${((used.user + used.system) / N).toFixed(0)} µs CPU per message (user ${(used.user / N).toFixed(0)}, system ${(used.system / N).toFixed(0)})`);
  }
  child.kill();
}

main().then(
  () => process.argv[2] === "fake" || process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
