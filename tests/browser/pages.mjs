// Drives Debian's Chromium through playwright-core over the public register and the keeper's
// dashboard of a running, freshly seeded stack (run.sh starts it). Prints one line per
// check, page weights, and "N passed, N failed"; exits non-zero on any failure.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'noop.js'));
const { chromium } = require('playwright-core');

const base = process.env.ACCORD_BASE_URL;
const devKey = process.env.ACCORD_DEV_KEY;
const keeperKey = process.env.ACCORD_KEEPER_KEY;
const artifacts = process.env.ACCORD_ARTIFACTS;
const today = new Date().toISOString().slice(0, 10);
const SECRET_REMIT = 'CONFIDENTIAL-REMIT-7f3a';
const SECRET_PARTNER = 'Secret Partner Ltd 7f3a';
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

async function api(method, url, body, key = devKey, extraHeaders = {}) {
  const response = await fetch(base + url, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, text };
}

// An officer's act is recorded with the officer: the register keeper (kim) unless told.
async function must(method, url, body, officer = 'kim') {
  const r = await api(method, url, body, devKey, officer ? { 'X-Accord-Officer': officer } : {});
  if (r.status !== 200) throw new Error(`${method} ${url} -> ${r.status} ${r.text}`);
  return r.json;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Seed ----
const MAJOR_ANSWERS = [{ question: 1, amountPence: '200000000' }, { question: 2, count: 6 },
  ...[3, 4, 5, 6, 7].map((q) => ({ question: q, score: 5 }))];
const LIMITED_ANSWERS = [4, 5, 6, 7].map((q) => ({ question: q, score: 1 }));

async function seed() {
  await must('POST', '/v1/officers?officerId=kim',
             { displayName: 'Kim Keeper', service: 'Governance', roles: ['REGISTER_KEEPER'] }, '');
  await must('POST', '/v1/officers?officerId=lee',
             { displayName: 'Lee Lead', service: 'Leisure', roles: ['LEAD_OFFICER'] }, '');
  const create = (id, p) => must('POST', `/v1/partnerships?partnershipId=${id}`, p);
  await create('leisure-trust', {
    displayName: 'Leisure Trust', leadService: 'Leisure', keyPartnership: true,
    remit: 'Runs the district leisure centres and swimming pools.',
    monitoringArrangements: 'Quarterly performance report to the Leisure portfolio holder.',
    corporateAims: ['Healthy communities'],
    partners: [{ organisation: 'Harborough Leisure Ltd', sector: 'PRIVATE', role: 'Operator',
                 accountableBody: true }],
    documents: [{ kind: 'TERMS_OF_REFERENCE', title: 'Terms of reference 2025',
                  reference: 'https://example.org/leisure-tor.pdf', date: '2025-04-01' }],
  });
  await create('community-safety', {
    displayName: 'Community Safety Partnership', leadService: 'Community',
    remit: SECRET_REMIT, partners: [{ organisation: SECRET_PARTNER, sector: 'PUBLIC' }],
    confidentialGroups: ['REMIT', 'PARTNERS'],
    monitoringArrangements: 'Annual report to the Scrutiny Commission.',
  });
  await create('housing-board', { displayName: 'Housing Board', leadService: 'Housing' });
  await create('arts-forum', { displayName: 'Arts Forum', leadService: 'Leisure' });
  await create('hostile-name', { displayName: HOSTILE, leadService: 'Leisure', remit: HOSTILE });
  for (let i = 1; i <= 24; i++) {
    const n = String(i).padStart(2, '0');
    await create(`filler-${n}`, { displayName: `Village Hall Committee ${n}`, leadService: 'Communities' });
  }
  await must('POST', '/v1/partnerships/community-safety/screenings',
             { outcome: 'IS_PARTNERSHIP', justification: 'Statutory partnership with shared risk' });
  // Scored once screened (an unscreened partnership refuses an assessment).
  for (const id of ['leisure-trust', 'housing-board']) {
    await must('POST', `/v1/partnerships/${id}/screenings`,
               { outcome: 'IS_PARTNERSHIP', justification: 'Joint delivery with shared risk' });
  }
  await must('POST', '/v1/partnerships/leisure-trust/assessments', { answers: MAJOR_ANSWERS });
  await must('POST', '/v1/partnerships/housing-board/assessments', { answers: LIMITED_ANSWERS });
  const risk = (title, inherent, residual) => ({
    title, riskTo: 'BOTH', category: 'PARTNER_FAILURE_TO_PERFORM', owner: 'Head of Finance',
    inherent, residual, reviewDate: '2027-03-31',
    actions: [{ description: 'Agree a funding schedule', owner: 'Partnership manager', dueDate: '2027-01-31' }],
  });
  const risks = [
    ['leisure-trust', risk('Operator withdraws', { impact: 4, likelihood: 4 }, { impact: 3, likelihood: 2 })],
    ['leisure-trust', risk('Pool closure', { impact: 5, likelihood: 2 }, { impact: 2, likelihood: 2 })],
    ['housing-board', risk('Funding cut', { impact: 3, likelihood: 3 }, { impact: 2, likelihood: 1 })],
  ];
  for (const [id, body] of risks) {
    // The risk service may not have seen the assessment yet; retry for a while.
    let r;
    for (let i = 0; i < 100; i++) {
      r = await api('POST', `/v1/partnerships/${id}/risks`, body, devKey,
                    { 'X-Accord-Officer': 'kim' });
      if (r.status === 200) break;
      await sleep(100);
    }
    if (r.status !== 200) throw new Error(`cannot create a risk on ${id}: ${r.text}`);
  }
  await approveAndReview();
  // Let the feeds settle: the register's states and the review service's view stop changing.
  let last = '';
  for (let i = 0; i < 100; i++) {
    const a = await api('GET', `/v1/anomalies?asOfDate=${today}&pageSize=1000`);
    const p = await api('GET', '/v1/public/partnerships?pageSize=1000');
    const now = JSON.stringify([a.json, p.json]);
    if (now === last && p.json?.partnerships?.find((x) => x.name === 'partnerships/leisure-trust')?.tier === 'MAJOR') break;
    last = now;
    await sleep(300);
  }
}

const SECRET_REASON = 'Reason kept internal 7f3a';

async function waitUntil(what, test) {
  for (let i = 0; i < 150; i++) {
    if (await test()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A Limited partnership taken through approval by its officers (DOMAIN.md sections 4-5),
// then reviewed: it gets a schedule (due work) and a latest review outcome.
async function approveAndReview() {
  await must('POST', '/v1/officers?officerId=alice',
             { displayName: 'Alice Lead', service: 'Leisure', roles: ['LEAD_OFFICER'] });
  await must('POST', '/v1/officers?officerId=bob',
             { displayName: 'Bob Head', service: 'Leisure', roles: ['HEAD_OF_SERVICE'] });
  const as = (officer) => async (method, url, body) => {
    const r = await api(method, url, body, devKey, { 'X-Accord-Officer': officer });
    if (r.status !== 200) throw new Error(`${officer}: ${method} ${url} -> ${r.status} ${r.text}`);
    return r.json;
  };
  const alice = as('alice');
  const bob = as('bob');
  await must('POST', '/v1/partnerships?partnershipId=swim-club',
             { displayName: 'Swim Club Partnership', leadService: 'Leisure',
               remit: 'Free swimming lessons for primary schools.' });
  await alice('POST', '/v1/partnerships/swim-club/screenings',
              { outcome: 'IS_PARTNERSHIP', justification: 'Joint delivery' });
  await alice('POST', '/v1/partnerships/swim-club/assessments', { answers: [
    { question: 1, amountPence: '100000' }, { question: 2, count: 1 },
    ...[3, 4, 5, 6, 7].map((q) => ({ question: q, score: 1 }))] });
  await waitUntil('the register to show swim-club assessed', async () =>
    (await api('GET', '/v1/partnerships/swim-club')).json?.state === 'ASSESSED');
  const evaluation = await alice('POST', '/v1/partnerships/swim-club/evaluations', {});
  const protocol = await must('GET', '/v1/protocols/bolsover');
  await alice('PATCH', `/v1/${evaluation.name}?updateMask=sections,governanceChecklist`, {
    sections: protocol.evaluationSections.map((x) => ({ number: x.number, text: `Answered: ${x.title}` })),
    governanceChecklist: (protocol.governanceChecklist || []).map((x) => ({ itemId: x.id, met: true })),
  });
  await alice('POST', `/v1/${evaluation.name}:submit`, {});
  await bob('POST', `/v1/${evaluation.name}:signOff`, { role: 'HEAD_OF_SERVICE' });
  await waitUntil('the review schedule of swim-club', async () => {
    const schedule = (await api('GET', '/v1/partnerships/swim-club/schedule')).json;
    return schedule?.state === 'ACTIVE' && (schedule.items || []).length > 0;
  });
  await alice('POST', '/v1/partnerships/swim-club/reviews', {
    type: 'SERVICE_PLAN_REVIEW', periodStart: '2026-01-01', periodEnd: '2026-03-31',
    performance: [{ measure: 'Lessons', target: '100', actual: '90', rating: 'AMBER' }],
    partnersStrength: 'Stable', recommendation: 'CONTINUE_WITH_CHANGES',
    recommendationReason: SECRET_REASON,
  });
}

// ---- Browser helpers ----
const consoleErrors = [];
const weights = {};

// A refused sign-in or a missing page answers 4xx on purpose; Chromium reports each such
// answer on the console, so those reports are let through while this is set.
let expectingHttpErrors = false;
function onConsole(where) {
  return (m) => {
    if (m.type() !== 'error') return;
    if (expectingHttpErrors && /status of 40[1349]/.test(m.text())) return;
    consoleErrors.push(`${where()}: ${m.text()}`);
  };
}

// Text whose colour against its background is below WCAG 2.2 AA (4.5:1, or 3:1 for large
// text), computed from the styles the browser applied.
async function contrastProblems(page) {
  return page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const problems = [];
    for (const el of document.body.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const style = getComputedStyle(el);
      if (!own || style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
      const rect = el.getBoundingClientRect();
      if (rect.right < 0 || rect.bottom < 0) continue;  // the skip link until focused
      const [a, b] = [lum(rgb(style.color)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return problems;
  });
}

// Opens `url`, checks its status and records the HTML's size as the page's weight (the one
// stylesheet is counted once, separately).
async function open(page, name, url, { expectStatus = 200 } = {}) {
  expectingHttpErrors = expectStatus !== 200;
  const response = await page.goto(base + url, { waitUntil: 'load' });
  weights[name] = (await response.body()).length;
  check(`${name}: HTTP ${expectStatus}`, response.status() === expectStatus, `got ${response.status()}`);
  const low = await contrastProblems(page);
  check(`${name}: text contrast meets WCAG 2.2 AA`, low.length === 0, low.join('; '));
  expectingHttpErrors = false;
  return response;
}

async function shot(page, name, options = {}) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true, ...options });
}

async function rowsOf(page, tableId) {
  return page.$$eval(`#${tableId} tbody tr`, (rows) => rows.length).catch(() => 0);
}

async function main() {
  await seed();
  const browser = await chromium.launch({
    executablePath: process.env.ACCORD_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', onConsole(() => page.url()));
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });

  // -- The public list --
  await open(page, 'register-list', '/register');
  check('list: first page holds 25 rows', (await rowsOf(page, 'partnerships')) === 25);
  check('list: has a next page link', (await page.locator('a[rel=next]').count()) === 1);
  check('list: viewport meta present',
        (await page.locator('meta[name=viewport]').count()) === 1);
  check('list: every control has a label',
        await page.$$eval('form input:not([type=hidden]), form select', (els) =>
          els.every((el) => el.labels && el.labels.length > 0)));
  await shot(page, 'register-list');
  await page.locator('a[rel=next]').click();
  await page.waitForLoadState('load');
  const secondPage = await rowsOf(page, 'partnerships');
  const publicAll = (await api('GET', '/v1/public/partnerships?pageSize=1000', undefined, '')).json;
  check('list: second page holds the rest (the register\'s page token)', secondPage === publicAll.partnerships.length - 25,
        `${secondPage} vs ${publicAll.partnerships.length - 25}`);

  // Keyboard: Tab from the top reaches the skip link and every filter control in order.
  await page.goto(`${base}/register`);
  const reached = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id || el.className || el.tagName, outline: style.outlineStyle, text: el.textContent.trim() };
    }));
  }
  const ids = reached.map((r) => r.id);
  check('keyboard: skip link comes first', ids[0] === 'skip', ids.join(','));
  for (const id of ['q', 'status', 'tier', 'lead']) {
    check(`keyboard: Tab reaches #${id}`, ids.includes(id), ids.join(','));
  }
  check('keyboard: the submit button is reachable', reached.some((r) => r.text === 'Show partnerships'));
  check('keyboard: focus is visible (outline drawn)', reached.every((r) => r.outline !== 'none'),
        JSON.stringify(reached.filter((r) => r.outline === 'none')));

  // Filters narrow the list and live in the URL.
  await page.selectOption('#status', 'ASSESSED');
  await page.locator('button[type=submit]').click();
  await page.waitForLoadState('load');
  const assessedApi = (await api('GET', `/v1/public/partnerships?pageSize=1000&filter=${encodeURIComponent('state = ASSESSED')}`, undefined, '')).json.partnerships || [];
  check('filter: status is in the URL', page.url().includes('status=ASSESSED'), page.url());
  check('filter: status narrows to the API count', (await rowsOf(page, 'partnerships')) === assessedApi.length,
        `${await rowsOf(page, 'partnerships')} vs ${assessedApi.length}`);
  await shot(page, 'register-filtered');
  await open(page, 'register-search', '/register?q=TRUST');
  const names = await page.$$eval('#partnerships tbody th', (ths) => ths.map((t) => t.textContent));
  check('search: case-insensitive name search finds Leisure Trust only',
        names.length === 1 && names[0] === 'Leisure Trust', names.join('|'));
  await open(page, 'register-lead', '/register?lead=Leisure&tier=MAJOR');
  check('filter: lead service and tier combine', (await rowsOf(page, 'partnerships')) === 1);
  await open(page, 'register-lead-only', '/register?lead=Leisure');
  const leisureApi = (await api('GET', `/v1/public/partnerships?pageSize=1000&filter=${encodeURIComponent('lead_service = "Leisure"')}`, undefined, '')).json.partnerships || [];
  check('filter: lead service alone narrows to the API count',
        (await rowsOf(page, 'partnerships')) === leisureApi.length && leisureApi.length === 4,
        `${await rowsOf(page, 'partnerships')} vs ${leisureApi.length}`);

  // HTML injection: the hostile name is shown as text; nothing runs.
  await open(page, 'register-hostile', '/register/partnerships/hostile-name');
  check('injection: no dialog opened', dialogs.length === 0, dialogs.join('|'));
  check('injection: no script or img element made from data',
        (await page.locator('main script, main img').count()) === 0);
  check('injection: the name is shown literally', (await page.locator('h1').textContent()) === HOSTILE);

  // Confidential groups never reach the public page or the open data.
  await open(page, 'register-partnership-confidential', '/register/partnerships/community-safety');
  const confidentialHtml = await page.content();
  check('confidential: remit absent', !confidentialHtml.includes(SECRET_REMIT));
  check('confidential: partner absent', !confidentialHtml.includes(SECRET_PARTNER));
  check('confidential: page says not published', confidentialHtml.includes('Not published'));
  check('confidential: public monitoring shown', confidentialHtml.includes('Annual report to the Scrutiny Commission.'));
  await shot(page, 'register-partnership-confidential');
  await open(page, 'register-partnership', '/register/partnerships/leisure-trust');
  const leisure = await page.locator('main').textContent();
  for (const text of ['Runs the district leisure centres', 'Harborough Leisure Ltd', 'Terms of reference 2025',
                      'Quarterly performance report', 'Major', 'Latest review']) {
    check(`partnership page shows "${text}"`, leisure.includes(text));
  }
  await shot(page, 'register-partnership');
  await open(page, 'register-partnership-reviewed', '/register/partnerships/swim-club');
  const reviewed = await page.locator('#latest-review').textContent();
  check('latest review: outcome shown', reviewed.includes('Continue with changes') && reviewed.includes('Service plan review'), reviewed);
  check('latest review: the reason stays internal', !(await page.content()).includes(SECRET_REASON));
  await open(page, 'register-not-found', '/register/partnerships/no-such-thing', { expectStatus: 404 });

  for (const [file, type] of [['open-data.csv', 'text/csv'], ['open-data.json', 'application/json']]) {
    const r = await page.request.get(`${base}/register/${file}`);
    const text = await r.text();
    weights[file] = text.length;
    check(`${file}: served as ${type}`, r.status() === 200 && r.headers()['content-type'].startsWith(type));
    check(`${file}: no confidential field`, !text.includes(SECRET_REMIT) && !text.includes(SECRET_PARTNER));
    check(`${file}: lists Leisure Trust`, text.includes('Leisure Trust'));
  }

  // A phone: readable without sideways scrolling.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  phonePage.on('console', onConsole(() => `phone ${phonePage.url()}`));
  await phonePage.goto(`${base}/register`);
  check('phone: page does not overflow sideways',
        await phonePage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await shot(phonePage, 'register-list-phone');
  await phonePage.goto(`${base}/register/partnerships/leisure-trust`);
  check('phone: partnership page does not overflow sideways',
        await phonePage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await shot(phonePage, 'register-partnership-phone');
  await phone.close();

  // -- The keeper's dashboard --
  await page.goto(`${base}/keeper`);
  check('keeper: signed-out visit goes to the sign-in form', page.url().endsWith('/keeper/login'), page.url());
  await shot(page, 'keeper-login');
  weights['keeper-login'] = (await page.content()).length;
  expectingHttpErrors = true;
  await page.fill('#officer', 'kim');
  await page.fill('#api_key', 'accord_0000000000000000_wrong');
  await page.click('button[type=submit]');
  check('keeper: a wrong key is refused', (await page.locator('#login-error').count()) === 1);
  await page.fill('#officer', 'lee');
  await page.fill('#api_key', keeperKey);
  await page.click('button[type=submit]');
  check('keeper: an officer without the role is refused',
        (await page.locator('#login-error').textContent()).includes('REGISTER_KEEPER'));
  check('keeper: the key is not put back in the form', (await page.inputValue('#api_key')) === '');
  expectingHttpErrors = false;
  await page.fill('#officer', 'kim');
  await page.fill('#api_key', keeperKey);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  check('keeper: signed in lands on compliance', new URL(page.url()).pathname === '/keeper', page.url());
  check('keeper: the key never appears in a URL', !page.url().includes(keeperKey));
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'accord_keeper');
  check('keeper: session cookie is HttpOnly, SameSite=Strict, Path=/keeper',
        session && session.httpOnly && session.sameSite === 'Strict' && session.path === '/keeper',
        JSON.stringify(session));
  check('keeper: the cookie is not the key', session && session.value !== keeperKey && !keeperKey.includes(session.value));

  const anomalies = (await api('GET', `/v1/anomalies?asOfDate=${today}&pageSize=1000`)).json.anomalies || [];
  await open(page, 'keeper-compliance', '/keeper');
  const shownTotal = Number(await page.locator('#anomaly-total').textContent());
  check('compliance: total equals the API', shownTotal === anomalies.length, `${shownTotal} vs ${anomalies.length}`);
  const byKind = {};
  for (const a of anomalies) byKind[a.kind] = (byKind[a.kind] || 0) + 1;
  const cells = await page.$$eval('#anomaly-counts td[data-kind]', (tds) =>
    Object.fromEntries(tds.map((td) => [td.dataset.kind, Number(td.textContent)])));
  check('compliance: counts per kind equal the API',
        Object.entries(cells).every(([k, v]) => (byKind[k] || 0) === v), JSON.stringify({ cells, byKind }));
  check('compliance: lists anomalies per partnership', (await rowsOf(page, 'anomalies')) === anomalies.length);
  await shot(page, 'keeper-compliance');

  for (const [name, url, apiUrl] of [
    ['keeper-risks', '/keeper/risks', '/v1/partnerships/-/riskHeatMap'],
    ['keeper-risks-partnership', '/keeper/risks?partnership=leisure-trust', '/v1/partnerships/leisure-trust/riskHeatMap'],
  ]) {
    const map = (await api('GET', apiUrl)).json;
    await open(page, name, url);
    for (const which of ['inherent', 'residual']) {
      const shown = await page.$$eval(`#${which} td[data-count]`, (tds) =>
        tds.map((td) => `${td.dataset.impact}/${td.dataset.likelihood}=${td.dataset.count}`).sort());
      const expected = map.cells.map((c) =>
        `${c.impact}/${c.likelihood}=${(which === 'inherent' ? c.inherentCount : c.residualCount) || 0}`).sort();
      check(`${name}: ${which} counts equal the API`, JSON.stringify(shown) === JSON.stringify(expected),
            `${shown.filter((s) => !s.endsWith('=0'))} vs ${expected.filter((s) => !s.endsWith('=0'))}`);
    }
    check(`${name}: open risks equal the API`,
          Number(await page.locator('#open-risks').textContent()) === (map.openRisks || 0));
    await shot(page, name);
  }

  const due = (await api('GET', `/v1/dueItems?asOfDate=${today}&withinDays=365&pageSize=50`)).json.items || [];
  await open(page, 'keeper-due', '/keeper/due?within=365');
  check('due: rows equal the API', (await rowsOf(page, 'due-items')) === due.length, `${due.length} from the API`);
  check('due: the reviewed partnership is listed', due.length > 0 &&
        (await page.locator('#due-items').textContent()).includes('Swim Club Partnership'));
  await shot(page, 'keeper-due');

  await open(page, 'keeper-partnership', '/keeper/partnerships/leisure-trust');
  await shot(page, 'keeper-partnership');

  const year = new Date().getUTCFullYear();
  const report = (await api('GET', `/v1/annualReports/${year}`)).json;
  await open(page, 'keeper-annual-report', '/keeper/annual-report');
  check('annual report: partnerships figure equals the API',
        (await page.locator('#report-figures dd').first().textContent()) === String(report.partnerships || 0));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-download')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  check('annual report: the download is the API\'s CSV', csv === report.csv, `${csv.length} vs ${(report.csv || '').length}`);
  await shot(page, 'keeper-annual-report');

  await page.click('header button[type=submit]');
  await page.waitForLoadState('load');
  check('keeper: sign out returns to the sign-in form', page.url().endsWith('/keeper/login'));
  await page.goto(`${base}/keeper/risks`);
  check('keeper: after sign-out the dashboard needs signing in again', page.url().endsWith('/keeper/login'));

  check('no console errors', consoleErrors.length === 0, consoleErrors.join(' | '));
  await browser.close();

  const css = await fetch(`${base}/register/style.css`);
  weights['style.css (shared by every page)'] = (await css.text()).length;
  console.log('\npage weights (bytes of HTML per page; the stylesheet once):');
  for (const [name, bytes] of Object.entries(weights)) console.log(`  ${name.padEnd(36)} ${bytes}`);
  console.log(`screenshots: ${artifacts}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
