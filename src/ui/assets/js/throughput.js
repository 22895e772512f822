// Throughput over the last minutes: the page samples the queues' `finished_last_minute` (jobs that
// finished in the minute before the sample) and draws the samples as a small SVG line chart. The
// history is what this page has seen since it was opened, up to WINDOW_MS.

const WINDOW_MS = 10 * 60 * 1000;
const SVG_NS = "http://www.w3.org/2000/svg";

export class ThroughputHistory {
  constructor() {
    this.samples = [];  // [{at: ms, per_minute}]
  }

  add(queues, at = Date.now()) {
    const per_minute = queues.reduce((sum, q) => sum + (q.finished_last_minute ?? 0), 0);
    this.samples.push({ at, per_minute });
    while (this.samples.length > 0 && this.samples[0].at < at - WINDOW_MS) this.samples.shift();
  }
}

function svg(name, attributes) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

// Draws `history` into the <svg> `target` and describes it in its aria-label.
export function draw_throughput(target, history) {
  // Drawn at the element's own size, so the chart fills its width without stretching the text.
  const width = Math.max(200, Math.round(target.clientWidth || 600));
  const height = 110;
  const pad = { left: 34, right: 8, top: 8, bottom: 18 };
  target.setAttribute("viewBox", `0 0 ${width} ${height}`);
  target.replaceChildren();
  const samples = history.samples;
  const now = samples.length > 0 ? samples[samples.length - 1].at : Date.now();
  const start = now - WINDOW_MS;
  const max = Math.max(1, ...samples.map((s) => s.per_minute));
  const x = (at) => pad.left + ((at - start) / WINDOW_MS) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);

  target.append(svg("line", { class: "axis", x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0) }));
  target.append(svg("line", { class: "axis", x1: pad.left, y1: pad.top, x2: pad.left, y2: y(0) }));
  const top_label = svg("text", { x: pad.left - 4, y: pad.top + 8, "text-anchor": "end" });
  top_label.textContent = String(max);
  const zero_label = svg("text", { x: pad.left - 4, y: y(0), "text-anchor": "end" });
  zero_label.textContent = "0";
  const left_label = svg("text", { x: pad.left, y: height - 4 });
  left_label.textContent = "−10 min";
  const right_label = svg("text", { x: width - pad.right, y: height - 4, "text-anchor": "end" });
  right_label.textContent = "now";
  target.append(top_label, zero_label, left_label, right_label);

  if (samples.length > 0) {
    const points = samples.map((s) => `${x(s.at).toFixed(1)},${y(s.per_minute).toFixed(1)}`);
    const first = x(samples[0].at).toFixed(1);
    const last = x(samples[samples.length - 1].at).toFixed(1);
    target.append(svg("polygon", { class: "area", points: `${first},${y(0)} ${points.join(" ")} ${last},${y(0)}` }));
    target.append(svg("polyline", { class: "line", points: points.join(" ") }));
  }
  const latest = samples.length > 0 ? samples[samples.length - 1].per_minute : 0;
  target.setAttribute("aria-label",
                      `Jobs finished per minute over the last 10 minutes; now ${latest}, highest ${max}`);
}
