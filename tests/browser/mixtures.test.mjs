// Mixtures and runs in the browser: compose a mixture (percent shares, a mistake named before
// anything is queued, a translation augmentation previewed), materialize it, launch a run from the
// wizard with a preset and its estimate, watch the run page, duplicate it with a change, and compare
// the two runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { adminWithWorkspace } from "./flows.mjs";
import { shot, useStudio } from "./harness.mjs";

const studio = useStudio();

function instructions() {
  const lines = [];
  for (const [language, n, ask, answer] of [
    ["deu", 40, "Nenne die Zahl nach", "Die nächste Zahl ist"],
    ["fra", 30, "Donne le nombre après", "Le nombre suivant est"],
    ["spa", 20, "Di el número después de", "El número siguiente es"],
  ]) {
    for (let i = 0; i < n; i++) {
      lines.push(JSON.stringify({ instruction: `${ask} ${i}.`, output: `${answer} ${i + 1}.`, language }));
    }
  }
  return lines.join("\n") + "\n";
}

function sentences(words, n) {
  return Array.from({ length: n }, (_, i) => `${words} ${i} is fine today.`).join("\n") + "\n";
}

// Upload, inspect and import a dataset through the API, as the Datasets tab does.
async function importDataset(page, ws, name, text, language) {
  return page.evaluate(
    async ([ws, name, text, language]) => {
      const blob = await (await fetch(`/api/v1/workspaces/${ws}/blobs?name=${encodeURIComponent(name)}`, {
        method: "POST", headers: { "content-type": "application/octet-stream" }, body: text,
      })).json();
      const ins = await (await fetch(`/api/v1/workspaces/${ws}/datasets/inspect`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ blob: blob.sha256 }),
      })).json();
      const spec = ins.spec;
      if (language) spec.language = language;
      const ds = await (await fetch(`/api/v1/workspaces/${ws}/datasets`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, blob: blob.sha256, spec }),
      })).json();
      return ds.id;
    },
    [ws, name, text, language],
  );
}

async function openAdvanced(page) {
  const adv = page.locator("details.advanced");
  await adv.waitFor();
  if (!(await adv.evaluate((d) => d.open))) await adv.locator("summary").click();
}

async function waitJob(page, ws, jobId, seconds = 180) {
  for (let i = 0; i < seconds * 2; i++) {
    const job = await page.evaluate(async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/jobs/${id}`)).json(), [ws, jobId]);
    if (job.state === "succeeded") return job;
    assert.ok(!["failed", "cancelled"].includes(job.state), JSON.stringify(job));
    await page.waitForTimeout(500);
  }
  throw new Error(`job ${jobId} did not finish`);
}

test("mixture builder, materialize, run wizard, live run page, compare", { timeout: 420_000 }, async (t) => {
  const ctx = await studio.browser.newContext();
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  let wsId, modelId;

  await t.test("set up: three datasets and a tiny model", async () => {
    wsId = await adminWithWorkspace(studio, page, "Mixing");
    await importDataset(page, wsId, "Numbers", instructions(), null);
    await importDataset(page, wsId, "News eng", sentences("The weather in city number", 24), "eng");
    await importDataset(page, wsId, "News deu", sentences("Das Wetter in der Stadt Nummer", 24), "deu");
    // Wait until all three are profiled (the builder needs their languages).
    for (let i = 0; i < 240; i++) {
      const cat = await page.evaluate(async (ws) => (await fetch(`/api/v1/workspaces/${ws}/mixtures/catalog`)).json(), wsId);
      if (cat.sources.length === 3 && cat.sources.every((s) => s.profiled)) break;
      await page.waitForTimeout(250);
    }
    const model = await page.evaluate(async (ws) => {
      const cat = await (await fetch(`/api/v1/workspaces/${ws}/mixtures/catalog`)).json();
      const numbers = cat.sources.find((s) => s.dataset_name === "Numbers").version_id;
      const res = await fetch(`/api/v1/workspaces/${ws}/models/tiny`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Tiny", dataset_version_id: numbers, size: "micro", vocab_size: 400, seed: 1 }),
      });
      return res.json();
    }, wsId);
    modelId = model.id;
    assert.ok(modelId, JSON.stringify(model));
  });

  await t.test("compose a mixture: shares, a named mistake, a translation augmentation", async () => {
    await page.goto(`${studio.server.base}/workspaces/${wsId}/mixtures`);
    await page.locator("#new-mixture").click();
    const numbers = page.locator(".mixture-source", { hasText: "Numbers" }).locator("input[type=checkbox]");
    await numbers.check();
    // Natural shares first: the chart has one row per language.
    await page.locator("svg.plan-chart g.plan-row[data-lang=deu]").waitFor();
    assert.equal(await page.locator("svg.plan-chart g.plan-row").count(), 3);
    await page.locator("input[name=shares-kind][value=percent]").check();
    await page.locator("#percent-total").fill("60");
    await page.locator("#shares-inputs input[data-lang=deu]").fill("50");
    await page.locator("#shares-inputs input[data-lang=fra]").fill("30");
    await page.locator("#shares-inputs input[data-lang=spa]").fill("10");
    // 90%: named at once, nothing can be queued.
    await page.locator("ul.plan-errors", { hasText: "90%" }).waitFor();
    assert.ok(await page.locator("#mixture-materialize").isDisabled());
    const t0 = Date.now();
    await page.locator("#shares-inputs input[data-lang=spa]").fill("20");
    await page.locator("ul.plan-errors").waitFor({ state: "detached" });
    const previewMs = Date.now() - t0;
    assert.ok(previewMs < 1000, `the live preview took ${previewMs} ms`);
    await page.locator(".plan-table").getByText("50.0%").first().waitFor({ state: "attached" });

    // Count tokens with the tiny model's tokenizer: the token shares become known.
    await page.locator("#count-tokens-model").selectOption(modelId);
    await page.locator("#count-tokens").click();
    await page.getByText("Tokens counted with this model's tokenizer.").waitFor({ timeout: 60_000 });
    await page.locator(".mixture-source", { hasText: "Numbers" }).getByText("no token counts").waitFor({ state: "detached" });
    await page.locator("button[data-measure=tokens]").click();
    await page.locator("svg.plan-chart g.plan-row[data-lang=deu]").waitFor();
    await page.locator("button[data-measure=examples]").click();

    await page.locator("#add-augmentation").click();
    const aug = page.locator(".augmentation").first();
    await aug.locator("select.template-select").selectOption("builtin:translation-eng");
    const eng = await page.evaluate(async (ws) => (await (await fetch(`/api/v1/workspaces/${ws}/mixtures/catalog`)).json()).sources.find((s) => s.dataset_name === "News eng").version_id, wsId);
    const deu = await page.evaluate(async (ws) => (await (await fetch(`/api/v1/workspaces/${ws}/mixtures/catalog`)).json()).sources.find((s) => s.dataset_name === "News deu").version_id, wsId);
    await aug.locator('select[data-role="source"]').selectOption(eng);
    await aug.locator('select[data-role="target"]').selectOption(deu);
    await aug.locator(".augmentation-preview").click();
    await aug.locator(".augmentation-examples").getByText(/from English into German/).first().waitFor();
    await page.locator("svg.plan-chart g.plan-row[data-lang=deu]").waitFor();
    await page.locator("#mixture-name").fill("Numbers + translation");
    // The preview stays in view beside the form while the person scrolls through it.
    for (const y of [0, 900]) {
      await page.evaluate((to) => window.scrollTo(0, to), y);
      await page.waitForTimeout(100);
      const preview = await page.locator(".builder-preview").boundingBox();
      const form = await page.locator(".builder-form").boundingBox();
      const height = page.viewportSize().height;
      assert.ok(preview.x >= form.x + form.width, `preview beside the form: ${JSON.stringify({ preview, form })}`);
      assert.ok(preview.y >= 0 && preview.y < height - 150, `preview in view after scrolling to ${y}: ${JSON.stringify(preview)}`);
    }
    // Every field of an augmentation card stays inside the card.
    const card = await aug.boundingBox();
    for (const field of await aug.locator(".form-grid").first().locator("select, input").all()) {
      const b = await field.boundingBox();
      assert.ok(b.x >= card.x && b.x + b.width <= card.x + card.width + 0.5, `field inside its card: ${JSON.stringify({ b, card })}`);
      assert.ok(b.width >= 60, `field wide enough to use: ${JSON.stringify(b)}`);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "30-mixture-builder");
    await page.locator("#mixture-materialize").click();
    await page.waitForURL(/\/mixtures\/[0-9a-f-]+$/);
    await page.locator(".mixture-report").waitFor({ timeout: 60_000 });
    const report = await page.locator(".mixture-report").innerText();
    assert.match(report, /German/);
    assert.ok(await page.locator("a.export-jsonl").getAttribute("href"));
    await shot(page, "31-mixture-page");
  });

  let firstRunUrl;
  await t.test("launch a run from the wizard with a preset and an estimate", async () => {
    await page.locator("a.train-on-mixture").click();
    await page.waitForURL(/\/runs\/new/);
    await page.locator("#run-model").selectOption(modelId);
    await page.locator('.preset-card[data-preset="quick_look"]').click();
    await page.locator(".estimate-time").waitFor();
    await page.locator(".estimate-memory").waitFor();
    await openAdvanced(page);
    await page.locator('input[name="spec.seq_len"]').fill("128");
    await page.locator('input[name="spec.max_steps"]').fill("12");
    await page.locator('input[name="spec.eval_every"]').fill("4");
    await page.locator('input[name="spec.learning_rate"]').fill("0.01");
    await page.locator("#run-name").fill("Quick look");
    await shot(page, "32-run-wizard");
    await page.locator("#run-start").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    firstRunUrl = page.url();
    // Live: the page fills in as the run goes, without a reload.
    await page.locator(".val-table").waitFor({ timeout: 120_000 });
    await page.locator("#run-duplicate").waitFor();
    for (const name of ["German", "French", "Spanish"]) {
      await page.locator(".val-table").getByText(new RegExp(name)).first().waitFor({ timeout: 120_000 });
    }
    await page.locator(".chart-val-by-language").waitFor();
    await page.locator(".tokens-by-language").waitFor();
    const runId = firstRunUrl.split("/").pop();
    const run = await page.evaluate(async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/runs/${id}`)).json(), [wsId, runId]);
    await waitJob(page, wsId, run.run.job_id);
    await page.locator(".checkpoints").getByText("12").first().waitFor({ timeout: 30_000 });
    // The charts followed the run live (no reload): each ends at the last step.
    for (const chart of [".chart-loss", ".chart-lr", ".chart-val-by-language"]) {
      await page.locator(`${chart} svg[aria-label*="at 12"]`).waitFor({ timeout: 10_000 });
    }
    await shot(page, "33-run-page");
  });

  await t.test("duplicate with a change, then compare", async () => {
    await page.locator("#run-duplicate").click();
    await page.waitForURL(/\/runs\/new\?duplicate=/);
    await openAdvanced(page);
    const lr = page.locator('input[name="spec.learning_rate"]');
    await lr.waitFor();
    assert.equal(await page.locator('input[name="spec.max_steps"]').inputValue(), "12");
    await lr.fill("0.002");
    await page.locator("#run-name").fill("Gentler");
    await page.locator("#run-start").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    const secondId = page.url().split("/").pop();
    const run = await page.evaluate(async ([ws, id]) => (await fetch(`/api/v1/workspaces/${ws}/runs/${id}`)).json(), [wsId, secondId]);
    assert.equal(run.run.spec.learning_rate, 0.002);
    await waitJob(page, wsId, run.run.job_id);

    await page.goto(`${studio.server.base}/workspaces/${wsId}/runs`);
    const boxes = page.locator(".run-row input[type=checkbox]");
    await boxes.nth(1).waitFor();
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator("#compare-runs").click();
    await page.waitForURL(/\/runs\/compare\?ids=/);
    await page.locator(".settings-diff").getByText("learning_rate").first().waitFor();
    await page.locator(".mixture-diff").getByText(/German/).first().waitFor();
    await page.locator(".chart-compare-loss").waitFor();
    await page.locator(".compare-val-table").getByText(/German/).first().waitFor();
    await shot(page, "34-run-compare");
  });

  await t.test("stop a long run, then resume it", async () => {
    await page.goto(`${studio.server.base}/workspaces/${wsId}/runs`);
    await page.locator(".run-row a", { hasText: "Quick look" }).click();
    await page.locator("#run-duplicate").click();
    await page.waitForURL(/\/runs\/new\?duplicate=/);
    await openAdvanced(page);
    await page.locator('input[name="spec.epochs"]').fill("500");
    await page.locator('input[name="spec.max_steps"]').fill("2000");
    await page.locator('input[name="spec.save_every"]').fill("1000");
    await page.locator("#run-name").fill("Long");
    await page.locator("#run-start").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    await page.locator(".run-progress").getByText(/step [1-9]\d* of 2000/).waitFor({ timeout: 60_000 });
    await page.locator("#run-stop").click();
    await page.locator(".run-progress").getByText(/Stopped at step \d+/).waitFor({ timeout: 30_000 });
    const stoppedAt = Number((await page.locator(".run-progress").getByText(/Stopped at step \d+/).innerText()).match(/step (\d+)/)[1]);
    assert.ok(stoppedAt > 0);
    await page.locator(".checkpoints").getByText(String(stoppedAt), { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.locator("#run-resume").click();
    await page.locator(".run-progress").getByText(new RegExp(`step (\\d+) of 2000`)).waitFor();
    await page.waitForFunction((at) => {
      const m = document.querySelector(".run-progress")?.innerText.match(/step (\d+) of 2000/);
      return m && Number(m[1]) > at;
    }, stoppedAt, { timeout: 60_000 });
    await shot(page, "35-run-resumed");
    await page.locator("#run-stop").click();
    await page.locator("#run-resume").waitFor({ timeout: 30_000 });
  });

  assert.deepEqual(consoleErrors.filter((e) => !/\b(401|404)\b/.test(e)), []);
});
