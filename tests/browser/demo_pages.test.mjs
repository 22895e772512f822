// The report and email demo pages against `replyd serve --demo`: the form becomes a job of the demo
// worker, the page shows its progress and then the outcome (the report with its HTML summary in a
// frame; the message sent, as received by an SMTP sink the test runs).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launch_browser, open_page, screenshot } from "./lib/browser.mjs";
import { start_replyd } from "./lib/replyd.mjs";
import { start_smtp_sink } from "./lib/smtp_sink.mjs";

let browser;

before(async () => {
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
});

test("the report demo turns CSV rows into a report", async () => {
  const server = await start_replyd(["--demo"]);
  try {
    const page = await open_page(browser, `${server.url}/ui/demo/report`);
    await page.fill("#data", "region,amount\nnorth,10\nsouth,5.5\nnorth,2.5\n");
    await page.click("button[type=submit]");
    await page.waitForSelector("#outcome-ok");
    assert.match(await page.textContent("#outcome-ok"), /3 rows in 2 groups, total 18/);
    assert.equal(await page.getAttribute("#job-progress", "aria-valuenow"), "100");
    const frame = page.frameLocator("#report-view");
    await frame.locator("text=north").first().waitFor();
    const href = await page.getAttribute("#result-link", "href");
    const report = await (await fetch(new URL(href, server.url))).json();
    assert.equal(report.rows, 3);
    await screenshot(page, "report-demo");
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("the email demo sends the message through the configured SMTP server", async () => {
  const sink = await start_smtp_sink();
  const server = await start_replyd(["--demo", "--smtp-url", sink.url]);
  try {
    const page = await open_page(browser, `${server.url}/ui/demo/email`);
    await page.fill("#to", "ada@example.com");
    await page.fill("#subject", "Your report is ready");
    await page.fill("#body", "The figures for Q3 are attached in spirit.");
    await page.click("button[type=submit]");
    const message = await sink.next_message();
    assert.match(message, /^Subject: Your report is ready\r$/m);
    assert.match(message, /The figures for Q3 are attached in spirit\./);
    await page.waitForSelector("#outcome-ok");
    assert.match(await page.textContent("#outcome-ok"), /Sent to ada@example\.com/);
    await screenshot(page, "email-demo");
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
    await sink.close();
  }
});
