// The intermediary network chart of the scan report (`xgate scan --report`), drawn in a real
// browser (Debian chromium, headless, 1366×768) over tests/scan/network, where two intermediaries
// serve several Entity-List buyers:
// - no page or console errors;
// - the nodes and edges counted from the DOM are the network of `--json --network` on the same
//   documents (same ids, same source → target pairs), and the figure's data-nodes/data-edges say so;
// - every node is drawn (a circle with a box, a fill that is a colour, a visible label), each
//   edge starts and ends at the centres of its two nodes' circles, listed parties are ringed in
//   red, flagged deals are red;
// - the ranked intermediaries table puts 北京智算云科技有限公司 first with its spellings;
// - a screenshot of the chart goes to SHOTS.
// Env: XGATE_BIN, XGATE_ROOT, CHROMIUM, SHOTS, PROFILE, WORK (see tests/browser/run).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const { XGATE_BIN, XGATE_ROOT, CHROMIUM, SHOTS, PROFILE, WORK } = process.env;
function step(name) { console.log("  - " + name); }

step("scan tests/scan/network with --report and --json --network");
const report = WORK + "/network-report.html";
const corpus = XGATE_ROOT + "/tests/scan/network";
const scan = spawnSync(XGATE_BIN, ["scan", "--json", "--network", "--report", report, corpus], { encoding: "utf8" });
assert.equal(scan.status, 0, "xgate scan failed: " + scan.stderr);
assert.doesNotMatch(scan.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/, "sanitizer report");
const lines = scan.stdout.trim().split("\n").map((l) => JSON.parse(l));
const net = lines.at(-1).network;
assert.ok(net && net.nodes.length >= 10 && net.edges.length >= 10, "the network has data");

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

  step("open the report in chromium");
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector("figure.xg-network svg");

  step("the chart's nodes and edges, from the DOM, are the network's");
  const drawn = await page.$eval("figure.xg-network", (f) => {
    const centre = (c) => { const b = c.getBoundingClientRect(); return { x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height }; };
    const svg = f.querySelector("svg");
    const m = svg.getScreenCTM();
    return {
      dataNodes: Number(f.dataset.nodes), dataEdges: Number(f.dataset.edges),
      nodes: [...f.querySelectorAll("g.node")].map((g) => {
        const c = g.querySelector("circle.dot");
        const t = g.querySelector("text");
        const tb = t.getBoundingClientRect();
        return { id: g.dataset.id, kind: g.dataset.kind, label: g.dataset.label, ...centre(c),
                 fill: getComputedStyle(c).fill, stroke: c.getAttribute("stroke"),
                 text: t.textContent, textW: tb.width, textH: tb.height };
      }),
      edges: [...f.querySelectorAll("path.edge")].map((p) => {
        const len = p.getTotalLength();
        const a = p.getPointAtLength(0), z = p.getPointAtLength(len);
        const pa = new DOMPoint(a.x, a.y).matrixTransform(m), pz = new DOMPoint(z.x, z.y).matrixTransform(m);
        return { source: p.dataset.source, target: p.dataset.target, kind: p.dataset.kind,
                 a: { x: pa.x, y: pa.y }, z: { x: pz.x, y: pz.y }, stroke: getComputedStyle(p).stroke, len };
      }),
    };
  });
  assert.equal(drawn.nodes.length, net.nodes.length, "one drawn node per network node");
  assert.equal(drawn.edges.length, net.edges.length, "one drawn edge per network edge");
  assert.equal(drawn.dataNodes, net.nodes.length, "data-nodes");
  assert.equal(drawn.dataEdges, net.edges.length, "data-edges");
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  assert.deepEqual(new Set(drawn.nodes.map((n) => n.id)), new Set(byId.keys()), "the same node ids");
  assert.deepEqual(new Set(drawn.edges.map((e) => `${e.source}>${e.target}>${e.kind}`)),
    new Set(net.edges.map((e) => `${e.source}>${e.target}>${e.kind}`)), "the same edges");

  step("every node is drawn with a visible label, listed parties ringed in red");
  const at = new Map(drawn.nodes.map((n) => [n.id, n]));
  for (const n of drawn.nodes) {
    const data = byId.get(n.id);
    assert.equal(n.label, data.name, `node ${n.id} is labelled with its name`);
    assert.equal(n.kind, data.kind, `node ${n.id} kind`);
    assert.ok(n.w > 4 && n.h > 4, `node ${data.name}: its circle is drawn (${n.w}×${n.h})`);
    assert.match(n.fill, /^rgb\(/, `node ${data.name}: the fill is a colour`);
    assert.ok(n.textW > 0 && n.textH > 0 && n.text.length > 0, `node ${data.name}: a visible label`);
    assert.equal(n.stroke === "#c0392b", data.listed !== null, `node ${data.name}: ringed in red when listed`);
  }
  // the columns: buyers left of intermediaries, left of providers, left of models
  const col = { buyer: 0, supplier: 1, provider: 2, model: 3 };
  for (const a of drawn.nodes) for (const b of drawn.nodes)
    if (col[a.kind] < col[b.kind]) assert.ok(a.x < b.x, `${a.label} (${a.kind}) left of ${b.label} (${b.kind})`);
  // no two nodes drawn on top of each other
  for (let i = 0; i < drawn.nodes.length; i++) for (let j = i + 1; j < drawn.nodes.length; j++) {
    const a = drawn.nodes[i], b = drawn.nodes[j];
    assert.ok(Math.hypot(a.x - b.x, a.y - b.y) > 10, `${a.label} and ${b.label} do not overlap`);
  }

  step("every edge joins the centres of its two nodes; flagged deals are red");
  for (const e of drawn.edges) {
    const s = at.get(e.source), t = at.get(e.target);
    const ends = [e.a, e.z];
    const near = (p, n) => Math.hypot(p.x - n.x, p.y - n.y) < 1.5;
    assert.ok((near(ends[0], s) && near(ends[1], t)) || (near(ends[0], t) && near(ends[1], s)),
      `edge ${s.label} → ${t.label} joins its nodes`);
    assert.ok(e.len > 10, `edge ${s.label} → ${t.label} has a length`);
    const data = net.edges.find((x) => x.source === e.source && x.target === e.target && x.kind === e.kind);
    assert.equal(e.stroke === "rgb(196, 78, 82)", data.flagged, `edge ${s.label} → ${t.label}: red when flagged`);
  }

  step("the ranked intermediaries table");
  const rows = await page.$$eval("table.intermediaries tr[data-node]", (trs) => trs.map((tr) => ({
    node: tr.dataset.node, cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()) })));
  assert.deepEqual(rows.map((r) => r.node), net.intermediaries.map((c) => c.node), "the table is the ranking");
  assert.ok(rows[0].cells[1].startsWith("北京智算云科技有限公司"), "the first intermediary: " + rows[0].cells[1]);
  assert.ok(rows[0].cells[1].includes("北京智算雲科技有限公司"), "its spellings are shown");
  const repeat = await page.$$eval("table.repeat-buyers tr[data-node] td.buyer", (tds) => tds.map((t) => t.textContent));
  assert.ok(repeat.some((t) => t.startsWith("四川大学")), "四川大学 is a repeat buyer");

  await page.locator("figure.xg-network").scrollIntoViewIfNeeded();
  await page.locator("figure.xg-network").screenshot({ path: SHOTS + "/report-network.png" });

  assert.deepEqual(problems, [], "no page or console errors");
  console.log("network.test.mjs: all steps passed");
} finally {
  await context.close();
}
