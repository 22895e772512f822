// The report and email demos (/ui/demo/report, /ui/demo/email): a form becomes one job of the form's
// queue (data-queue); the page follows the job's events with a progress bar and ends with a link to the
// result (and, for a report, its HTML summary in a sandboxed frame), or the error.
import { fetch_result_json, submit_job } from "./api.js";
import { error_text, job_percent } from "./format.js";
import { follow_job } from "./job_events.js";

const $ = (id) => document.getElementById(id);
const form = $("demo-form");
const queue = form.dataset.queue;
const kind = form.dataset.kind;
let stop_following = () => {};

// The job's payload and Content-Type from the form.
function payload_of(data) {
  if (kind === "report") return { body: data.get("data"), type: "text/csv" };
  const to = String(data.get("to")).split(",").map((a) => a.trim()).filter(Boolean);
  const message = { to, subject: data.get("subject"), body: data.get("body") };
  return { body: JSON.stringify(message), type: "application/json" };
}

function show_outcome(box_kind, parts) {
  const box = document.createElement("div");
  box.className = `${box_kind}-box`;
  box.id = `outcome-${box_kind}`;
  box.append(...parts);
  $("outcome").replaceChildren(box);
}

function result_link(job) {
  const link = document.createElement("a");
  link.href = job.links.result;
  link.id = "result-link";
  link.textContent = "the result";
  return link;
}

async function show_success(job) {
  const result = await fetch_result_json(job.id);
  if (kind === "report") {
    show_outcome("ok", [`Report ready: ${result.rows} rows in ${result.groups.length} groups, total `,
                        String(result.total.sum), ". Open ", result_link(job), "."]);
    $("report-view").srcdoc = result.html;
    $("report-view").classList.remove("hidden");
  } else {
    show_outcome("ok", [`Sent to ${result.to.join(", ")}. Open `, result_link(job), "."]);
  }
}

function show_job(job) {
  const percent = job_percent(job) ?? 0;
  const bar = $("job-progress");
  bar.value = percent;
  bar.setAttribute("aria-valuenow", String(percent));
  const message = job.progress?.message ? `, ${job.progress.message}` : "";
  const waiting = job.status === "queued" ? " (waiting for a worker)" : "";
  $("job-text").textContent = `${percent} % ${job.status}${message}${waiting}`;
  if (job.status === "succeeded") {
    show_success(job).catch((error) => show_outcome("error", [`The result cannot be read: ${error.message}`]));
  } else if (job.status === "failed" || job.status === "cancelled") {
    show_outcome("error", [`The job ${job.status}: ${error_text(job.error)}`]);
  }
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  stop_following();
  $("outcome").replaceChildren();
  $("report-view")?.classList.add("hidden");
  const { body, type } = payload_of(new FormData(form));
  try {
    const job = await submit_job(queue, body, type);
    $("job-stage").classList.remove("hidden");
    show_job(job);
    stop_following = follow_job(job.id, {
      on_job: show_job,
      on_error: (text) => show_outcome("error", [`Lost track of the job: ${text}`]),
    });
  } catch (error) {
    show_outcome("error", [`The server did not take the job: ${error.message}`]);
  }
});
