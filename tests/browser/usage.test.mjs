// The compute-usage HTML report (`xgate usage report --html FILE`) in a real browser (Debian
// chromium, headless): every chart is well-formed SVG (re-parsed as XML by the browser's own
// DOMParser), every bar has an explicit fill colour per class, the customers and parents are
// there with their thresholds, and the page logs no error. A standalone script:
// Env: REPORT (the HTML file), CHROMIUM (browser binary), SHOTS (screenshot dir),
//      EXPECT_CUSTOMERS (optional, comma-separated ids that must have a chart).
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const { REPORT, CHROMIUM, SHOTS, EXPECT_CUSTOMERS } = process.env;
assert.ok(REPORT && CHROMIUM && SHOTS, "REPORT, CHROMIUM and SHOTS must be set");
const problems = [];

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  await page.goto(pathToFileURL(REPORT).href);

  console.log("  - charts are well-formed SVG with explicit fills");
  const charts = await page.evaluate(() => {
    const out = [];
    for (const svg of document.querySelectorAll("section.entry svg")) {
      const xml = new XMLSerializer().serializeToString(svg);
      const doc = new DOMParser().parseFromString(xml, "image/svg+xml");
      const bars = [...svg.querySelectorAll("rect.bar")];
      out.push({
        customer: svg.closest("section").dataset.customer,
        parseError: doc.getElementsByTagName("parsererror").length > 0,
        bars: bars.length,
        fills: [...new Set(bars.map((b) => b.getAttribute("fill")))],
        unfilled: bars.filter((b) => !/^#[0-9a-f]{6}$/i.test(b.getAttribute("fill") || "")).length,
        width: svg.getBoundingClientRect().width,
      });
    }
    return out;
  });
  assert.ok(charts.length > 0, "the report has charts");
  for (const c of charts) {
    assert.equal(c.parseError, false, `${c.customer}: the SVG is not well-formed XML`);
    assert.ok(c.bars > 0, `${c.customer}: a chart without bars`);
    assert.equal(c.unfilled, 0, `${c.customer}: bars without an explicit fill colour`);
    assert.ok(c.width > 100, `${c.customer}: the chart is not laid out`);
  }
  for (const id of (EXPECT_CUSTOMERS || "").split(",").filter(Boolean))
    assert.ok(charts.some((c) => c.customer === id), `no chart for ${id}`);

  console.log("  - the page states thresholds crossed");
  const crossed = await page.$$eval("td.crossed", (tds) => tds.map((t) => t.textContent));
  assert.ok(crossed.length === charts.length || crossed.length >= charts.length,
            "every entry states its thresholds");
  await page.screenshot({ path: SHOTS + "/usage-report.png", fullPage: true });
  assert.deepEqual(problems, [], "no page or console errors");
  console.log(`usage report: ${charts.length} charts checked`);
} finally {
  await browser.close();
}
