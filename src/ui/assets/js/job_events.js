// Follows one job through its Server-Sent Events (GET /v1/jobs/{id}/events): every `status` and
// `progress` event carries the whole status document. The stream ends after the terminal event; the
// EventSource is closed then, so it does not reconnect. A dropped connection is resumed by the
// browser itself (Last-Event-ID), which is why errors are only reported while the source is closed.
import { TERMINAL, job_url } from "./api.js";

// Calls on_job(job, kind) for every event, on_end(job) once after the terminal one, on_error(text)
// when the stream cannot be opened at all. Returns a function that stops following.
export function follow_job(id, { on_job, on_end = () => {}, on_error = () => {} }) {
  const source = new EventSource(`${job_url(id)}/events`);
  let finished = false;
  const handle = (kind) => (event) => {
    const job = JSON.parse(event.data);
    on_job(job, kind);
    if (kind === "status" && TERMINAL.has(job.status) && !finished) {
      finished = true;
      source.close();
      on_end(job);
    }
  };
  source.addEventListener("status", handle("status"));
  source.addEventListener("progress", handle("progress"));
  source.addEventListener("error", () => {
    if (!finished && source.readyState === EventSource.CLOSED) on_error("the job's event stream is not available");
  });
  return () => {
    finished = true;
    source.close();
  };
}
