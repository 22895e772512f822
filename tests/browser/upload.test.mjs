// The upload demo page (/ui/demo/upload) in a real browser against the real replyd binary:
//   - a generated file of several MiB through the demo upload worker (`serve --demo`): the send bar
//     and the worker's bar reach 100 %, and the page shows the SHA-256 the test computed;
//   - with a worker driven by the test: the bar follows each reported step, a failed upload shows the
//     worker's error and a retry button, and the retry succeeds; a cancel during the upload ends in
//     "cancelled".
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launch_browser, open_page, screenshot } from "./lib/browser.mjs";
import { progress_values, record_progress } from "./lib/progress_log.mjs";
import { start_replyd } from "./lib/replyd.mjs";
import { TestWorker } from "./lib/worker.mjs";

const MiB = 1024 * 1024;
let browser;

before(async () => {
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
});

function write_file(dir, name, size) {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function bar_shows(page, selector, percent) {
  await page.waitForFunction(({ selector, percent }) => {
    return document.querySelector(selector)?.getAttribute("aria-valuenow") === String(percent);
  }, { selector, percent });
}

test("a file of several MiB goes through the demo upload worker with the right checksum", async () => {
  const server = await start_replyd(["--demo", "--upload-chunk-size", String(256 * 1024),
                                     "--demo-upload-chunk-delay", "0.05"]);
  try {
    const file = write_file(server.dir, "several-mib.bin", 6 * MiB + 12345);
    const page = await open_page(browser, `${server.url}/ui/demo/upload`);
    await record_progress(page, "#send-progress", "send");
    await record_progress(page, "#job-progress", "job");
    await page.setInputFiles("#file", file.path);

    await page.waitForSelector("#outcome-ok");
    await screenshot(page, "upload-succeeded");
    assert.equal(await page.textContent("#result-name"), "several-mib.bin");
    assert.equal(await page.textContent("#result-sha256"), file.sha256);
    assert.match(await page.textContent("#result-size"), new RegExp(`\\(${file.bytes.length} bytes\\)`));

    const sent = await progress_values(page, "send");
    assert.equal(sent[0], 0);
    assert.equal(sent.at(-1), 100);
    const stored = await progress_values(page, "job");
    assert.equal(stored[0], 0, `job progress ${stored}`);
    assert.equal(stored.at(-1), 100, `job progress ${stored}`);
    for (let i = 1; i < stored.length; ++i) assert.ok(stored[i] >= stored[i - 1], `job progress ${stored}`);
    assert.ok(stored.some((v) => v > 0 && v < 100), `no step between 0 and 100: ${stored}`);
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("the bar follows each step; a failed upload shows the error, and retry succeeds", async () => {
  const server = await start_replyd();
  try {
    const file = write_file(server.dir, "report.pdf", 3 * MiB);
    const worker = new TestWorker(server.url, "upload");
    const page = await open_page(browser, `${server.url}/ui/demo/upload`);
    await record_progress(page, "#job-progress", "job");
    await page.setInputFiles("#file", file.path);

    const first = await worker.lease();
    assert.ok(first.payload.equals(file.bytes), "the worker got the file's bytes");
    for (const step of [1, 2, 3]) {
      await worker.heartbeat(first, step, 4, `chunk ${step} of 4`);
      await bar_shows(page, "#job-progress", step * 25);
    }
    assert.match(await page.textContent("#job-text"), /75 % running, chunk 3 of 4/);
    await worker.fail(first, "the storage target refused the file: quota exceeded", false);

    await page.waitForSelector("#outcome-error");
    assert.match(await page.textContent("#outcome-error"), /quota exceeded/);
    assert.ok(await page.isVisible("#retry"));
    assert.ok(await page.isHidden("#cancel"));
    await screenshot(page, "upload-failed");
    assert.deepEqual(await progress_values(page, "job"), [0, 25, 50, 75]);

    await page.click("#retry");
    const second = await worker.lease();
    assert.notEqual(second.id, first.id);
    assert.ok(second.payload.equals(file.bytes));
    await worker.complete(second, JSON.stringify({ name: "report.pdf", size: file.bytes.length, sha256: file.sha256 }));
    await page.waitForSelector("#outcome-ok");
    assert.equal(await page.textContent("#result-sha256"), file.sha256);
    assert.ok(await page.isHidden("#outcome-error"));
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("cancelling an upload in progress ends in cancelled", async () => {
  const server = await start_replyd();
  try {
    const file = write_file(server.dir, "big.iso", 4 * MiB);
    const worker = new TestWorker(server.url, "upload");
    const page = await open_page(browser, `${server.url}/ui/demo/upload`);
    await page.setInputFiles("#file", file.path);

    const job = await worker.lease();
    assert.equal((await worker.heartbeat(job, 30, 100, "storing")).cancel_requested, false);
    await bar_shows(page, "#job-progress", 30);
    await page.click("#cancel");
    // The server tells the worker at its next heartbeat; the worker stops and reports it.
    await page.waitForFunction(() => /cancel requested/.test(document.querySelector("#job-text").textContent));
    assert.equal((await worker.heartbeat(job, 40, 100, "storing")).cancel_requested, true);
    await worker.fail(job, "stopped: cancel requested", false);

    await page.waitForSelector("#outcome-note");
    assert.match(await page.textContent("#outcome-note"), /cancelled/);
    assert.match(await page.textContent("#job-text"), /cancelled/);
    assert.ok(await page.isHidden("#cancel"));
    await screenshot(page, "upload-cancelled");
    const status = await (await fetch(`${server.url}/v1/jobs/${job.id}`)).json();
    assert.equal(status.status, "cancelled");
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("cancelling while the browser still sends ends in cancelled, and no job is made", async () => {
  const server = await start_replyd();
  try {
    const file = write_file(server.dir, "held.bin", 2 * MiB);
    const page = await open_page(browser, `${server.url}/ui/demo/upload`);
    // The submit is held back before it reaches the server, so the send is still going on.
    let held;
    const submitted = new Promise((resolve) => {
      held = resolve;
    });
    await page.route("**/v1/queues/upload/jobs*", (route) => held(route));
    await page.setInputFiles("#file", file.path);
    await submitted;
    await page.click("#cancel");
    await page.waitForSelector("#outcome-note");
    assert.match(await page.textContent("#outcome-note"), /cancelled/);
    const listed = await (await fetch(`${server.url}/v1/jobs?queue=upload`)).json();
    assert.deepEqual(listed.jobs, []);
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("a file over the server's size limit shows the server's refusal and a retry button", async () => {
  const server = await start_replyd(["--max-body", String(1 * MiB)]);
  try {
    const file = write_file(server.dir, "too-big.bin", 3 * MiB);
    const page = await open_page(browser, `${server.url}/ui/demo/upload`);
    await page.setInputFiles("#file", file.path);
    await page.waitForSelector("#outcome-error");
    assert.match(await page.textContent("#outcome-error"), /The server did not take the file/);
    assert.ok(await page.isVisible("#retry"));
    await screenshot(page, "upload-refused");
  } finally {
    await server.stop();
  }
});
