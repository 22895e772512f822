// The queues table: counts by state, the age of the oldest waiting job and the recent throughput.
import { STATES } from "./api.js";
import { format_age } from "./format.js";

function cell(text, numeric = true) {
  const td = document.createElement("td");
  if (numeric) td.className = "num";
  td.textContent = text;
  return td;
}

// Fills `tbody` with `queues`; clicking a queue's name calls on_pick(name).
export function render_queues(tbody, empty_note, queues, on_pick) {
  const rows = queues.map((q) => {
    const tr = document.createElement("tr");
    tr.dataset.queue = q.name;
    const name = document.createElement("th");
    name.scope = "row";
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "link";
    pick.textContent = q.name;
    pick.title = `Show the jobs of queue ${q.name}`;
    pick.addEventListener("click", () => on_pick(q.name));
    name.append(pick);
    tr.append(name);
    for (const state of STATES) {
      const td = cell(String(q.counts?.[state] ?? 0));
      td.dataset.state = state;
      tr.append(td);
    }
    tr.append(cell(format_age(q.oldest_queued_age_seconds)), cell(String(q.finished_last_minute ?? 0)));
    return tr;
  });
  tbody.replaceChildren(...rows);
  empty_note.classList.toggle("hidden", queues.length > 0);
}
