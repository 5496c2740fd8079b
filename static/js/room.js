// Team room: feed, hotlines and moves. Typed text lives in form fields that re-renders never touch.
import { ExerciseSocket, GameClock, feedItem, describe, showPause } from "./socket.js";

const app = document.getElementById("app");
const feed = app.querySelector("[data-feed]");
const moves = app.querySelector("[data-moves]");
const paused = app.querySelector("[data-paused]");
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");

function onEvent(event) {
  clock.fromEvent(event);
  const [title, body, meta] = describe(event);
  if (event.type === "hotline.message") {
    app.querySelector(`[data-hotline="${CSS.escape(event.data.hotline)}"] [data-messages]`)
      ?.append(feedItem(event, title, body, null));
    return;
  }
  if (event.type === "move.submitted") moves.prepend(feedItem(event, title, body, meta));
  else feed.prepend(feedItem(event, title, body, meta));
  if (event.type.startsWith("clock.")) showPause(paused, { status: event.type === "clock.paused" ? "paused" : "running", reason: event.data.reason });
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w) => { clock.fromWelcome(w.state.clock); showPause(paused, { status: w.state.status, reason: w.state.paused_reason }); },
  onEvent,
  onStatus: (text) => { conn.textContent = text; conn.dataset.state = text; },
});
window.wargameSocket = socket;

function wire(form, type, data, after) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await socket.send(type, data()); after(); }
    catch (err) { alert(`${err.code}: ${err.message}`); }
  });
}
for (const form of app.querySelectorAll("[data-hotline-form]")) {
  const text = form.querySelector("textarea");
  wire(form, "hotline.send", () => ({ hotline: form.dataset.hotlineForm, text: text.value }), () => { text.value = ""; });
}
const moveForm = app.querySelector("[data-move-form]");
wire(moveForm, "move.submit", () => ({ text: moveForm.text.value, category: moveForm.category.value }), () => { moveForm.text.value = ""; });
