// The compute-usage HTML report (`xgate usage report --html FILE`) in a real browser (Debian
// chromium, headless, at laptop size 1366×768), as a person would open the file:
// - no page or console errors;
// - every customer and parent has a chart (the shared chart writer, core/chart.c): well-formed SVG
//   (re-parsed as XML by the browser's own DOMParser), one drawn period per data row;
// - the drawn data is the page's own table: the periods of a chart add up to the entry's
//   accelerator-hours, in total and per class (3A090.a, 3A090.b, none);
// - every period with usage draws coloured segments (computed fill a colour, not the default black,
//   and the class's colour from the legend) whose heights add up to its share of the tallest bar,
//   with its label (the period) and its count drawn and visible;
// - the page states the thresholds crossed of every entry;
// - a screenshot goes to SHOTS for a person to look at.
// A standalone script (tests/browser/run and tests/cli/test_usage_compute.sh run it).
// Env: REPORT (the HTML file), CHROMIUM (browser binary), SHOTS (screenshot dir),
//      EXPECT_CUSTOMERS (optional, comma-separated ids that must have a chart).
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const { REPORT, CHROMIUM, SHOTS, EXPECT_CUSTOMERS } = process.env;
assert.ok(REPORT && CHROMIUM && SHOTS, "REPORT, CHROMIUM and SHOTS must be set");
const problems = [];
const CLASSES = ["3A090.a", "3A090.b", "none"];

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

const close = (a, b) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));

try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  await page.goto(pathToFileURL(REPORT).href);

  console.log("  - read every entry's table and chart from the DOM");
  const entries = await page.$$eval("section.entry", (secs) => secs.map((sec) => {
    const th = [...sec.querySelectorAll("table th")].find((t) => t.textContent === "accelerator-hours");
    const fig = sec.querySelector("figure.xg-chart");
    const svg = fig && fig.querySelector("svg");
    const xml = svg ? new XMLSerializer().serializeToString(svg) : "";
    const legend = Object.fromEntries([...(svg ? svg.querySelectorAll("g.legend") : [])].map((g) =>
      [g.querySelector("text").textContent, getComputedStyle(g.querySelector("rect")).fill]));
    return {
      customer: sec.dataset.customer,
      hours: th ? th.nextElementSibling.textContent : "",
      crossed: sec.querySelector("td.crossed")?.textContent ?? null,
      kind: fig?.dataset.chart,
      dataRows: fig ? Number(fig.dataset.rows) : 0,
      parseError: svg ? new DOMParser().parseFromString(xml, "image/svg+xml")
        .getElementsByTagName("parsererror").length > 0 : true,
      width: svg ? svg.getBoundingClientRect().width : 0,
      legend,
      rows: [...(svg ? svg.querySelectorAll("g.row") : [])].map((g) => {
        const texts = [...g.querySelectorAll("text")];
        const num = g.querySelector("text.num");
        return {
          label: g.dataset.label,
          value: Number(g.dataset.value),
          number: num?.textContent ?? "",
          numberVisible: num ? num.getBoundingClientRect().width > 0 : false,
          drawnLabel: texts.find((t) => !t.classList.contains("num"))?.textContent ?? "",
          labelVisible: texts.every((t) => t.getBoundingClientRect().width > 0),
          segs: [...g.querySelectorAll("rect.seg")].map((r) => ({
            series: r.dataset.series,
            value: Number(r.dataset.value),
            height: r.getBoundingClientRect().height,
            width: r.getBoundingClientRect().width,
            fill: getComputedStyle(r).fill,
            attr: r.getAttribute("fill"),
          })),
        };
      }),
    };
  }));
  assert.ok(entries.length > 0, "the report has entries");

  for (const e of entries) {
    console.log(`  - ${e.customer}: ${e.rows.length} periods, ${e.hours}`);
    assert.equal(e.kind, "stacked-timeseries", `${e.customer}: a stacked time series chart`);
    assert.equal(e.parseError, false, `${e.customer}: the SVG is not well-formed XML`);
    assert.ok(e.width > 100, `${e.customer}: the chart is not laid out`);
    assert.ok(e.rows.length > 0, `${e.customer}: a chart without periods`);
    assert.equal(e.rows.length, e.dataRows, `${e.customer}: one drawn period per data row`);
    assert.ok(e.crossed !== null && e.crossed.length > 0, `${e.customer}: thresholds crossed stated`);
    assert.deepEqual(Object.keys(e.legend), CLASSES, `${e.customer}: the legend names the classes`);

    // the table: "<total> (3A090.a <x>, 3A090.b <y>, none <z>)"
    const m = e.hours.match(/^(\S+) \(3A090\.a (\S+), 3A090\.b (\S+), none (\S+)\)$/);
    assert.ok(m, `${e.customer}: accelerator-hours in the table: '${e.hours}'`);
    const want = { total: Number(m[1]), "3A090.a": Number(m[2]), "3A090.b": Number(m[3]), none: Number(m[4]) };
    const drawn = { total: 0, "3A090.a": 0, "3A090.b": 0, none: 0 };
    for (const r of e.rows) {
      drawn.total += r.value;
      for (const s of r.segs) drawn[s.series] += s.value;
    }
    for (const k of Object.keys(want))
      assert.ok(close(drawn[k], want[k]), `${e.customer}: the chart's ${k} ${drawn[k]} is the table's ${want[k]}`);

    const max = Math.max(...e.rows.map((r) => r.value));
    for (const r of e.rows) {
      assert.ok(r.labelVisible && r.drawnLabel.length > 0, `${e.customer}: ${r.label} has a visible label`);
      assert.ok(r.label.startsWith(r.drawnLabel.replace(/…$/, "")), `${e.customer}: drawn label '${r.drawnLabel}' is '${r.label}'`);
      assert.ok(r.numberVisible && r.number.length > 0, `${e.customer}: ${r.label} shows its count`);
      const shown = Number(r.number.replace(/[kMGT]$/, "")) * ({ k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[r.number.slice(-1)] ?? 1);
      assert.ok(Math.abs(shown - r.value) <= 0.005 * Math.max(1, r.value), `${e.customer}: ${r.label} shows ${r.number} for ${r.value}`);
      if (r.value <= 0) { assert.equal(r.segs.length, 0, `${e.customer}: ${r.label}: no bar for 0`); continue; }
      assert.ok(r.segs.length > 0, `${e.customer}: ${r.label}: usage ${r.value} draws a bar`);
      assert.ok(close(r.segs.reduce((a, s) => a + s.value, 0), r.value), `${e.customer}: ${r.label}: segments add up`);
      for (const s of r.segs) {
        assert.match(s.attr || "", /^#[0-9a-f]{6}$/i, `${e.customer}: ${r.label}: an explicit fill colour`);
        assert.match(s.fill, /^rgb\(/, `${e.customer}: ${r.label}: the fill is a colour (${s.fill})`);
        assert.notEqual(s.fill, "rgb(0, 0, 0)", `${e.customer}: ${r.label}: the bar is not black`);
        assert.equal(s.fill, e.legend[s.series], `${e.customer}: ${r.label}: ${s.series} has its legend colour`);
        assert.ok(s.height > 0 && s.width > 0, `${e.customer}: ${r.label}: ${s.series} is drawn`);
      }
      const h = r.segs.reduce((a, s) => a + s.height, 0);
      assert.ok(Math.abs(h - 120 * r.value / max) <= 2.5, `${e.customer}: ${r.label}: bar ${h.toFixed(1)} px for ${r.value} of ${max}`);
    }
  }
  const ids = new Set(entries.map((e) => e.customer));
  for (const id of (EXPECT_CUSTOMERS || "").split(",").filter(Boolean)) assert.ok(ids.has(id), `no chart for ${id}`);

  await page.screenshot({ path: SHOTS + "/usage-report.png", fullPage: true });
  assert.deepEqual(problems, [], "no page or console errors");
  console.log(`usage report: ${entries.length} charts checked`);
} finally {
  await browser.close();
}
