// Shared rendering for the team room and the console. Everything is built with text nodes:
// player and facilitator text is untrusted and never parsed as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// Data handed over by the page's template with json_script (limits, panes, team names).
export const pageData = (id) => JSON.parse(document.getElementById(id).textContent);

export const METHOD_LABELS = {
  news: "News", intel: "Intelligence report", cable: "Diplomatic cable", phone: "Phone call",
  social: "Social media", sitrep: "Situation report", announcement: "Announcement",
};

const VERDICT_LABELS = { accepted: "Accepted", modified: "Accepted with changes", rejected: "Rejected", pending: "Awaiting adjudication" };
export const verdictLabel = (v) => VERDICT_LABELS[v] || v;

// One renderer per event type: what its item shows, {kind (CSS classes), label, title, body},
// from its data and a function naming a team. A new event type is one entry here; pages add
// their own reactions (state, controls) where they must.
const message = (d, team) => ({ title: `${team(d.from_team)} · ${d.from_name}`, body: d.text });
const control = (label, title) => ({ kind: "control-msg", label, title, body: null });
export const RENDERERS = {
  "inject.delivered": (d) => ({ kind: `inject method-${d.method}`, label: `${METHOD_LABELS[d.method] || d.method} · ${d.from}`, title: d.title, body: d.body }),
  "move.adjudicated": (d, team) => ({ kind: `adjudication verdict-${d.verdict}`, label: `Adjudication · ${verdictLabel(d.verdict)}`, title: `${team(d.team)}'s ${d.category} move: ${d.text}`, body: d.outcome }),
  "hotline.leaked": (d, team) => ({ kind: "leak", label: `Leaked from hotline ${d.hotline}`, ...message(d, team) }),
  "hotline.message": (d, team) => ({ kind: "hotline", label: `Hotline ${d.hotline}${d.delay ? ` · delayed ${d.delay} min` : ""}`, ...message(d, team) }),
  "hotline.message_queued": (d, team) => ({ kind: "hotline queued", label: `Hotline ${d.hotline} · in transit (delayed ${d.delay} min)`, ...message(d, team) }),
  "hotline.cut": (d) => control("Hotline", `Hotline ${d.hotline} is down`),
  "hotline.restored": (d) => control("Hotline", `Hotline ${d.hotline} is back up`),
  "hotline.delay_set": (d) => control("Hotline control", `Hotline ${d.hotline}: delay ${d.minutes} game minutes`),
  "move.submitted": (d, team) => ({ kind: "move", label: `Move · ${d.category}${d.target ? ` · toward ${team(d.target)}` : ""}`, title: `${team(d.team)} · ${d.from_name}`, body: d.text }),
  "clock.started": () => ({ kind: "clock", label: "Clock", title: "The game clock started", body: null }),
  "clock.paused": (d) => ({ kind: "clock paused", label: "Clock", title: `Paused: ${d.reason}`, body: [d.max_minutes ? `Resumes by itself after ${d.max_minutes} min.` : null, d.hotlines_frozen ? "Hotlines are frozen until then." : null].filter(Boolean).join(" ") || null }),
  "clock.resumed": (d) => ({ kind: "clock", label: "Clock", title: d.auto ? "The pause ended: the game resumed" : "The game resumed", body: null }),
  "clock.compression_changed": (d) => ({ kind: "clock", label: "Clock", title: `Time now runs ×${d.compression}`, body: null }),
  "turn.advanced": (d) => ({ kind: "turn", label: "New move", title: d.title, body: d.summary || null }),
  "participant.joined": (d, team) => ({ kind: "meta", label: "Joined", title: `${d.name} joined ${team(d.team)}`, body: null }),
  "exercise.created": (d) => ({ kind: "meta", label: "Exercise", title: `Exercise created: ${d.name}`, body: null }),
  "note.added": (d) => ({ kind: `note tag-${d.tag}`, label: `Note · ${d.tag} · ${d.by}`, title: d.text, body: null }),
  "msel.held": (d) => control("MSEL", `${d.inject} held`),
  "msel.skipped": (d) => control("MSEL", `${d.inject} skipped`),
  "msel.unskipped": (d) => control("MSEL", `${d.inject} unskipped: scheduled again`),
  "msel.edited": (d) => ({ ...control("MSEL", `${d.inject} edited in stride`), body: Object.entries(d.changes).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("\n") }),
};

export function describe(event, teamNames = {}) {
  const render = RENDERERS[event.type];
  if (!render) return { kind: "meta", label: event.type, title: event.type, body: JSON.stringify(event.data) };
  return render(event.data, (id) => teamNames[id] || id);
}

const wallTime = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });

// One item of a feed: seq, game time and wall time, a label, a title and a body.
export function feedItem(event, clock, teamNames) {
  const { kind, label, title, body } = describe(event, teamNames);
  return el("li", { class: `item ${kind}`, "data-seq": event.seq, "data-type": event.type },
    el("div", { class: "meta" },
      el("span", { class: "label", text: label }), " · ",
      el("time", { title: "game time", text: clock.format(event.game_time) }), " · ",
      el("span", { title: "wall-clock time", text: wallTime.format(new Date(event.at)) })),
    el("strong", { text: title }),
    body ? el("p", { text: body }) : null);
}

// Is this event in this pane? The definitions are the server's (wargame/live/panes.py, given
// to the page as json_script "panes"), so live events land where the welcome's items are.
export function inPane(panes, kind, event, arg = null) {
  const pane = panes[kind];
  if (pane.types && !pane.types.includes(event.type)) return false;
  if (pane.exclude.includes(event.type)) return false;
  return !pane.key || arg === null || event.data[pane.key] === arg;
}

// One pane's list on the page. Items are added in batches (one DocumentFragment, one layout);
// a live event costs the same however many items are already there (a Map finds an item by
// seq, nothing walks the list). The oldest end has a "Load earlier" button that also loads by
// itself when scrolled into view; it asks the history endpoint for the items before the
// oldest one shown.
export class EventList {
  // list: the <ol>; pane: its name for the history endpoint; history: the endpoint's URL;
  // newestFirst: the newest item at the top (a feed) or at the bottom (a chat);
  // render(event) -> a node, or null for an event the list only reacts to (it may update an
  // item already shown: get(seq)). A batch is rendered newest first, so an event is always
  // seen before the older ones it refers to.
  constructor({ list, pane, render, newestFirst = true, history }) {
    Object.assign(this, { list, pane, render, newestFirst, history });
    this.items = new Map(); // seq -> element
    this.oldest = null; // lowest seq shown, the cursor for older items
    this.newest = 0;
    this.loading = false;
    this.atBottom = true;
    this.more = el("li", { class: "more", hidden: true },
      el("button", { type: "button", class: "small", "data-older": pane, text: "Load earlier" }));
    this.more.firstChild.addEventListener("click", () => this.loadOlder());
    if (newestFirst) list.append(this.more); else list.prepend(this.more);
    if (!newestFirst) list.addEventListener("scroll", () => { this.atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 8; }, { passive: true });
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.loadOlder();
    }, { root: list, rootMargin: "200px" });
    this.observer.observe(this.more);
  }

  // The welcome's window {events (oldest first), more}: replaces what is shown.
  fill(window) {
    for (const item of this.items.values()) item.remove();
    this.items.clear();
    this.oldest = null;
    this.newest = 0;
    this.add(window.events);
    this.setMore(window.more);
  }

  // Newer events (oldest first), at the newest end; scrolled to them if the reader was there.
  add(events) {
    const fresh = this.build(events);
    if (!fresh.count) return;
    if (this.newestFirst) this.list.prepend(fresh.nodes);
    else this.list.append(fresh.nodes);
    if (!this.newestFirst && this.atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  // Older events (oldest first), at the oldest end, keeping what the reader sees in place.
  addOlder(events) {
    const fresh = this.build(events);
    if (!fresh.count) return;
    if (this.newestFirst) this.list.insertBefore(fresh.nodes, this.more);
    else {
      const fromBottom = this.list.scrollHeight - this.list.scrollTop;
      this.more.after(fresh.nodes);
      this.list.scrollTop = this.list.scrollHeight - fromBottom;
    }
  }

  // Builds the items of events not shown yet (events oldest first) in one fragment, in
  // display order; render() sees them newest first.
  build(events) {
    const built = [];
    for (let i = events.length - 1; i >= 0; i -= 1) {
      const event = events[i];
      if (this.items.has(event.seq)) continue;
      this.oldest = this.oldest === null ? event.seq : Math.min(this.oldest, event.seq);
      this.newest = Math.max(this.newest, event.seq);
      const node = this.render(event);
      if (node) { this.items.set(event.seq, node); built.push(node); }
    }
    const nodes = document.createDocumentFragment();
    if (this.newestFirst) nodes.append(...built); else nodes.append(...built.reverse());
    return { nodes, count: built.length };
  }

  get(seq) { return this.items.get(seq); }

  remove(seq) {
    this.items.get(seq)?.remove();
    this.items.delete(seq);
  }

  get size() { return this.items.size; }

  setMore(more) {
    this.more.hidden = !more;
    // Observing again reports whether the button is in view now (after a load, or a fill).
    this.observer.unobserve(this.more);
    if (more) this.observer.observe(this.more);
  }

  // Start an empty list from the history endpoint: its items before seq `before`.
  start(before) {
    this.oldest = before;
    this.more.hidden = false;
    return this.loadOlder();
  }

  async loadOlder() {
    if (this.loading || this.more.hidden) return;
    this.loading = true;
    const button = this.more.firstChild;
    button.disabled = true;
    button.textContent = "Loading…";
    try {
      const params = new URLSearchParams({ pane: this.pane });
      if (this.oldest !== null) params.set("before", String(this.oldest));
      const response = await fetch(`${this.history}?${params}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`${response.status}`);
      const page = await response.json();
      this.addOlder(page.events);
      this.setMore(page.more);
      button.textContent = "Load earlier";
    } catch (err) {
      button.textContent = `Could not load (${err.message}): try again`;
    } finally {
      button.disabled = false;
      this.loading = false;
    }
  }
}

// Runs `flush(events)` once per animation frame with every event that arrived since the last
// one, so a burst (a resume's backlog, busy traffic) is rendered in one batch. A hidden tab
// gets no animation frames: a timer flushes there instead.
export class FrameBatch {
  constructor(flush) { this.flush = flush; this.queue = []; }
  push(event) {
    this.queue.push(event);
    if (this.queue.length > 1) return;
    requestAnimationFrame(() => this.run());
    if (document.hidden) setTimeout(() => this.run(), 250);
  }
  run() {
    const batch = this.queue;
    this.queue = [];
    if (batch.length) this.flush(batch);
  }
}

export function formatDue(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
  return `+${h}:${String(m).padStart(2, "0")}`;
}

// The banner that says the game is paused, and why.
export function showPause(element, pause) {
  element.hidden = !pause;
  if (!pause) { element.textContent = ""; return; }
  const parts = [`Paused: ${pause.reason}`];
  if (pause.resume_at) parts.push(`resumes by ${wallTime.format(new Date(pause.resume_at))}`);
  if (pause.hotlines_frozen) parts.push("hotlines frozen");
  element.textContent = parts.join(" · ");
}

export function pauseFromEvent(event) {
  if (event.type !== "clock.paused") return null;
  return { reason: event.data.reason, resume_at: event.data.resume_at, hotlines_frozen: event.data.hotlines_frozen };
}
