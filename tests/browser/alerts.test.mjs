// The console's alerts view and list-sources panel in a real browser (Debian chromium, headless,
// 1366×768), against a server of its own: a store with two listed customers and one clean one,
// a version of the OFAC non-SDN list fetched from a loopback feed server (tests/lists_feed_server.py)
// and then a refused download of it (an HTML page), and a monitor run that opens alerts. The page
// must show each open alert with its customer, list entry and the list version that raised it,
// refuse a blank reason, clear one alert and confirm another through the existing routes, list the
// cleared one under "cleared", and show the list source with its version, entry count, the HTML
// refusal and a "degraded" health line. Any page or console error fails the test.
// Env (tests/browser/run): CHROMIUM, SHOTS, PROFILE, WORK, XGATE_BIN, XGATE_ROOT, XGATE_SHARED, XGATE_DATA.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";

const { CHROMIUM, SHOTS, PROFILE, WORK, XGATE_BIN, XGATE_ROOT, XGATE_SHARED, XGATE_DATA } = process.env;
for (const [k, v] of Object.entries({ CHROMIUM, SHOTS, PROFILE, WORK, XGATE_BIN, XGATE_ROOT, XGATE_SHARED, XGATE_DATA }))
  assert.ok(v, k + " must be set");
const problems = [];
function step(name) { console.log("  - " + name); }

const DB = "sqlite:" + WORK + "/alerts.db";
const STATE = WORK + "/state";
const x = (...args) => execFileSync(XGATE_BIN, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
// a command that may exit non-zero (a refused download): its output either way
const xAny = (...args) => { try { return x(...args); } catch (e) { return String(e.stdout || "") + String(e.stderr || ""); } };

// waitFile: a bounded number of tries for a file a child writes once it is ready
async function waitFile(path, what) {
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(path) && fs.readFileSync(path, "utf8").trim()) return fs.readFileSync(path, "utf8").trim();
    await sleep(100);
  }
  throw new Error("waited 300 tries for " + what);
}

const children = [];
let context = null;
try {
  step("set up: keys, customers, a list version and a refusal, a monitor run");
  const key = (role, name) => x("keys", "create", "--role", role, "--name", name, "--db", DB).trim().split("\n").pop();
  const ANALYST = key("analyst", "alerts-analyst");
  fs.writeFileSync(WORK + "/customers.jsonl",
    '{"id":"cus_hw","name":"Huawei Technologies Co Ltd","country":"CN"}\n' +
    '{"id":"cus_hik","name":"Hangzhou Hikvision Digital Technology Co Ltd","country":"CN"}\n' +
    '{"id":"cus_ok","name":"Nordlicht Analytics GmbH","country":"DE"}\n');
  x("customers", "import", "--db", DB, WORK + "/customers.jsonl");

  fs.mkdirSync(WORK + "/root", { recursive: true });
  for (const f of ["cons_prim.csv", "cons_alt.csv", "cons_add.csv"])
    fs.copyFileSync(XGATE_SHARED + "/data/lists/ofac_cons_2025-12/" + f, WORK + "/root/" + f);
  const feed = spawn("python3", [XGATE_ROOT + "/tests/lists_feed_server.py", WORK + "/root", WORK + "/feed-port", WORK + "/feed.log"],
    { stdio: "ignore" });
  children.push(feed);
  const FEED = "http://127.0.0.1:" + (await waitFile(WORK + "/feed-port", "the feed server's port file"));
  const files = (mode) => ["cons_prim.csv", "cons_alt.csv", "cons_add.csv"].map((f) => FEED + "/" + mode + "/" + f).join(",");
  const upd = JSON.parse(x("lists", "update", "--source", "ofac_cons=" + files("files"), "--db", DB, "--data-dir", STATE, "--json"));
  const version = (upd.results || upd)[0].version;
  assert.match(version || "", /^ofac_cons-/, "the first download is a version: " + JSON.stringify(upd));
  const refused = xAny("lists", "update", "--source", "ofac_cons=" + files("html"), "--db", DB, "--data-dir", STATE, "--json");
  assert.match(refused, /HTML/, "the HTML page is refused: " + refused);

  const mon = JSON.parse(x("monitor", "run", "--db", DB, "--list", XGATE_SHARED + "/data/lists/dod_1260h_2026.xgate.csv", "--json"));
  const opened = mon.opened || [];
  assert.ok(opened.length >= 2, "the monitor run opens an alert per listed customer: " + JSON.stringify(mon).slice(0, 400));

  const srv = spawn(XGATE_BIN, ["serve", "--listen", "127.0.0.1:0", "--db", DB, "--port-file", WORK + "/port", "--data-dir", STATE,
    "--list", XGATE_DATA + "/lists/csl_sample.csv", "--source", "ofac_cons=" + files("files"), "--quiet"],
    { stdio: ["ignore", "ignore", fs.openSync(WORK + "/server.log", "a")] });
  children.push(srv);
  const BASE = "http://127.0.0.1:" + (await waitFile(WORK + "/port", "the server's port file"));
  const alertsApi = async (status) => {
    const r = await fetch(BASE + "/v1/alerts?status=" + status, { headers: { Authorization: "Bearer " + ANALYST } });
    assert.equal(r.status, 200);
    return (await r.json()).alerts;
  };
  const open = await alertsApi("open");
  const hw = open.find((a) => (a.party.customers || []).includes("Huawei Technologies Co Ltd"));
  const hik = open.find((a) => (a.party.customers || []).includes("Hangzhou Hikvision Digital Technology Co Ltd"));
  assert.ok(hw && hik, "open alerts for both listed customers");

  context = await chromium.launchPersistentContext(PROFILE, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1366, height: 768 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.setDefaultTimeout(30000);

  step("open the alerts view: each open alert with customer, entry and the list version");
  await page.goto(BASE + "/#/alerts");
  await page.fill("#key", ANALYST);
  await page.click("#usekey");
  await page.waitForFunction((n) => document.querySelectorAll("#alerts-table tbody tr.alert").length === n, open.length);
  const row = (id) => `#alerts-table tbody tr.alert[data-id="${id}"]`;
  assert.equal(await page.textContent(row(hw.id) + " td.customer"), "Huawei Technologies Co Ltd");
  assert.match(await page.textContent(row(hw.id) + " td.entry"), /Huawei Technologies/);
  assert.match(await page.textContent(row(hw.id) + " td.entry"), new RegExp(hw.entry.id));
  assert.equal(await page.textContent(row(hw.id) + " td.version code"), hw.list_hash.slice(0, 12));
  assert.equal(await page.getAttribute(row(hw.id) + " td.version code", "title"), hw.list_hash);
  assert.match(await page.textContent(row(hik.id) + " td.entry"), /Hikvision/);
  await page.waitForSelector("#al-health:not([hidden])");
  assert.match(await page.getAttribute("#al-health", "class"), /degraded/);
  assert.match(await page.textContent("#al-health"), /ofac_cons: the last update failed: .*HTML/);
  await page.screenshot({ path: SHOTS + "/console-alerts.png", fullPage: false });

  step("a blank reason records nothing");
  await page.click(row(hik.id) + " button.al-confirm");
  await page.waitForFunction(() => /A reason is required/.test(document.querySelector("#flash").textContent));
  assert.equal((await alertsApi("open")).length, open.length, "nothing was resolved");

  step("clear one alert and confirm the other, with reasons");
  await page.fill(row(hw.id) + " input.al-reason", "Different entity: registration number differs (browser test).");
  await page.click(row(hw.id) + " button.al-clear");
  await page.waitForFunction((id) => /clear recorded/.test(document.querySelector("#flash").textContent) &&
    !document.querySelector(`#alerts-table tbody tr.alert[data-id="${id}"]`), hw.id);
  await page.fill(row(hik.id) + " input.al-reason", "Same entity as listed (browser test).");
  await page.click(row(hik.id) + " button.al-confirm");
  await page.waitForFunction((id) => /confirm recorded/.test(document.querySelector("#flash").textContent) &&
    !document.querySelector(`#alerts-table tbody tr.alert[data-id="${id}"]`), hik.id);
  assert.equal((await alertsApi("open")).length, open.length - 2);

  step("the cleared alert is listed under 'cleared', with who cleared it and why");
  await page.selectOption("#al-status", "cleared");
  await page.click("#al-go");
  await page.waitForSelector(row(hw.id));
  assert.equal(await page.textContent(row(hw.id) + " td:nth-child(2)"), "cleared");
  assert.match(await page.textContent(row(hw.id) + " td.resolve"), /alerts-analyst: Different entity/);
  assert.equal(await page.$(row(hik.id)), null, "a confirmed alert is not 'cleared'");
  const cleared = await alertsApi("cleared");
  assert.ok(cleared.some((a) => a.id === hw.id), "the server recorded the clearance");

  step("the list-sources panel: version in force, entries, the HTML refusal, degraded");
  await page.click('nav a[data-nav="lists"]');
  const feedRow = '#l-feeds tbody tr.feed[data-source="ofac_cons"]';
  await page.waitForSelector(feedRow);
  assert.equal(await page.textContent(feedRow + " td.version code"), version);
  assert.equal(await page.textContent(feedRow + " td.entries"), "442");
  assert.match(await page.textContent(feedRow + " td.fetched"), /ago/);
  assert.match(await page.textContent(feedRow + " td.reason"), /^html: .*HTML page/);
  assert.equal(await page.textContent(feedRow + " span.state"), "failing");
  await page.waitForSelector("#l-health:not([hidden])");
  assert.match(await page.textContent("#l-health"), /Lists degraded/);
  await page.screenshot({ path: SHOTS + "/console-list-sources.png", fullPage: false });

  assert.deepEqual(problems, [], "no page or console errors");
  console.log("alerts.test.mjs: all steps passed");
} finally {
  if (context) await context.close();
  for (const c of children.reverse()) {
    if (c.exitCode !== null) continue;
    const done = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await done;
  }
}
