// The one module that owns the exercise WebSocket: reconnect with backoff, resume with
// `since`, de-duplication by seq, and commands retried with the same id after a reconnect (at
// most MAX_SENDS times in all: one the server cannot carry out fails, it is not sent forever).
// A socket refused for want of a seat (close 4403, or a handshake refused, confirmed by the
// seat check) stops reconnecting and says so.
// A fresh page connects without `since`: the welcome carries the newest items of its panes
// (older ones come from the history endpoint), and live events follow. Every reconnect
// resumes with `since` = the last seq seen.
import { FrameBatch } from "./render.js";

const MAX_SENDS = 3;
const NO_SEAT = 4403;

export class ExerciseSocket {
  // seatCheck: a URL that answers 404 or 403 when this session has no seat in the exercise
  // (the history endpoint), asked when a connection is refused before it opens.
  constructor(path, handlers, { seatCheck = null } = {}) {
    this.path = path;
    this.seatCheck = seatCheck;
    this.refused = false;
    // onWelcome(frame, fresh), onEvents(events: a batch per animation frame, oldest first),
    // onFrame(frame), onStatus(text, state), onError(frame)
    this.handlers = handlers;
    this.lastSeq = null; // highest event seq received (or the fresh welcome's): the resume point
    this.batch = new FrameBatch((events) => this.handlers.onEvents?.(events));
    this.pending = new Map(); // id -> {frame, resolve, reject}
    this.attempt = 0;
    this.counter = 0;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const since = this.lastSeq === null ? "" : `?since=${this.lastSeq}`;
    const url = `${scheme}://${location.host}${this.path}${since}`;
    this.handlers.onStatus?.("connecting…", "connecting");
    const ws = new WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; this.attempt = 0; };
    // A message is one frame, or an array of frames in order (a resumed socket's backlog).
    ws.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (Array.isArray(data)) for (const frame of data) this.receive(frame);
      else this.receive(data);
    };
    ws.onclose = async (event) => {
      if (this.ws !== ws) return;
      // A browser reports a handshake the server refused as 1006, like a network failure:
      // the seat check tells the two apart.
      if (event.code === NO_SEAT || (!opened && !(await this.stillSeated()))) {
        this.endWithoutSeat();
        return;
      }
      this.handlers.onStatus?.("offline: reconnecting…", "offline");
      const delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  async stillSeated() {
    if (!this.seatCheck) return true;
    try {
      const response = await fetch(this.seatCheck, { credentials: "same-origin", headers: { Accept: "application/json" } });
      return response.status !== 404 && response.status !== 403;
    } catch {
      return true; // the network, not the seat: keep trying
    }
  }

  endWithoutSeat() {
    this.refused = true;
    this.handlers.onStatus?.("You no longer have a seat in this exercise: open your team's join link again, or log in.", "refused");
    for (const [id, waiting] of this.pending) waiting.reject({ type: "error", id, code: "no_seat", message: "not sent: you no longer have a seat in this exercise" });
    this.pending.clear();
  }

  // Sends a pending command once more, or fails it once it has been sent MAX_SENDS times (the
  // connection broke each time before its answer: the server could not carry it out).
  resend(id, waiting) {
    if (waiting.sends >= MAX_SENDS) {
      this.pending.delete(id);
      waiting.reject({ type: "error", id, code: "failed", message: `not done: the connection broke ${MAX_SENDS} times before the server answered; check it and send it again` });
      return;
    }
    waiting.sends += 1;
    this.ws.send(JSON.stringify(waiting.frame));
  }

  // For tests and the "reconnect" button: drop the socket as a network failure would.
  drop() { this.ws.close(); }

  receive(frame) {
    if (frame.type === "welcome") {
      const fresh = this.lastSeq === null;
      // Fresh: everything up to last_seq is in the welcome's panes. Resumed: the missed events
      // follow as ordinary events, so the cursor stays where it was.
      if (fresh) this.lastSeq = frame.last_seq;
      this.batch.run(); // anything received before this welcome goes out first
      this.handlers.onStatus?.("online", "online");
      this.handlers.onWelcome?.(frame, fresh);
      for (const [id, waiting] of [...this.pending]) this.resend(id, waiting);
    } else if (frame.type === "ack") {
      this.pending.get(frame.id)?.resolve(frame);
      this.pending.delete(frame.id);
    } else if (frame.type === "error") {
      const waiting = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      if (waiting) waiting.reject(frame); else this.handlers.onError?.(frame);
    } else if (frame.type === "presence") {
      this.handlers.onFrame?.(frame);
    } else if (typeof frame.seq === "number") {
      if (frame.seq <= this.lastSeq) return; // already shown
      this.lastSeq = frame.seq;
      this.batch.push(frame);
    }
  }

  // Send a command; resolves with its ack, rejects with its error frame.
  send(type, data) {
    this.counter += 1;
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${this.counter}`;
    const frame = { id, type, data };
    return new Promise((resolve, reject) => {
      if (this.refused) {
        reject({ type: "error", id, code: "no_seat", message: "not sent: you no longer have a seat in this exercise" });
        return;
      }
      const waiting = { frame, resolve, reject, sends: 0 };
      this.pending.set(id, waiting);
      if (this.ws.readyState === WebSocket.OPEN) this.resend(id, waiting);
    });
  }
}

// Game clock display: game time = offset + (now - started_at) * compression while running.
export class GameClock {
  constructor(element) { this.element = element; this.state = null; setInterval(() => this.render(), 1000); }
  fromWelcome(clock, status) {
    this.notStarted = status === "setup";
    this.skew = Date.parse(clock.server_time) - Date.now();
    this.start = Date.parse(clock.scenario_start);
    const zone = /([+-])(\d{2}):(\d{2})$/.exec(clock.scenario_start);
    this.offsetMinutes = zone ? (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
    this.offsetLabel = zone ? `UTC${zone[0]}` : "UTC";
    this.state = { running: clock.running, offset: clock.offset, startedAt: clock.started_at && Date.parse(clock.started_at), compression: clock.compression };
    this.render();
  }
  fromEvent(event) {
    if (!this.state) return;
    if (event.type === "clock.started") this.notStarted = false;
    if (event.type === "clock.started" || event.type === "clock.resumed") {
      Object.assign(this.state, { running: true, offset: event.game_time, startedAt: Date.parse(event.at) });
    } else if (event.type === "clock.paused") {
      Object.assign(this.state, { running: false, offset: event.game_time, startedAt: null });
    } else if (event.type === "clock.compression_changed") {
      Object.assign(this.state, { offset: event.game_time, startedAt: Date.parse(event.at), compression: event.data.compression });
    }
    this.render();
  }
  gameSeconds() {
    const s = this.state;
    if (!s.running) return s.offset;
    return s.offset + Math.max(0, (Date.now() + this.skew - s.startedAt) / 1000) * s.compression;
  }
  // Game time in the scenario's own UTC offset (a Senkaku scenario runs on Japan time).
  format(gameSeconds) {
    if (this.start === undefined) return "";
    const at = new Date(this.start + gameSeconds * 1000 + this.offsetMinutes * 60000);
    return `${at.toISOString().slice(0, 16).replace("T", " ")} ${this.offsetLabel}`;
  }
  render() {
    if (!this.state) return;
    this.element.textContent = `${this.format(this.gameSeconds())} · ${this.notStarted ? "not started" : this.state.running ? "running" : "paused"} · ×${this.state.compression}`;
    this.element.dataset.running = String(this.state.running);
  }
}

