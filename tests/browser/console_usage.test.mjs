// The console's compute-usage view (issue 14) in a real browser (Debian chromium, headless, at
// laptop size 1366×768): a customer with usage is recorded through the API (POST /v1/customers as
// admin, POST /v1/usage as a service), then an analyst opens the Usage view, asks for the customer
// by name, and sees its figures and its chart, and its ultimate parent's. Asserted on the DOM:
// - the chart is the report's (figure.xg-chart, a stacked time series), one drawn period per day of
//   usage, the periods adding up to the API's accelerator-hours in total and per class;
// - every period with usage draws segments whose computed fill is a colour, not the default black,
//   and the class's legend colour, with its label and count visible;
// - the page logs no error (a Content-Security-Policy violation would be one);
// - screenshots go to SHOTS. Env: BASE, KEY, ADMIN_KEY, SERVICE_KEY, CHROMIUM, SHOTS, PROFILE.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const { BASE, KEY, ADMIN_KEY, SERVICE_KEY, CHROMIUM, SHOTS, PROFILE } = process.env;
assert.ok(BASE && KEY && ADMIN_KEY && SERVICE_KEY && CHROMIUM && SHOTS && PROFILE, "environment of tests/browser/run");
function step(name) { console.log("  - " + name); }
const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

async function call(method, path, key, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: "Bearer " + key, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json();
  return { status: res.status, data };
}

step("record a customer, its parent and its usage through the API");
const NAME = "Console Usage Cloud GmbH";
const cust = await call("POST", "/v1/customers", ADMIN_KEY, {
  id: "cus_console_usage", name: NAME, country: "DE",
  owners: [{ name: "Console Usage Holdings Ltd", country: "CN", headquarters: "CN", percent: 100 }],
});
assert.ok(cust.status === 201 || cust.status === 200, "customer stored: " + JSON.stringify(cust.data));
// 4 days in February: H100 and A100 (3A090.a) and g4dn.xlarge (T4, not 3A090), one day without usage
const rows = [
  { customer: NAME, item: "H100", count: 8, start: "2026-02-02T00:00:00Z", hours: 10 },
  { customer: NAME, item: "g4dn.xlarge", count: 4, start: "2026-02-02T00:00:00Z", hours: 6 },
  { customer: "cus_console_usage", item: "A100", count: 4, start: "2026-02-03T00:00:00Z", hours: 5 },
  { customer: NAME, item: "g4dn.xlarge", count: 2, start: "2026-02-05T00:00:00Z", hours: 12 },
];
const imp = await call("POST", "/v1/usage", SERVICE_KEY, { rows });
assert.equal(imp.status, 200, "usage stored: " + JSON.stringify(imp.data));
const rep = await call("GET", "/v1/usage/report?customer=cus_console_usage", KEY);
assert.equal(rep.status, 200);
const want = rep.data.customers[0].accelerator_hours;
assert.equal(want.total, 80 + 24 + 20 + 24, "the API's accelerator-hours (8×10 + 4×6 + 4×5 + 2×12)");

const problems = [];
const context = await chromium.launchPersistentContext(PROFILE + "-usage", {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.setDefaultTimeout(30000);

  step("open the console, paste the analyst key, open Usage and ask for the customer by name");
  await page.goto(BASE + "/");
  await page.fill("#key", KEY);
  await page.click("#usekey");
  await page.waitForFunction(() => document.querySelector("#keystate").textContent.startsWith("key set"));
  await page.click('nav a[data-nav="usage"]');
  await page.waitForSelector("#view-usage:not([hidden])");
  await page.fill("#u-customer", NAME);
  await page.click("#u-go");
  await page.waitForSelector('#usage-out .usage-entry[data-kind="customer"] figure.xg-chart svg');
  await page.waitForSelector('#usage-out .usage-entry[data-kind="ultimate_parent"] figure.xg-chart svg');
  assert.equal(await page.evaluate(() => location.hash), "#/usage/" + encodeURIComponent(NAME), "the view is linkable");

  step("read the charts from the DOM");
  const entries = await page.$$eval("#usage-out .usage-entry", (boxes) => boxes.map((b) => {
    const fig = b.querySelector("figure.xg-chart");
    const legend = Object.fromEntries([...fig.querySelectorAll("g.legend")].map((g) =>
      [g.querySelector("text").textContent, getComputedStyle(g.querySelector("rect")).fill]));
    return {
      kind: b.dataset.kind, customer: b.dataset.customer,
      crossed: b.querySelector("dd.crossed")?.textContent ?? null,
      chart: fig.dataset.chart, dataRows: Number(fig.dataset.rows), caption: fig.querySelector("figcaption").textContent,
      svgWidth: fig.querySelector("svg").getBoundingClientRect().width,
      inSvgNamespace: fig.querySelector("svg").namespaceURI === "http://www.w3.org/2000/svg",
      legend,
      rows: [...fig.querySelectorAll("g.row")].map((g) => ({
        label: g.dataset.label, value: Number(g.dataset.value),
        number: g.querySelector("text.num")?.textContent ?? "",
        drawnLabel: [...g.querySelectorAll("text")].find((t) => !t.classList.contains("num"))?.textContent ?? "",
        visible: [...g.querySelectorAll("text")].every((t) => t.getBoundingClientRect().width > 0),
        segs: [...g.querySelectorAll("rect.seg")].map((r) => ({
          series: r.dataset.series, value: Number(r.dataset.value),
          fill: getComputedStyle(r).fill, height: r.getBoundingClientRect().height,
        })),
      })),
    };
  }));
  assert.deepEqual(entries.map((e) => e.kind), ["customer", "ultimate_parent"], "the customer and its parent");
  assert.equal(entries[0].customer, "cus_console_usage");
  assert.equal(entries[1].customer, "Console Usage Holdings Ltd");

  for (const e of entries) {
    step(`${e.kind} ${e.customer}: ${e.rows.map((r) => r.label + " " + r.value).join(", ")}`);
    assert.equal(e.chart, "stacked-timeseries", "the usage report's chart");
    assert.ok(e.inSvgNamespace && e.svgWidth > 100, "the SVG is laid out as SVG");
    assert.ok(e.crossed !== null && e.crossed.length > 0, "thresholds crossed are stated");
    assert.deepEqual(Object.keys(e.legend), ["3A090.a", "3A090.b", "none"]);
    // by day from 2026-02-02 to 2026-02-05: four periods, 2026-02-04 without usage
    assert.equal(e.rows.length, 4, "one period per day");
    assert.equal(e.dataRows, 4);
    assert.deepEqual(e.rows.map((r) => r.label), ["2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05"]);
    assert.deepEqual(e.rows.map((r) => r.value), [104, 20, 0, 24], "accelerator-hours per day");
    const drawn = { "3A090.a": 0, "3A090.b": 0, none: 0 };
    for (const r of e.rows) {
      assert.ok(r.visible && r.drawnLabel === r.label, `${r.label}: label drawn`);
      assert.equal(r.number, String(r.value), `${r.label}: count drawn`);
      assert.equal(r.segs.length > 0, r.value > 0, `${r.label}: a bar exactly when there is usage`);
      assert.ok(close(r.segs.reduce((a, s) => a + s.value, 0), r.value), `${r.label}: segments add up`);
      for (const s of r.segs) {
        drawn[s.series] += s.value;
        assert.match(s.fill, /^rgb\(/, `${r.label}: fill is a colour (${s.fill})`);
        assert.notEqual(s.fill, "rgb(0, 0, 0)", `${r.label}: not black`);
        assert.equal(s.fill, e.legend[s.series], `${r.label}: ${s.series} in its legend colour`);
        assert.ok(s.height > 0, `${r.label}: ${s.series} drawn`);
      }
    }
    for (const k of Object.keys(drawn)) assert.ok(close(drawn[k], want[k]), `${k}: drawn ${drawn[k]}, API ${want[k]}`);
  }
  await page.screenshot({ path: SHOTS + "/console-usage.png", fullPage: true });

  step("a linked customer opens directly");
  await page.goto(BASE + "/#/usage/cus_console_usage");
  await page.waitForSelector('#usage-out .usage-entry[data-customer="cus_console_usage"] figure.xg-chart svg');
  assert.equal(await page.inputValue("#u-customer"), "cus_console_usage");

  assert.deepEqual(problems, [], "no page or console errors");
  console.log("console_usage.test.mjs: all steps passed");
} finally {
  await context.close();
}
