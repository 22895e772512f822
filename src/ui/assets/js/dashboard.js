// The dashboard (/ui/): queues with their counts and throughput, the jobs table kept live by the
// queue-wide event stream (polling the list when there is no stream), filters, and the detail view of
// one job with cancel and resubmit. The filters and the open job are kept in the page URL
// (?queue=&status=&job=), so a view can be bookmarked or shared.
import { cancel_job, fetch_payload, list_jobs, list_queues, submit_job } from "./api.js";
import { follow_job } from "./job_events.js";
import { JobDetail } from "./job_detail.js";
import { JobTimelines } from "./job_timeline.js";
import { JobsTable } from "./jobs_table.js";
import { LiveFeed } from "./live_feed.js";
import { render_queues } from "./queues_panel.js";
import { ThroughputHistory, draw_throughput } from "./throughput.js";

const SHOWN_JOBS = 100;
// Jobs kept in memory from the live stream; the oldest beyond this are forgotten (a busy server would
// otherwise grow the page without bound).
const KEPT_JOBS = 2000;
const QUEUES_EVERY_MS = 5000;
const QUEUES_AFTER_CHANGE_MS = 500;

const $ = (id) => document.getElementById(id);

const board = new Map();  // job id -> latest status document seen
const timelines = new JobTimelines();
const history = new ThroughputHistory();
const params = new URLSearchParams(location.search);
const filters = { queue: params.get("queue") ?? "", status: params.get("status") ?? "" };
let known_queues = [];
let render_pending = false;
let queues_timer = null;
let stop_detail = () => {};

const detail = new JobDetail($("detail"));
const table = new JobsTable($("jobs").querySelector("tbody"), { open: open_detail, cancel: cancel });

function newer(a, b) {
  return (a.updated_at ?? "") >= (b.updated_at ?? "");
}

function remember(job) {
  const had = board.get(job.id);
  if (!had || newer(job, had)) board.set(job.id, job);
  timelines.observe(board.get(job.id));
}

function matches(job) {
  return (!filters.queue || job.queue === filters.queue) && (!filters.status || job.status === filters.status);
}

function schedule_render() {
  if (render_pending) return;
  render_pending = true;
  requestAnimationFrame(() => {
    render_pending = false;
    const all = [...board.values()];
    all.sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id.localeCompare(a.id));
    for (const old of all.slice(KEPT_JOBS)) {
      if (old.id === detail.job_id) continue;
      board.delete(old.id);
      timelines.forget(old.id);
    }
    const jobs = all.filter(matches);
    table.selected = detail.job_id;
    table.show(jobs.slice(0, SHOWN_JOBS));
    $("jobs-empty").classList.toggle("hidden", jobs.length > 0);
    const open = detail.job_id && board.get(detail.job_id);
    if (open) detail.render(open, timelines.of(open.id));
  });
}

async function resync() {
  try {
    const page = await list_jobs({ ...filters, limit: SHOWN_JOBS });
    for (const [id, job] of board) {
      if (matches(job) && id !== detail.job_id) board.delete(id);
    }
    for (const job of page.jobs) remember(job);
    $("jobs-error").classList.add("hidden");
  } catch (error) {
    $("jobs-error").textContent = `Cannot list the jobs: ${error.message}`;
    $("jobs-error").classList.remove("hidden");
  }
  schedule_render();
}

function fill_queue_filter() {
  const select = $("filter-queue");
  const names = new Set(known_queues.map((q) => q.name));
  if (filters.queue) names.add(filters.queue);
  const options = [...names].sort().map((name) => new Option(name, name, false, name === filters.queue));
  select.replaceChildren(new Option("all queues", "", false, !filters.queue), ...options);
}

async function refresh_queues() {
  clearTimeout(queues_timer);
  try {
    known_queues = await list_queues();
    history.add(known_queues);
    render_queues($("queues").querySelector("tbody"), $("queues-empty"), known_queues, pick_queue);
    draw_throughput($("throughput"), history);
    fill_queue_filter();
  } catch (error) {
    $("queues-empty").textContent = `Cannot read the queues: ${error.message}`;
    $("queues-empty").classList.remove("hidden");
  }
  queues_timer = setTimeout(refresh_queues, QUEUES_EVERY_MS);
}

function queues_changed_soon() {
  clearTimeout(queues_timer);
  queues_timer = setTimeout(refresh_queues, QUEUES_AFTER_CHANGE_MS);
}

function save_url() {
  const next = new URLSearchParams();
  if (filters.queue) next.set("queue", filters.queue);
  if (filters.status) next.set("status", filters.status);
  if (detail.job_id) next.set("job", detail.job_id);
  const query = next.toString();
  history_replace(query ? `?${query}` : location.pathname);
}

function history_replace(url) {
  window.history.replaceState(null, "", url);
}

const feed = new LiveFeed({
  on_job(job, kind) {
    remember(job);
    schedule_render();
    if (kind !== "progress") queues_changed_soon();
  },
  on_resync: resync,
  on_mode(mode) {
    const live = $("live");
    live.dataset.mode = mode;
    live.textContent = { live: "live", polling: "polling (no event stream)", connecting: "connecting…" }[mode];
  },
});

function pick_queue(name) {
  filters.queue = name;
  $("filter-queue").value = name;
  fill_queue_filter();
  apply_filters();
}

function apply_filters() {
  save_url();
  feed.follow(filters.queue);
  schedule_render();
}

function open_detail(id) {
  stop_detail();
  detail.open({ id });
  save_url();
  $("layout").classList.add("with-detail");
  $("detail").focus();
  stop_detail = follow_job(id, {
    on_job(job) {
      remember(job);
      schedule_render();
    },
    on_error(text) {
      detail.message(`This job cannot be shown: ${text} (it may have expired).`, "error");
    },
  });
  schedule_render();
}

function close_detail() {
  const id = detail.job_id;
  stop_detail();
  stop_detail = () => {};
  detail.close();
  $("layout").classList.remove("with-detail");
  save_url();
  schedule_render();
  table.rows.get(id)?.tr.querySelector("button")?.focus();
}

async function cancel(id) {
  try {
    const { status, job } = await cancel_job(id);
    remember(job);
    schedule_render();
    if (detail.job_id === id) {
      detail.message(status === 202 ? "Cancel requested: the worker stops at its next heartbeat." : "Cancelled.");
    }
  } catch (error) {
    if (detail.job_id === id) detail.message(`Cannot cancel: ${error.message}`, "error");
    else $("jobs-error").textContent = `Cannot cancel job ${id}: ${error.message}`;
    $("jobs-error").classList.toggle("hidden", detail.job_id === id);
  }
}

// Submits the job's payload again to its queue, with its file name, priority and attempts.
async function resubmit(id) {
  const job = board.get(id);
  if (!job) return;
  try {
    const payload = await fetch_payload(id);
    const copy = await submit_job(job.queue, payload, payload.type, {
      filename: job.filename,
      priority: job.priority,
      max_attempts: job.max_attempts,
    });
    remember(copy);
    open_detail(copy.id);
    detail.message(`Resubmitted job ${id} as this new job.`, "ok");
  } catch (error) {
    detail.message(`Cannot resubmit: ${error.message}`, "error");
  }
}

$("filter-queue").addEventListener("change", (e) => {
  filters.queue = e.target.value;
  apply_filters();
});
$("filter-status").addEventListener("change", (e) => {
  filters.status = e.target.value;
  save_url();
  resync();
});
$("filter-status").value = filters.status;
$("detail-close").addEventListener("click", close_detail);
$("detail-cancel").addEventListener("click", () => cancel(detail.job_id));
$("detail-resubmit").addEventListener("click", () => resubmit(detail.job_id));
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && detail.job_id) close_detail();
});

fill_queue_filter();
refresh_queues();
feed.follow(filters.queue);
if (params.get("job")) open_detail(params.get("job"));
