// The team room: feed, hotline panes with unread counts, moves and their adjudication.
// Text being typed lives in form fields that no re-render touches, so it survives new traffic
// and reconnects. A fresh page shows the welcome's newest items; older ones load on scroll.
import { ExerciseSocket, GameClock } from "./socket.js";
import { EventList, el, feedItem, inPane, pageData, pauseFromEvent, showPause, verdictLabel } from "./render.js";

const app = document.getElementById("app");
const myTeam = app.dataset.team;
const teamNames = pageData("team-names");
const panes = pageData("panes");
const history = app.dataset.history;
const pausedBanner = app.querySelector("[data-paused]");
const turnLabel = document.querySelector("[data-turn]");
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");
const readKey = (hotline) => `wargame:${app.dataset.exercise}:${myTeam}:read:${hotline}`;
let frozen = false;

// Feed ---------------------------------------------------------------------------------------------
const feed = new EventList({ list: app.querySelector("[data-feed]"), pane: "feed", history, render: (e) => feedItem(e, clock, teamNames) });

// Hotlines: one pane each, oldest message at the top ----------------------------------------------
const delivered = new Set(); // seqs of in-transit messages that have since been delivered
const lines = new Map(); // hotline id -> {pane, list, badge, unread}
for (const pane of app.querySelectorAll("[data-hotline]")) {
  const id = pane.dataset.hotline;
  const line = { pane, badge: pane.querySelector("[data-unread]"), unread: 0, capped: false };
  line.list = new EventList({
    list: pane.querySelector("[data-messages]"), pane: `hotline:${id}`, history, newestFirst: false,
    render: (event) => messageItem(line, event),
  });
  lines.set(id, line);
  const markRead = () => {
    setUnread(line, 0);
    if (line.list.newest) localStorage.setItem(readKey(id), String(line.list.newest));
  };
  pane.addEventListener("focusin", markRead);
  pane.addEventListener("click", markRead);
}

function messageItem(line, event) {
  if (event.data.queued_seq) { delivered.add(event.data.queued_seq); line.list.remove(event.data.queued_seq); }
  if (event.type === "hotline.message_queued" && delivered.has(event.seq)) return null;
  const item = feedItem(event, clock, teamNames);
  if (event.data.from_team === myTeam) item.classList.add("mine");
  return item;
}

// Unread: messages from other teams after the last one this browser saw in the pane, while
// the reader is not looking at it. When the welcome's window starts after the last one seen,
// older messages may be unread too: the count shows "+".
function countUnread(line, events, more) {
  if (line.pane.contains(document.activeElement)) return;
  const read = Number(localStorage.getItem(readKey(line.pane.dataset.hotline)) || 0);
  const fresh = events.filter((e) => e.type === "hotline.message" && e.data.from_team !== myTeam && e.seq > read);
  if (!fresh.length) return;
  line.capped = line.capped || (more && read < events[0].seq);
  setUnread(line, line.unread + fresh.length);
}
function setUnread(line, count) {
  line.unread = count;
  if (!count) line.capped = false;
  line.badge.textContent = `${count}${line.capped ? "+" : ""}`;
  line.badge.hidden = count === 0;
}

function setLineDown(hotline, down) {
  const line = lines.get(hotline);
  if (!line) return;
  line.pane.dataset.down = String(down);
  line.pane.querySelector("[data-line-down]").hidden = !down;
  updateSendButtons();
}
function updateSendButtons() {
  for (const { pane } of lines.values()) {
    const button = pane.querySelector("button[type=submit]");
    button.disabled = frozen || pane.dataset.down === "true";
    button.title = frozen ? "Hotlines are frozen during the pause" : pane.dataset.down === "true" ? "This hotline is down" : "";
  }
}

// Our moves, newest first, each with its adjudication -------------------------------------------
const verdicts = new Map(); // move seq -> its move.adjudicated event (seen before the move)
const moves = new EventList({ list: app.querySelector("[data-moves]"), pane: "moves", history, render: moveItem });
function moveItem(event) {
  if (event.type === "move.adjudicated") {
    verdicts.set(event.data.move, event);
    const item = moves.get(event.data.move);
    if (item) showVerdict(item, event);
    return null;
  }
  const item = feedItem(event, clock, teamNames);
  item.dataset.move = String(event.seq);
  item.append(el("p", { class: "status pending", "data-status": "pending", text: verdictLabel("pending") }));
  if (verdicts.has(event.seq)) showVerdict(item, verdicts.get(event.seq));
  return item;
}
function showVerdict(item, event) {
  const status = item.querySelector("[data-status]");
  status.className = `status verdict-${event.data.verdict}`;
  status.dataset.status = event.data.verdict;
  status.textContent = `${verdictLabel(event.data.verdict)}: ${event.data.outcome}`;
}

// State from the welcome and from events -----------------------------------------------------------
function showTurn(turn) {
  turnLabel.hidden = !turn;
  if (turn) turnLabel.textContent = turn.title;
}
function react(event) {
  clock.fromEvent(event);
  if (event.type === "clock.paused" || event.type === "clock.resumed") {
    const pause = pauseFromEvent(event);
    showPause(pausedBanner, pause);
    frozen = Boolean(pause && pause.hotlines_frozen);
    updateSendButtons();
  }
  if (event.type === "turn.advanced") showTurn(event.data);
  if (event.type === "hotline.cut" || event.type === "hotline.restored") setLineDown(event.data.hotline, event.type === "hotline.cut");
}

// A batch of events (oldest first): state first, then each pane's share in one insertion.
function onEvents(events) {
  for (const event of events) react(event);
  feed.add(events.filter((e) => inPane(panes, "feed", e)));
  for (const [id, line] of lines) {
    const mine = events.filter((e) => inPane(panes, "hotline", e, id));
    if (!mine.length) continue;
    line.list.add(mine);
    countUnread(line, mine, false);
  }
  moves.add(events.filter((e) => inPane(panes, "moves", e, myTeam)));
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w, fresh) => {
    clock.fromWelcome(w.state.clock, w.state.status);
    showPause(pausedBanner, w.state.pause);
    frozen = Boolean(w.state.pause && w.state.pause.hotlines_frozen);
    for (const line of w.state.hotlines) setLineDown(line.id, line.cut);
    showTurn(w.state.turn);
    if (!fresh) return; // resumed: what was missed follows as events
    feed.fill(w.recent.feed);
    for (const [id, line] of lines) {
      const window = w.recent[`hotline:${id}`];
      line.list.fill(window);
      countUnread(line, window.events, window.more);
    }
    moves.fill(w.recent.moves);
  },
  onEvents,
  onStatus: (text, state) => { conn.textContent = text; conn.dataset.state = state; },
}, { seatCheck: `${history}?limit=1` });
window.wargameSocket = socket;

function wire(form, type, data, after) {
  const error = form.querySelector("[data-form-error]");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    try { await socket.send(type, data()); after(); }
    catch (err) { error.textContent = err.message; }
  });
}
for (const form of app.querySelectorAll("[data-hotline-form]")) {
  const text = form.querySelector("textarea");
  wire(form, "hotline.send", () => ({ hotline: form.dataset.hotlineForm, text: text.value }), () => { text.value = ""; });
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit(); });
}
const moveForm = app.querySelector("[data-move-form]");
wire(moveForm, "move.submit", () => {
  const data = { text: moveForm.text.value, category: moveForm.category.value };
  if (moveForm.target.value) data.target = moveForm.target.value;
  return data;
}, () => { moveForm.text.value = ""; });
