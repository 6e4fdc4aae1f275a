// Models in the browser: make a tiny model from a dataset's text, read its page (facts, memory for
// inference / LoRA / full tuning at a chosen batch, chat template), try it, then see a training
// run started through the API with its loss curve and validation loss per language.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { adminWithWorkspace, importDataset } from "./flows.mjs";
import { countingJsonl, shot, useStudio } from "./harness.mjs";

const studio = useStudio();

function jsonl() {
  const langs = [
    ["deu", ["eins", "zwei", "drei", "vier"], "Zähle bis"],
    ["fra", ["un", "deux", "trois", "quatre"], "Compte jusqu'à"],
    ["spa", ["uno", "dos", "tres", "cuatro"], "Cuenta hasta"],
  ];
  return countingJsonl(langs);
}

test("tiny model, model page, memory, try it, a run's curves", { timeout: 240_000 }, async (t) => {
  const ctx = await studio.browser.newContext();
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  let wsId;

  await t.test("set up, import a small multilingual dataset", async () => {
    wsId = await adminWithWorkspace(studio, page, "Tuning");
    await importDataset(page, "count.jsonl", "application/jsonl", jsonl(), "Counting");
  });

  await t.test("make a tiny model and open its page", async () => {
    await page.getByRole("link", { name: "Models", exact: true }).click();
    await page.getByText("No models yet").waitFor();
    // The dataset's version appears once the import is done.
    await page.locator("#tiny-data option", { hasText: "Counting — version 1" }).waitFor({ state: "attached", timeout: 60_000 });
    await page.getByLabel("Name", { exact: true }).first().fill("Tiny counter");
    await page.getByLabel("Tokenizer text from").selectOption({ label: "Counting — version 1" });
    await page.getByLabel("Vocabulary size").fill("400");
    await shot(page, "20-models-tiny-form");
    await page.getByRole("button", { name: "Make the model" }).click();
    await page.getByRole("link", { name: "Tiny counter" }).click();
    await page.waitForURL(/\/models\/[0-9a-f-]+$/);
    await page.getByRole("heading", { name: "What it is" }).waitFor();
    await page.getByText("4 (key/value heads: 2, head size 16)").waitFor();
    const preview = await page.getByTestId("template-preview").innerText();
    assert.match(preview, /<\|im_start\|>user\nHvad er hovedstaden i Frankrig\?<\|im_end\|>/);
  });

  await t.test("memory grows with batch and method", async () => {
    const table = page.getByRole("table", { name: "Memory needed" });
    const totalOf = async (row) => table.getByRole("row").nth(row).locator("td").nth(4).innerText();
    const loraBefore = await totalOf(2);
    await page.getByLabel("Batch").fill("64");
    await page.getByLabel("Sequence length").fill("2048");
    await page.waitForFunction((before) => {
      const rows = document.querySelectorAll('table[aria-label="Memory needed"] tbody tr');
      return rows[1] && rows[1].querySelectorAll("td")[4].innerText !== before;
    }, loraBefore);
    assert.notEqual(await totalOf(2), loraBefore);
    await shot(page, "21-model-page");
  });

  await t.test("try the base model", async () => {
    await page.getByLabel("Message").fill("Zähle bis 2");
    await page.getByRole("button", { name: "Answer" }).click();
    await page.getByText(/tokens in .* s, ended by/).waitFor({ timeout: 60_000 });
    await page.getByTestId("answer").waitFor();
  });

  await t.test("a run started through the API shows its curve and per-language validation", async () => {
    const modelId = page.url().split("/").pop();
    const result = await page.evaluate(async ([ws, model]) => {
      const datasets = await (await fetch(`/api/v1/workspaces/${ws}/datasets`)).json();
      const version = datasets[0].versions[0].id;
      const res = await fetch(`/api/v1/workspaces/${ws}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "LoRA quick look", model_id: model, dataset_version_id: version,
          spec: { method: "lora", seq_len: 96, batch_size: 4, max_steps: 8, eval_every: 4, save_every: 4, learning_rate: 0.01, seed: 1 } }),
      });
      return { status: res.status, body: await res.json() };
    }, [wsId, modelId]);
    assert.equal(result.status, 202, JSON.stringify(result.body));
    const jobId = result.body.job_id;
    for (let i = 0; i < 240; i++) {
      const job = await page.evaluate(async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/jobs/${id}`)).json(), [wsId, jobId]);
      if (job.state === "succeeded") break;
      assert.ok(!["failed", "cancelled"].includes(job.state), JSON.stringify(job));
      await page.waitForTimeout(500);
    }
    await page.reload();
    await page.getByRole("heading", { name: "LoRA quick look" }).waitFor();
    await page.locator("svg.chart[aria-label^='Training loss']").waitFor();
    const perLang = page.getByRole("table", { name: "Validation loss per language" });
    for (const name of ["German", "French", "Spanish"]) {
      await perLang.getByText(new RegExp(name)).waitFor();
    }
    // The export is a job: the button builds the archive (with progress), then downloads it.
    const downloading = page.waitForEvent("download", { timeout: 120_000 });
    await page.getByRole("button", { name: "LoRA adapter for PEFT (.tar)" }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /adapter.*\.tar$/);
    assert.match(readFileSync(await download.path()).subarray(0, 512).toString("latin1"), /adapter/);
    await page.getByLabel("Weights").selectOption({ label: "Tuned by run “LoRA quick look”" });
    await page.getByRole("button", { name: "Answer" }).click();
    await page.getByText(/tokens in .* s, ended by/).waitFor({ timeout: 60_000 });
    await shot(page, "22-model-runs");
  });

  assert.deepEqual(consoleErrors.filter((e) => !/\b(401|404)\b/.test(e)), []);
});
