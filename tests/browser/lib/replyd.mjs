// Starts the real replyd binary for one test: `serve --listen 127.0.0.1:0` with its SQLite store in a
// fresh temporary directory, waits for the "replyd listening on URL" line on stdout (an event, not a
// sleep), and stops it by its PID (SIGTERM, then SIGKILL if it does not exit).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const LISTENING = /^replyd listening on (http:\/\/\S+)/;

export function replyd_binary() {
  const binary = process.env.REPLYD_BINARY;
  if (!binary) throw new Error("REPLYD_BINARY is not set (CTest sets it; see tests/browser/README.md)");
  return binary;
}

// The environment of the server: ours without REPLYD_* settings, so that only `args` configure it.
function child_environment() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REPLYD_")));
}

// Resolves to {url, dir, stop()} once the server listens. `args` are extra `serve` arguments.
export async function start_replyd(args = []) {
  const dir = mkdtempSync(join(tmpdir(), "replyd-browser-"));
  const child = spawn(replyd_binary(),
                      ["serve", "--listen", "127.0.0.1:0", "--store", `sqlite:${join(dir, "replyd.db")}`,
                       "--log-level", "warn", ...args],
                      { env: child_environment(), stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = LISTENING.exec(line);
      if (match) resolve(match[1]);
    });
    exited.then(({ code, signal }) => reject(new Error(`replyd exited before listening (${code ?? signal})`)));
    child.once("error", reject);
  });

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, "SIGTERM");
      const killer = setTimeout(() => process.kill(child.pid, "SIGKILL"), 15000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { url, dir, stop };
}
