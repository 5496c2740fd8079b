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

export const METHOD_LABELS = {
  news: "News", intel: "Intelligence report", cable: "Diplomatic cable", phone: "Phone call",
  social: "Social media", sitrep: "Situation report", announcement: "Announcement",
};

const VERDICT_LABELS = { accepted: "Accepted", modified: "Accepted with changes", rejected: "Rejected", pending: "Awaiting adjudication" };
export const verdictLabel = (v) => VERDICT_LABELS[v] || v;

// What a feed item shows for an event: {kind (CSS class), label, title, body}.
export function describe(event, teamNames = {}) {
  const d = event.data;
  const team = (id) => teamNames[id] || id;
  switch (event.type) {
    case "inject.delivered":
      return { kind: `inject method-${d.method}`, label: `${METHOD_LABELS[d.method] || d.method} · ${d.from}`, title: d.title, body: d.body };
    case "move.adjudicated":
      return { kind: `adjudication verdict-${d.verdict}`, label: `Adjudication · ${verdictLabel(d.verdict)}`, title: `${team(d.team)}'s ${d.category} move: ${d.text}`, body: d.outcome };
    case "hotline.leaked":
      return { kind: "leak", label: `Leaked from hotline ${d.hotline}`, title: `${team(d.from_team)} · ${d.from_name}`, body: d.text };
    case "hotline.message":
      return { kind: "hotline", label: `Hotline ${d.hotline}${d.delay ? ` · delayed ${d.delay} min` : ""}`, title: `${team(d.from_team)} · ${d.from_name}`, body: d.text };
    case "hotline.message_queued":
      return { kind: "hotline queued", label: `Hotline ${d.hotline} · in transit (delayed ${d.delay} min)`, title: `${team(d.from_team)} · ${d.from_name}`, body: d.text };
    case "hotline.cut": return { kind: "control-msg", label: "Hotline", title: `Hotline ${d.hotline} is down`, body: null };
    case "hotline.restored": return { kind: "control-msg", label: "Hotline", title: `Hotline ${d.hotline} is back up`, body: null };
    case "hotline.delay_set": return { kind: "control-msg", label: "Hotline control", title: `Hotline ${d.hotline}: delay ${d.minutes} game minutes`, body: null };
    case "move.submitted":
      return { kind: "move", label: `Move · ${d.category}${d.target ? ` · toward ${team(d.target)}` : ""}`, title: `${team(d.team)} · ${d.from_name}`, body: d.text };
    case "clock.started": return { kind: "clock", label: "Clock", title: "The game clock started", body: null };
    case "clock.paused":
      return { kind: "clock paused", label: "Clock", title: `Paused: ${d.reason}`, body: [d.max_minutes ? `Resumes by itself after ${d.max_minutes} min.` : null, d.hotlines_frozen ? "Hotlines are frozen until then." : null].filter(Boolean).join(" ") || null };
    case "clock.resumed": return { kind: "clock", label: "Clock", title: d.auto ? "The pause ended: the game resumed" : "The game resumed", body: null };
    case "clock.compression_changed": return { kind: "clock", label: "Clock", title: `Time now runs ×${d.compression}`, body: null };
    case "turn.advanced": return { kind: "turn", label: "New move", title: d.title, body: d.summary || null };
    case "participant.joined": return { kind: "meta", label: "Joined", title: `${d.name} joined ${team(d.team)}`, body: null };
    case "exercise.created": return { kind: "meta", label: "Exercise", title: `Exercise created: ${d.name}`, body: null };
    case "note.added": return { kind: `note tag-${d.tag}`, label: `Note · ${d.tag} · ${d.by}`, title: d.text, body: null };
    case "msel.held": return { kind: "control-msg", label: "MSEL", title: `${d.inject} held`, body: null };
    case "msel.skipped": return { kind: "control-msg", label: "MSEL", title: `${d.inject} skipped`, body: null };
    case "msel.edited": return { kind: "control-msg", label: "MSEL", title: `${d.inject} edited in stride`, body: Object.entries(d.changes).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("\n") };
    default: return { kind: "meta", label: event.type, title: event.type, body: JSON.stringify(d) };
  }
}

// One item of a feed: seq, game time and wall time, a label, a title and a body.
export function feedItem(event, clock, teamNames) {
  const { kind, label, title, body } = describe(event, teamNames);
  const wall = new Date(event.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return el("li", { class: `item ${kind}`, "data-seq": event.seq, "data-type": event.type },
    el("div", { class: "meta" },
      el("span", { class: "label", text: label }), " · ",
      el("time", { title: "game time", text: clock.format(event.game_time) }), " · ",
      el("span", { title: "wall-clock time", text: wall })),
    el("strong", { text: title }),
    body ? el("p", { text: body }) : null);
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
  if (pause.resume_at) parts.push(`resumes by ${new Date(pause.resume_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`);
  if (pause.hotlines_frozen) parts.push("hotlines frozen");
  element.textContent = parts.join(" · ");
}

export function pauseFromEvent(event) {
  if (event.type !== "clock.paused") return null;
  return { reason: event.data.reason, resume_at: event.data.resume_at, hotlines_frozen: event.data.hotlines_frozen };
}
