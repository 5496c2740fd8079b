// The facilitator console (white cell): clock, moves, presence, injects, the MSEL, the
// adjudication queue, hotline control and notes. State-derived panels are rebuilt from each
// welcome; event-derived ones grow from the event stream (replayed in full on page load).
import { ExerciseSocket, GameClock } from "./socket.js";
import { el, feedItem, formatDue, pauseFromEvent, showPause, verdictLabel } from "./render.js";

const app = document.getElementById("app");
const $ = (selector) => app.querySelector(selector);
const teamNames = JSON.parse(document.getElementById("team-names").textContent);
const verdicts = JSON.parse(document.getElementById("verdicts").textContent);
const limits = JSON.parse(document.getElementById("limits").textContent);
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");
const turnLabel = document.querySelector("[data-turn]");
const feed = $("[data-feed]");
const errors = $("[data-error]");
const msel = new Map(); // inject id -> entry from the welcome, kept current by events
let turns = [];
let turn = null;
let hotlines = [];

async function command(type, data) {
  errors.textContent = "";
  try { return await socket.send(type, data); }
  catch (err) { errors.textContent = `${type}: ${err.message} (${err.code})`; return null; }
}

// Clock and moves ---------------------------------------------------------------------------------
$("[data-clock-start]").addEventListener("click", () => command("clock.start", {}));
$("[data-clock-resume]").addEventListener("click", () => command("clock.resume", {}));
const pauseForm = $("[data-pause-form]");
pauseForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const data = { reason: pauseForm.reason.value, freeze_hotlines: pauseForm.freeze_hotlines.checked };
  if (pauseForm.max_minutes.value) data.max_minutes = Number(pauseForm.max_minutes.value);
  if (await command("clock.pause", data)) pauseForm.reset();
});
const compressionForm = $("[data-compression-form]");
compressionForm.addEventListener("submit", (e) => {
  e.preventDefault();
  command("clock.set_compression", { compression: Number(compressionForm.compression.value) });
});
$("[data-turn-advance]")?.addEventListener("click", () => command("turn.advance", {}));
function showTurn() {
  turnLabel.hidden = !turn;
  if (turn) turnLabel.textContent = turn.title;
  const next = turns[turn ? turn.index + 1 : 0];
  const hint = $("[data-next-turn]");
  if (hint) hint.textContent = next ? `Next: ${next.title}` : "This is the last move.";
  const button = $("[data-turn-advance]");
  if (button) button.disabled = !next;
}

// Presence ----------------------------------------------------------------------------------------
function showPresence(online) {
  for (const row of app.querySelectorAll("[data-team-row]")) {
    const here = online.filter((p) => p.team === row.dataset.teamRow);
    row.querySelector("[data-online-count]").textContent = String(here.length);
    row.querySelector("[data-online]").textContent = here.map((p) => p.name).join(", ");
  }
  $("[data-control-online]").textContent = online.filter((p) => !p.team).map((p) => `${p.name} (${p.role})`).join(", ") || "nobody";
}

// Injects -----------------------------------------------------------------------------------------
const injectForm = $("[data-inject-form]");
injectForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const chosen = [...injectForm.querySelectorAll("input[name=to]:checked")].map((c) => c.value);
  const to = chosen.includes("all") || chosen.length === 0 ? "all" : chosen;
  const data = { to, title: injectForm.title.value, body: injectForm.body.value, method: injectForm.method.value };
  if (injectForm.from.value.trim()) data.from = injectForm.from.value;
  if (await command("inject.send", data)) { injectForm.title.value = ""; injectForm.body.value = ""; }
});

// MSEL --------------------------------------------------------------------------------------------
function mselRow(entry) {
  const open = entry.state === "scheduled" || entry.state === "held";
  const actions = el("td", { class: "actions" });
  if (open) {
    const button = (label, type) => {
      const b = el("button", { type: "button", class: "small", text: label });
      b.addEventListener("click", () => command(type, { inject: entry.id }));
      return b;
    };
    actions.append(button("Release now", "msel.release"));
    if (entry.state === "scheduled") actions.append(button("Hold", "msel.hold"));
    actions.append(button("Skip", "msel.skip"));
    const edit = el("form", { class: "edit" },
      el("label", { text: "Title" }), el("input", { name: "title", maxlength: limits.title, value: entry.title }),
      el("label", { text: "Body" }), el("textarea", { name: "body", rows: 4, maxlength: limits.text }),
      el("button", { type: "submit", class: "small", text: "Save edit" }));
    edit.body.value = entry.body;
    edit.addEventListener("submit", (e) => {
      e.preventDefault();
      const changes = {};
      if (edit.title.value !== entry.title) changes.title = edit.title.value;
      if (edit.body.value !== entry.body) changes.body = edit.body.value;
      command("msel.edit", { inject: entry.id, ...changes });
    });
    actions.append(el("details", {}, el("summary", { text: "Edit" }), edit));
  }
  const to = Array.isArray(entry.to) ? entry.to.join(", ") : entry.to;
  return el("tr", { "data-inject": entry.id, "data-state": entry.state },
    el("td", { text: entry.id }), el("td", { text: formatDue(entry.at) }), el("td", { text: to }),
    el("td", {}, el("strong", { text: entry.title }), entry.edited ? el("span", { class: "muted", text: " (edited)" }) : null,
      el("div", { class: "muted small", text: `${entry.method} · ${entry.from}` }),
      entry.expected_action ? el("div", { class: "small", text: `Expected: ${entry.expected_action}` }) : null),
    el("td", { class: `state state-${entry.state}`, text: entry.state }),
    actions);
}
function renderMsel() { $("[data-msel]").replaceChildren(...[...msel.values()].map(mselRow)); }
function updateMsel(id, changes) {
  const entry = msel.get(id);
  if (!entry) return;
  Object.assign(entry, changes);
  $(`[data-msel] [data-inject="${CSS.escape(id)}"]`)?.replaceWith(mselRow(entry));
}

// Adjudication queue ------------------------------------------------------------------------------
function queueItem(event) {
  const form = el("form", { class: "adjudicate" },
    el("label", { text: "Verdict" }),
    el("select", { name: "verdict" }, ...verdicts.map((v) => el("option", { value: v, text: verdictLabel(v) }))),
    el("label", { text: "Outcome (goes back to the team)" }),
    el("textarea", { name: "outcome", rows: 2, maxlength: limits.text, required: true }),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "publish" }), " Tell everyone"),
    el("button", { type: "submit", class: "small", text: "Adjudicate" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    command("move.adjudicate", { move: event.seq, verdict: form.verdict.value, outcome: form.outcome.value, publish: form.publish.checked });
  });
  const item = feedItem(event, clock, teamNames);
  item.dataset.move = String(event.seq);
  item.append(form);
  return item;
}
function updateQueueCount() {
  const n = $("[data-queue]").children.length;
  const badge = $("[data-queue-count]");
  badge.hidden = n === 0;
  badge.textContent = String(n);
  $("[data-queue-empty]").hidden = n > 0;
}

// Hotlines ----------------------------------------------------------------------------------------
function hotlineControls() {
  $("[data-hotline-controls]").replaceChildren(...hotlines.map((line) => {
    const toggle = el("button", { type: "button", class: "small", text: line.cut ? "Restore" : "Cut" });
    toggle.addEventListener("click", () => command(line.cut ? "hotline.restore" : "hotline.cut", { hotline: line.id }));
    const [min, max] = limits.delay_minutes;
    const delay = el("form", { class: "inline" },
      el("input", { name: "minutes", type: "number", min, max, value: line.delay, "aria-label": `Delay on ${line.name}, game minutes`, class: "narrow-input" }),
      el("button", { type: "submit", class: "small", text: "Set delay" }));
    delay.addEventListener("submit", (e) => { e.preventDefault(); command("hotline.delay", { hotline: line.id, minutes: Number(delay.minutes.value) }); });
    const status = `${line.cut ? "down" : "up"}${line.delay ? ` · delay ${line.delay} min` : ""}`;
    return el("tr", { "data-hotline-control": line.id },
      el("td", {}, el("strong", { text: line.name }), el("div", { class: "muted small", text: line.members.join(", ") })),
      el("td", { class: line.cut ? "state-down" : "", text: status }),
      el("td", {}, toggle, delay));
  }));
}
function updateHotline(id, changes) {
  const line = hotlines.find((h) => h.id === id);
  if (line) { Object.assign(line, changes); hotlineControls(); }
}
function leakForm(event) {
  const form = el("form", { class: "inline leak" },
    el("select", { name: "to", "aria-label": "Leak to" }, el("option", { value: "all", text: "everyone" }),
      ...Object.entries(teamNames).map(([id, name]) => el("option", { value: id, text: name }))),
    el("button", { type: "submit", class: "small", text: "Leak" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    command("hotline.leak", { seq: event.seq, to: form.to.value === "all" ? "all" : [form.to.value] });
  });
  return form;
}
const filter = $("[data-hotline-filter]");
filter.addEventListener("change", () => {
  for (const item of $("[data-hotline-traffic]").children) item.hidden = Boolean(filter.value) && item.dataset.hotline !== filter.value;
});

// Events ------------------------------------------------------------------------------------------
function onEvent(event) {
  clock.fromEvent(event);
  const d = event.data;
  if (event.type === "clock.paused" || event.type === "clock.resumed") showPause($("[data-paused]"), pauseFromEvent(event));
  if (event.type === "turn.advanced") { turn = d; showTurn(); }
  if (event.type === "inject.delivered" && d.msel_id) updateMsel(d.msel_id, { state: "released" });
  if (event.type === "msel.held") updateMsel(d.inject, { state: "held" });
  if (event.type === "msel.skipped") updateMsel(d.inject, { state: "skipped" });
  if (event.type === "msel.edited") updateMsel(d.inject, { ...d.changes, edited: true });
  if (event.type === "hotline.cut" || event.type === "hotline.restored") updateHotline(d.hotline, { cut: event.type === "hotline.cut" });
  if (event.type === "hotline.delay_set") updateHotline(d.hotline, { delay: d.minutes });
  if (event.type === "move.submitted") { $("[data-queue]").append(queueItem(event)); updateQueueCount(); }
  if (event.type === "move.adjudicated") { $(`[data-queue] [data-move="${d.move}"]`)?.remove(); updateQueueCount(); }
  if (event.type === "note.added") $("[data-notes]").prepend(feedItem(event, clock, teamNames));
  if (event.type === "hotline.message" || event.type === "hotline.message_queued") {
    const item = feedItem(event, clock, teamNames);
    item.dataset.hotline = d.hotline;
    item.hidden = Boolean(filter.value) && filter.value !== d.hotline;
    if (event.type === "hotline.message") item.append(leakForm(event));
    $("[data-hotline-traffic]").prepend(item);
  }
  feed.prepend(feedItem(event, clock, teamNames));
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w) => {
    const s = w.state;
    clock.fromWelcome(s.clock, s.status);
    showPause($("[data-paused]"), s.pause);
    msel.clear();
    for (const entry of s.msel) msel.set(entry.id, entry);
    renderMsel();
    hotlines = s.hotlines;
    hotlineControls();
    turns = s.moves;
    turn = s.turn;
    showTurn();
    showPresence(s.online);
    updateQueueCount();
  },
  onEvent,
  onFrame: (frame) => { if (frame.type === "presence") showPresence(frame.online); },
  onStatus: (text, state) => { conn.textContent = text; conn.dataset.state = state; },
  onError: (frame) => { errors.textContent = `${frame.code}: ${frame.message}`; },
});
window.wargameSocket = socket;

const noteForm = $("[data-note-form]");
noteForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (await command("note.add", { text: noteForm.text.value, tag: noteForm.tag.value })) noteForm.text.value = "";
});
