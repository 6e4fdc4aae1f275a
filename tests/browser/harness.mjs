// A real polytune process on a free port with its own SQLite data directory, and Debian's
// Chromium driven by playwright-core (no browser download: executablePath /usr/bin/chromium).
import { spawn } from "node:child_process";
import { after, before } from "node:test";
import { mkdtempSync, mkdirSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
export const outputDir = join(root, "tests/output");

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

export async function startServer(env = {}) {
  const bin = process.env.POLYTUNE_BIN ?? join(root, "target/debug/polytune");
  const dist = process.env.POLYTUNE_DIST ?? join(root, "dist");
  const dir = mkdtempSync(join(tmpdir(), "polytune-browser-"));
  const port = await freePort();
  const log = openSync(join(dir, "server.log"), "w");
  const child = spawn(bin, [], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      POLYTUNE_LISTEN: `127.0.0.1:${port}`,
      POLYTUNE_DATA_DIR: join(dir, "data"),
      POLYTUNE_DIST_DIR: dist,
      POLYTUNE_LOG: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", log],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return { base, dir, stop: () => child.kill("SIGTERM") };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`polytune did not start; see ${dir}/server.log`);
}

export async function launchBrowser() {
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The password every browser test signs in with. */
export const PASSWORD = "correct horse battery";

/**
 * A studio and a browser for one test file: started before its tests, stopped after them.
 * Read `studio.server` and `studio.browser` inside the tests.
 */
export function useStudio(env = {}) {
  const studio = {};
  before(async () => {
    studio.server = await startServer(env);
    studio.browser = await launchBrowser();
  });
  after(async () => {
    await studio.browser?.close();
    studio.server?.stop();
  });
  return studio;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

/** A screenshot of one part of the page (a long page's full screenshot is unreadable). */
export async function shotOf(locator, name) {
  await locator.screenshot({ path: join(outputDir, `${name}.png`) });
}

/** A small counting dataset as JSON lines: for each `[language, number words, "count to"
 * phrase]`, 24 examples asking to count to 1–4 and answering with the words. */
export function countingJsonl(langs) {
  const lines = [];
  for (const [language, nums, ask] of langs) {
    for (let i = 0; i < 24; i++) {
      const n = (i % 4) + 1;
      lines.push(JSON.stringify({ instruction: `${ask} ${n} (${i})`, output: nums.slice(0, n).join(", "), language }));
    }
  }
  return lines.join("\n") + "\n";
}
