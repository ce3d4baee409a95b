// The analyst console in a real browser (Debian chromium, headless, at laptop size 1366×768):
// paste a key, screen a name, classify an item, open the REVIEW decision from the queue, clear it
// with a reason in one step, and see the audit chain verify. Any page error or console error
// (including a Content-Security-Policy violation) fails the test.
// Env: BASE (server URL), KEY (analyst key), CHROMIUM, SHOTS (screenshot dir), PROFILE (fresh dir).
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const { BASE, KEY, CHROMIUM, SHOTS, PROFILE, LISTED_ID } = process.env;
const problems = [];

const context = await chromium.launchPersistentContext(PROFILE, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

function step(name) { console.log("  - " + name); }

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.setDefaultTimeout(30000);

  step("open the console and paste a key");
  await page.goto(BASE + "/");
  await page.fill("#key", KEY);
  await page.click("#usekey");
  await page.waitForFunction(() => document.querySelector("#keystate").textContent.startsWith("key set"));
  assert.equal(await page.evaluate(() => sessionStorage.getItem("xgate.key")), KEY);

  step("screen a name");
  await page.click('nav a[data-nav="screen"]');
  await page.fill("#s-name", "Beijing University of Aeronautics and Astronautics");
  await page.click("#s-go");
  await page.waitForSelector("#screen-out table.matches tbody tr");
  const firstMatch = await page.textContent("#screen-out table.matches tbody tr td:nth-child(2)");
  assert.match(firstMatch, /aeronautics|beihang/i, "the best match names BUAA");
  await page.click("#screen-out table.matches tbody tr details summary");
  await page.screenshot({ path: SHOTS + "/console-screen.png", fullPage: false });

  step("classify an item");
  await page.click('nav a[data-nav="classify"]');
  await page.fill("#c-items", "H100 SXM5 80GB, RTX 4090");
  await page.click("#c-go");
  await page.waitForSelector("#classify-table tbody tr");
  const eccn = await page.textContent("#classify-table tbody tr td:nth-child(6)");
  assert.match(eccn, /^3A090/, "H100 is 3A090");
  await page.screenshot({ path: SHOTS + "/console-classify.png", fullPage: false });

  step("page the review queue two at a time");
  const queueIds = () => page.$$eval("#queue-table tbody tr.clickable", (trs) => trs.map((t) => t.dataset.id));
  await page.click('nav a[data-nav="queue"]');
  await page.waitForSelector("#queue-table tbody tr.clickable");
  await page.fill("#f-limit", "2");
  await page.click('#queue-filters button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll("#queue-table tbody tr.clickable").length === 2);
  assert.ok(await page.isVisible("#queue-more"), "a full page offers 'Load more'");
  await page.click("#queue-more");
  await page.waitForFunction(() => document.querySelectorAll("#queue-table tbody tr.clickable").length === 3);
  assert.ok(await page.isHidden("#queue-more"), "the last page offers no more");
  const openIds = await queueIds();
  assert.equal(new Set(openIds).size, 3, "paging repeats no decision");
  await page.screenshot({ path: SHOTS + "/console-queue.png", fullPage: false });

  step("open the REVIEW decision from the queue");
  await page.click("#queue-table tbody tr.clickable");
  await page.waitForSelector("#d-resolve:not([hidden])");
  assert.equal(await page.textContent("#d-badge"), "REVIEW");
  const reasons = await page.$$eval("#d-reasons tbody tr", (trs) => trs.map((t) => t.textContent));
  assert.ok(reasons.length >= 1 && !/No reasons/.test(reasons[0]), "the decision shows its reasons");
  assert.ok((await page.$$("#d-parties .party")).length >= 1, "the decision shows its parties");
  await page.screenshot({ path: SHOTS + "/console-decision.png", fullPage: false });

  step("clear it with a reason, in one step");
  await page.fill("#resolve-reason", "End user named by phone; reseller contract on file (browser test).");
  await page.click("#btn-clear");
  await page.waitForFunction(() => /Recorded: clear → ALLOW/.test(document.querySelector("#flash").textContent));
  await page.waitForFunction(() => /resolved/.test(document.querySelector("#d-status").textContent));
  assert.ok(await page.isHidden("#d-resolve"), "a resolved decision offers no resolve form");
  assert.match(await page.textContent("#d-reviews"), /clear by browser-analyst/);
  await page.screenshot({ path: SHOTS + "/console-resolved.png", fullPage: true });

  step("confirm another with a reason: final DENY");
  await page.goto(BASE + "/#/decision/" + openIds[1]);
  await page.waitForSelector("#d-resolve:not([hidden])");
  await page.click("#btn-confirm"); // no reason: the form does not submit
  assert.ok(await page.$eval("#resolve-reason", (t) => t.validity.valueMissing), "an empty reason is refused");
  await page.fill("#resolve-reason", "   "); // blanks only: refused by the page, nothing recorded
  await page.click("#btn-confirm");
  await page.waitForFunction(() => /A reason is required/.test(document.querySelector("#flash").textContent));
  assert.ok(await page.isVisible("#d-resolve") && (await page.isHidden("#d-reviews")), "a blank reason records nothing");
  await page.fill("#resolve-reason", "Reseller refused to name the end user twice (browser test).");
  await page.click("#btn-confirm");
  await page.waitForFunction(() => /Recorded: confirm → DENY/.test(document.querySelector("#flash").textContent));
  // the flash comes first; the status and reviews follow when the page has fetched the decision again
  await page.waitForFunction(() => /DENY/.test(document.querySelector("#d-status").textContent));
  await page.waitForFunction(() => /confirm by browser-analyst/.test(document.querySelector("#d-reviews").textContent));

  step("filter the queue: resolved reviews, then DENY decisions of any status");
  await page.click('nav a[data-nav="queue"]');
  await page.selectOption("#f-status", "resolved");
  await page.click('#queue-filters button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll("#queue-table tbody tr.clickable").length === 2);
  const finals = await page.$$eval("#queue-table tbody tr.clickable td:nth-child(7)", (tds) => tds.map((t) => t.textContent).sort());
  assert.deepEqual(finals, ["ALLOW", "DENY"]);
  await page.selectOption("#f-decision", "DENY");
  await page.selectOption("#f-status", "");
  await page.click('#queue-filters button[type="submit"]');
  await page.waitForFunction((id) => { const r = document.querySelectorAll("#queue-table tbody tr.clickable");
    return r.length === 1 && r[0].dataset.id === id; }, LISTED_ID);
  assert.match(await page.textContent("#queue-table tbody tr.clickable"), /Sichuan University/);

  step("a decision with a listed party shows its matches with their stored explanations, and re-screens them");
  await page.goto(BASE + "/#/decision/" + LISTED_ID);
  await page.waitForSelector("#d-parties table.matches tbody tr");
  assert.match(await page.textContent("#d-parties table.matches tbody tr td:nth-child(2)"), /Sichuan University/);
  // the explanation stored with the decision: the aligned token pairs
  assert.match(await page.textContent("#d-parties td.why"), /sichuan/);
  await page.click("#d-parties button.quiet2");
  await page.waitForSelector("#d-parties td.why .rescreened");
  assert.match(await page.textContent("#d-parties td.why"), /re-screened now/);
  await page.screenshot({ path: SHOTS + "/console-listed.png", fullPage: false });

  step("the open queue no longer holds the two resolved, and the audit chain verifies");
  await page.click('nav a[data-nav="queue"]');
  await page.selectOption("#f-decision", "REVIEW");
  await page.selectOption("#f-status", "open");
  await page.click('#queue-filters button[type="submit"]');
  await page.waitForFunction((id) => { const r = document.querySelectorAll("#queue-table tbody tr.clickable");
    return r.length === 1 && r[0].dataset.id === id; }, openIds[2]);
  await page.selectOption("#f-decision", "ALLOW");
  await page.click('#queue-filters button[type="submit"]');
  await page.waitForSelector("#queue-empty:not([hidden])");
  await page.click('nav a[data-nav="lists"]');
  await page.waitForSelector("#l-sources tbody tr");
  await page.click("#a-verify");
  await page.waitForFunction(() => /^OK/.test(document.querySelector("#a-result").textContent));
  await page.screenshot({ path: SHOTS + "/console-lists.png", fullPage: false });

  step("an analyst cannot reload lists: the console shows the 403");
  await page.click("#l-reload");
  await page.waitForFunction(() => /403 forbidden/.test(document.querySelector("#flash").textContent));

  // The 403 above is logged by chromium as a failed resource load; it is expected.
  const unexpected = problems.filter((p) => !/status of 403/.test(p));
  assert.deepEqual(unexpected, [], "no page or console errors");
  console.log("console.test.mjs: all steps passed");
} finally {
  await context.close();
}
