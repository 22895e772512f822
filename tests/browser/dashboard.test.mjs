// The dashboard (/ui/) in a real browser against the real replyd binary: a job submitted from outside
// appears in the table live, its progress bar follows the worker, it finishes live and the queue's
// counts follow; the detail view shows the timeline, the payload and the result link; resubmit makes a
// new job with the same payload; the state filter and cancel work.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launch_browser, open_page, screenshot } from "./lib/browser.mjs";
import { start_replyd } from "./lib/replyd.mjs";
import { TestWorker } from "./lib/worker.mjs";

let browser;

before(async () => {
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
});

async function submit(base, queue, text, filename) {
  const response = await fetch(`${base}/v1/queues/${queue}/jobs?filename=${encodeURIComponent(filename)}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: text,
  });
  assert.equal(response.status, 202);
  return response.json();
}

const row = (id) => `#jobs tr[data-job-id="${id}"]`;

async function row_status(page, id, status) {
  await page.waitForSelector(`${row(id)} td.state[data-status="${status}"]`);
}

async function queue_count(page, queue, state, count) {
  await page.waitForSelector(`#queues tr[data-queue="${queue}"] td[data-state="${state}"]:text-is("${count}")`);
}

test("a job appears, moves and finishes live; detail, resubmit, filter and cancel", async () => {
  const server = await start_replyd();
  try {
    const worker = new TestWorker(server.url, "thumbnails");
    const page = await open_page(browser, `${server.url}/ui/`);
    await page.waitForSelector("#live[data-mode=live]");

    const job = await submit(server.url, "thumbnails", "resize holiday.jpg to 200x200", "holiday.txt");
    await row_status(page, job.id, "queued");
    await queue_count(page, "thumbnails", "queued", 1);

    const lease = await worker.lease();
    assert.equal(lease.id, job.id);
    await row_status(page, job.id, "running");
    await worker.heartbeat(lease, 2, 5, "resizing");
    await page.waitForSelector(`${row(job.id)} progress[aria-valuenow="40"]`);
    await page.click(`${row(job.id)} button.link`);
    await page.waitForSelector("#detail-progress-text:has-text('40 % resizing')");
    assert.match(await page.textContent("#detail-payload"), /resize holiday.jpg to 200x200/);
    assert.match(await page.textContent("#detail-payload-info"), /text\/plain/);
    await queue_count(page, "thumbnails", "running", 1);
    await screenshot(page, "dashboard-running");

    await worker.complete(lease, JSON.stringify({ width: 200, height: 200 }));
    await row_status(page, job.id, "succeeded");
    await page.waitForSelector(`${row(job.id)} progress[aria-valuenow="100"]`);
    await queue_count(page, "thumbnails", "succeeded", 1);
    await page.waitForSelector("#throughput[aria-label*='now 1,'] polyline");
    await page.waitForSelector("#detail-timeline li:has-text('succeeded')");
    assert.deepEqual(await page.locator("#detail-timeline li .what").allTextContents(),
                     ["created (queued)", "running (attempt 1 of 5)", "succeeded"]);
    const result_href = await page.getAttribute("#detail-result-link", "href");
    const result = await (await fetch(new URL(result_href, server.url))).json();
    assert.deepEqual(result, { width: 200, height: 200 });
    assert.ok(await page.isDisabled("#detail-cancel"));
    await screenshot(page, "dashboard-succeeded");

    await page.click("#detail-resubmit");
    await page.waitForSelector("#detail-message:has-text('Resubmitted')");
    const copy = await worker.lease();
    assert.notEqual(copy.id, job.id);
    assert.equal(copy.payload.toString(), "resize holiday.jpg to 200x200");
    assert.equal(copy.content_type, "text/plain");
    await row_status(page, copy.id, "running");
    assert.equal(new URL(page.url()).searchParams.get("job"), copy.id);

    await page.keyboard.press("Escape");
    assert.ok(await page.isHidden("#detail"));
    await page.selectOption("#filter-status", "succeeded");
    await page.waitForSelector(row(copy.id), { state: "detached" });
    assert.equal(await page.locator("#jobs tbody tr").count(), 1);
    await page.selectOption("#filter-status", "");
    await row_status(page, copy.id, "running");

    await page.click(`${row(copy.id)} button:has-text('Cancel')`);
    assert.equal((await worker.heartbeat(copy, 1, 2, "resizing")).cancel_requested, true);
    await worker.fail(copy, "stopped: cancel requested", false);
    await row_status(page, copy.id, "cancelled");
    await queue_count(page, "thumbnails", "cancelled", 1);
    assert.deepEqual(page.problems, []);
  } finally {
    await server.stop();
  }
});

test("without the queue event stream the dashboard falls back to polling the list", async () => {
  const server = await start_replyd();
  try {
    const worker = new TestWorker(server.url, "reports");
    const context = await browser.newContext();
    const page = await context.newPage();
    // As an older server or a buffering proxy would: the queue-wide stream is not there.
    await page.route("**/v1/events", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${server.url}/ui/`);
    await page.waitForSelector("#live[data-mode=polling]");

    const job = await submit(server.url, "reports", "q3 figures", "q3.csv");
    await row_status(page, job.id, "queued");
    const lease = await worker.lease();
    await worker.heartbeat(lease, 1, 2, "summing");
    await page.waitForSelector(`${row(job.id)} progress[aria-valuenow="50"]`);
    await worker.complete(lease, "done", "text/plain");
    await row_status(page, job.id, "succeeded");
    await context.close();
  } finally {
    await server.stop();
  }
});
