// The upload demo (/ui/demo/upload): choose or drop a file; the browser sends it and shows its own send
// progress; on 202 the page follows the job's events and shows the worker's progress; at the end it
// shows the stored file's name, size and SHA-256 from the result, or the error with a retry button. A
// cancel button stops the send, or cancels the job once it is queued or running.
import { cancel_job, fetch_result_json } from "./api.js";
import { error_text, format_bytes, job_percent } from "./format.js";
import { follow_job } from "./job_events.js";
import { send_file } from "./upload_send.js";

const QUEUE = "upload";
const $ = (id) => document.getElementById(id);

let current = null;  // {file, sending, job_id, stop_following, ended}

function set_bar(bar, percent) {
  bar.value = percent;
  bar.setAttribute("aria-valuenow", String(percent));
}

function show_outcome(kind, parts) {
  const box = document.createElement("div");
  box.className = `${kind}-box`;
  box.id = `outcome-${kind}`;
  box.append(...parts);
  $("outcome").replaceChildren(box);
}

function field(id, text) {
  const span = document.createElement("span");
  span.id = id;
  span.textContent = text;
  return span;
}

function end(run) {
  run.ended = true;
  run.stop_following?.();
  $("cancel").classList.add("hidden");
}

function show_error(run, text) {
  end(run);
  show_outcome("error", [text]);
  $("retry").classList.remove("hidden");
  $("retry").focus();
}

function show_cancelled(run) {
  end(run);
  show_outcome("note", ["The upload was cancelled."]);
  $("job-text").textContent = "cancelled";
  $("retry").classList.remove("hidden");
}

async function show_success(run, job) {
  end(run);
  try {
    const result = await fetch_result_json(job.id);
    show_outcome("ok", [
      "Uploaded ", field("result-name", result.name), ": ",
      field("result-size", `${format_bytes(result.size)} (${result.size} bytes)`), ". SHA-256 ",
      field("result-sha256", result.sha256), ".",
    ]);
  } catch (error) {
    show_error(run, `The upload finished, but its result cannot be read: ${error.message}`);
  }
}

function show_job(run, job) {
  if (run !== current || run.ended) return;
  const percent = job_percent(job) ?? 0;
  set_bar($("job-progress"), percent);
  const retrying = job.status === "queued" && job.error ? ` (attempt failed: ${error_text(job.error)}; retrying)` : "";
  const message = job.progress?.message ? `, ${job.progress.message}` : "";
  const stopping = job.cancel_requested && job.status === "running" ? " (cancel requested)" : "";
  $("job-text").textContent = `${percent} % ${job.status}${message}${retrying}${stopping}`;
  if (job.status === "succeeded") show_success(run, job);
  else if (job.status === "failed") show_error(run, `The upload failed: ${error_text(job.error)}`);
  else if (job.status === "cancelled") show_cancelled(run);
}

async function start(file) {
  current?.sending?.abort();
  current?.stop_following?.();
  const run = { file, ended: false };
  current = run;
  $("chosen").textContent = `${file.name}, ${format_bytes(file.size)}`;
  $("outcome").replaceChildren();
  $("retry").classList.add("hidden");
  $("cancel").classList.remove("hidden");
  $("job-stage").classList.add("hidden");
  $("send-stage").classList.remove("hidden");
  set_bar($("send-progress"), 0);
  set_bar($("job-progress"), 0);
  $("send-text").textContent = "";

  run.sending = send_file(QUEUE, file, (sent, total) => {
    const percent = total > 0 ? Math.round((100 * sent) / total) : 100;
    set_bar($("send-progress"), percent);
    $("send-text").textContent = `${percent} %, ${format_bytes(sent)} of ${format_bytes(total)}`;
  });
  let job;
  try {
    job = await run.sending.done;
  } catch (error) {
    if (run !== current) return;
    if (error.name === "AbortError") show_cancelled(run);
    else show_error(run, `The server did not take the file: ${error.message}`);
    return;
  }
  if (run !== current || run.ended) return;
  run.sending = null;
  run.job_id = job.id;
  $("job-stage").classList.remove("hidden");
  $("job-link").href = `/ui/?job=${encodeURIComponent(job.id)}`;
  $("job-link").textContent = job.id;
  show_job(run, job);
  run.stop_following = follow_job(job.id, {
    on_job: (update) => show_job(run, update),
    on_error: (text) => show_error(run, `Lost track of the upload: ${text}`),
  });
}

async function cancel() {
  const run = current;
  if (!run || run.ended) return;
  if (run.sending) {
    run.sending.abort();
    return;
  }
  $("job-text").textContent = "cancelling…";
  try {
    const { job } = await cancel_job(run.job_id);
    show_job(run, job);
  } catch (error) {
    if (!run.ended) $("job-text").textContent = `Cannot cancel: ${error.message}`;
  }
}

const dropzone = $("dropzone");
dropzone.addEventListener("dragover", (e) => {
  e.preventDefault();
  dropzone.classList.add("over");
});
dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
dropzone.addEventListener("drop", (e) => {
  e.preventDefault();
  dropzone.classList.remove("over");
  const file = e.dataTransfer?.files?.[0];
  if (file) start(file);
});
$("file").addEventListener("change", (e) => {
  const file = e.target.files?.[0];
  if (file) start(file);
});
$("cancel").addEventListener("click", cancel);
$("retry").addEventListener("click", () => current && start(current.file));
