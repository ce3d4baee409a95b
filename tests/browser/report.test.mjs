// The scan report (`xgate scan --report`) over the shared examples and news reports, opened in a real
// browser (Debian chromium, headless, at laptop size 1366×768) as a person would open the file:
// - no page or console errors;
// - every chart draws one bar per row of its data, and the data is the findings table of the same
//   page: each provider, chip, buyer and month is counted from the table and compared with the
//   label, data-value, drawn number and drawn bar length of its row (longer bars for larger counts);
// - every bar has a computed fill that is a colour, not the default black;
// - the findings table fits 1366 px without horizontal scrolling, documents are shown by file name
//   with the whole path in their title, listed parties one per line;
// - screenshots (the charts, the whole page) go to SHOTS for a person to look at.
// Env: XGATE_BIN, XGATE_SHARED, CHROMIUM, SHOTS, PROFILE, WORK (see tests/browser/run).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const { XGATE_BIN, XGATE_SHARED, CHROMIUM, SHOTS, PROFILE, WORK } = process.env;
function step(name) { console.log("  - " + name); }

step("write the report: xgate scan --report over the examples and the news reports");
const report = WORK + "/report.html";
const scan = spawnSync(XGATE_BIN, ["scan", "--report", report,
  XGATE_SHARED + "/data/tenders/examples", XGATE_SHARED + "/data/tenders/news"], { encoding: "utf8" });
assert.equal(scan.status, 0, "xgate scan --report failed: " + scan.stderr);
assert.doesNotMatch(scan.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, "sanitizer report");

const problems = [];
const context = await chromium.launchPersistentContext(PROFILE, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.setDefaultTimeout(30000);

  step("open it in chromium");
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector("table.findings");

  // The data, from the findings table (not from the charts).
  const table = await page.$$eval("table.findings tr[data-month]", (trs) => trs.map((tr) => {
    const cell = (c) => (tr.querySelector("td." + c)?.textContent ?? "").trim();
    const list = (c) => cell(c).split(", ").filter((x) => x.length > 0);
    return { month: tr.dataset.month, buyer: cell("buyer"), providers: list("providers"), chips: list("chips") };
  }));
  assert.ok(table.length >= 5, `the findings table has ${table.length} rows`);
  const tally = (values) => { const m = new Map(); for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1); return m; };
  const expected = {
    "Findings by provider": tally(table.flatMap((r) => r.providers)),
    "Findings by chip": tally(table.flatMap((r) => r.chips)),
    "Findings by buyer": tally(table.map((r) => r.buyer)),
    "Findings by month": tally(table.map((r) => r.month)),
  };

  // What chromium drew, read from the DOM: every row of every chart with its bar's box and fill.
  const charts = await page.$$eval("figure.xg-chart", (figs) => figs.map((f) => ({
    title: f.querySelector("figcaption").textContent,
    kind: f.dataset.chart,
    dataRows: Number(f.dataset.rows),
    bars: f.querySelectorAll("rect.bar").length,
    rows: [...f.querySelectorAll("g.row")].map((g) => {
      const rect = g.querySelector("rect.bar");
      const box = rect.getBoundingClientRect();
      const texts = [...g.querySelectorAll("text")];
      return {
        label: g.dataset.label,
        value: Number(g.dataset.value),
        number: g.querySelector("text.num")?.textContent,
        drawnLabel: texts.find((t) => !t.classList.contains("num"))?.textContent ?? "",
        width: box.width, height: box.height,
        fill: getComputedStyle(rect).fill,
        labelVisible: texts.every((t) => t.getBoundingClientRect().width > 0),
      };
    }),
  })));
  assert.deepEqual(charts.map((c) => c.title).sort(), Object.keys(expected).sort(), "the four charts");

  for (const c of charts) {
    step(`${c.title}: ${c.rows.map((r) => r.label + " " + r.value).join(", ")}`);
    const want = expected[c.title];
    assert.ok(want.size > 0, `${c.title}: the table has data for it`);
    assert.equal(c.bars, c.rows.length, `${c.title}: one bar per row`);
    assert.equal(c.dataRows, c.rows.length, `${c.title}: data-rows`);
    if (want.size <= 12) {
      const drawn = new Map(c.rows.map((r) => [r.label, r.value]));
      assert.deepEqual(drawn, want, `${c.title}: the drawn rows are the table's counts`);
    } else {
      assert.equal(c.rows.length, 12, `${c.title}: 12 rows, the last one "other"`);
      for (const r of c.rows.slice(0, 11)) assert.equal(r.value, want.get(r.label), `${c.title}: ${r.label}`);
      const total = [...want.values()].reduce((a, b) => a + b, 0);
      assert.equal(c.rows.reduce((a, r) => a + r.value, 0), total, `${c.title}: nothing dropped`);
    }
    const max = Math.max(...c.rows.map((r) => r.value));
    for (const r of c.rows) {
      assert.equal(r.number, String(r.value), `${c.title}: ${r.label} shows its count`);
      assert.ok(r.labelVisible, `${c.title}: ${r.label} has a visible label and number`);
      assert.ok(r.drawnLabel.length > 0 && (r.label.startsWith(r.drawnLabel.replace(/…$/, ""))),
        `${c.title}: drawn label '${r.drawnLabel}' is the label '${r.label}'`);
      assert.match(r.fill, /^rgb\(/, `${c.title}: ${r.label}: the fill is a colour (${r.fill})`);
      assert.notEqual(r.fill, "rgb(0, 0, 0)", `${c.title}: ${r.label}: the bar is not black`);
      // the bar's length (height for a time series) is proportional to its count
      const len = c.kind === "timeseries" ? r.height : r.width;
      const full = c.kind === "timeseries" ? 120 : 300;
      assert.ok(Math.abs(len - full * r.value / max) <= 2.5,
        `${c.title}: ${r.label}: bar ${len.toFixed(1)} px for ${r.value} of ${max}`);
    }
  }
  // The case the issue was filed for: both providers drawn, with their counts.
  const prov = charts.find((c) => c.title === "Findings by provider");
  for (const p of ["AWS", "Azure"]) assert.ok(prov.rows.some((r) => r.label === p && r.width > 0), `${p} is drawn`);

  await page.locator("figure.xg-chart").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: SHOTS + "/report-charts.png", fullPage: false });

  step("the findings table reads at 1366 px");
  const layout = await page.evaluate(() => {
    const t = document.querySelector("table.findings");
    return {
      pageWidth: document.documentElement.scrollWidth,
      tableRight: t.getBoundingClientRect().right,
      narrowest: Math.min(...[...t.querySelectorAll("th")].map((th) => th.getBoundingClientRect().width)),
      docs: [...t.querySelectorAll("td.docs a")].map((a) => ({ text: a.textContent, title: a.title })),
      parties: [...t.querySelectorAll("td.listed")].map((td) => ({
        n: td.querySelectorAll(".party").length,
        tops: [...td.querySelectorAll(".party")].map((p) => p.getBoundingClientRect().top),
      })),
    };
  });
  assert.ok(layout.pageWidth <= 1366, `no horizontal scrolling (page ${layout.pageWidth} px wide)`);
  assert.ok(layout.tableRight <= 1366, `the table fits (right edge ${layout.tableRight} px)`);
  assert.ok(layout.narrowest >= 40, `no column squeezed to a word per line (narrowest ${layout.narrowest} px)`);
  assert.ok(layout.docs.length >= 5, "documents are listed");
  for (const d of layout.docs) {
    assert.ok(!d.text.includes("/"), `a document is shown by its file name: ${d.text}`);
    assert.ok(d.title.endsWith("/" + d.text), `its whole path is in the title: ${d.title}`);
  }
  const withParties = layout.parties.filter((p) => p.n > 0);
  assert.ok(withParties.length >= 1, "some finding lists a party");
  for (const p of withParties)
    for (let i = 1; i < p.tops.length; i++) assert.ok(p.tops[i] > p.tops[i - 1], "listed parties one per line");

  await page.locator("table.findings").scrollIntoViewIfNeeded();
  await page.screenshot({ path: SHOTS + "/report-table.png", fullPage: false });
  await page.screenshot({ path: SHOTS + "/report-full.png", fullPage: true });

  assert.deepEqual(problems, [], "no page or console errors");
  console.log("report.test.mjs: all steps passed");
} finally {
  await context.close();
}
