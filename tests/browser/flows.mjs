// Steps several browser tests begin with, as a person does them.
import { PASSWORD } from "./harness.mjs";

/** On a fresh studio: create the first administrator (Ada), then a workspace; returns its id. */
export async function adminWithWorkspace(studio, page, workspace) {
  await page.goto(studio.server.base);
  await page.waitForURL("**/setup");
  await page.getByLabel("Email").fill("ada@example.org");
  await page.getByLabel("Your name").fill("Ada");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await page.waitForURL("**/workspaces");
  await page.getByLabel("New workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/workspaces\/[0-9a-f-]+$/);
  return page.url().split("/").pop();
}

/** From the workspace: upload `body` as `file` on the Datasets section and import it as `name`;
 * returns once the dataset is listed (its import may still be running). */
export async function importDataset(page, file, mimeType, body, name) {
  await page.getByRole("link", { name: "Datasets", exact: true }).click();
  await page.locator("#dataset-files").setInputFiles({ name: file, mimeType, buffer: Buffer.from(body) });
  await page.getByText("Uploaded").waitFor({ timeout: 30_000 });
  await page.getByLabel("Dataset name").fill(name);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await page.getByRole("link", { name }).waitFor();
}
