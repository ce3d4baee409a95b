// xgate console — compute usage of one customer (issue 14): GET /v1/usage/report?customer=…&charts=true
// and show, for the customer and its ultimate parent, the figures and the chart the HTML report
// draws. Uses el, api, flash and fail from app.js (loaded first).
//
// The chart is the one markup the server's shared chart writer (src/core/chart.c) produces for
// every HTML page xgate writes, so the console draws exactly what the report draws. It is the only
// server text this page parses as markup: DOMParser builds it in an inert document (no scripts run
// there, and the Content-Security-Policy allows no inline script anyway), the writer escapes every
// label, and only a <figure class="xg-chart"> is taken from it.
"use strict";

(() => {
  const CLASSES = ["3A090.a", "3A090.b", "none"];
  const fmtNum = (v) => (typeof v === "number" ? (Math.abs(v) >= 1e6 ? v.toExponential(3) : String(Math.round(v * 1000) / 1000)) : "");

  function chartNode(markup) {
    if (typeof markup !== "string") return el("p", {class: "muted", text: "No chart."});
    const doc = new DOMParser().parseFromString(markup, "text/html");
    const fig = doc.body.querySelector("figure.xg-chart");
    if (!fig) return el("p", {class: "muted", text: "No chart."});
    for (const n of fig.querySelectorAll("script, foreignObject")) n.remove();
    return document.adoptNode(fig);
  }

  function entryNode(e, kind) {
    const ah = e.accelerator_hours || {};
    const w = e.window || {};
    const crossed = (e.thresholds_crossed || []).map((t) => t.key + (t.status ? " (" + t.status + ")" : ""));
    const box = el("div", {class: "usage-entry", "data-customer": e.customer || "", "data-kind": kind},
      el("h3", {}, el("span", {class: "role", text: kind === "customer" ? "customer" : "ultimate parent"}), " ",
        e.customer || "", e.name && e.name !== e.customer ? el("span", {class: "muted", text: " · " + e.name}) : null,
        e.country ? el("span", {class: "muted", text: " · " + e.country}) : null));
    const dl = el("dl", {class: "kv"});
    kv(dl, [["Foreign", e.foreign ? "yes" : "no"],
      ["Accelerator-hours", fmtNum(ah.total) + " (" + CLASSES.map((c) => c + " " + fmtNum(ah[c] || 0)).join(", ") + ")"],
      ["Operations", fmtNum(e.ops_low) + " – " + fmtNum(e.ops_high)],
      ["Largest window", (w.from || "") + " – " + (w.to || "") + ": " + fmtNum(w.ops_low) + " – " + fmtNum(w.ops_high)],
      ["Thresholds crossed", crossed.length ? crossed.join(", ") : "none"]]);
    dl.lastChild.classList.add("crossed");
    box.append(dl, chartNode(e.chart));
    return box;
  }

  async function loadUsage(customer, from, to) {
    const out = document.querySelector("#usage-out");
    const p = new URLSearchParams({customer, charts: "true"});
    if (from) p.set("from", from);
    if (to) p.set("to", to);
    try {
      const r = await api("GET", "/v1/usage/report?" + p.toString());
      out.textContent = "";
      const u = r.utilisation || {};
      out.append(el("p", {class: "summary", text: "Period " + ((r.period || {}).from || "start") + " – " + ((r.period || {}).to || "end") +
        "; utilisation " + u.low + "–" + u.high + "; window " + r.window_days + " days."}));
      for (const e of r.customers || []) out.append(entryNode(e, "customer"));
      for (const e of r.parents || []) out.append(entryNode(e, "ultimate_parent"));
      if (!(r.customers || []).length) out.append(el("p", {class: "muted", id: "usage-none", text: "No usage recorded for " + customer + " in this period."}));
      flash("");
    } catch (e) { fail(e); }
  }

  document.querySelector("#usage-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const c = document.querySelector("#u-customer").value.trim();
    if (!c) return;
    const want = "#/usage/" + encodeURIComponent(c);
    if (location.hash !== want) location.hash = want; // hashchange loads it
    else loadUsage(c, document.querySelector("#u-from").value, document.querySelector("#u-to").value);
  });

  // #/usage/<customer> opens that customer's usage (a link can point at it).
  function onHash() {
    const m = (location.hash || "").match(/^#\/usage\/(.+)$/);
    if (!m || !sessionStorage.getItem(KEY)) return;
    const c = decodeURIComponent(m[1]);
    document.querySelector("#u-customer").value = c;
    loadUsage(c, document.querySelector("#u-from").value, document.querySelector("#u-to").value);
  }
  window.addEventListener("hashchange", onHash);
  onHash();
})();
