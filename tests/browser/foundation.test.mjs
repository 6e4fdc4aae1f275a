// First-run setup → create workspace → invite → the invited person signs in and sees the
// workspace with the right role. Screenshots go to tests/output/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PASSWORD, shot, useStudio } from "./harness.mjs";

const studio = useStudio();

test("setup, workspace, invitation, role", { timeout: 120_000 }, async (t) => {
  const admin = await studio.browser.newContext();
  const page = await admin.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  let inviteLink;

  await t.test("a fresh studio opens on the setup page", async () => {
    await page.goto(studio.server.base);
    await page.waitForURL("**/setup");
    await page.getByRole("heading", { name: "Welcome to Polytune" }).waitFor();
    await shot(page, "01-setup");
  });

  await t.test("a short password is explained before anything is sent", async () => {
    await page.getByLabel("Email").fill("ada@example.org");
    await page.getByLabel("Your name").fill("Ada Lovelace");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.getByText("must be at least 12 characters long").first().waitFor();
    await shot(page, "02-setup-error");
  });

  await t.test("setup creates the administrator and signs in", async () => {
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.waitForURL("**/workspaces");
    await page.getByText("No workspaces yet").waitFor();
    await shot(page, "03-workspaces-empty");
  });

  await t.test("create a workspace and see its sections", async () => {
    await page.getByLabel("New workspace name").fill("Euskara instructions");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(/\/workspaces\/[0-9a-f-]+$/);
    await page.getByRole("heading", { name: "Euskara instructions" }).waitFor();
    for (const tab of ["Datasets", "Mixtures", "Runs", "Evaluations", "Chat", "Members", "Audit log"]) {
      await page.getByRole("link", { name: tab, exact: true }).waitFor();
    }
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    await page.getByText("No runs yet").waitFor();
    await page.getByRole("link", { name: "Go to mixtures" }).click();
    await page.getByText("No mixtures yet").waitFor();
    await shot(page, "04-workspace-mixtures-empty");
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByRole("cell", { name: "workspace_created" }).waitFor();
  });

  await t.test("check a file: upload, watch the job live, see the result", async () => {
    await page.getByRole("link", { name: "Datasets", exact: true }).click();
    const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ምሳሌ ตัวอย่าง`).join("\n") + "\n";
    await page.getByText("Check a raw file").click();
    await page.locator("#check-file").setInputFiles({ name: "lines.txt", mimeType: "text/plain", buffer: Buffer.from(lines) });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]+$/);
    await page.getByText("Succeeded").first().waitFor({ timeout: 30_000 });
    await page.getByText('"rows": 20000').waitFor();
    await page.getByText("chunk 1 done").waitFor();
    await page.getByText("Live").waitFor();
    await shot(page, "05a-job-done");
    await page.getByRole("link", { name: "← Jobs" }).click();
    await page.getByRole("cell", { name: "blob_stats" }).waitFor();
    await page.getByText("100%").first().waitFor();
    await page.getByRole("link", { name: "Workers" }).click();
    await page.getByRole("cell", { name: /cpu · \d+ CPUs/ }).waitFor();
    await shot(page, "05b-workers");
  });

  await t.test("invite a viewer by one-time link", async () => {
    await page.getByRole("link", { name: "People" }).click();
    await page.getByLabel("Their email").fill("miren@example.org");
    await page.getByLabel("Into workspace (optional)").selectOption({ label: "Euskara instructions" });
    await page.getByLabel("Role").selectOption("viewer");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    inviteLink = (await page.getByTestId("invite-link").textContent()).trim();
    assert.match(inviteLink, /^http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]{43}$/);
    await shot(page, "05-invitation");
  });

  await t.test("the invited person joins and sees the workspace as viewer", async () => {
    const guest = await studio.browser.newContext();
    const p = await guest.newPage();
    await p.goto(inviteLink);
    await p.getByText("Euskara instructions").waitFor();
    await p.getByLabel("Your name").fill("Miren");
    await p.getByLabel("Password").fill(PASSWORD);
    await p.getByRole("button", { name: "Join" }).click();
    await p.waitForURL("**/workspaces");
    await p.getByRole("link", { name: "Euskara instructions" }).click();
    await p.getByText("Your role: Viewer").waitFor();
    assert.equal(await p.getByRole("link", { name: "Audit log" }).count(), 0, "viewers see no audit log");
    assert.equal(await p.locator("#ws-description").count(), 0, "viewers cannot edit");
    await p.getByRole("link", { name: "Members", exact: true }).click();
    await p.getByRole("cell", { name: "miren@example.org" }).waitFor();
    await shot(p, "06-viewer-members");

    // The link worked once; opening it again says so in plain words.
    const again = await studio.browser.newContext();
    const q = await again.newPage();
    await q.goto(inviteLink);
    await q.getByText("This invitation link is no longer valid").waitFor();
    await again.close();

    // Keyboard only: sign out, sign back in with Tab and Enter.
    await p.getByRole("button", { name: "Sign out", exact: true }).click();
    await p.waitForURL("**/signin");
    await p.locator("#signin-email").waitFor();
    await p.keyboard.press("Tab");
    assert.equal(await p.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await p.locator("#signin-email").focus();
    await p.keyboard.type("miren@example.org");
    await p.keyboard.press("Tab");
    await p.keyboard.type(PASSWORD);
    await p.keyboard.press("Enter");
    await p.waitForURL("**/workspaces");
    await p.getByText("Viewer · 2 members").waitFor();
    await guest.close();
  });

  await t.test("owner renames, archives, restores, and changes a member's role", async () => {
    await page.getByRole("link", { name: "Workspaces", exact: true }).click();
    await page.getByRole("link", { name: "Euskara instructions" }).click();
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByLabel("Rename").fill("Euskara — instructions");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("heading", { name: "Euskara — instructions" }).waitFor();
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("button", { name: "Archive workspace" }).click();
    await page.getByText("This workspace is archived").waitFor();
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("button", { name: "Restore workspace" }).click();
    await page.getByRole("button", { name: "Archive workspace" }).waitFor();
    assert.equal(await page.getByText("This workspace is archived").count(), 0);
    // Members: the viewer becomes an editor through the role menu.
    await page.getByRole("link", { name: "Members", exact: true }).click();
    // The audit page reads the log once: wait for the role change to be answered first (the
    // click could otherwise overtake the change's commit), and show a failure with its request id.
    const saved = page.waitForResponse((r) => r.request().method() === "PATCH" && r.url().includes("/members/"));
    await page.getByLabel("Role miren@example.org").selectOption("editor");
    const res = await saved;
    assert.equal(res.status(), 200, `role change answered ${res.status()} ${await res.text()} (request ${res.headers()["x-request-id"]})`);
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.getByRole("cell", { name: "member_role_changed" }).waitFor();
    await page.getByRole("cell", { name: "viewer → editor" }).waitFor();
    await shot(page, "07-audit-after-role-change");
  });

  await t.test("dark theme and the API page", async () => {
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole("button", { name: "Switch light/dark theme" }).click();
    const now = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.notEqual(now, before);
    await page.getByRole("link", { name: "API" }).click();
    await page.getByRole("cell", { name: "/api/v1/workspaces/{workspace_id}/members" }).first().waitFor();
    await shot(page, "08-api-dark");
  });

  assert.deepEqual(consoleErrors.filter((e) => !e.includes("401")), [], "no console errors");
  await admin.close();
});
