// The facilitator console (white cell): clock, moves, presence, injects, the MSEL, the
// adjudication queue, hotline control and notes. State-derived panels (MSEL, hotlines, queue,
// presence) are rebuilt from each welcome; the lists (all traffic, hotline traffic, notes)
// start from the fresh welcome's newest items, grow with live events, and load older items
// on scroll. A rebuilt MSEL or hotline row keeps what the facilitator was typing in the row
// it replaces (keepTyping), and the clock buttons follow the exercise's status.
import { ExerciseSocket, GameClock } from "./socket.js";
import { EventList, METHOD_LABELS, el, feedItem, formatDue, inPane, pageData, pauseFromEvent, showPause, verdictLabel } from "./render.js";

const app = document.getElementById("app");
const $ = (selector) => app.querySelector(selector);
const teamNames = pageData("team-names");
const verdicts = pageData("verdicts");
const panes = pageData("panes");
const limits = pageData("limits");
const history = app.dataset.history;
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");
const turnLabel = document.querySelector("[data-turn]");
const errors = $("[data-error]");
// An observer's console (data-read-only) has no forms and draws no command buttons; the server
// refuses an observer's commands in any case.
const readOnly = app.hasAttribute("data-read-only");
let turns = [];
let turn = null;
let hotlines = [];
let status = "setup"; // the exercise's: "setup" | "running" | "paused"

// What each command does, in words, for its errors: "Could not start the clock: the exercise
// is already running." (a test checks every facilitator command has an entry).
const DOING = {
  "clock.start": () => "start the clock",
  "clock.pause": () => "pause the game",
  "clock.resume": () => "resume the game",
  "clock.set_compression": () => "change the time compression",
  "turn.advance": () => "advance to the next move",
  "inject.send": () => "send the inject",
  "msel.release": (d) => `release ${d.inject}`,
  "msel.hold": (d) => `hold ${d.inject}`,
  "msel.skip": (d) => `skip ${d.inject}`,
  "msel.unskip": (d) => `unskip ${d.inject}`,
  "msel.edit": (d) => `save the edit of ${d.inject}`,
  "hotline.delay": (d) => `set the delay on ${hotlineName(d.hotline)}`,
  "hotline.cut": (d) => `cut ${hotlineName(d.hotline)}`,
  "hotline.restore": (d) => `restore ${hotlineName(d.hotline)}`,
  "hotline.leak": () => "leak the message",
  "move.adjudicate": () => "adjudicate the move",
  "note.add": () => "add the note",
};
const hotlineName = (id) => hotlines.find((h) => h.id === id)?.name || `hotline ${id}`;

// An error in words for people: what could not be done, then the server's reason without the
// command's name it starts with; the code stays a small detail.
function showError(message, code) {
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
  errors.replaceChildren(el("span", { "data-error-text": "", text: sentence }),
    code ? el("span", { class: "muted small", "data-error-code": "", text: ` (${code})` }) : null);
}
function reason(type, message) {
  const text = String(message || "");
  return type && text.startsWith(`${type}: `) ? text.slice(type.length + 2) : text;
}
async function command(type, data) {
  errors.replaceChildren();
  try { return await socket.send(type, data); }
  catch (err) {
    const doing = DOING[type] ? DOING[type](data) : `do ${type}`;
    showError(`Could not ${doing}: ${reason(type, err.message)}`, err.code);
    return null;
  }
}

// Clock and moves: Start only in setup, Pause only while running, Resume only when paused.
function showClockControls() {
  const allow = (button, on, why) => {
    if (!button) return;
    button.disabled = !on;
    button.title = on ? "" : why;
  };
  const said = { setup: "The clock has not started yet", running: "The clock is running", paused: "The game is paused" }[status];
  allow($("[data-clock-start]"), status === "setup", `${said}: Start is for an exercise in setup`);
  allow($("[data-clock-resume]"), status === "paused", `${said}: Resume is for a paused game`);
  allow($("[data-pause-form] button[type=submit]"), status === "running", `${said}: Pause is for a running game`);
}
$("[data-clock-start]")?.addEventListener("click", () => command("clock.start", {}));
$("[data-clock-resume]")?.addEventListener("click", () => command("clock.resume", {}));
const pauseForm = $("[data-pause-form]");
pauseForm?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const data = { reason: pauseForm.reason.value, freeze_hotlines: pauseForm.freeze_hotlines.checked };
  if (pauseForm.max_minutes.value) data.max_minutes = Number(pauseForm.max_minutes.value);
  if (await command("clock.pause", data)) pauseForm.reset();
});
const compressionForm = $("[data-compression-form]");
compressionForm?.addEventListener("submit", (e) => {
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
// The composer says, before sending, who will get the inject and as whom ("To Japan and
// China as PRC MFA, by diplomatic cable"), and after sending who got it; a sent inject resets
// the whole form, so the next one never goes to the last one's teams as its sender.
const injectForm = $("[data-inject-form]");
const injectPreview = $("[data-inject-preview]");
const injectSent = $("[data-inject-sent]");
const teamList = (ids) => {
  const names = ids.map((id) => teamNames[id] || id);
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
};
function injectDraft() {
  const teams = [...injectForm.querySelectorAll("input[name=to]:checked")].map((c) => c.value).filter((v) => v !== "all");
  const data = { to: teams.length ? teams : "all", title: injectForm.title.value, body: injectForm.body.value, method: injectForm.method.value };
  if (injectForm.from.value.trim()) data.from = injectForm.from.value;
  return data;
}
function injectRecipients(data) {
  const method = (METHOD_LABELS[data.method] || data.method).toLowerCase();
  return `${data.to === "all" ? "all teams" : teamList(data.to)} as ${data.from ? data.from.trim() : "White cell"}, by ${method}`;
}
function showInjectPreview() { injectPreview.textContent = `To ${injectRecipients(injectDraft())}`; }
injectForm?.addEventListener("change", (e) => {
  // "all teams" and single teams exclude each other; none chosen means all teams.
  if (e.target.name !== "to") return;
  const boxes = [...injectForm.querySelectorAll("input[name=to]")];
  const all = boxes.find((b) => b.value === "all");
  if (e.target === all && all.checked) for (const b of boxes) b.checked = b === all;
  else if (e.target !== all && e.target.checked) all.checked = false;
  if (!boxes.some((b) => b.checked)) all.checked = true;
});
for (const kind of ["input", "change"]) {
  injectForm?.addEventListener(kind, () => { injectSent.textContent = ""; showInjectPreview(); });
}
injectForm?.addEventListener("submit", async (e) => {
  e.preventDefault();
  injectSent.textContent = "";
  const data = injectDraft();
  if (!(await command("inject.send", data))) return;
  injectForm.reset();
  showInjectPreview();
  injectSent.textContent = `Sent to ${injectRecipients(data)}`;
});
if (injectForm) showInjectPreview();

// Rows rebuilt while the facilitator types ---------------------------------------------------------
// A row of the MSEL or the hotline controls is rebuilt when its state changes, and every row on
// each welcome. keepTyping(old, row) carries over what the facilitator did in the old row:
// the values of fields they typed into (data-typed, set on input), which <details> were open,
// and the focus with its caret, so a half-typed edit survives traffic and reconnects. It
// returns a function to call once the new row is in the document, which gives the focus back.
app.addEventListener("input", (e) => { if (e.target.name) e.target.dataset.typed = "true"; });
function keepTyping(old, row) {
  if (!old) return () => {};
  for (const details of old.querySelectorAll("details[data-keep]")) {
    const twin = row.querySelector(`details[data-keep="${details.dataset.keep}"]`);
    if (twin) twin.open = details.open;
  }
  for (const field of old.querySelectorAll("[data-typed]")) {
    const twin = row.querySelector(`[name="${field.name}"]`);
    if (twin) { twin.value = field.value; twin.dataset.typed = "true"; }
  }
  const active = old.contains(document.activeElement) ? document.activeElement : null;
  const twin = active && active.name ? row.querySelector(`[name="${active.name}"]`) : null;
  if (!twin) return () => {};
  let caret = null;
  try { caret = active.selectionStart === null ? null : [active.selectionStart, active.selectionEnd, active.selectionDirection]; } catch { caret = null; }
  return () => {
    twin.focus({ preventScroll: true });
    try { if (caret) twin.setSelectionRange(...caret); } catch { /* not a text field */ }
  };
}
// A field saved with its command takes the server's value from then on.
function doneTyping(row, ...names) {
  for (const name of names) { const field = row?.querySelector(`[name="${name}"]`); if (field) delete field.dataset.typed; }
}

// MSEL --------------------------------------------------------------------------------------------
// Skip asks first, in the row ("Skip INJ-03? Yes / No"); a skipped inject can be unskipped.
const msel = new Map(); // inject id -> {entry (from the welcome, kept current by events), row, confirmSkip}
function mselRow(entry, m) {
  const open = entry.state === "scheduled" || entry.state === "held";
  const actions = readOnly ? null : el("td", { class: "actions" });
  const button = (label, name, onClick, title) => {
    const b = el("button", { type: "button", class: "small", name, title, text: label });
    b.addEventListener("click", onClick);
    return b;
  };
  const send = (type) => () => command(type, { inject: entry.id });
  const asking = (on, focus) => () => { m.confirmSkip = on; updateMsel(entry.id, {}); m.row.querySelector(`[name="${focus}"]`)?.focus(); };
  if (!readOnly && open) {
    actions.append(button("Release now", "release", send("msel.release")));
    if (entry.state === "scheduled") actions.append(button("Hold", "hold", send("msel.hold")));
    if (m.confirmSkip) {
      actions.append(el("span", { class: "confirm", role: "group", "data-confirm": "skip" },
        el("span", { text: `Skip ${entry.id}? ` }),
        button("Yes, skip", "skip-yes", () => { m.confirmSkip = false; updateMsel(entry.id, {}); command("msel.skip", { inject: entry.id }); }),
        button("No", "skip-no", asking(false, "skip"))));
    } else {
      actions.append(button("Skip", "skip", asking(true, "skip-no")));
    }
    const edit = el("form", { class: "edit" },
      el("label", { text: "Title" }), el("input", { name: "title", maxlength: limits.title, value: entry.title }),
      el("label", { text: "Body" }), el("textarea", { name: "body", rows: 4, maxlength: limits.text }),
      el("button", { type: "submit", class: "small", text: "Save edit" }));
    edit.body.value = entry.body;
    edit.addEventListener("submit", async (e) => {
      e.preventDefault();
      const changes = {};
      if (edit.title.value !== entry.title) changes.title = edit.title.value;
      if (edit.body.value !== entry.body) changes.body = edit.body.value;
      if (!(await command("msel.edit", { inject: entry.id, ...changes }))) return;
      const current = msel.get(entry.id)?.row; // this row, or the one that replaced it
      doneTyping(current, "title", "body");
      const details = current?.querySelector("details[data-keep=edit]");
      if (details) details.open = false;
    });
    actions.append(el("details", { "data-keep": "edit" }, el("summary", { text: "Edit" }), edit));
  }
  if (!readOnly && entry.state === "skipped") {
    actions.append(button("Unskip", "unskip", send("msel.unskip"),
      "Schedule it again: the clock releases it at its time, or within a second if that time has passed"));
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
function showMsel(entries) {
  const before = new Map([...msel].map(([id, m]) => [id, m.row]));
  msel.clear();
  const refocus = [];
  for (const entry of entries) {
    const m = { entry, confirmSkip: false };
    m.row = mselRow(entry, m);
    refocus.push(keepTyping(before.get(entry.id), m.row));
    msel.set(entry.id, m);
  }
  $("[data-msel]").replaceChildren(...[...msel.values()].map((m) => m.row));
  for (const restore of refocus) restore();
}
function updateMsel(id, changes) {
  const found = msel.get(id);
  if (!found) return;
  Object.assign(found.entry, changes);
  if (found.entry.state !== "scheduled" && found.entry.state !== "held") found.confirmSkip = false;
  const row = mselRow(found.entry, found);
  const restore = keepTyping(found.row, row);
  found.row.replaceWith(row);
  found.row = row;
  restore();
}

// Adjudication queue: every move waiting, from the welcome's state, kept current by events -------
const queue = new Map(); // move seq -> item
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
  if (!readOnly) item.append(form);
  return item;
}
function showQueue(moves) {
  queue.clear();
  for (const event of moves) queue.set(event.seq, queueItem(event));
  $("[data-queue]").replaceChildren(...queue.values());
  updateQueueCount();
}
function updateQueue(event) {
  if (event.type === "move.submitted" && !queue.has(event.seq)) {
    const item = queueItem(event);
    queue.set(event.seq, item);
    $("[data-queue]").append(item);
  } else if (event.type === "move.adjudicated") {
    queue.get(event.data.move)?.remove();
    queue.delete(event.data.move);
  }
}
function updateQueueCount() {
  const badge = $("[data-queue-count]");
  badge.hidden = queue.size === 0;
  badge.textContent = String(queue.size);
  $("[data-queue-empty]").hidden = queue.size > 0;
}

// Hotlines ----------------------------------------------------------------------------------------
const hotlineRows = new Map(); // hotline id -> its row of controls
function hotlineRow(line) {
  const toggle = el("button", { type: "button", class: "small", name: "toggle", text: line.cut ? "Restore" : "Cut" });
  toggle.addEventListener("click", () => command(line.cut ? "hotline.restore" : "hotline.cut", { hotline: line.id }));
  const [min, max] = limits.delay_minutes;
  const delay = el("form", { class: "inline" },
    el("input", { name: "minutes", type: "number", min, max, value: line.delay, "aria-label": `Delay on ${line.name}, game minutes`, class: "narrow-input" }),
    el("button", { type: "submit", class: "small", text: "Set delay" }));
  delay.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (await command("hotline.delay", { hotline: line.id, minutes: Number(delay.minutes.value) })) doneTyping(hotlineRows.get(line.id), "minutes");
  });
  const state = `${line.cut ? "down" : "up"}${line.delay ? ` · delay ${line.delay} min` : ""}`;
  return el("tr", { "data-hotline-control": line.id },
    el("td", {}, el("strong", { text: line.name }), el("div", { class: "muted small", text: line.members.join(", ") })),
    el("td", { class: line.cut ? "state-down" : "", "data-hotline-status": "", text: state }),
    readOnly ? null : el("td", {}, toggle, delay));
}
function showHotlineRow(line) {
  const old = hotlineRows.get(line.id);
  const row = hotlineRow(line);
  const restore = keepTyping(old, row);
  hotlineRows.set(line.id, row);
  return { row, restore };
}
function hotlineControls() {
  const shown = hotlines.map(showHotlineRow);
  $("[data-hotline-controls]").replaceChildren(...shown.map((s) => s.row));
  for (const s of shown) s.restore();
}
function updateHotline(id, changes) {
  const line = hotlines.find((h) => h.id === id);
  if (!line) return;
  Object.assign(line, changes);
  const old = hotlineRows.get(id);
  const { row, restore } = showHotlineRow(line);
  old.replaceWith(row);
  restore();
}

// Hotline traffic: one list for all hotlines and, once the filter picks one, a list of its own
// (from the history endpoint), so each pages back through its own messages.
const trafficBox = $("[data-hotline-traffic]");
const traffic = new Map([["", new EventList({ list: trafficBox, pane: "traffic", history, render: trafficItem })]]);
function trafficItem(event) {
  const item = feedItem(event, clock, teamNames);
  item.dataset.hotline = event.data.hotline;
  if (event.type === "hotline.message" && !readOnly) item.append(el("button", { type: "button", class: "small", "data-leak": event.seq, text: "Leak…" }));
  return item;
}
const filter = $("[data-hotline-filter]");
filter.addEventListener("change", () => {
  if (!traffic.has(filter.value)) {
    const list = el("ol", { class: "feed", "data-hotline-traffic": filter.value });
    trafficBox.after(list);
    const pane = new EventList({ list, pane: `hotline:${filter.value}`, history, render: trafficItem });
    traffic.set(filter.value, pane);
    pane.start(socket.lastSeq + 1);
  }
  for (const [id, pane] of traffic) pane.list.hidden = id !== filter.value;
});
// One leak form for the whole console, moved under the message being leaked: a form and a
// select per message made every later insertion slower (docs/performance.md).
const leakForm = el("form", { class: "inline leak" },
  el("select", { name: "to", "aria-label": "Leak to" }, el("option", { value: "all", text: "everyone" }),
    ...Object.entries(teamNames).map(([id, name]) => el("option", { value: id, text: name }))),
  el("button", { type: "submit", class: "small", text: "Leak" }));
leakForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const to = leakForm.to.value === "all" ? "all" : [leakForm.to.value];
  if (await command("hotline.leak", { seq: Number(leakForm.dataset.seq), to })) leakForm.remove();
});
app.addEventListener("click", (e) => {
  const button = e.target.closest("[data-leak]");
  if (!button) return;
  if (leakForm.parentElement === button.parentElement) { leakForm.remove(); return; }
  leakForm.dataset.seq = button.dataset.leak;
  button.after(leakForm);
  leakForm.to.focus();
});

// Notes and all traffic -----------------------------------------------------------------------
const notes = new EventList({ list: $("[data-notes]"), pane: "notes", history, render: (e) => feedItem(e, clock, teamNames) });
const log = new EventList({ list: $("[data-feed]"), pane: "log", history, render: (e) => feedItem(e, clock, teamNames) });

// Events ------------------------------------------------------------------------------------------
function react(event) {
  clock.fromEvent(event);
  const d = event.data;
  if (event.type === "clock.paused" || event.type === "clock.resumed") showPause($("[data-paused]"), pauseFromEvent(event));
  if (event.type === "clock.started" || event.type === "clock.resumed") { status = "running"; showClockControls(); }
  if (event.type === "clock.paused") { status = "paused"; showClockControls(); }
  if (event.type === "turn.advanced") { turn = d; showTurn(); }
  if (event.type === "inject.delivered" && d.msel_id) updateMsel(d.msel_id, { state: "released" });
  if (event.type === "msel.held") updateMsel(d.inject, { state: "held" });
  if (event.type === "msel.skipped") updateMsel(d.inject, { state: "skipped" });
  if (event.type === "msel.unskipped") updateMsel(d.inject, { state: "scheduled" });
  if (event.type === "msel.edited") updateMsel(d.inject, { ...d.changes, edited: true });
  if (event.type === "hotline.cut" || event.type === "hotline.restored") updateHotline(d.hotline, { cut: event.type === "hotline.cut" });
  if (event.type === "hotline.delay_set") updateHotline(d.hotline, { delay: d.minutes });
  if (event.type === "move.submitted" || event.type === "move.adjudicated") updateQueue(event);
}

// A batch of events (oldest first): state first, then each list's share in one insertion.
function onEvents(events) {
  for (const event of events) react(event);
  updateQueueCount();
  log.add(events);
  notes.add(events.filter((e) => inPane(panes, "notes", e)));
  const messages = events.filter((e) => inPane(panes, "traffic", e));
  if (!messages.length) return;
  for (const [id, pane] of traffic) pane.add(id ? messages.filter((e) => inPane(panes, "hotline", e, id)) : messages);
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w, fresh) => {
    const s = w.state;
    clock.fromWelcome(s.clock, s.status);
    status = s.status;
    showClockControls();
    showPause($("[data-paused]"), s.pause);
    showMsel(s.msel);
    hotlines = s.hotlines;
    hotlineControls();
    turns = s.moves;
    turn = s.turn;
    showTurn();
    showPresence(s.online);
    showQueue(s.queue);
    if (!fresh) return; // resumed: what was missed follows as events
    log.fill(w.recent.log);
    traffic.get("").fill(w.recent.traffic);
    notes.fill(w.recent.notes);
  },
  onEvents,
  onFrame: (frame) => { if (frame.type === "presence") showPresence(frame.online); },
  onStatus: (text, state) => { conn.textContent = text; conn.dataset.state = state; },
  // An error answering no command of this page's: its reason, without a command's name.
  onError: (frame) => { showError(`The server refused a command: ${String(frame.message || "").replace(/^[a-z_]+\.[a-z_]+: /, "")}`, frame.code); },
}, { seatCheck: `${history}?limit=1` });
window.wargameSocket = socket;

const noteForm = $("[data-note-form]");
noteForm?.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (await command("note.add", { text: noteForm.text.value, tag: noteForm.tag.value })) noteForm.text.value = "";
});
