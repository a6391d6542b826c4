// Stored XSS: every payload in the shared list, posted as a thread body, a reply, an edit, a
// thread title, a display name, a tag, a moderator's reason and message, a resource summary and
// an attachment file name, then opened in Chromium as a member and as a moderator on every page
// that shows it: the thread pages, the space list, the edit preview, search results, the library
// list, resource and attachments pages, the review queue and its item pages, notifications, the
// moderation log and the members pages. Fails on any dialog, CSP violation or request to another origin; clicks,
// hovers, focuses and tabs through what members wrote; checks the DOM of every post container
// against the allow-list, and every place member text is shown for markup of the app's own only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from './harness.mjs';
import { apiCall, apiCalls, expectStatus } from './forum-helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PAYLOAD_FILE = resolve(here, '..', process.env.XSS_PAYLOADS ?? '../../shared/security/xss_payloads.txt');
// `\n` in the file stands for a newline; everything else is literal.
const PAYLOADS = readFileSync(PAYLOAD_FILE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => line.replaceAll('\\n', '\n'));

const ADMIN = { email: 'admin@nhs.example', name: 'Ada Admin', role: 'admin', password: 'admin-passphrase-0451' };
const MODERATOR = { email: 'mod@nhs.example', name: 'Mo Moderator', role: 'moderator', password: 'moderator-passphrase-0451' };
const MEMBER = { email: 'member@nhs.example', name: 'Mel Member', role: 'member', password: 'member-passphrase-0451' };
const CURATOR = { email: 'curator@nhs.example', name: 'Cora Curator', role: 'curator', password: 'curator-passphrase-0451' };
const TITLE_SPACE = 'amhp-practice';
const HELD_SPACE = 'xss-held';
const NAMES_SPACE = 'north-west';
const COMBINED = PAYLOADS.join('\n\n');
const PASSWORD = 'named-passphrase-0451';
// The named members and the member posting into the review queue are new accounts.
process.env.POST_RATE_LIMIT_NEW_MEMBER = '1000';
process.env.POST_RATE_LIMIT = '1000';
const POST_BODY = ['.app-post__body'];
// Collapsed as a page shows text.
const flat = (text) => text.replace(/\s+/g, ' ').trim();

// A 1×1 PNG: the smallest file the upload takes, with no text to extract.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const MAX_SUMMARY = 600;
const FILES_SLUG = 'payloads-as-file-names';

/** The payloads packed, one a line, into as few summaries (of at most 600 characters) as fit. */
function summaryBatches() {
  const out = [[]];
  for (const p of PAYLOADS) {
    const last = out[out.length - 1];
    if (last.length && [...last, p].join('\n').length > MAX_SUMMARY) out.push([p]);
    else last.push(p);
  }
  return out;
}

/** Uploads the PNG once under each name, as the upload form does; returns { status, body } each. */
function uploadAs(page, slug, names) {
  return page.evaluate(
    async ({ slug, names, png }) => {
      const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
      const out = [];
      for (const name of names) {
        const form = new FormData();
        form.append('file', new File([bytes], name, { type: 'image/png' }));
        const res = await fetch(`/api/resources/${slug}/attachments`, { method: 'POST', credentials: 'same-origin', body: form });
        const text = await res.text();
        out.push({ status: res.status, body: text ? JSON.parse(text) : null });
      }
      return out;
    },
    { slug, names, png: PNG },
  );
}

/** A title the API accepts (5 to 150 characters on one line) that keeps the payload's text. */
function titleFor(payload, i) {
  const flat = payload.replace(/\s+/g, ' ').trim();
  const t = flat.length < 5 ? `${flat} (${i})`.padEnd(5, '.') : flat;
  return t.length > 150 ? t.slice(0, 150) : t;
}

/** A display name the API may take (2 to 60 characters on one line) that keeps the payload's text. */
function nameFor(payload) {
  return [...flat(payload)].slice(0, 60).join('').trim();
}

/**
 * The DOM checks; returns what broke the rules. `html`: containers of sanitised member HTML
 * (post bodies), held to the allow-list. `text`: elements showing member text (titles, names,
 * reasons), which may hold only the app's own inline markup and links within the app. And on
 * the whole page: no inline event handlers, no script, frame or plugin elements, no
 * `javascript:` address anywhere.
 */
function containerFindings({ html, text }) {
  const BANNED = 'script, style, iframe, object, embed, form, input, button, base, meta, link, svg, math';
  const APP_INLINE = new Set(['a', 'span', 'strong', 'b', 'br', 'mark', 'time', 'p', 'ul', 'li']);
  const out = [];
  const textContainers = text.length ? [...document.querySelectorAll(text.join(', '))] : [];
  textContainers.forEach((c, n) => {
    const where = `${c.localName}.${c.className || 'text'}#${n}`;
    for (const el of [c, ...c.querySelectorAll('*')]) {
      if (el !== c && !APP_INLINE.has(el.localName)) out.push(`${where}: a <${el.localName}> element`);
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) out.push(`${where}: <${el.localName}> has ${attr.name}`);
        if (attr.name === 'style') out.push(`${where}: <${el.localName}> has a style attribute`);
      }
      if (el.localName === 'a' && !/^(\/(?!\/)|#)/.test(el.getAttribute('href') ?? '')) {
        out.push(`${where}: link with href ${el.getAttribute('href')}`);
      }
    }
  });
  for (const el of document.body.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) out.push(`page: <${el.localName}> has ${attr.name}`);
      if (/^\s*(javascript|vbscript|data:text)/i.test(attr.value) && ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr.name)) {
        out.push(`page: <${el.localName}> has ${attr.name}="${attr.value.slice(0, 60)}"`);
      }
    }
  }
  for (const el of document.body.querySelectorAll('script, iframe, frame, frameset, object, embed, base, meta')) out.push(`page: a <${el.localName}> element`);
  const containers = html.length ? [...document.querySelectorAll(html.join(', '))] : [];
  containers.forEach((c, n) => {
    const where = `${c.closest('[id^="post-"]')?.id ?? 'preview'}#${n}`;
    for (const el of c.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) out.push(`${where}: <${el.localName}> has ${attr.name}`);
        if (attr.name === 'style') out.push(`${where}: <${el.localName}> has a style attribute`);
        if ((attr.name === 'id' || attr.name === 'name') && !attr.value.startsWith('user-content-')) {
          out.push(`${where}: <${el.localName}> has ${attr.name}="${attr.value}"`);
        }
      }
    }
    for (const el of c.querySelectorAll(BANNED)) out.push(`${where}: a <${el.localName}> element`);
    for (const a of c.querySelectorAll('a[href]')) {
      const rel = (a.getAttribute('rel') ?? '').split(/\s+/);
      for (const want of ['nofollow', 'ugc', 'noopener', 'noreferrer']) {
        if (!rel.includes(want)) out.push(`${where}: link ${a.getAttribute('href')} lacks rel ${want}`);
      }
      if (!/^(https?:|mailto:)/i.test(a.getAttribute('href') ?? '')) out.push(`${where}: link with href ${a.getAttribute('href')}`);
    }
  });
  return { count: containers.length + textContainers.length, findings: out };
}

/** The text of each element matching `selector`, whitespace collapsed. */
function textsOf(page, selector) {
  return page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
}

/** Every expected text is shown (as text) in one of `texts`; and there are at least `min` of them. */
function assertShown(texts, expected, min, what) {
  assert.ok(expected.length >= min, `${what}: only ${expected.length} payloads to look for`);
  const missing = expected.filter((e) => !texts.some((t) => t.includes(flat(e))));
  assert.deepEqual(missing, [], `${what}: not shown as text`);
}

/** Presses a "Show more ..." button until it has gone, waiting each time for the items to grow. */
async function showAll(page, buttonName, itemSelector) {
  while ((await page.getByRole('button', { name: buttonName }).count()) > 0) {
    const before = await page.locator(itemSelector).count();
    await page.getByRole('button', { name: buttonName }).click();
    await page.waitForFunction(({ sel, n }) => document.querySelectorAll(sel).length > n, { sel: itemSelector, n: before });
  }
  return page.locator(itemSelector).count();
}

describe('stored XSS payloads', { concurrency: false }, () => {
  const app = new App();
  let admin;
  let moderator;
  let member;
  let curator;
  // Signs in as each named member in turn, to post as them.
  let named;
  const threads = {};
  // Payload titles the API took, by payload index.
  const titles = new Map();
  // Members named after payloads: { i, id, name (as stored), postId }.
  const namedMembers = [];
  const queueIds = {};
  const refusedTitles = new Set();
  // The library: the slugs of the resources whose summaries hold the payloads, and the stored
  // names (and titles) of the files uploaded under payload names.
  const summarySlugs = [];
  const files = [];
  const foreignRequests = [];
  const navigations = [];

  before(async () => {
    assert.ok(PAYLOADS.length > 10, `payloads read from ${PAYLOAD_FILE}`);
    await app.start();
    for (const u of [ADMIN, MODERATOR, MEMBER, CURATOR]) app.createUser(u);
    admin = await app.person();
    moderator = await app.person();
    member = await app.person();
    curator = await app.person();
    named = await app.person();
    for (const p of [admin, moderator, member, curator, named]) {
      // Anything leaving for another origin fails the test; it is stopped before it goes.
      await p.context.route(
        (url) => url.origin !== app.baseUrl,
        (route) => {
          const req = route.request();
          if (!req.isNavigationRequest()) foreignRequests.push(`${req.method()} ${req.url()}`);
          return route.abort();
        },
      );
      p.page.on('popup', (popup) => {
        navigations.push(`a new window opened for ${popup.url()}`);
        void popup.close();
      });
    }
    await admin.signIn(ADMIN.email, ADMIN.password);
    await moderator.signIn(MODERATOR.email, MODERATOR.password);
    await member.signIn(MEMBER.email, MEMBER.password);
    await curator.signIn(CURATOR.email, CURATOR.password);
  });

  after(async () => {
    for (const p of [admin, moderator, member, curator, named]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  /**
   * Everything done to a page that shows member content: the DOM rules, hover and focus on
   * every element, a click on every link (navigation stopped), Tab through, a 2 s wait, axe.
   * `html` and `text` are the containers of member HTML and of member text (see
   * containerFindings); `area` is what Tab goes through.
   */
  async function inspect(person, label, { wait = true, axe = true, html = POST_BODY, text = [], area = '.app-posts' } = {}) {
    const page = person.page;
    const url = page.url();
    const all = [...html, ...text];
    const inside = all.flatMap((sel) => [sel, `${sel} *`]).join(', ');
    const linkSel = all.map((sel) => `${sel} a`).join(', ');
    const pointSel = all.flatMap((sel) => [`${sel} a`, `${sel} img`]).join(', ');
    const { count, findings } = await page.evaluate(containerFindings, { html, text });
    assert.ok(count > 0, `no member content on ${label}`);
    assert.deepEqual(findings, [], `member content broke the rules on ${label}:\n${findings.join('\n')}`);

    const t0 = Date.now();
    await page.evaluate((sel) => {
      for (const el of document.querySelectorAll(sel)) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove', 'pointerover', 'pointerenter', 'focusin']) {
          el.dispatchEvent(new MouseEvent(type, { bubbles: type !== 'mouseenter' && type !== 'pointerenter' }));
        }
        if (el instanceof HTMLElement) el.focus({ preventScroll: true });
        el.dispatchEvent(new FocusEvent('focus'));
        el.dispatchEvent(new FocusEvent('blur'));
      }
    }, inside);
    // And the real pointer over each link and image.
    const targets = await page.evaluate((sel) => document.querySelectorAll(sel).length, pointSel);
    for (let i = 0; i < targets; i++) {
      const box = await page.evaluate(
        ({ sel, n }) => {
          const el = document.querySelectorAll(sel)[n];
          el.scrollIntoView({ block: 'center' });
          const r = el.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        },
        { sel: pointSel, n: i },
      );
      await page.mouse.move(box.x, box.y);
    }
    const t1 = Date.now();

    // Links are clicked for real; one to a safe scheme or within the app is stopped before it
    // leaves the page (or the app handles it), anything else is left to do what it would (and
    // must then trip a check).
    await page.evaluate((sel) => {
      window.__clickedLinks = [];
      window.__memberLinks = sel;
      if (window.__clickGuard) return;
      window.__clickGuard = true;
      window.addEventListener(
        'click',
        (e) => {
          const a = e.target instanceof Element ? e.target.closest(window.__memberLinks) : null;
          if (!a) return;
          const href = a.getAttribute('href') ?? '';
          window.__clickedLinks.push(href);
          if (/^(https?:|mailto:|\/(?!\/)|#)/i.test(href)) {
            e.preventDefault();
            e.stopPropagation();
          }
        },
        true,
      );
    }, linkSel);
    const onNav = (frame) => {
      if (frame === page.mainFrame() && frame.url() !== url) navigations.push(`${label}: navigated to ${frame.url()}`);
    };
    page.on('framenavigated', onNav);
    const links = await page.$$(linkSel);
    for (const link of links) {
      await link.click({ force: true, timeout: 2000, noWaitAfter: true }).catch(() => {});
      if (page.url() !== url) {
        navigations.push(`${label}: a link took the page to ${page.url()}`);
        await page.goto(url);
        await page.waitForSelector(all[0]);
      }
    }
    page.off('framenavigated', onNav);

    const t2 = Date.now();
    // Tab from the first piece of member content through everything focusable around it.
    const tabs = await page.evaluate(
      ({ sel, area }) => {
        const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';
        const first = document.querySelector(sel);
        const start = first?.matches(FOCUSABLE) ? first : (first?.querySelector(FOCUSABLE) ?? first?.closest(FOCUSABLE));
        if (start instanceof HTMLElement) start.focus();
        return Math.min(200, document.querySelectorAll(`${area} :is(${FOCUSABLE})`).length + 3);
      },
      { sel: all.join(', '), area },
    );
    for (let i = 0; i < tabs; i++) await page.keyboard.press('Tab');
    const t3 = Date.now();
    if (wait) await page.waitForTimeout(2000);
    if (axe) await person.axe(label);
    if (process.env.XSS_TIMING) console.error(`${label}: ${links.length} links, ${tabs} tabs; hover ${t1 - t0} ms, clicks ${t2 - t1} ms, tabs ${t3 - t2} ms, axe ${Date.now() - t3} ms`);
    assert.deepEqual(foreignRequests, [], `requests to other origins on ${label}`);
    assert.deepEqual(navigations, [], `navigation away on ${label}`);
    person.assertClean();
  }

  test('the payloads are posted as thread bodies, replies, edits and titles', async () => {
    const page = admin.page;
    const t1 = expectStatus(await apiCall(page, 'POST', '/threads', { category: 'london', title: 'Payloads as replies', body: COMBINED }), 201, 'combined thread');
    threads.replies = t1.id;
    const replies = await apiCalls(page, PAYLOADS.map((body) => ({ method: 'POST', path: `/threads/${t1.id}/posts`, body: { body } })));
    replies.forEach((r, i) => assert.equal(r.status, 201, `reply ${i}: ${JSON.stringify(r.body)}`));

    const t2 = expectStatus(await apiCall(page, 'POST', '/threads', { category: 'london', title: 'Payloads as edits', body: 'To be edited' }), 201, 'edit thread');
    threads.edits = t2.id;
    const placeholders = await apiCalls(page, PAYLOADS.map((_, i) => ({ method: 'POST', path: `/threads/${t2.id}/posts`, body: { body: `Placeholder ${i}` } })));
    const editIds = placeholders.map((r, i) => expectStatus(r, 201, `placeholder ${i}`).id);
    const { body: t2page } = await apiCall(page, 'GET', `/threads/${t2.id}?limit=1`);
    const edits = await apiCalls(page, [
      { method: 'PATCH', path: `/posts/${t2page.posts[0].id}`, body: { body: COMBINED } },
      ...PAYLOADS.map((body, i) => ({ method: 'PATCH', path: `/posts/${editIds[i]}`, body: { body } })),
    ]);
    edits.forEach((r, i) => assert.equal(r.status, 200, `edit ${i}: ${JSON.stringify(r.body)}`));

    const titled = await apiCalls(page, PAYLOADS.map((body, i) => ({ method: 'POST', path: '/threads', body: { category: TITLE_SPACE, title: titleFor(body, i), body } })));
    // A title with control or invisible characters (a right-to-left override) is refused; the
    // body is still posted, under a plain title.
    const retry = [];
    titled.forEach((r, i) => {
      if (r.status === 422 && JSON.stringify(r.body).includes('invisible')) {
        refusedTitles.add(i);
        retry.push(i);
      } else expectStatus(r, 201, `titled thread ${i}`);
    });
    const retried = await apiCalls(page, retry.map((i) => ({ method: 'POST', path: '/threads', body: { category: TITLE_SPACE, title: `Payload ${i}`, body: PAYLOADS[i] } })));
    retried.forEach((r, n) => (titled[retry[n]] = { status: expectStatus(r, 201, `retried thread ${retry[n]}`) && 201, body: r.body }));
    threads.titled = titled.map((r) => r.body.id);
    PAYLOADS.forEach((p, i) => {
      if (!refusedTitles.has(i)) titles.set(i, titleFor(p, i));
    });

    // The member's and the moderator's own posts, for their edit previews, in a short thread
    // (the member's is held: they are new).
    const t3 = expectStatus(await apiCall(page, 'POST', '/threads', { category: 'london', title: 'Payloads in the edit preview', body: 'Edit yours below' }), 201, 'preview thread');
    threads.preview = t3.id;
    threads.memberPost = expectStatus(await apiCall(member.page, 'POST', `/threads/${t3.id}/posts`, { body: COMBINED }), 201, 'member post').id;
    expectStatus(await apiCall(moderator.page, 'POST', `/threads/${t3.id}/posts`, { body: COMBINED }), 201, 'moderator post');
  });

  for (const who of ['member', 'moderator']) {
    test(`the thread pages are safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      for (const key of ['replies', 'edits']) {
        await person.visit(`/threads/${threads[key]}`);
        assert.ok((await person.page.locator('.app-post__body').count()) >= PAYLOADS.length, `${key}: every post shown`);
        // visit() ran axe on the page as it opened.
        await inspect(person, `${key} thread as a ${who}`, { axe: false });
      }
    });

    test(`the space list of payload titles is safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      const page = person.page;
      await person.visit(`/spaces/${TITLE_SPACE}`);
      await showAll(page, 'Show more threads', '.app-thread-list__item');
      const shown = await page.locator('.app-thread-list__title a').allTextContents();
      for (const [i, payload] of PAYLOADS.entries()) {
        if (refusedTitles.has(i)) continue;
        assert.ok(shown.includes(titleFor(payload, i)), `title ${i} is shown as text: ${titleFor(payload, i)}`);
      }
      const odd = await page.evaluate(() => {
        const list = document.querySelector('.app-thread-list');
        const bad = [...list.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name) || a.name === 'style'));
        const tags = [...list.querySelectorAll('*')].map((el) => el.localName).filter((t) => !['li', 'h2', 'a', 'ul', 'strong', 'p'].includes(t));
        return [...bad.map((el) => el.outerHTML.slice(0, 120)), ...tags];
      });
      assert.deepEqual(odd, [], 'the list holds only its own markup');
      await page.evaluate(() => {
        for (const el of document.querySelectorAll('.app-thread-list *')) el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      });
      await page.waitForTimeout(2000);
      await person.axe(`payload titles as a ${who}`);
      person.assertClean();
    });

    test(`each payload's own thread is safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      await person.page.goto(`/threads/${threads.titled[0]}`);
      for (const id of threads.titled) {
        // In-app navigation, as a member clicking through would: no reload per thread.
        await person.page.evaluate((path) => {
          history.pushState(null, '', path);
          dispatchEvent(new PopStateEvent('popstate'));
        }, `/threads/${id}`);
        await person.page.waitForFunction((n) => document.querySelector(`.app-post[id]`) && document.querySelector('.app-posts')?.dataset.thread === String(n), id);
        // The 2 s wait and axe ran on the pages above; here each body is checked and exercised.
        await inspect(person, `thread ${id} as a ${who}`, { wait: false, axe: false });
      }
    });

    test(`the edit preview is safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      const page = person.page;
      const name = who === 'member' ? MEMBER.name : MODERATOR.name;
      // axe runs once the edit form is open.
      await page.goto(`/threads/${threads.preview}`);
      await page.waitForSelector('.app-post__body');
      const own = page.locator('.app-post', { has: page.getByRole('heading', { name }) }).last();
      await own.getByRole('button', { name: /^Edit/ }).click();
      await page.locator('.app-post__edit .app-preview').waitFor();
      assert.equal(await page.locator('.app-post__edit textarea').inputValue(), COMBINED);
      await inspect(person, `edit preview as a ${who}`);
    });
  }

  for (const who of ['member', 'moderator']) {
    test(`search results for a word in the payloads are safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      const page = person.page;
      // The index follows writes within a second; wait until the payload threads are in it.
      const deadline = Date.now() + 15_000;
      let found = null;
      while (Date.now() < deadline) {
        const r = await apiCall(page, 'GET', '/search?q=alert&limit=20');
        if (r.status === 200 && r.body.hits.length >= 10) {
          found = r.body;
          break;
        }
        await page.waitForTimeout(250);
      }
      assert.ok(found, 'the payload threads are found');
      // axe once the results are in, by inspect().
      await person.visit('/search?q=alert', 'Search results for alert', { axe: false });
      await page.locator('.app-search-result').first().waitFor();
      assert.equal(await page.locator('.app-search-result').count(), found.hits.length);
      // Titles are shown as the text the API gave, snippets as text with only <mark> in them.
      assert.deepEqual((await textsOf(page, '.app-search-result__title')).map(flat), found.hits.map((h) => flat(h.title)));
      const snippetTags = await page.locator('.app-search-result__snippet *').evaluateAll((els) => els.map((e) => e.localName));
      assert.ok(snippetTags.every((t) => t === 'mark'), `snippets hold only <mark>: ${snippetTags}`);
      assert.ok(snippetTags.length > 0, 'the word is marked in the snippets');
      await inspect(person, `search results for a word in the payloads as a ${who}`, {
        html: [],
        text: ['.app-search-result__title', '.app-search-result__snippet', '.app-search-result__meta'],
        area: '.app-search-results',
      });
    });
  }

  test('a curator adds resources with the payloads as summaries and as attachment file names', async () => {
    const page = curator.page;
    const batches = summaryBatches();
    assert.ok(batches.length <= 10, `${batches.length} resources for the summaries`);
    // One at a time: resources created side by side on SQLite can fail with "database is locked".
    const made = [];
    for (const body of [
      ...batches.map((lines, n) => ({ kind: 'guidance', title: `Payload summaries ${n + 1}`, summary: lines.join('\n'), body_markdown: 'The summary holds the payloads.', status: 'published' })),
      { kind: 'toolkit', title: 'Payloads as file names', slug: FILES_SLUG, summary: 'Every file here was uploaded under a payload as its name.', status: 'published' },
    ]) {
      made.push(await apiCall(page, 'POST', '/resources', body));
    }
    made.slice(0, batches.length).forEach((r, n) => summarySlugs.push(expectStatus(r, 201, `resource with summary ${n + 1}`).slug));
    expectStatus(made[batches.length], 201, 'resource for the files');

    // The name is only a label: the server keeps its last path part, without reserved or
    // invisible characters, ending in the type's extension. Whatever it keeps is shown as text.
    const uploads = await uploadAs(page, FILES_SLUG, PAYLOADS);
    uploads.forEach((r, i) => {
      const a = expectStatus(r, 201, `file named with payload ${i}`);
      assert.match(a.file_name, /\.png$/);
      files.push({ name: a.file_name, title: a.title });
    });

    // The curator's own view: the upload and manage forms around the same names.
    await curator.visit(`/library/${FILES_SLUG}/attachments`, 'Attachments: Payloads as file names', { axe: false });
    assert.equal(await page.locator('table.app-attachments tbody tr').count(), PAYLOADS.length);
    assertShown(await textsOf(page, '.app-attachments td'), files.flatMap((f) => [f.name, f.title]), PAYLOADS.length, 'file names for the curator');
    await inspect(curator, 'the attachments page as its curator', {
      html: [],
      text: ['.app-attachments td > a', '.app-attachments td > span', '.app-attachments .nhsuk-details__summary-text'],
      area: '.app-attachments',
    });
  });

  for (const who of ['member', 'moderator']) {
    test(`the library list, resource pages and attachments are safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      const page = person.page;
      await person.visit('/library', 'Library', { axe: false });
      assertShown(await textsOf(page, '.app-resource-item p'), PAYLOADS, PAYLOADS.length, 'summaries in the library list');
      await inspect(person, `the library list as a ${who}`, { html: [], text: ['.app-resource-item h2', '.app-resource-item p'], area: '.app-resource-list' });

      for (const [n, slug] of summarySlugs.entries()) {
        // visit() runs axe on each as it opens; the 2 s wait once.
        await person.visit(`/library/${slug}`, `Payload summaries ${n + 1}`);
        await inspect(person, `resource ${slug} as a ${who}`, { html: ['.app-resource__body'], text: ['.nhsuk-lede-text'], area: '#maincontent', axe: false, wait: n === 0 });
      }
      assertShown(await textsOf(page, '.nhsuk-lede-text'), summaryBatches().at(-1), 1, 'the last summary on its page');

      await person.visit(`/library/${FILES_SLUG}`, 'Payloads as file names', { axe: false });
      assertShown(await textsOf(page, '.app-attachments li'), files.map((f) => f.title), PAYLOADS.length, 'file titles on the resource page');
      await inspect(person, `the resource of payload files as a ${who}`, { html: [], text: ['.app-attachments li'], area: '.app-attachments', wait: false });

      await person.visit(`/library/${FILES_SLUG}/attachments`, 'Attachments: Payloads as file names', { axe: false });
      assertShown(await textsOf(page, '.app-attachments td'), files.flatMap((f) => [f.name, f.title]), PAYLOADS.length, 'file names on the attachments page');
      await inspect(person, `the attachments page as a ${who}`, { html: [], text: ['.app-attachments td'], area: '.app-attachments', wait: false });
    });
  }

  const QUEUE_TEXT = ['.app-queue__item h2', '.app-queue__item .nhsuk-summary-list__value', '.app-queue__kind', '.app-findings li', '.app-flags li', '.app-appeal-text'];

  /** Calls the API as each account in turn, signed in on `page`: [{ login, patch, reply }]. */
  function asEach(page, accounts, thread) {
    return page.evaluate(
      async ({ accounts, password, thread }) => {
        const call = async (method, path, body) => {
          const res = await fetch(`/api${path}`, { method, credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : null };
        };
        const out = [];
        for (const a of accounts) {
          const login = await call('POST', '/auth/login', { email: a.email, password });
          const patch = a.patch === null ? null : await call('PATCH', '/me', { display_name: a.patch });
          const reply = await call('POST', `/threads/${thread}/posts`, { body: `Hello from ${a.email}` });
          out.push({ login, patch, reply });
        }
        return out;
      },
      { accounts, password: PASSWORD, thread },
    );
  }

  test('the payloads wait in the review queue as titles, bodies and the names of new members', async () => {
    expectStatus(
      await apiCall(admin.page, 'POST', '/categories', { slug: HELD_SPACE, name: 'Held for review', description: 'Every post here is checked first.', kind: 'topic', pre_moderated: true }),
      201,
      'pre-moderated space',
    );
    // Every payload as a thread (its title and its body) in a pre-moderated space: all held.
    const held = await apiCalls(member.page, PAYLOADS.map((body, i) => ({ method: 'POST', path: '/threads', body: { category: HELD_SPACE, title: titles.get(i) ?? `Payload ${i}`, body } })));
    held.forEach((r, i) => assert.equal(expectStatus(r, 201, `held thread ${i}`).status, 'held'));

    // A member named after each payload (half named when the account is made, half renaming
    // themselves through the API) replies in one thread; their first posts are held.
    // In a space of its own, so the queue filtered by it holds only their replies.
    threads.names = expectStatus(await apiCall(admin.page, 'POST', '/threads', { category: NAMES_SPACE, title: 'Replies from members with payload names', body: 'Say hello below' }), 201, 'names thread').id;
    const accounts = PAYLOADS.map((payload, i) => {
      const email = `named${i}@nhs.example`;
      const name = nameFor(payload);
      const viaCli = i % 2 === 0;
      const made = viaCli ? app.tryCreateUser({ email, name, role: 'member', password: PASSWORD }) : { ok: false };
      if (viaCli && !made.ok) assert.match(made.output, /--name:/, `named${i} is refused for its name only`);
      if (!made.ok) app.createUser({ email, name: `Named member ${i}`, role: 'member', password: PASSWORD });
      return { i, email, patch: viaCli ? null : name };
    });
    await named.page.goto('/');
    await named.page.waitForSelector('#maincontent h1');
    const results = await asEach(named.page, accounts, threads.names);
    results.forEach((r, n) => {
      const a = accounts[n];
      const me = expectStatus(r.login, 200, `sign in as ${a.email}`);
      let name = me.display_name;
      if (r.patch?.status === 200) name = r.patch.body.display_name;
      else if (r.patch) {
        // The API's refusal is on the name field (control or invisible characters, a look-alike).
        assert.ok([409, 422].includes(r.patch.status) && r.patch.body.errors?.some((e) => e.field === 'display_name'), `${a.email}: ${JSON.stringify(r.patch.body)}`);
      }
      const reply = expectStatus(r.reply, 201, `reply by ${a.email}`);
      assert.equal(reply.status, 'held');
      if (!name.startsWith('Named member ')) namedMembers.push({ i: a.i, id: me.id, name, postId: reply.id });
    });
    assert.ok(namedMembers.length >= PAYLOADS.length - 5, `most payloads are taken as names (${namedMembers.length})`);

    const page = moderator.page;
    await moderator.visit(`/moderation/queue?space=${HELD_SPACE}`, 'Review queue', { axe: false });
    assert.ok((await showAll(page, 'Show more items', 'li.app-queue__item')) >= PAYLOADS.length, 'every held thread is in the queue');
    assertShown(await textsOf(page, '.app-queue__item h2'), [...titles.values()], PAYLOADS.length - 3, 'titles in the queue');
    assert.ok((await page.locator('.app-queue__item .app-post__body').count()) >= PAYLOADS.length, 'every body is in the queue');
    await inspect(moderator, 'the review queue of payload threads', { text: QUEUE_TEXT, area: '.app-queue' });

    // axe as it opens: the cards are those of the page above, with other names in them.
    await moderator.visit(`/moderation/queue?space=${NAMES_SPACE}`, 'Review queue');
    await showAll(page, 'Show more items', 'li.app-queue__item');
    assertShown(await textsOf(page, '.app-queue__item .nhsuk-summary-list__value'), namedMembers.map((m) => m.name), PAYLOADS.length - 5, 'authors in the queue');
    await inspect(moderator, 'the review queue of payload names', { text: QUEUE_TEXT, area: '.app-queue', axe: false });

    // Items on their own pages: a payload-titled thread, a payload-named member's reply, and
    // every payload in one post.
    const queued = expectStatus(await apiCall(page, 'GET', `/moderation/queue?space=${HELD_SPACE}&limit=100`), 200, 'queue');
    const [firstTitle] = titles.values();
    queueIds.titled = queued.items.find((it) => it.summary.thread_title === firstTitle)?.id;
    assert.ok(queueIds.titled, 'the first payload-titled thread is in the queue');
    const items = [
      [queueIds.titled, firstTitle, MEMBER.name],
      [`post-${namedMembers[0].postId}`, 'Replies from members with payload names', namedMembers[0].name],
      [`post-${threads.memberPost}`, 'Payloads in the edit preview', MEMBER.name],
    ];
    for (const [n, [id, heading, author]] of items.entries()) {
      // visit() runs axe on each as it opens; the 2 s wait once.
      await moderator.visit(`/moderation/queue/${id}`);
      assert.equal(flat(await moderator.h1().innerText()), flat(heading));
      assert.equal(await page.locator('li.app-queue__item .app-post__body').count(), 1);
      assertShown(await textsOf(page, '.app-queue__item .nhsuk-summary-list__value'), [author], 1, `author on ${id}`);
      await inspect(moderator, `queue item ${id}`, { text: [...QUEUE_TEXT, '#maincontent h1'], area: '#maincontent', axe: false, wait: n === 0 });
    }
  });

  test('notifications show payload titles and payload names to the thread author', async () => {
    // The moderator replies in every payload-titled thread, which its author (the admin)
    // watches; the named members' replies are approved and reach the admin too.
    const replies = await apiCalls(moderator.page, threads.titled.map((id) => ({ method: 'POST', path: `/threads/${id}/posts`, body: { body: 'A reply for the author to hear about' } })));
    threads.modReplies = replies.map((r, i) => expectStatus(r, 201, `reply in titled thread ${i}`).id);
    const approvals = await apiCalls(moderator.page, namedMembers.map((m) => ({ method: 'POST', path: `/moderation/queue/post-${m.postId}/decision`, body: { action: 'approve', reason: 'Welcome' } })));
    approvals.forEach((r, n) => expectStatus(r, 200, `approve the reply by ${namedMembers[n].name}`));

    const page = admin.page;
    await admin.visit('/notifications', 'Notifications', { axe: false });
    await showAll(page, 'Show more notifications', '.app-notification');
    assertShown(await textsOf(page, '.app-notification__thread'), [...titles.values()], PAYLOADS.length - 3, 'thread titles in notifications');
    assertShown(await textsOf(page, '.app-notification__message'), namedMembers.map((m) => m.name), PAYLOADS.length - 5, 'names in notifications');
    await inspect(admin, 'notifications of payload titles and names', { html: [], text: ['.app-notification__message', '.app-notification__thread'], area: '.app-notifications' });
  });

  for (const who of ['member', 'moderator']) {
    test(`payload names on the thread page are safe for a ${who}`, async () => {
      const person = who === 'member' ? member : moderator;
      await person.visit(`/threads/${threads.names}`, 'Replies from members with payload names');
      assertShown(await textsOf(person.page, '.app-post__author'), namedMembers.map((m) => m.name), PAYLOADS.length - 5, 'authors');
      await inspect(person, `payload names as a ${who}`, { text: ['.app-post__author'], axe: false });
    });
  }

  test('the moderation log shows payload reasons, messages, thread titles and names', async () => {
    // The admin hides the moderator's reply in each payload-titled thread, giving the payload
    // as the reason and as the message; the moderator warns each named member with it.
    const hides = await apiCalls(admin.page, threads.modReplies.map((id, i) => ({ method: 'POST', path: `/moderation/posts/${id}/hide`, body: { reason: PAYLOADS[i], message: PAYLOADS[i] } })));
    hides.forEach((r, i) => expectStatus(r, 200, `hide with payload ${i} as the reason`));
    const warns = await apiCalls(moderator.page, namedMembers.map((m) => ({ method: 'POST', path: `/members/${m.id}/warn`, body: { reason: `Checking how name ${m.i} is shown`, message: PAYLOADS[m.i] } })));
    warns.forEach((r, n) => expectStatus(r, 200, `warn ${namedMembers[n].name}`));

    const page = moderator.page;
    await moderator.visit('/moderation/log', 'Moderation log', { axe: false });
    await showAll(page, 'Show more entries', '.app-log tbody tr');
    const cells = await textsOf(page, '.app-log td');
    assertShown(cells, PAYLOADS, PAYLOADS.length, 'reasons and messages in the log');
    assertShown(cells, [...titles.values()], PAYLOADS.length - 3, 'thread titles in the log');
    assertShown(cells, namedMembers.map((m) => m.name), PAYLOADS.length - 5, 'names in the log');
    await inspect(moderator, 'the moderation log', { html: [], text: ['.app-log td'], area: '.app-log' });

    // A named member reads the entries about them, and the warning in their notifications.
    const m = namedMembers[0];
    expectStatus(await apiCall(named.page, 'POST', '/auth/login', { email: `named${m.i}@nhs.example`, password: PASSWORD }), 200, 'sign in');
    await named.visit('/moderation/log', 'Moderation log');
    const own = await textsOf(named.page, '.app-log td');
    assertShown(own, [m.name, PAYLOADS[m.i]], 2, 'their name and the message in their log');
    await inspect(named, 'the moderation log as a named member', { html: [], text: ['.app-log td'], area: '.app-log' });
    await named.visit('/notifications', 'Notifications');
    assertShown(await textsOf(named.page, '.app-notification__message'), [PAYLOADS[m.i]], 1, 'the warning in their notifications');
    await inspect(named, 'notifications as a named member', { html: [], text: ['.app-notification__message', '.app-notification__thread'], area: '.app-notifications', axe: false, wait: false });
  });

  test('the members pages show payload names as text', async () => {
    const page = moderator.page;
    await moderator.visit('/members?status=all', 'Members', { axe: false });
    await showAll(page, 'Show more members', '.nhsuk-table__body tr');
    assertShown(await textsOf(page, '.nhsuk-table__body td'), namedMembers.map((m) => m.name), PAYLOADS.length - 5, 'names in the member list');
    await inspect(moderator, 'the member list', { html: [], text: ['.nhsuk-table__body td'], area: '.nhsuk-table' });
    for (const [n, m] of namedMembers.slice(0, 2).entries()) {
      await moderator.visit(`/members/${m.id}`);
      assert.equal(flat(await moderator.h1().innerText()), flat(m.name));
      await inspect(moderator, `the member page of ${m.name}`, { html: [], text: ['#maincontent h1', '.nhsuk-summary-list__value'], area: '#maincontent', axe: false, wait: n === 0 });
    }
  });

  test('a payload as a tag is refused on its field, and the refusal is shown as text', async () => {
    const tagged = await apiCalls(moderator.page, PAYLOADS.map((p, i) => ({ method: 'POST', path: '/threads', body: { category: 'london', title: `Tagged with payload ${i}`, body: 'A thread with a tag', tags: [p] } })));
    const accepted = [];
    tagged.forEach((r, i) => {
      if (r.status === 201) accepted.push({ i, id: r.body.id });
      else assert.ok(r.status === 422 && r.body.errors?.some((e) => e.field === 'tags'), `tag ${i}: ${JSON.stringify(r.body)}`);
    });
    // Any that is taken is shown as a tag link on its thread and filters its space safely.
    for (const { i, id } of accepted) {
      await moderator.visit(`/threads/${id}`, `Tagged with payload ${i}`);
      await inspect(moderator, `thread tagged with payload ${i}`, { text: ['.app-tags'], axe: false, wait: false });
      const slug = new URL(await moderator.page.locator('.app-tags__link').first().getAttribute('href'), app.baseUrl).searchParams.get('tag');
      await moderator.visit(`/spaces/london?tag=${encodeURIComponent(slug)}`);
      assertShown(await textsOf(moderator.page, '.app-thread-list__title'), [`Tagged with payload ${i}`], 1, `threads tagged ${slug}`);
      await inspect(moderator, `space filtered by tag ${i}`, { html: [], text: ['.app-tag-filter', '.app-thread-list'], area: '#maincontent', axe: false, wait: false });
    }

    // The refusal names the tag (as the server normalised it) beside the field.
    const page = moderator.page;
    for (const [n, payload] of PAYLOADS.filter((p) => p.includes('<') && !/[,\n]/.test(p))
      .slice(0, 2)
      .entries()) {
      await moderator.visit('/spaces/london/new', 'Start a new thread', { axe: false });
      await page.getByLabel('Title').fill('A thread with a payload tag');
      await page.getByLabel('Tags (optional)').fill(payload);
      await page.getByLabel('Your post').fill('Tags are checked.');
      await page.getByRole('button', { name: 'Post thread' }).click();
      await page.locator('#tags-error').waitFor();
      const shown = [...flat(payload.normalize('NFKC'))].slice(0, 40).join('');
      assertShown(await textsOf(page, '#tags-error, .nhsuk-error-summary li'), [shown], 1, 'the refused tag');
      await inspect(moderator, `a refused tag ${payload}`, { html: [], text: ['#tags-error', '.nhsuk-error-summary li'], area: '#maincontent', wait: n === 0 });
    }
  });

  test('nothing ran, loaded from elsewhere or navigated away', () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(navigations, []);
    for (const p of [admin, moderator, member, curator, named]) p.assertClean();
  });
});
