// The replyd HTTP API as used by the pages: JSON calls that turn a problem+json answer into an
// ApiError carrying its title and detail, so every page can show the server's own explanation.

export const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
export const STATES = ["queued", "running", "succeeded", "failed", "cancelled"];

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// The problem document of a failed answer, or a stand-in when the body is not one.
async function problem_of(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
  }
}

async function json_call(url, init = {}) {
  const response = await fetch(url, init);
  if (!response.ok) throw new ApiError(response.status, await problem_of(response));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

export function job_url(id) {
  return `/v1/jobs/${encodeURIComponent(id)}`;
}

// {jobs, next_cursor}, newest first.
export async function list_jobs({ queue = "", status = "", limit = 50 } = {}) {
  const params = new URLSearchParams();
  if (queue) params.set("queue", queue);
  if (status) params.set("status", status);
  params.set("limit", String(limit));
  return (await json_call(`/v1/jobs?${params}`)).body;
}

// [{name, counts: {queued, running, ...}, oldest_queued_age_seconds, finished_last_minute}]
export async function list_queues() {
  return (await json_call("/v1/queues")).body.queues;
}

// DELETE: {status: 200 | 202, job} (202: running, the worker is asked to stop).
export async function cancel_job(id) {
  const answer = await json_call(job_url(id), { method: "DELETE" });
  return { status: answer.status, job: answer.body };
}

// Submits `body` (a Blob, string or ArrayBuffer) to `queue`; `options` become query parameters
// (filename, priority, max_attempts, ...). Returns the status document of the new job.
export async function submit_job(queue, body, content_type, options = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const query = params.toString() ? `?${params}` : "";
  const answer = await json_call(`/v1/queues/${encodeURIComponent(queue)}/jobs${query}`, {
    method: "POST",
    headers: { "Content-Type": content_type || "application/octet-stream" },
    body,
  });
  return answer.body;
}

// The submitted payload as a Blob with its Content-Type.
export async function fetch_payload(id) {
  const response = await fetch(`${job_url(id)}/payload`);
  if (!response.ok) throw new ApiError(response.status, await problem_of(response));
  return response.blob();
}

// The first `max_bytes` of the payload without reading the rest: {content_type, size, bytes}.
export async function payload_head(id, max_bytes) {
  const controller = new AbortController();
  const response = await fetch(`${job_url(id)}/payload`, { signal: controller.signal });
  if (!response.ok) throw new ApiError(response.status, await problem_of(response));
  const size = Number(response.headers.get("Content-Length") ?? NaN);
  const content_type = response.headers.get("Content-Type") ?? "";
  const reader = response.body.getReader();
  const parts = [];
  let have = 0;
  while (have < max_bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    have += value.length;
  }
  controller.abort();
  const bytes = new Uint8Array(Math.min(have, max_bytes));
  let at = 0;
  for (const part of parts) {
    const take = Math.min(part.length, bytes.length - at);
    bytes.set(part.subarray(0, take), at);
    at += take;
  }
  return { content_type, size: Number.isFinite(size) ? size : have, bytes, truncated: have > max_bytes };
}

// The result body parsed as JSON.
export async function fetch_result_json(id) {
  return (await json_call(`${job_url(id)}/result`)).body;
}
