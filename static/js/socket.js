// The one module that owns the exercise WebSocket: reconnect with backoff, resume with
// `since`, de-duplication by seq, and commands retried with the same id after a reconnect.
// A fresh page connects without `since`: the welcome carries the newest items of its panes
// (older ones come from the history endpoint), and live events follow. Every reconnect
// resumes with `since` = the last seq seen.
import { FrameBatch } from "./render.js";

export class ExerciseSocket {
  constructor(path, handlers) {
    this.path = path;
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
    ws.onopen = () => { this.attempt = 0; };
    ws.onmessage = (message) => this.receive(JSON.parse(message.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.handlers.onStatus?.("offline: reconnecting…", "offline");
      const delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
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
      for (const { frame: command } of this.pending.values()) this.ws.send(JSON.stringify(command));
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
      this.pending.set(id, { frame, resolve, reject });
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
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

