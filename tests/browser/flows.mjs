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
