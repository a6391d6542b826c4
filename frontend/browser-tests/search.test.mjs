// Search in a real browser against the real server: a member's thread found by another member
// from the header (a suggestion chosen by keyboard, then the results page with a highlighted
// snippet), acronyms both ways, a typo, a filter and a type tab narrowing the results, the empty
// state's tips, a held post that others never find, and axe on each state of the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from './harness.mjs';
import { apiCall, expectStatus } from './forum-helpers.mjs';

const MODERATOR = { email: 'mod@nhs.example', name: 'Mo Moderator', role: 'moderator', password: 'moderator-passphrase-0451', region: 'london' };
const WRITER = { email: 'writer@nhs.example', name: 'Wren Writer', role: 'member', password: 'writer-passphrase-0451', region: 'london' };
const READER = { email: 'reader@nhs.example', name: 'Rae Reader', role: 'member', password: 'reader-passphrase-0451', region: 'north-west' };
const NEWCOMER = { email: 'new@nhs.example', name: 'Nia Newcomer', role: 'member', password: 'newcomer-passphrase-0451', region: 'london' };

const CIRCLES = { category: 'amhp-practice', title: 'Peer supervision circles for duty workers', body: 'We meet monthly in small circles with a reflective template and a timekeeper.' };
const ROTA = { category: 'london', title: 'Weekend cover for the duty rota', body: 'Who is the approved mental health professional on call at weekends in Camden?' };
const LONDON_CIRCLES = { category: 'london', title: 'Reflective circles in London boroughs', body: 'Our reflective circles are open to colleagues across the boroughs.' };
const HELD = { category: 'london', title: 'A first thread from a newcomer', body: 'Has anyone tried quillwort mapping for caseloads?' };

/** Asks the API as `person` until `q` finds a hit `found` accepts (the index follows writes within a second). */
async function searchable(person, q, found = (hit) => true, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await apiCall(person.page, 'GET', `/search?q=${encodeURIComponent(q)}`);
    if (last.status === 200 && last.body.hits.some(found)) return last.body;
    await person.page.waitForTimeout(200);
  }
  assert.fail(`"${q}" found nothing acceptable within ${ms} ms: ${JSON.stringify(last?.body).slice(0, 500)}`);
}

const resultTitles = (person) => person.page.locator('.app-search-result__title').allTextContents().then((ts) => ts.map((t) => t.trim()));
const liveCount = (person) => person.page.locator('.app-search__count[role="status"]').innerText();

describe('search', { concurrency: false }, () => {
  const app = new App();
  let moderator;
  let writer;
  let reader;
  let newcomer;
  const ids = {};

  before(async () => {
    await app.start();
    for (const u of [MODERATOR, WRITER, READER, NEWCOMER]) app.createUser(u);
    moderator = await app.person();
    writer = await app.person();
    reader = await app.person();
    newcomer = await app.person();
    await moderator.signIn(MODERATOR.email, MODERATOR.password);
    await writer.signIn(WRITER.email, WRITER.password);
    await reader.signIn(READER.email, READER.password);
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.password);
  });

  after(async () => {
    for (const p of [moderator, writer, reader, newcomer]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('a member posts threads; a moderator approves them as they are the first', async () => {
    for (const [key, thread] of Object.entries({ circles: CIRCLES, rota: ROTA })) {
      const made = expectStatus(await apiCall(writer.page, 'POST', '/threads', thread), 201, key);
      ids[key] = made.thread_id;
      if (made.status === 'held') {
        expectStatus(await apiCall(moderator.page, 'POST', `/moderation/queue/post-${made.id}/decision`, { action: 'approve', reason: 'Welcome' }), 200, `approve ${key}`);
      }
    }
    ids.london = expectStatus(await apiCall(moderator.page, 'POST', '/threads', LONDON_CIRCLES), 201, 'london circles').thread_id;
    // A reply, so "reflective" finds a post as well as threads.
    expectStatus(await apiCall(moderator.page, 'POST', `/threads/${ids.circles}/posts`, { body: 'The reflective template is pinned at the top of the space.' }), 201, 'reply');
    await searchable(reader, 'reflective', (h) => h.type === 'post');
    await searchable(reader, 'timekeeper', (h) => h.title === CIRCLES.title);
  });

  test('another member picks a suggestion by keyboard from the header search', async () => {
    const page = reader.page;
    await reader.visit('/spaces', 'Spaces');
    const box = page.getByRole('combobox', { name: /Search/ });
    await box.click();
    await box.pressSequentially('Peer supervis', { delay: 30 });
    const option = page.getByRole('option', { name: `${CIRCLES.title} (Discussion)`, exact: true });
    await option.waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.match(await page.locator('#app-header [role="status"]').innerText(), /\d+ suggestions?\./);
    await reader.axe('the header search with its suggestions open');
    // Down to the thread's suggestion; the input keeps focus, pointing at it.
    const options = await page.getByRole('option').allTextContents();
    // Once, though its first post carries the same title.
    assert.equal(options.filter((t) => t.includes(CIRCLES.title)).length, 1, `suggestions: ${options}`);
    const at = options.findIndex((t) => t.includes(CIRCLES.title));
    for (let i = 0; i <= at; i++) await page.keyboard.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    assert.match(await page.locator(`[id="${active}"]`).innerText(), new RegExp(CIRCLES.title));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-field');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/threads/${ids.circles}`);
    await reader.settled(CIRCLES.title);

    // Escape closes the list and leaves the words; Enter then opens the results page.
    await box.click();
    await box.pressSequentially('reflective', { delay: 30 });
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.inputValue(), 'reflective');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === 'reflective');
    await reader.settled('Search results for reflective', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    assert.match(await page.title(), /^Search results for reflective - /);
    assert.match(await liveCount(reader), /^\d+ results? for reflective$/);
    // The thread (its reply, under the same title, is a result of its own).
    const hit = page
      .locator('.app-search-result', { has: page.getByRole('link', { name: CIRCLES.title, exact: true }) })
      .filter({ has: page.locator('.app-search-result__tags', { hasText: 'Discussion' }) });
    assert.equal(await hit.count(), 1);
    assert.match((await hit.locator('.app-search-result__snippet mark').allTextContents()).join(' '), /reflective/i);
    await reader.axe('search results');
    reader.assertClean();
  });

  test('AMHP finds a thread that says only "approved mental health professional", and the other way round', async () => {
    const page = reader.page;
    await searchable(reader, 'AMHP', (h) => h.title === ROTA.title);
    await reader.visit('/search?q=AMHP', 'Search results for AMHP', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    const hit = page.locator('.app-search-result', { hasText: ROTA.title });
    await hit.waitFor();
    assert.match((await hit.locator('mark').allTextContents()).join(' ').toLowerCase(), /approved|mental|health|professional/);
    await reader.visit('/search?q=approved+mental+health+professional', 'Search results for approved mental health professional', { axe: false });
    await page.locator('.app-search-result', { hasText: ROTA.title }).waitFor();
  });

  test('a typo still finds the thread', async () => {
    await reader.visit('/search?q=timekeper', 'Search results for timekeper', { axe: false });
    await reader.page.locator('.app-search-result', { hasText: CIRCLES.title }).waitFor();
    assert.match(await liveCount(reader), /result/);
  });

  test('a type tab and a filter narrow the results', async () => {
    const page = reader.page;
    await reader.visit('/search?q=reflective', 'Search results for reflective', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    const all = await page.locator('.app-search-result').count();
    const tags = await page.locator('.app-search-result__tags').allInnerTexts();
    assert.ok(tags.some((t) => /Post/.test(t)) && tags.some((t) => /Discussion/.test(t)), `threads and posts: ${tags}`);

    // The Discussions tab: threads only, its count as the tab said.
    const tab = page.getByRole('navigation', { name: 'Result types' }).getByRole('link', { name: /^Discussions/ });
    const said = Number(/\((\d+)\)/.exec(await tab.innerText())[1]);
    await tab.click();
    await page.waitForURL((u) => u.searchParams.get('type') === 'thread');
    await reader.settled('Search results for reflective', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    const threads = await page.locator('.app-search-result__tags').allInnerTexts();
    assert.ok(threads.every((t) => /Discussion/.test(t)), `only discussions: ${threads}`);
    assert.equal(threads.length, said);
    assert.ok(threads.length < all);
    assert.equal(await page.locator('.app-search-tabs [aria-current="page"]').innerText().then((t) => t.replace(/\s+/g, ' ').trim()), `Discussions (${said})`);

    // A filter: the London region (or the first one offered) gives as many as its count said.
    const filters = page.locator('form.app-search-filters input[type="checkbox"]');
    assert.ok((await filters.count()) > 0, 'filters are offered');
    const london = page.locator('form.app-search-filters .nhsuk-checkboxes__label', { hasText: /London/ });
    const label = (await london.count()) > 0 ? london.first() : page.locator('form.app-search-filters .nhsuk-checkboxes__label').first();
    const text = await label.innerText();
    const expected = Number(/\((\d+)\)\s*$/.exec(text)[1]);
    await label.click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((u) => [...u.searchParams.keys()].some((k) => ['kind', 'topic', 'region'].includes(k)));
    await reader.settled('Search results for reflective', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('type'), 'thread', 'the tab is kept');
    assert.equal(await page.locator('.app-search-result').count(), expected, `filtered by ${text}`);
    assert.ok(expected < said || said === 1);
    assert.ok(await page.locator(`form.app-search-filters input[type="checkbox"]:checked`).count() === 1);
    await reader.axe('filtered search results');
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL((u) => !u.searchParams.has('region') && !u.searchParams.has('topic') && !u.searchParams.has('kind'));
    await reader.settled('Search results for reflective', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    assert.equal(await page.locator('.app-search-result').count(), said);
  });

  test('a search that finds nothing shows tips', async () => {
    const page = reader.page;
    await reader.visit('/search?q=xylophone+quadrangle+zeppelin', 'Search results for xylophone quadrangle zeppelin', { axe: false });
    await page.getByRole('heading', { name: 'No results found' }).waitFor();
    const tips = await page.locator('.app-search__empty').innerText();
    for (const tip of [/spelling/, /fewer words/, /acronyms work both ways/i]) assert.match(tips, tip);
    assert.match(await liveCount(reader), /^0 results for xylophone quadrangle zeppelin$/);
    await reader.axe('search with no results');
    reader.assertClean();
  });

  test("a new member's held thread is not found by another member", async () => {
    const made = expectStatus(await apiCall(newcomer.page, 'POST', '/threads', HELD), 201, 'held thread');
    assert.equal(made.status, 'held');
    // Written after it, so once this is found the index has seen the held one too.
    expectStatus(await apiCall(moderator.page, 'POST', '/threads', { category: 'london', title: 'Marking the end of the quarter', body: 'A note on lamplighter reviews.' }), 201, 'later thread');
    await searchable(reader, 'lamplighter');
    const answer = expectStatus(await apiCall(reader.page, 'GET', '/search?q=quillwort'), 200, 'search');
    assert.equal(answer.total, 0);
    assert.deepEqual(answer.hits, []);
    const suggested = expectStatus(await apiCall(reader.page, 'GET', `/search/suggest?q=${encodeURIComponent('A first thread from')}`), 200, 'suggest');
    assert.ok(!JSON.stringify(suggested).includes(HELD.title), 'not suggested');
    await reader.visit('/search?q=quillwort', 'Search results for quillwort', { axe: false });
    await reader.page.getByRole('heading', { name: 'No results found' }).waitFor();
    assert.doesNotMatch(await reader.page.locator('#maincontent').innerText(), new RegExp(HELD.title));
  });

  test('pages of results go forward and back', async () => {
    const page = moderator.page;
    const made = [];
    for (let i = 0; i < 23; i++) {
      made.push(expectStatus(await apiCall(page, 'POST', '/threads', { category: 'south-west', title: `Harbour duty notes number ${i + 1}`, body: 'Notes from the harbour duty meeting.' }), 201, `thread ${i}`));
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const r = await apiCall(page, 'GET', '/search?q=harbour&type=thread');
      if (r.status === 200 && r.body.total >= 23) break;
      await page.waitForTimeout(200);
    }
    await moderator.visit('/search?q=harbour&type=thread', 'Search results for harbour', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    const first = await resultTitles(moderator);
    assert.equal(first.length, 20);
    await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: /Next/ }).click();
    await moderator.settled('Search results for harbour, page 2', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    const second = await resultTitles(moderator);
    assert.equal(second.length, 3);
    assert.deepEqual(second.filter((t) => first.includes(t)), []);
    await moderator.axe('the second page of results');
    await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: /Previous/ }).click();
    await moderator.settled('Search results for harbour', { axe: false });
    await page.locator('.app-search-result').first().waitFor();
    assert.deepEqual(await resultTitles(moderator), first);
  });

  test('no page reported a problem', () => {
    for (const p of [moderator, writer, reader, newcomer]) p.assertClean();
  });
});
