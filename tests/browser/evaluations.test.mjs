// Evaluation in the browser: a tiny model and a short run (made through the API, as the models
// test shows the UI for them), then the Evaluations tab as a person uses it — choose the run with
// its base, Quick, two tasks and two languages, see the estimate, launch, watch it finish, read
// the scores per language, open the forgetting matrix, the heatmap, drill into Arabic items
// (rendered right to left), put two answers side by side, and download the CSV.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { adminWithWorkspace, importDataset } from "./flows.mjs";
import { countingJsonl, shot, shotOf, useStudio } from "./harness.mjs";

const studio = useStudio();

function jsonl() {
  const langs = [
    ["swa", ["moja", "mbili", "tatu", "nne"], "Hesabu hadi"],
    ["ara", ["واحد", "اثنان", "ثلاثة", "أربعة"], "عد حتى"],
  ];
  return countingJsonl(langs);
}

/** Calls the API from the page (its session cookie); returns {status, body}. */
async function api(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const res = await fetch(`/api/v1${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  }, [method, path, body]);
}

async function waitJob(page, ws, id) {
  for (let i = 0; i < 600; i++) {
    const { body: job } = await api(page, "GET", `/workspaces/${ws}/jobs/${id}`);
    if (job.state === "succeeded") return job;
    assert.ok(!["failed", "cancelled"].includes(job.state), JSON.stringify(job));
    await page.waitForTimeout(300);
  }
  assert.fail(`job ${id} did not finish`);
}

test("evaluate a run against its base, read it per language, drill in, export", { timeout: 300_000 }, async (t) => {
  const ctx = await studio.browser.newContext({ acceptDownloads: true });
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  let wsId;
  let runId;

  await t.test("set up: data, a tiny model, a short LoRA run", async () => {
    wsId = await adminWithWorkspace(studio, page, "Evaluate");
    await importDataset(page, "count.jsonl", "application/jsonl", jsonl(), "Counting");
    let version;
    for (let i = 0; i < 200 && !version; i++) {
      const { body } = await api(page, "GET", `/workspaces/${wsId}/datasets`);
      version = body[0]?.versions?.[0]?.id;
      if (!version) await page.waitForTimeout(300);
    }
    const model = await api(page, "POST", `/workspaces/${wsId}/models/tiny`,
      { name: "Tiny", dataset_version_id: version, size: "micro", vocab_size: 400, seed: 1 });
    assert.equal(model.status, 201, JSON.stringify(model.body));
    const run = await api(page, "POST", `/workspaces/${wsId}/runs`, {
      name: "Swahili pinch", model_id: model.body.id, dataset_version_id: version,
      spec: { method: "lora", seq_len: 64, batch_size: 4, max_steps: 3, eval_every: 3, save_every: 3, learning_rate: 0.05, seed: 1 },
    });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    runId = run.body.id;
    await waitJob(page, wsId, run.body.job_id);
  });

  await t.test("from the run's page: evaluate against its base; two tasks, two languages; the estimate first", async () => {
    await page.goto(`${studio.server.base}/workspaces/${wsId}/runs/${runId}`);
    await page.getByRole("link", { name: "Evaluate against its base" }).click();
    await page.getByRole("heading", { name: "Evaluate a model" }).waitFor();
    await page.getByText("No evaluations yet").waitFor();
    await page.waitForFunction(() => document.querySelector("#eval-run")?.selectedOptions[0]?.textContent === "Run “Swahili pinch”");
    assert.ok(await page.getByLabel(/Also evaluate its base model/).isChecked());
    for (const task of ["mgsm", "fidelity"]) {
      await page.locator(`.eval-tasks input[value="${task}"]`).uncheck();
    }
    await page.getByLabel("Only these languages").fill("sw, ar");
    // XCOPA: Swahili, 30 items; SIB-200: Arabic and Swahili, 20 each (the quick preset), twice (with the base).
    // Estimates follow each change; the last one stays.
    await page.locator(".estimate").filter({ hasText: /^140 items · estimated time/ }).waitFor();
    const estimate = await page.locator(".estimate").innerText();
    assert.match(estimate, /^140 items/, estimate);
    await shot(page, "30-evaluate-launch");
    await page.getByRole("button", { name: "Start evaluation" }).click();
  });

  await t.test("it runs, then shows scores per language with intervals", async () => {
    // Both evaluations appear in the list; the tuned one's results open.
    await shot(page, "30b-evaluate-started");
    await page.locator("table.eval-list tbody tr").nth(1).waitFor({ timeout: 120_000 });
    await page.locator("table.eval-scores[data-task='sib200']").waitFor({ timeout: 240_000 });
    const sib = page.locator("table.eval-scores[data-task='sib200']");
    await sib.getByRole("rowheader", { name: /Arabic/ }).waitFor();
    const cell = await sib.getByRole("row", { name: /Arabic/ }).locator("td").first().innerText();
    assert.match(cell, /^\d+\.\d% \[\d+\.\d–\d+\.\d\]$/, cell);
    await sib.getByText(/English is not in this average/).waitFor();
    await shot(page, "31-evaluate-results");
  });

  await t.test("against its base: the forgetting matrix says within noise", async () => {
    // The base's evaluation finishes too (the list updates on state changes).
    await page.getByRole("button", { name: "Against its base" }).first().waitFor({ timeout: 240_000 });
    await page.getByRole("button", { name: "Against its base" }).first().click();
    const matrix = page.locator("table.forgetting");
    await matrix.waitFor();
    await matrix.getByRole("rowheader", { name: /Swahili/ }).first().waitFor();
    assert.ok((await matrix.locator("tbody tr").count()) >= 3);
    await shot(page, "32-evaluate-forgetting");
  });

  await t.test("the heatmap of languages × evaluations", async () => {
    const boxes = page.locator("table.eval-list tbody input[type=checkbox]");
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const heatmap = page.locator("table.heatmap");
    await heatmap.waitFor();
    await page.locator("#heatmap-task").selectOption({ label: "SIB-200 — topic of a sentence" });
    await heatmap.getByRole("rowheader", { name: /Arabic/ }).waitFor();
    assert.equal(await heatmap.locator("thead th").count(), 3);
    // The same numbers as one line per language over the picked evaluations.
    await page.locator("figure.eval-sweep svg").waitFor();
    await shot(page, "33-evaluate-heatmap");
    await shotOf(page.locator("section.eval-heatmap"), "33b-evaluate-sweep");
  });

  await t.test("drill into the Arabic items: right to left; answers side by side", async () => {
    const sib = page.locator("table.eval-scores[data-task='sib200']");
    await sib.getByRole("row", { name: /Arabic/ }).getByRole("button", { name: /Show the items of sib200 ara · Arabic/ }).click();
    const prompt = page.locator(".eval-items p.prompt").first();
    await prompt.waitFor();
    assert.equal(await prompt.getAttribute("dir"), "rtl");
    assert.equal(await prompt.evaluate((el) => getComputedStyle(el).direction), "rtl");
    assert.match(await prompt.innerText(), /[\u0600-\u06FF]/);
    await page.locator("table.forgetting").getByRole("row", { name: /sib200.*Arabic/ }).getByRole("button", { name: "Answers side by side" }).click();
    const pair = page.locator(".eval-compare li.eval-item.side-by-side").first();
    await pair.waitFor();
    assert.equal(await pair.locator(".answer").count(), 2);
    await shot(page, "34-evaluate-items-rtl");
  });

  await t.test("download the CSV", async () => {
    const downloading = page.waitForEvent("download");
    await page.locator("#eval-csv").click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^evaluation-.*\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    assert.match(csv, /^evaluation,model,task,language,metric,n,value,ci_low,ci_high\n/);
    assert.match(csv, /,sib200,ara,acc,20,/);
  });

  await t.test("a task from my own file: the fields' languages, the contradiction in words, the task added", async () => {
    // A JSON object keyed by id, named as Bengali, with an English `query` beside the Bengali one.
    const doc = {
      q1: { query: "How many apples are in two baskets of three?", query_bn: "তিনটি করে দুটি ঝুড়িতে কতগুলো আপেল আছে?", answers: [["6"]] },
      q2: { query: "What is ten minus four?", query_bn: "দশ থেকে চার বাদ দিলে কত থাকে?", answers: ["6"] },
      q3: { query: "How many days are in a week?", query_bn: "এক সপ্তাহে কত দিন?", answers: [["7"], ["seven"]] },
    };
    await page.locator("details.eval-task-file summary").click();
    await page.locator("#eval-task-file").setInputFiles({ name: "quiz_bn.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc, null, 2)) });
    const fields = page.locator("table.field-languages");
    await fields.waitFor({ timeout: 30_000 });
    await page.locator("#eval-file-kind").selectOption("generation");
    await fields.getByRole("row", { name: /query_bn.*Bengali/ }).waitFor();
    await fields.getByRole("row", { name: /^query English/ }).waitFor();
    const warning = page.locator("ul.contradictions");
    await warning.getByText("declared Bengali; the mapped field 'query' is English in 3 of 3 items").waitFor();
    await shotOf(page.locator("details.eval-task-file"), "35-evaluate-task-file");
    await page.locator("#eval-file-prompt").selectOption("query_bn");
    await page.getByRole("button", { name: "Update the preview" }).click();
    await page.locator("table.task-items td", { hasText: "এক সপ্তাহে কত দিন?" }).waitFor();
    assert.equal(await warning.count(), 0);
    await page.locator("#eval-file-name").fill("Bengali quiz");
    await page.getByRole("button", { name: "Add the task" }).click();
    await page.getByText(/Added “Bengali quiz”: 3 items in 1 language\./).waitFor();
    await page.locator(".eval-tasks label.task-choice", { hasText: "Bengali quiz" }).waitFor();
    // And removed again from the launch form.
    await page.getByRole("button", { name: "Remove the task Bengali quiz" }).click();
    await page.locator(".eval-tasks label.task-choice", { hasText: "Bengali quiz" }).waitFor({ state: "detached" });
  });

  assert.deepEqual(consoleErrors.filter((e) => !/\b(401|404)\b/.test(e)), []);
});
