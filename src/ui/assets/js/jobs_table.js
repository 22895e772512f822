// The jobs table. Rows are kept per job id and updated in place, so a live progress bar moves without
// the table being rebuilt and the keyboard focus stays on the button it was on.
import { TERMINAL } from "./api.js";
import { format_time, job_percent } from "./format.js";

export function status_badge(status) {
  const badge = document.createElement("span");
  badge.className = `status status-${status}`;
  badge.textContent = status;
  return badge;
}

// Sets a <progress> element to the job's percentage (indeterminate when it reported none).
export function set_progress(bar, job) {
  const percent = job_percent(job);
  if (percent === null) {
    bar.removeAttribute("value");
    bar.removeAttribute("aria-valuenow");
    bar.setAttribute("aria-valuetext", job.status);
  } else {
    bar.value = percent;
    bar.setAttribute("aria-valuenow", String(percent));
    const message = job.progress?.message ? `, ${job.progress.message}` : "";
    bar.setAttribute("aria-valuetext", `${percent} %${message}`);
  }
}

export class JobsTable {
  // actions: {open(id), cancel(id)}.
  constructor(tbody, actions) {
    this.tbody = tbody;
    this.actions = actions;
    this.rows = new Map();
    this.selected = null;
  }

  #row_for(job) {
    let row = this.rows.get(job.id);
    if (row) return row;
    const tr = document.createElement("tr");
    tr.dataset.jobId = job.id;
    const id_cell = document.createElement("td");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "link mono";
    open.textContent = job.id.slice(0, 10);
    open.title = `Details of job ${job.id}`;
    open.setAttribute("aria-label", `Details of job ${job.id}`);
    open.addEventListener("click", () => this.actions.open(job.id));
    id_cell.append(open);
    const queue = document.createElement("td");
    const state = document.createElement("td");
    state.className = "state";
    const progress_cell = document.createElement("td");
    progress_cell.className = "progress-cell";
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.setAttribute("aria-label", `Progress of job ${job.id}`);
    const note = document.createElement("span");
    note.className = "muted percent";
    progress_cell.append(bar, " ", note);
    const created = document.createElement("td");
    const action_cell = document.createElement("td");
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    cancel.setAttribute("aria-label", `Cancel job ${job.id}`);
    cancel.addEventListener("click", () => this.actions.cancel(job.id));
    action_cell.append(cancel);
    tr.append(id_cell, queue, state, progress_cell, created, action_cell);
    row = { tr, queue, state, bar, note, created, cancel };
    this.rows.set(job.id, row);
    return row;
  }

  // Shows `jobs` (already filtered and ordered) and nothing else.
  show(jobs) {
    const wanted = new Set(jobs.map((j) => j.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    let previous = null;
    for (const job of jobs) {
      const row = this.#row_for(job);
      row.queue.textContent = job.queue;
      if (row.state.dataset.status !== job.status) {
        row.state.dataset.status = job.status;
        row.state.replaceChildren(status_badge(job.status));
      }
      set_progress(row.bar, job);
      const percent = job_percent(job);
      row.note.textContent = percent === null ? "" : `${percent} %`;
      row.created.textContent = format_time(job.created_at);
      row.cancel.disabled = TERMINAL.has(job.status) || job.cancel_requested === true;
      row.tr.classList.toggle("selected", job.id === this.selected);
      const expected_position = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected_position !== row.tr) {
        if (previous) previous.after(row.tr);
        else this.tbody.prepend(row.tr);
      }
      previous = row.tr;
    }
  }
}
