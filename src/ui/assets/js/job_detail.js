// The job detail view: the fields of the status document, progress, error, result link, the timeline
// of state changes seen, and a preview of the payload (its first bytes, shown as text when they are).
import { TERMINAL, payload_head } from "./api.js";
import { error_text, format_bytes, format_time, job_percent } from "./format.js";
import { set_progress, status_badge } from "./jobs_table.js";

const PREVIEW_BYTES = 4096;

function looks_like_text(content_type, bytes) {
  if (/^text\/|json|xml|csv|javascript|x-www-form-urlencoded/.test(content_type)) return true;
  return !bytes.some((b) => b === 0);
}

function hex_dump(bytes) {
  const lines = [];
  for (let at = 0; at < Math.min(bytes.length, 256); at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, "0"));
    lines.push(`${at.toString(16).padStart(6, "0")}  ${row.join(" ")}`);
  }
  return lines.join("\n");
}

export class JobDetail {
  constructor(root) {
    this.root = root;
    this.$ = (id) => root.querySelector(`#${id}`);
    this.job_id = null;
  }

  // Opens the view for `job` and loads its payload preview.
  open(job) {
    this.job_id = job.id;
    this.root.classList.remove("hidden");
    this.message("");
    this.$("detail-payload").classList.add("hidden");
    this.$("detail-payload-info").textContent = "loading…";
    this.#load_payload(job.id);
  }

  close() {
    this.job_id = null;
    this.root.classList.add("hidden");
  }

  // Shows a line of feedback about the last action (cancel, resubmit), or hides it.
  message(text, kind = "note") {
    const box = this.$("detail-message");
    box.textContent = text;
    box.className = text ? `${kind}-box` : "hidden";
  }

  // Shows the current document of the open job with its timeline.
  render(job, timeline) {
    if (job.id !== this.job_id) return;
    this.$("detail-title").textContent = `Job ${job.id}`;
    const fields = [
      ["queue", job.queue],
      ["state", status_badge(job.status)],
      ["file name", job.filename],
      ["attempts", `${job.attempt} of ${job.max_attempts}`],
      ["priority", String(job.priority ?? 0)],
      ["created", format_time(job.created_at)],
      ["started", format_time(job.started_at)],
      ["finished", format_time(job.finished_at)],
      ["cancel requested", job.cancel_requested ? "yes" : ""],
    ];
    const items = [];
    for (const [name, value] of fields) {
      if (!value) continue;
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.append(value);
      items.push(dt, dd);
    }
    if (job.links?.result) {
      const dt = document.createElement("dt");
      dt.textContent = "result";
      const dd = document.createElement("dd");
      const link = document.createElement("a");
      link.href = job.links.result;
      link.id = "detail-result-link";
      const size = job.result ? ` (${job.result.content_type}, ${format_bytes(job.result.size)})` : "";
      link.textContent = `open the result${size}`;
      dd.append(link);
      items.push(dt, dd);
    }
    this.$("detail-fields").replaceChildren(...items);

    const bar = this.$("detail-progress");
    set_progress(bar, job);
    const percent = job_percent(job);
    const message = job.progress?.message ?? "";
    const finished = TERMINAL.has(job.status);
    this.$("detail-progress-text").textContent =
      percent === null ? (finished ? job.status : "no progress reported yet")
                       : `${percent} % ${finished ? job.status : message}`;

    const error = this.$("detail-error");
    error.textContent = job.error ? `Error: ${error_text(job.error)}` : "";
    error.classList.toggle("hidden", !job.error);

    this.$("detail-cancel").disabled = TERMINAL.has(job.status) || job.cancel_requested === true;
    this.$("detail-timeline").replaceChildren(...timeline.map((entry) => {
      const li = document.createElement("li");
      const time = document.createElement("time");
      time.dateTime = entry.at.toISOString();
      time.textContent = entry.at.toLocaleTimeString();
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = entry.text;
      li.append(time, " ", what);
      return li;
    }));
  }

  async #load_payload(id) {
    const info = this.$("detail-payload-info");
    const pre = this.$("detail-payload");
    try {
      const head = await payload_head(id, PREVIEW_BYTES);
      if (this.job_id !== id) return;
      const shown = head.truncated ? `, first ${format_bytes(head.bytes.length)} shown` : "";
      info.textContent = `${head.content_type || "no type"}, ${format_bytes(head.size)}${shown}`;
      const text = looks_like_text(head.content_type, head.bytes);
      pre.textContent = text ? new TextDecoder().decode(head.bytes) : hex_dump(head.bytes);
      pre.classList.toggle("hidden", head.bytes.length === 0);
    } catch (error) {
      if (this.job_id === id) info.textContent = `The payload is not available: ${error.message}`;
    }
  }
}
