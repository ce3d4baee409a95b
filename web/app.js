// xgate analyst console — talks to the JSON API of `xgate serve` on the same origin.
// The API key is kept in sessionStorage (gone when the tab closes) and sent as a Bearer token.
// Everything from the server is inserted with textContent, never as HTML, so a hostile list
// entry or customer name cannot run script here.
"use strict";

const $ = (sel) => document.querySelector(sel);
const KEY = "xgate.key";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function flash(msg, kind) {
  const f = $("#flash");
  f.textContent = msg;
  f.className = kind || "info";
  f.hidden = !msg;
}

async function api(method, path, body) {
  const headers = {};
  const key = sessionStorage.getItem(KEY);
  if (key) headers["Authorization"] = "Bearer " + key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = (data && data.error) || {code: "http_" + res.status, message: res.statusText};
    const e = new Error(err.message + (err.field ? " (" + err.field + ")" : ""));
    e.status = res.status; e.code = err.code;
    throw e;
  }
  return data;
}

function fail(e) {
  if (e.status === 401) flash("Paste an API key above (401: " + e.message + ")", "bad");
  else flash(e.message + (e.status ? " [" + e.status + " " + (e.code || "") + "]" : ""), "bad");
}

function badge(outcome) {
  return el("span", {class: "badge b-" + (outcome || "none"), text: outcome || "—"});
}

function fmtScore(s) { return typeof s === "number" ? s.toFixed(3) : ""; }

// ---- key ----
function showKeyState() {
  const k = sessionStorage.getItem(KEY);
  $("#keystate").textContent = k ? "key set (…" + k.slice(-4) + ")" : "no key";
}

$("#keyform").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const v = $("#key").value.trim();
  if (v) sessionStorage.setItem(KEY, v);
  $("#key").value = "";
  showKeyState();
  flash("Key set for this tab.", "info");
  route();
});
$("#forget").addEventListener("click", () => { sessionStorage.removeItem(KEY); showKeyState(); flash("Key forgotten.", "info"); });

// ---- review queue ----
let queueCursor = null;

function queueQuery(cursor) {
  const p = new URLSearchParams();
  if ($("#f-decision").value) p.set("decision", $("#f-decision").value);
  if ($("#f-status").value) p.set("status", $("#f-status").value);
  p.set("limit", $("#f-limit").value || "25");
  if (cursor) p.set("cursor", cursor);
  return "/v1/decisions?" + p.toString();
}

async function loadQueue(append) {
  const tbody = $("#queue-table tbody");
  try {
    const data = await api("GET", queueQuery(append ? queueCursor : null));
    if (!append) tbody.textContent = "";
    for (const d of data.decisions || []) {
      const id = d.decision_id || d.id;
      const tr = el("tr", {class: "clickable", "data-id": id, onclick: () => { location.hash = "#/decision/" + encodeURIComponent(id); }},
        el("td", {text: d.created || ""}), el("td", {}, badge(d.decision)),
        el("td", {text: d.customer || ""}), el("td", {text: d.policy || ""}), el("td", {text: d.as_of || ""}),
        el("td", {text: d.review_status || "—"}), el("td", {}, badge(d.final_outcome)),
        el("td", {}, el("a", {href: "#/decision/" + encodeURIComponent(id), text: id})));
      tbody.append(tr);
    }
    queueCursor = data.next_cursor || null;
    $("#queue-more").hidden = !queueCursor;
    $("#queue-empty").hidden = tbody.children.length > 0;
    flash("");
  } catch (e) { fail(e); }
}

$("#queue-filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadQueue(false); });
$("#queue-more").addEventListener("click", () => loadQueue(true));

// ---- decision page ----
function kv(dl, pairs) {
  dl.textContent = "";
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(el("dt", {text: k}), el("dd", {}, v instanceof Node ? v : String(v)));
  }
}

function evidenceText(ev) {
  if (ev === undefined || ev === null) return "";
  return typeof ev === "string" ? ev : JSON.stringify(ev);
}

function explanationNode(x) {
  if (!x) return el("span", {class: "muted", text: "—"});
  const d = el("details", {}, el("summary", {text: "why"}));
  const pairs = x.pairs || x.tokens || x.token_pairs;
  if (Array.isArray(pairs) && pairs.length) {
    const t = el("table", {class: "mini"}, el("tr", {}, el("th", {text: "query"}), el("th", {text: "list"}), el("th", {text: "score"})));
    for (const p of pairs) {
      t.append(el("tr", {}, el("td", {text: p.query ?? p.q ?? p[0] ?? ""}), el("td", {text: p.list ?? p.candidate ?? p.c ?? p[1] ?? ""}),
        el("td", {text: fmtScore(p.score ?? p.s ?? p[2])})));
    }
    d.append(t);
  }
  const notes = [];
  if ((x.unmatched_query || []).length) notes.push("unmatched in query: " + x.unmatched_query.join(", "));
  if ((x.unmatched_list || []).length) notes.push("unmatched in list name: " + x.unmatched_list.join(", "));
  for (const p of x.penalties || []) notes.push("penalty " + p.kind + (p.factor !== undefined ? " ×" + p.factor : ""));
  if (x.name_kind) notes.push("matched a" + (x.name_kind === "alias" ? "n alias" : " " + x.name_kind));
  for (const n of notes) d.append(el("div", {class: "note", text: n}));
  d.append(el("details", {class: "raw"}, el("summary", {text: "raw"}), el("pre", {text: JSON.stringify(x, null, 1)})));
  return d;
}

function matchesTable(matches) {
  const t = el("table", {class: "grid matches"},
    el("thead", {}, el("tr", {}, ...["Score", "Listed name", "Matched", "Source", "Type", "Countries", "Id", "Explanation"].map((h) => el("th", {text: h})))));
  const tb = el("tbody");
  for (const m of matches) {
    tb.append(el("tr", {"data-id": m.id || ""},
      el("td", {class: "num", text: fmtScore(m.score)}), el("td", {text: m.name || ""}), el("td", {text: m.matched || ""}),
      el("td", {text: m.source || m.list || ""}), el("td", {text: m.type || m.category || ""}), el("td", {text: (m.countries || []).join(", ")}),
      el("td", {text: m.id || ""}), el("td", {class: "why"}, explanationNode(m.explanation))));
  }
  t.append(tb);
  return t;
}

// Decisions store each match with the scorer's explanation as it was when decided. After a list
// reload an analyst may want today's view: re-screen the party's name against the current lists
// and show each match's new explanation beside it (labelled as re-screened now).
async function explainParty(box, name, matches) {
  const floor = Math.min(...matches.map((m) => m.score || 0));
  try {
    const r = await api("POST", "/v1/screen", {name, threshold: Math.max(0, floor - 0.001), limit: 50});
    for (const tr of box.querySelectorAll("tr[data-id]")) {
      const m = (r.matches || []).concat(r.delisted || []).find((x) => x.id === tr.dataset.id);
      const cell = tr.querySelector("td.why");
      cell.textContent = "";
      cell.append(m ? explanationNode(m.explanation) : el("span", {class: "muted", text: "not in the current lists"}));
      if (m) cell.append(el("div", {class: "note rescreened", text: "re-screened now, score " + fmtScore(m.score)}));
    }
  } catch (e) { fail(e); }
}

function partyNode(p) {
  const scr = p.screening;
  const matches = Array.isArray(scr) ? scr : (scr && scr.matches) || [];
  const box = el("div", {class: "party"},
    el("h4", {}, el("span", {class: "role", text: p.role || "party"}), " ", p.name || "",
      p.country ? el("span", {class: "muted", text: " · " + p.country}) : null,
      p.percent !== undefined ? el("span", {class: "muted", text: " · " + p.percent + " %"}) : null));
  if (matches.length) {
    box.append(matchesTable(matches));
    box.append(el("button", {class: "quiet2", onclick: () => explainParty(box, p.name, matches), text: "Re-screen against current lists"}));
  } else {
    box.append(el("p", {class: "muted", text: "No list matches at or above the threshold."}));
  }
  const delisted = scr && !Array.isArray(scr) ? scr.delisted || [] : [];
  if (delisted.length) box.append(el("p", {class: "muted", text: "Delisted records that scored:"}), matchesTable(delisted));
  if (p.near_miss && p.near_miss.candidate)
    box.append(el("p", {class: "muted", text: "Near miss under the threshold: " + fmtScore(p.near_miss.score) + " — " + p.near_miss.candidate}));
  return box;
}

function renderDecision(d) {
  const resp = d.response && typeof d.response === "object" ? d.response : d;
  $("#d-id").textContent = d.decision_id || resp.decision_id || "";
  $("#d-badge").replaceWith(Object.assign(badge(d.decision || resp.decision), {id: "d-badge"}));
  const final = d.final_outcome && d.final_outcome !== d.decision ? " → final " + d.final_outcome : "";
  $("#d-status").textContent = (d.review_status ? "review " + d.review_status : "") + final;
  const v = d.versions || resp.versions || {};
  kv($("#d-meta"), [["Created", d.created || resp.created], ["Customer", (d.request && d.request.customer && d.request.customer.name) || ""],
    ["Resource", d.request && d.request.resource ? [d.request.resource.kind, d.request.resource.provider, d.request.resource.item].filter(Boolean).join(" · ") : ""],
    ["Policy", v.policy], ["As of", v.as_of], ["Lists", v.lists], ["Catalog", v.catalog],
    ["Audit", d.audit ? "#" + d.audit.seq + " " + (d.audit.hash || "").slice(0, 16) + "…" : ""]]);

  const rb = $("#d-reasons tbody");
  rb.textContent = "";
  for (const r of resp.reasons || []) {
    rb.append(el("tr", {}, el("td", {text: r.rule || ""}), el("td", {class: "cite", text: r.citation || ""}),
      el("td", {text: r.detail || ""}), el("td", {class: "ev", text: evidenceText(r.evidence)})));
  }
  if (!rb.children.length) rb.append(el("tr", {}, el("td", {colspan: "4", class: "muted", text: "No reasons recorded."})));

  const parties = $("#d-parties");
  parties.textContent = "";
  for (const p of resp.parties || []) parties.append(partyNode(p));

  const c = resp.classification || {};
  kv($("#d-class"), [["Item", c.item], ["Canonical", c.canonical], ["Kind", c.kind], ["TPP", c.tpp], ["PD", c.pd],
    ["ECCN", c.eccn === null ? "none (outside 3A090/4A090)" : c.eccn], ["Paragraph", c.paragraph], ["Regime", c.regime]]);

  const open = d.review_status === "open";
  $("#d-resolve").hidden = !open;
  const rev = $("#d-reviews");
  const list = rev.querySelector("ul");
  list.textContent = "";
  for (const r of d.reviews || []) {
    list.append(el("li", {}, badge(r.outcome), " ", r.action + " by " + (r.reviewer || "?") + " at " + (r.created || "") + ": " + (r.reason || "")));
  }
  rev.hidden = !list.children.length;
  $("#d-raw").textContent = JSON.stringify({request: d.request, response: resp}, null, 1);
}

let currentDecision = null;

async function loadDecision(id) {
  currentDecision = id;
  try {
    renderDecision(await api("GET", "/v1/decisions/" + encodeURIComponent(id)));
    flash("");
  } catch (e) { fail(e); }
}

$("#resolve-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const action = ev.submitter ? ev.submitter.value : "clear";
  const reason = $("#resolve-reason").value.trim();
  if (!reason) { flash("A reason is required.", "bad"); return; }
  try {
    const r = await api("POST", "/v1/reviews/" + encodeURIComponent(currentDecision), {action, reason});
    $("#resolve-reason").value = "";
    flash("Recorded: " + r.action + " → " + r.outcome + " (audit #" + (r.audit ? r.audit.seq : "?") + ")", "ok");
    const d = await api("GET", "/v1/decisions/" + encodeURIComponent(currentDecision));
    renderDecision(d);
  } catch (e) { fail(e); }
});

// ---- screening ----
$("#screen-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const q = {name: $("#s-name").value.trim()};
  if ($("#s-country").value.trim()) q.country = $("#s-country").value.trim().toUpperCase();
  if ($("#s-threshold").value) q.threshold = Number($("#s-threshold").value);
  if ($("#s-type").value) q.type = $("#s-type").value;
  const out = $("#screen-out");
  try {
    const r = await api("POST", "/v1/screen", q);
    out.textContent = "";
    out.append(el("p", {class: "summary", text: (r.matches || []).length + " match(es) for “" + r.query + "” at threshold " + r.threshold}));
    if ((r.matches || []).length) out.append(matchesTable(r.matches));
    if (r.near_miss) out.append(el("p", {class: "muted", text: "Best score under the threshold: " + fmtScore(r.best_below) + " — " + r.near_miss.name + " (" + (r.near_miss.source_code || r.near_miss.source) + ")"}));
    if ((r.delisted || []).length) out.append(el("h3", {text: "Delisted records"}), matchesTable(r.delisted));
    flash("");
  } catch (e) { fail(e); }
});

// ---- classification ----
$("#classify-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const spec = $("#c-spec").value.trim();
  const items = $("#c-items").value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  const body = spec ? {spec} : {items};
  if ($("#c-asof").value) body.as_of = $("#c-asof").value;
  try {
    const r = await api("POST", "/v1/classify", body);
    const tb = $("#classify-table tbody");
    tb.textContent = "";
    for (const c of r.results || []) {
      const lic = c.license ? Object.entries(c.license).map(([k, v]) => k + ": " + v).join("; ") : "";
      tb.append(el("tr", {}, el("td", {text: c.item || ""}), el("td", {text: c.canonical || ""}), el("td", {text: c.kind || ""}),
        el("td", {class: "num", text: c.tpp ?? ""}), el("td", {class: "num", text: c.pd ?? ""}), el("td", {text: c.eccn ?? "—"}),
        el("td", {text: c.paragraph || ""}), el("td", {text: c.datacenter ? "yes" : "no"}),
        el("td", {text: [...(c.exceptions || []), ...(c.overlays || [])].join(", ")}), el("td", {class: "ev", text: lic})));
    }
    $("#classify-table").hidden = false;
    flash("");
  } catch (e) { fail(e); }
});

// ---- lists and audit ----
function renderLists(l) {
  kv($("#l-meta"), [["Snapshot hash", l.hash], ["Records", l.records], ["Loaded at", l.loaded_at], ["Age", l.age_seconds + " s"]]);
  const s = $("#l-sources tbody");
  s.textContent = "";
  for (const x of l.sources || []) s.append(el("tr", {}, el("td", {text: x.source_code || ""}), el("td", {text: x.source || ""}), el("td", {class: "num", text: x.records})));
  const f = $("#l-files tbody");
  f.textContent = "";
  for (const x of l.files || []) f.append(el("tr", {}, el("td", {text: x.path || ""}), el("td", {text: x.format || ""}), el("td", {class: "num", text: x.records})));
}

async function loadLists() {
  try {
    const l = await api("GET", "/v1/lists");
    renderLists(l);
    renderFeeds(l.feeds || []); // alerts.js
    showHealth($("#l-health")); // alerts.js
    flash("");
  } catch (e) { fail(e); }
}

$("#l-reload").addEventListener("click", async () => {
  try { renderLists(await api("POST", "/v1/lists/reload")); flash("Lists reloaded.", "ok"); } catch (e) { fail(e); }
});

$("#a-verify").addEventListener("click", async () => {
  const out = $("#a-result");
  try {
    const r = await api("GET", "/v1/audit/verify");
    out.textContent = r.ok ? "OK — " + r.rows + " rows verified" : "BROKEN at seq " + (r.first_bad && r.first_bad.seq) + ": " + (r.first_bad && r.first_bad.problem);
    out.className = r.ok ? "good" : "bad";
  } catch (e) { fail(e); }
});

// ---- routing ----
function route() {
  const h = location.hash || "#/queue";
  const [, view, arg] = h.match(/^#\/([a-z]+)\/?(.*)$/) || [null, "queue", ""];
  for (const s of document.querySelectorAll(".view")) s.hidden = true;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === view);
  const sec = $("#view-" + view) || $("#view-queue");
  sec.hidden = false;
  if (!sessionStorage.getItem(KEY)) { flash("Paste an API key above to start.", "info"); return; }
  if (view === "queue") loadQueue(false);
  else if (view === "decision") loadDecision(decodeURIComponent(arg));
  else if (view === "lists") loadLists();
  else if (view === "alerts") loadAlerts(); // alerts.js
}

window.addEventListener("hashchange", route);
showKeyState();
// after every script (alerts.js) has run
document.addEventListener("DOMContentLoaded", route);
