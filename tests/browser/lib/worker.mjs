// A worker driven by the test itself through the worker protocol (lease, heartbeat, complete, fail),
// so a test decides when each progress step and the outcome happen, and can wait for the page to show
// one step before taking the next.

export class TestWorker {
  constructor(base_url, queue) {
    this.base = base_url;
    this.queue = queue;
  }

  // The next job of the queue: {id, token, attempt, content_type, payload: Buffer}. Long-polls; throws
  // when no job came within `wait_s` seconds.
  async lease(wait_s = 30) {
    const response = await fetch(`${this.base}/v1/queues/${this.queue}/leases`, {
      method: "POST",
      headers: { Prefer: `wait=${wait_s}` },
    });
    if (response.status !== 200) throw new Error(`lease on ${this.queue}: HTTP ${response.status}`);
    return {
      id: response.headers.get("Replyd-Job-Id"),
      token: response.headers.get("Replyd-Lease-Token"),
      attempt: Number(response.headers.get("Replyd-Attempt")),
      content_type: response.headers.get("Content-Type"),
      payload: Buffer.from(await response.arrayBuffer()),
    };
  }

  async #call(job, action, body, content_type) {
    const response = await fetch(`${this.base}/v1/jobs/${job.id}/${action}`, {
      method: "POST",
      headers: { "Replyd-Lease-Token": job.token, "Content-Type": content_type },
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${action} ${job.id}: HTTP ${response.status} ${text}`);
    return JSON.parse(text);
  }

  // Reports progress; returns {lease_expires_at, cancel_requested}.
  heartbeat(job, current, total, message) {
    return this.#call(job, "heartbeat", JSON.stringify({ current, total, message }), "application/json");
  }

  complete(job, result, content_type = "application/json") {
    return this.#call(job, "complete", result, content_type);
  }

  fail(job, error, retryable) {
    return this.#call(job, "fail", JSON.stringify({ error, retryable }), "application/json");
  }
}
