// The state changes of each job as this page saw them. A status document tells when the job was
// created, when its latest attempt started and when it finished; the live events add every change in
// between (a failed attempt back to queued, the retry running), so the timeline holds both, by time.

export class JobTimelines {
  constructor() {
    this.entries = new Map();  // job id -> [{at: Date, text}]
    this.last_status = new Map();
  }

  // Records what changed in `job` since the last document of the same job.
  observe(job) {
    const list = this.entries.get(job.id) ?? [];
    if (!this.entries.has(job.id)) {
      this.entries.set(job.id, list);
      if (job.created_at) list.push({ at: new Date(job.created_at), text: "created (queued)" });
      if (job.started_at && job.status !== "running") {
        list.push({ at: new Date(job.started_at), text: `running (attempt ${job.attempt} of ${job.max_attempts})` });
      }
    }
    const now = new Date(job.updated_at ?? Date.now());
    const before = this.last_status.get(job.id);
    if (before !== job.status) {
      this.last_status.set(job.id, job.status);
      if (before !== undefined || job.status !== "queued") {
        const attempt = job.status === "running" ? ` (attempt ${job.attempt} of ${job.max_attempts})`
                      : job.status === "queued" && job.error ? ` again after a failed attempt: ${job.error.detail ?? job.error.title}`
                      : "";
        const at = job.status === "running" && job.started_at ? new Date(job.started_at)
                 : job.finished_at ? new Date(job.finished_at) : now;
        list.push({ at, text: `${job.status}${attempt}` });
      }
    }
    list.sort((a, b) => a.at - b.at);
  }

  forget(id) {
    this.entries.delete(id);
    this.last_status.delete(id);
  }

  of(id) {
    return this.entries.get(id) ?? [];
  }
}
