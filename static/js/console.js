// Facilitator console: all traffic, injects, the clock and the MSEL.
import { ExerciseSocket, GameClock, feedItem, describe, showPause } from "./socket.js";

const app = document.getElementById("app");
const feed = app.querySelector("[data-feed]");
const paused = app.querySelector("[data-paused]");
const errors = app.querySelector("[data-error]");
const mselBody = app.querySelector("[data-msel]");
const clock = new GameClock(document.querySelector("[data-clock]"));
const conn = document.querySelector("[data-conn]");

function fmt(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
  return `${h}:${String(m).padStart(2, "0")}`;
}

function renderMsel(msel) {
  mselBody.replaceChildren(...msel.map((i) => {
    const tr = document.createElement("tr");
    tr.dataset.inject = i.id;
    for (const value of [i.id, fmt(i.at), Array.isArray(i.to) ? i.to.join(", ") : i.to, i.title, i.state]) {
      const td = document.createElement("td"); td.textContent = value; tr.append(td);
    }
    return tr;
  }));
}

const socket = new ExerciseSocket(app.dataset.ws, {
  onWelcome: (w) => { clock.fromWelcome(w.state.clock); renderMsel(w.state.msel); showPause(paused, { status: w.state.status, reason: w.state.paused_reason }); },
  onEvent: (event) => {
    clock.fromEvent(event);
    const [title, body, meta] = describe(event);
    feed.prepend(feedItem(event, title, body, meta));
    if (event.type.startsWith("clock.")) showPause(paused, { status: event.type === "clock.paused" ? "paused" : "running", reason: event.data.reason });
    if (event.data.msel_id) {
      const cell = mselBody.querySelector(`[data-inject="${CSS.escape(event.data.msel_id)}"] td:last-child`);
      if (cell) cell.textContent = "released";
    }
  },
  onStatus: (text) => { conn.textContent = text; conn.dataset.state = text; },
  onError: (frame) => { errors.textContent = `${frame.code}: ${frame.message}`; },
});
window.wargameSocket = socket;

async function command(type, data) {
  errors.textContent = "";
  try { await socket.send(type, data); return true; }
  catch (err) { errors.textContent = `${err.code}: ${err.message}`; return false; }
}

app.querySelector("[data-clock-start]").addEventListener("click", () => command("clock.start", {}));
app.querySelector("[data-clock-resume]").addEventListener("click", () => command("clock.resume", {}));
const pauseForm = app.querySelector("[data-pause-form]");
pauseForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (await command("clock.pause", { reason: pauseForm.reason.value })) pauseForm.reason.value = "";
});
const injectForm = app.querySelector("[data-inject-form]");
injectForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const chosen = [...injectForm.querySelectorAll("input[name=to]:checked")].map((c) => c.value);
  const to = chosen.includes("all") || chosen.length === 0 ? "all" : chosen;
  const data = { to, title: injectForm.title.value, body: injectForm.body.value, method: injectForm.method.value };
  if (injectForm.from.value.trim()) data.from = injectForm.from.value;
  if (await command("inject.send", data)) { injectForm.title.value = ""; injectForm.body.value = ""; }
});
