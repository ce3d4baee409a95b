// xgate console — monitoring alerts and list sources (loaded after app.js, whose helpers it uses:
// $, el, api, fail, flash, fmtScore, explanationNode).
//   #/alerts  open alerts (or cleared / closed / all): the customer, the stored party, the list
//             entry, the score and why, the list version that raised it, the decisions it touches;
//             clear or confirm with a reason (POST /v1/alerts/{id}).
//   #/lists   the list-sources panel: each source's version in force, its ages, last update and
//             last failure (GET /v1/lists "feeds"), and the server's health (GET /healthz).
// Everything from the server goes in with textContent, never as HTML.
"use strict";

function fmtAge(s) {
  if (typeof s !== "number") return "";
  if (s < 120) return s + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  if (s < 172800) return Math.round(s / 3600) + " h";
  return Math.round(s / 86400) + " d";
}

function when(iso, age) {
  if (!iso) return el("span", {class: "muted", text: "—"});
  return el("span", {title: iso, text: fmtAge(age) + " ago"});
}

// ---- alerts ----
function alertRow(a) {
  const party = a.party || {}, entry = a.entry || {};
  const customers = (party.customers || []).join(", ");
  const tr = el("tr", {"data-id": a.id, class: "alert"},
    el("td", {title: a.created || "", text: (a.created || "").replace("T", " ").slice(0, 19)}),
    el("td", {class: "st-" + a.status, text: a.status}),
    el("td", {class: "customer", text: customers || "—"}),
    el("td", {class: "party"}, party.name || "",
      (party.roles || []).length ? el("div", {class: "note", text: party.roles.join(", ")}) : null),
    el("td", {class: "entry"}, entry.name || "",
      el("div", {class: "note", text: [entry.source_code || entry.source, entry.id ? "id " + entry.id : ""].filter(Boolean).join(" · ")}),
      a.matched && a.matched !== entry.name ? el("div", {class: "note", text: "matched: " + a.matched}) : null),
    el("td", {class: "num"}, fmtScore(a.score), explanationNode(a.explanation)),
    el("td", {class: "version"}, el("code", {title: a.list_hash || "", text: (a.list_hash || "").slice(0, 12)})),
    el("td", {class: "decisions", text: (a.decisions || []).join(", ") || "—"}),
    el("td", {class: "resolve"}, resolveCell(a)));
  return tr;
}

function resolveCell(a) {
  if (a.status !== "open") {
    const r = a.resolution;
    return r ? el("span", {class: "note", text: (r.action || a.status) + " by " + (r.reviewer || "?") + ": " + (r.reason || "")})
      : el("span", {class: "muted", text: a.status === "entry_removed" ? "the entry left the list" : "—"});
  }
  const reason = el("input", {class: "al-reason", maxlength: "2000", placeholder: "reason (recorded in the audit chain)"});
  const act = (action) => async () => {
    const text = reason.value.trim();
    if (!text) { flash("A reason is required.", "bad"); reason.focus(); return; }
    try {
      const r = await api("POST", "/v1/alerts/" + encodeURIComponent(a.id), {action, reason: text});
      flash("Alert " + a.id + ": " + (r.action || action) + " recorded" +
        ((r.denied || []).length ? "; denied " + r.denied.join(", ") : "") + ".", "ok");
      await loadAlerts(true);
    } catch (e) { fail(e); }
  };
  const box = el("div", {class: "alert-resolve"}, reason,
    el("div", {class: "actions"},
      el("button", {type: "button", class: "ok al-clear", onclick: act("clear"), text: "Clear"}),
      el("button", {type: "button", class: "bad al-confirm", onclick: act("confirm"), text: "Confirm"})));
  if (a.earlier_clearance)
    box.append(el("div", {class: "note", text: "cleared before: " + (a.earlier_clearance.reason || "") }));
  return box;
}

async function loadAlerts(keepFlash) {
  const status = $("#al-status").value || "open";
  const tb = $("#alerts-table tbody");
  try {
    const r = await api("GET", "/v1/alerts?status=" + encodeURIComponent(status));
    tb.textContent = "";
    for (const a of r.alerts || []) tb.append(alertRow(a));
    $("#alerts-empty").hidden = tb.children.length > 0;
    $("#al-count").textContent = (r.alerts || []).length + " " + status;
    showHealth($("#al-health"));
    if (!keepFlash) flash("");
  } catch (e) { fail(e); }
}

$("#alerts-filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadAlerts(); });

// ---- list sources ----
function feedState(f) {
  if (f.failing) return "failing";
  if (f.stale) return "stale";
  return f.version ? "ok" : "bundled";
}

function renderFeeds(feeds) {
  const tb = $("#l-feeds tbody");
  tb.textContent = "";
  for (const f of feeds) {
    const st = feedState(f);
    const failure = f.last_failure;
    tb.append(el("tr", {"data-source": f.source, class: "feed"},
      el("td", {class: "source", text: f.source}),
      el("td", {class: "version"}, f.version ? el("code", {text: f.version}) : el("span", {class: "muted", text: "none fetched: the bundled or --list file"})),
      el("td", {class: "num entries", text: f.entries ?? ""}),
      el("td", {class: "fetched"}, when(f.fetched_at, f.age_seconds)),
      el("td", {class: "published"}, f.published ? el("span", {title: f.published, text: f.published + " (" + fmtAge(f.published_age_seconds) + " ago)"}) : el("span", {class: "muted", text: "—"})),
      el("td", {class: "checked"}, when(f.checked_at, f.checked_age_seconds),
        el("div", {class: "note", text: "limit " + fmtAge(f.max_age_seconds)})),
      el("td", {class: "last"}, f.last_result ? el("span", {title: f.last_attempt_at || "", text: f.last_result}) : el("span", {class: "muted", text: "—"})),
      el("td", {class: "reason"}, failure ? el("span", {title: failure.at, text: failure.kind + ": " + failure.reason}) : el("span", {class: "muted", text: "—"})),
      el("td", {}, el("span", {class: "state s-" + st, text: st}))));
  }
  if (!feeds.length) tb.append(el("tr", {}, el("td", {colspan: "9", class: "muted", text: "No list sources configured."})));
}

// /healthz needs no key: "ok", or "degraded" with one line per problem.
async function showHealth(box) {
  try {
    const h = await api("GET", "/healthz");
    box.textContent = "";
    box.className = "health " + h.status;
    box.append(el("strong", {text: h.status === "ok" ? "Lists current" : "Lists degraded"}));
    if (h.refresh && h.refresh.interval_seconds)
      box.append(el("span", {class: "note", text: " · fetched every " + fmtAge(h.refresh.interval_seconds)}));
    if ((h.degraded || []).length) box.append(el("ul", {}, ...h.degraded.map((d) => el("li", {text: d}))));
    box.hidden = false;
  } catch (e) { box.hidden = true; }
}

$("#l-update").addEventListener("click", async () => {
  try {
    const r = await api("POST", "/v1/lists/update", {});
    const lines = (r.results || []).map((x) => x.source + ": " + x.status + (x.reason ? " (" + x.reason + ")" : ""));
    await loadLists();
    flash("Update: " + (lines.join("; ") || "no sources") + (r.reloaded ? " — new versions swapped in." : ""), "ok");
  } catch (e) { fail(e); }
});
