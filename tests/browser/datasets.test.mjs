// Datasets in the browser: upload a CSV whose columns are guessed wrong, fix the mapping, import,
// watch the profile job finish, open the per-language view and the examples (right-to-left text
// rendered as such). Screenshots go to tests/output/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { adminWithWorkspace } from "./flows.mjs";
import { shot, useStudio } from "./harness.mjs";

const studio = useStudio();

function csvFile() {
  const rows = [["frage", "antwort"]];
  const de = ["Was ist die Hauptstadt von Deutschland und warum?", "Berlin ist die Hauptstadt und das politische Zentrum."];
  const th = ["เมืองหลวงของประเทศไทยคือเมืองอะไรและมีชื่อเสียงเรื่องอะไร", "กรุงเทพมหานครเป็นเมืองหลวงและมีชื่อเสียงเรื่องวัด"];
  const ar = ["ما هي عاصمة مصر وما أهم معالمها السياحية؟", "القاهرة، ومن أهم معالمها الأهرامات والمتحف المصري."];
  for (let i = 0; i < 40; i++) {
    const [q, a] = [de, th, ar][i % 3];
    rows.push([`${q} (${i})`, `${a} ${i}`]);
  }
  return rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(",")).join("\n") + "\n";
}

test("upload, fix the mapping, profile, per-language view, examples", { timeout: 180_000 }, async (t) => {
  const ctx = await studio.browser.newContext();
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));

  await t.test("set up and open an empty Datasets section", async () => {
    await adminWithWorkspace(studio, page, "Multilingual");
    await page.getByRole("link", { name: "Datasets", exact: true }).click();
    await page.getByText("No datasets yet").waitFor();
    await page.getByText("Drop instruction data here").waitFor();
  });

  await t.test("upload a CSV; the guessed reading is shown with a preview", async () => {
    await page.locator("#dataset-files").setInputFiles({ name: "qa.csv", mimeType: "text/csv", buffer: Buffer.from(csvFile()) });
    await page.getByText(/Detected: .*CSV/).waitFor({ timeout: 30_000 });
    await page.getByText("Uploaded").waitFor();
    // Columns are sorted by name, so the guess asks with `antwort` and answers with `frage`.
    assert.equal(await page.getByLabel("Instruction field").inputValue(), "antwort");
    await shot(page, "10-dataset-detected");
  });

  await t.test("fix the mapping and see the preview change", async () => {
    await page.getByLabel("Instruction field").fill("frage");
    await page.getByLabel("Output field").fill("antwort");
    await page.getByRole("button", { name: "Try this reading" }).click();
    await page.getByText("Detected: your reading").waitFor();
    const firstUser = page.locator("table.preview .turn.user .text").first();
    assert.match(await firstUser.innerText(), /Hauptstadt von Deutschland/);
    await shot(page, "11-dataset-mapping-fixed");
  });

  await t.test("import, then watch the profile job finish", async () => {
    await page.getByLabel("Dataset name").fill("Q&A in three languages");
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByRole("link", { name: "Q&A in three languages" }).click();
    await page.waitForURL(/\/datasets\/[0-9a-f-]+$/);
    await page.getByRole("heading", { name: "Per language" }).waitFor({ timeout: 60_000 });
    await page.getByText("40", { exact: true }).first().waitFor();
    for (const name of ["German (Deutsch)", "Thai (ไทย)", "Arabic (العربية)"]) {
      await page.getByRole("button", { name }).first().waitFor();
    }
    await page.locator("svg.chart.bars").waitFor();
    await page.locator("svg.chart.histogram").waitFor();
    await shot(page, "12-dataset-profile");
  });

  await t.test("per-language lengths and the examples of one language, right to left", async () => {
    await page.getByRole("button", { name: "Thai (ไทย)" }).first().click();
    await page.getByRole("heading", { name: /Lengths in Thai/ }).waitFor();
    await page.getByRole("button", { name: "Examples", exact: true }).click();
    await page.getByLabel("Language").fill("ar");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("13 of 40 examples match").waitFor();
    const text = page.locator(".examples .turn.user .text").first();
    assert.match(await text.innerText(), /عاصمة مصر/);
    assert.equal(await text.evaluate((el) => getComputedStyle(el).direction), "rtl");
    await shot(page, "13-dataset-examples-arabic");
  });

  await t.test("derive a version without one language and export it", async () => {
    await page.getByRole("button", { name: "New version by filters" }).click();
    await page.getByLabel("Keep only these languages").fill("deu, tha");
    await page.getByRole("button", { name: "Create the new version" }).click();
    await page.getByRole("button", { name: "v2" }).waitFor({ timeout: 60_000 });
    await page.getByRole("cell", { name: /from v1: languages deu, tha/ }).waitFor();
    const href = await page.getByRole("link", { name: "Parquet" }).last().getAttribute("href");
    const res = await page.request.get(studio.server.base + href);
    assert.equal(res.status(), 200);
    assert.equal((await res.body()).subarray(0, 4).toString(), "PAR1");
    await shot(page, "14-dataset-versions");
  });

  // 401 before sign-in and 404 for "no finished profile yet" are answers the pages expect.
  assert.deepEqual(consoleErrors.filter((e) => !/\b(401|404)\b/.test(e)), []);
});
