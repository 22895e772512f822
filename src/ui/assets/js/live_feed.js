// Live changes of the jobs of one queue, or of every queue: the queue-wide Server-Sent Events
// (GET /v1/queues/{queue}/events, GET /v1/events; `created`, `status`, `progress`, each with the job's
// status document). The stream has no snapshot and no resumption, so the page lists the jobs again
// (`on_resync`) every time the stream (re)opens. When the stream cannot be had at all (an older server,
// a proxy that buffers), the feed falls back to calling `on_resync` every few seconds, and tries the
// stream again now and then.

const POLL_MS = 2000;
const RETRY_STREAM_MS = 30000;

export class LiveFeed {
  // on_job(job, kind), on_resync(), on_mode("connecting" | "live" | "polling").
  constructor({ on_job, on_resync, on_mode }) {
    this.on_job = on_job;
    this.on_resync = on_resync;
    this.on_mode = on_mode;
    this.source = null;
    this.poll_timer = null;
    this.retry_timer = null;
  }

  // Follows `queue` ("" for every queue), replacing what was followed before.
  follow(queue) {
    this.stop();
    this.queue = queue;
    this.#open_stream();
  }

  stop() {
    this.source?.close();
    this.source = null;
    clearInterval(this.poll_timer);
    clearTimeout(this.retry_timer);
    this.poll_timer = null;
    this.retry_timer = null;
  }

  #open_stream() {
    const url = this.queue ? `/v1/queues/${encodeURIComponent(this.queue)}/events` : "/v1/events";
    const source = new EventSource(url);
    this.source = source;
    this.on_mode("connecting");
    source.addEventListener("open", () => {
      this.#stop_polling();
      this.on_mode("live");
      this.on_resync();
    });
    for (const kind of ["created", "status", "progress"]) {
      source.addEventListener(kind, (event) => this.on_job(JSON.parse(event.data), kind));
    }
    source.addEventListener("error", () => {
      // CONNECTING: the browser reconnects by itself and "open" resyncs. CLOSED: it gave up.
      if (source.readyState === EventSource.CLOSED && this.source === source) this.#start_polling();
      else this.on_mode("connecting");
    });
  }

  #start_polling() {
    this.source = null;
    this.on_mode("polling");
    this.on_resync();
    this.poll_timer = setInterval(() => this.on_resync(), POLL_MS);
    this.retry_timer = setTimeout(() => {
      this.#stop_polling();
      this.#open_stream();
    }, RETRY_STREAM_MS);
  }

  #stop_polling() {
    clearInterval(this.poll_timer);
    clearTimeout(this.retry_timer);
    this.poll_timer = null;
    this.retry_timer = null;
  }
}
