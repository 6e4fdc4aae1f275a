// SSE delivery to a real browser (benchmark, not a test): Chromium follows a workspace's event
// stream with EventSource while 200 jobs run; delay = arrival (Date.now() in the page) minus the
// event's `at` (server clock, same machine).
//   POLYTUNE_BIN=target/release/polytune node tests/bench/sse_browser.mjs
import { launchBrowser, startServer } from "../browser/harness.mjs";

const server = await startServer({ POLYTUNE_LOG: "error" });
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto(server.base + "/favicon.svg");
const result = await page.evaluate(async () => {
  const post = (path, body, type = "application/json") =>
    fetch("/api/v1" + path, { method: "POST", headers: { "content-type": type }, body }).then((r) => r.json());
  await post("/setup", JSON.stringify({ email: "admin@example.org", name: "Admin", password: "correct horse battery" }));
  const ws = (await post("/workspaces", JSON.stringify({ name: "SSE" }))).id;
  const blob = (await post(`/workspaces/${ws}/blobs?name=t.txt`, "a\nb\n", "application/octet-stream")).sha256;
  const delays = [];
  const source = new EventSource(`/api/v1/workspaces/${ws}/events?after=-1`);
  for (const kind of ["state", "progress", "log"]) {
    source.addEventListener(kind, (e) => delays.push(Date.now() - JSON.parse(e.data).at));
  }
  await new Promise((r) => source.addEventListener("open", r));
  for (let i = 0; i < 200; i++) {
    await post(`/workspaces/${ws}/jobs`, JSON.stringify({ kind: "blob_stats", payload: { blob } }));
    await new Promise((r) => setTimeout(r, 40));
  }
  await new Promise((r) => setTimeout(r, 2000));
  source.close();
  delays.sort((a, b) => a - b);
  const p = (q) => delays[Math.min(delays.length - 1, Math.round((q / 100) * (delays.length - 1)))];
  return { events: delays.length, p50_ms: p(50), p99_ms: p(99), max_ms: delays[delays.length - 1] };
});
console.log(JSON.stringify(result));
await browser.close();
server.stop();
