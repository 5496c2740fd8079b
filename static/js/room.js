// The team room: feed, hotline panes with unread counts, moves and their adjudication.
// Text being typed lives in form fields that no re-render touches, so it survives new traffic
// and reconnects.
import { ExerciseSocket, GameClock } from "./socket.js";
import { el, feedItem, pauseFromEvent, showPause, verdictLabel } from "./render.js";

const app = document.getElementById("app");
const myTeam = app.dataset.team;
const teamNames = JSON.parse(document.getElementById("team-names").textContent);
const feed = app.querySelector("[data-feed]");
const moves = app.querySelector("[data-moves]");
const pausedBanner = app.querySelector("[data-paused]");
const turnLabel = document.querySelector("[data-turn]");
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");
const panes = new Map([...app.querySelectorAll("[data-hotline]")].map((p) => [p.dataset.hotline, p]));
const readKey = (hotline) => `wargame:${app.dataset.exercise}:${myTeam}:read:${hotline}`;
let frozen = false;

// Unread counts: messages from other teams that arrived since this pane was last looked at.
function unread(pane, change) {
  const badge = pane.querySelector("[data-unread]");
  const count = change === 0 ? 0 : Number(badge.dataset.count || 0) + change;
  badge.dataset.count = String(count);
  badge.textContent = String(count);
  badge.hidden = count === 0;
}
for (const [hotline, pane] of panes) {
  const markRead = () => {
    unread(pane, 0);
    const last = pane.querySelector("[data-messages] li:last-child");
    if (last) localStorage.setItem(readKey(hotline), last.dataset.seq);
  };
  pane.addEventListener("focusin", markRead);
  pane.addEventListener("click", markRead);
}

function setLineDown(hotline, down) {
  const pane = panes.get(hotline);
  if (!pane) return;
  pane.dataset.down = String(down);
  pane.querySelector("[data-line-down]").hidden = !down;
  updateSendButtons();
}
function updateSendButtons() {
  for (const pane of panes.values()) {
    const button = pane.querySelector("button[type=submit]");
    button.disabled = frozen || pane.dataset.down === "true";
    button.title = frozen ? "Hotlines are frozen during the pause" : pane.dataset.down === "true" ? "This hotline is down" : "";
  }
}

function onHotlineEvent(event) {
  const pane = panes.get(event.data.hotline);
  if (!pane) return;
  const list = pane.querySelector("[data-messages]");
  if (event.data.queued_seq) list.querySelector(`[data-seq="${event.data.queued_seq}"]`)?.remove();
  const item = feedItem(event, clock, teamNames);
  item.classList.toggle("mine", event.data.from_team === myTeam);
  list.append(item);
  list.scrollTop = list.scrollHeight;
  const read = Number(localStorage.getItem(readKey(event.data.hotline)) || 0);
  const looking = pane.contains(document.activeElement);
  if (event.type === "hotline.message" && event.data.from_team !== myTeam && event.seq > read && !looking) unread(pane, 1);
}

function onMoveEvent(event) {
  if (event.type === "move.submitted") {
    const item = feedItem(event, clock, teamNames);
    item.dataset.move = String(event.seq);
    item.append(el("p", { class: "status pending", "data-status": "pending", text: verdictLabel("pending") }));
    moves.prepend(item);
    return;
  }
  const item = moves.querySelector(`[data-move="${event.data.move}"]`);
  if (item) {
    const status = item.querySelector("[data-status]");
    status.className = `status verdict-${event.data.verdict}`;
    status.dataset.status = event.data.verdict;
    status.textContent = `${verdictLabel(event.data.verdict)}: ${event.data.outcome}`;
  }
}

function onEvent(event) {
  clock.fromEvent(event);
  if (event.type.startsWith("clock.")) {
    const pause = pauseFromEvent(event);
    if (event.type === "clock.paused" || event.type === "clock.resumed") {
      showPause(pausedBanner, pause);
      frozen = Boolean(pause && pause.hotlines_frozen);
      updateSendButtons();
    }
  }
  if (event.type === "turn.advanced") showTurn(event.data);
  if (event.type === "hotline.cut" || event.type === "hotline.restored") setLineDown(event.data.hotline, event.type === "hotline.cut");
  if (event.type === "hotline.message" || event.type === "hotline.message_queued") return onHotlineEvent(event);
  if (event.type === "move.submitted") return onMoveEvent(event);
  if (event.type === "move.adjudicated" && event.data.team === myTeam) onMoveEvent(event);
  feed.prepend(feedItem(event, clock, teamNames));
}

function showTurn(turn) {
  turnLabel.hidden = !turn;
  if (turn) turnLabel.textContent = turn.title;
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w) => {
    clock.fromWelcome(w.state.clock, w.state.status);
    showPause(pausedBanner, w.state.pause);
    frozen = Boolean(w.state.pause && w.state.pause.hotlines_frozen);
    for (const line of w.state.hotlines) setLineDown(line.id, line.cut);
    showTurn(w.state.turn);
  },
  onEvent,
  onStatus: (text, state) => { conn.textContent = text; conn.dataset.state = state; },
});
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
