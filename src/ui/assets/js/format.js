// Formatting for people: sizes, percentages, times, durations.

export function format_bytes(n) {
  if (!Number.isFinite(n)) return "?";
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

// The job's progress as a whole percentage 0..100, or null when it reported none.
export function job_percent(job) {
  if (job?.status === "succeeded") return 100;
  const p = job?.progress;
  if (!p) return null;
  if (Number.isFinite(p.percent)) return Math.max(0, Math.min(100, Math.round(p.percent)));
  if (Number.isFinite(p.current) && Number.isFinite(p.total) && p.total > 0) {
    return Math.max(0, Math.min(100, Math.round((100 * p.current) / p.total)));
  }
  return null;
}

export function format_time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

export function format_age(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

// The problem object of a status document (`error`) as one line: "title: detail".
export function error_text(error) {
  if (!error) return "";
  return [error.title, error.detail].filter(Boolean).join(": ");
}
