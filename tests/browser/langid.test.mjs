// The studio learns a language, in the browser: an owner trains a language identifier from a
// labeled dataset on the Settings page, reads its accuracy per language, makes it the
// workspace's, and a profile made by the earlier identifier offers to profile again — after
// which the language column shows the new language.
import assert from "node:assert/strict";
import { test } from "node:test";
import { adminWithWorkspace, importDataset } from "./flows.mjs";
import { shot, useStudio } from "./harness.mjs";

const studio = useStudio();

// `qaa` (ISO 639 "reserved for local use"): English words spelled backwards with `ek` after each,
// eight per sentence drawn by a fixed generator, so every held-out or re-profiled sentence is new.
const WORDS = ["river", "village", "spring", "grandmother", "bees", "wooden", "house", "children", "school", "dusty", "road",
  "market", "early", "fishermen", "return", "planted", "maize", "beans", "first", "rain", "teacher", "story",
  "mountain", "bright", "morning", "cattle", "goats", "well", "water", "song", "evening", "fire", "stars",
  "harvest", "bread", "salt", "boat", "net", "wind", "field"];
function constructed(i) {
  let x = (i * 2654435761 + 97) >>> 0;
  const out = [];
  for (let k = 0; k < 8; k++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push([...WORDS[(x >>> 8) % WORDS.length]].reverse().join("") + "ek");
  }
  return out.join(" ");
}

function labeled() {
  const lines = [];
  for (let i = 0; i < 40; i++) {
    lines.push(JSON.stringify({ instruction: constructed(i), output: constructed(i + 3), language: "qaa" }));
    lines.push(JSON.stringify({ instruction: `Please describe the weather in the town of number ${i} during the long winter.`, output: "It was cold and windy most of the time there.", language: "eng" }));
  }
  return lines.join("\n") + "\n";
}

function plain() {
  return Array.from({ length: 30 }, (_, i) => constructed(100 + i)).join("\n") + "\n";
}

async function importFile(page, file, body, name) {
  await importDataset(page, file, "text/plain", body, name);
}

test("train a language identifier, use it, profile again", { timeout: 240_000 }, async (t) => {
  const ctx = await studio.browser.newContext();
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  let wsId;
  const section = (name) => page.goto(`${studio.server.base}/workspaces/${wsId}/${name}`);

  await t.test("set up: a labeled dataset and undeclared text", async () => {
    wsId = await adminWithWorkspace(studio, page, "Our language");
    await importFile(page, "labeled.jsonl", labeled(), "Labeled");
    await importFile(page, "plain.txt", plain(), "Plain text");
    // The plain text's first profile, by the default identifier: no qaa.
    await page.getByRole("link", { name: "Plain text" }).click();
    await page.getByRole("heading", { name: "Per language" }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("table.languages code", { hasText: /^qaa$/ }).count(), 0);
  });

  await t.test("train an identifier on the Settings page and read its accuracy", async () => {
    await section("settings");
    await page.getByRole("heading", { name: "Language identification" }).waitFor();
    const table = page.getByTestId("identifiers");
    await table.getByText("Default (SIB-200)").waitFor();
    await table.getByText("In use").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("With qaa");
    await page.locator("#identifier-version option", { hasText: "Labeled · v1" }).waitFor({ state: "attached", timeout: 60_000 });
    await page.getByLabel("Dataset version").selectOption({ label: "Labeled · v1 · 80 examples" });
    await page.getByRole("button", { name: "Train identifier" }).click();
    const accuracy = page.getByTestId("identifier-accuracy");
    await accuracy.waitFor({ timeout: 120_000 });
    const qaa = accuracy.getByRole("row").filter({ hasText: "qaa" });
    await qaa.waitFor();
    assert.match(await qaa.innerText(), /100\.0 %/);
    assert.match(await table.getByRole("row").filter({ hasText: "With qaa" }).innerText(), /206/);
    await shot(page, "40-language-identifier-trained");
  });

  await t.test("make it the workspace's identifier", async () => {
    const before = await page.getByTestId("identifier-current").innerText();
    await page.getByTestId("identifiers").getByRole("row").filter({ hasText: "With qaa" }).getByRole("button", { name: "Use this one" }).click();
    await page.waitForFunction((b) => document.querySelector('[data-testid="identifier-current"]')?.innerText !== b, before);
    assert.match(await page.getByTestId("identifiers").getByRole("row").filter({ hasText: "With qaa" }).innerText(), /In use/);
  });

  await t.test("a profile by the earlier identifier offers to profile again; then qaa appears", async () => {
    await section("datasets");
    await page.getByRole("link", { name: "Plain text" }).click();
    const notice = page.getByTestId("older-identifier");
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /earlier language identifier/);
    await notice.getByRole("button", { name: "Profile again" }).click();
    await page.locator("table.languages code", { hasText: /^qaa$/ }).waitFor({ timeout: 90_000 });
    await notice.waitFor({ state: "detached" });
    await shot(page, "41-profile-with-workspace-identifier");
  });

  // The signed-out first load asks for a session (401); a version without a profile yet is a 404.
  assert.deepEqual(consoleErrors.filter((e) => !/\b(401|404)\b/.test(e)), []);
  await ctx.close();
});
