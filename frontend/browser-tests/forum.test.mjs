// The forum in a real browser against the real server: the spaces, starting a thread as a new
// member (held for review, unseen by others), the case-information warning, replying,
// quoting, editing, earlier versions, deleting and paging a long thread.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, headerLink } from './harness.mjs';
import { apiCall, apiCalls, expectStatus } from './forum-helpers.mjs';

const MODERATOR = { email: 'mod@nhs.example', name: 'Mo Moderator', role: 'moderator', password: 'moderator-passphrase-0451', region: 'london' };
const NEWCOMER = { email: 'new@nhs.example', name: 'Nia Newcomer', role: 'member', password: 'newcomer-passphrase-0451', region: 'london' };
const OTHER = { email: 'other@nhs.example', name: 'Omar Other', role: 'member', password: 'other-passphrase-0451', region: 'north-west' };
const HELD_TITLE = 'Covering the AMHP rota over the holidays';
const CASE_TITLE = 'Advice on a Mental Health Act assessment';

describe('forum', { concurrency: false }, () => {
  const app = new App();
  let moderator;
  let newcomer;
  let other;
  let heldThreadPath;

  before(async () => {
    await app.start();
    for (const u of [MODERATOR, NEWCOMER, OTHER]) app.createUser(u);
    moderator = await app.person();
    newcomer = await app.person();
    other = await app.person();
    await moderator.signIn(MODERATOR.email, MODERATOR.password);
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.password);
    await other.signIn(OTHER.email, OTHER.password);
  });

  after(async () => {
    for (const p of [moderator, newcomer, other]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('members find the regional and topic spaces from the header', async () => {
    const page = newcomer.page;
    await (await headerLink(page, 'Spaces')).click();
    await newcomer.settled('Spaces');
    await page.getByRole('heading', { name: 'Regional communities' }).waitFor();
    await page.getByRole('heading', { name: 'Topic spaces' }).waitFor();
    assert.ok((await page.locator('.nhsuk-card a.nhsuk-card__link').count()) >= 14);
    assert.match(await page.locator('#maincontent').innerText(), /Your region: London/);
    await page.getByRole('link', { name: 'London', exact: true }).first().click();
    await newcomer.settled('London');
    await page.getByRole('link', { name: 'Newest' }).waitFor();
    await page.getByRole('link', { name: 'Unanswered' }).waitFor();
  });

  test('a new member starts a thread, fixing the form first, and it waits for review', async () => {
    const page = newcomer.page;
    await page.getByRole('button', { name: 'Start a new thread' }).click();
    await newcomer.settled('Start a new thread');
    await page.getByRole('button', { name: 'Post thread' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#title', '#body']);
    assert.match(await page.title(), /^Error: Start a new thread/);
    await newcomer.axe('new thread with errors');

    await page.getByLabel('Title').fill(HELD_TITLE);
    await page.getByLabel(/A question/).check();
    await page.getByLabel('Your post').fill('Does anyone have a **rota template** they could share?');
    await page.locator('.app-preview strong', { hasText: 'rota template' }).waitFor();
    await newcomer.axe('new thread with a preview');
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.waitForURL(/\/threads\/\d+$/);
    await newcomer.settled(HELD_TITLE);
    heldThreadPath = new URL(page.url()).pathname;
    const main = await page.locator('#maincontent').innerText();
    assert.match(main, /Awaiting review/);
    assert.match(main, /a new member's first posts are reviewed/);
    assert.match(main, /Your thread has been sent for review/);
    assert.match(main, /Question/);
    newcomer.assertClean();
  });

  test('another member does not see the held thread, in the space or at its address', async () => {
    await other.visit('/spaces/london', 'London');
    assert.equal(await other.page.getByRole('link', { name: HELD_TITLE }).count(), 0);
    await other.visit(heldThreadPath, 'Page not found');
    await other.visit('/', 'Partners in Practice');
    assert.doesNotMatch(await other.page.locator('#maincontent').innerText(), new RegExp(HELD_TITLE));
  });

  test('the author and the moderators see it marked as awaiting review', async () => {
    for (const who of [newcomer, moderator]) {
      await who.visit('/spaces/london', 'London');
      const item = who.page.locator('.app-thread-list__item', { hasText: HELD_TITLE });
      await item.waitFor();
      assert.match(await item.innerText(), /Awaiting review/);
    }
    // The author's home page lists it under their region, marked.
    await newcomer.visit('/', 'Partners in Practice');
    const region = newcomer.page.locator('#maincontent');
    assert.match(await region.innerText(), /Latest in London/);
    assert.match(await newcomer.page.locator('.app-thread-list__item', { hasText: HELD_TITLE }).innerText(), /Awaiting review/);
  });

  test('the editor warns about case information, and such a post is held with that reason', async () => {
    const page = newcomer.page;
    await newcomer.visit('/spaces/amhp-practice/new', 'Start a new thread');
    await page.getByLabel('Title').fill(CASE_TITLE);
    await page.getByLabel('Your post').fill('The person I assessed has NHS number 943 476 5919 and lives nearby.');
    const warning = page.locator('.app-case-warning');
    await warning.waitFor();
    assert.match(await warning.innerText(), /This may identify someone who uses services/);
    assert.match(await warning.innerText(), /An NHS number: \u201c943 476 5919\u201d/);
    await newcomer.axe('new thread with a case-information warning');
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.waitForURL(/\/threads\/\d+$/);
    await newcomer.settled(CASE_TITLE);
    const main = await page.locator('#maincontent').innerText();
    assert.match(main, /Awaiting review/);
    assert.match(main, /possible case information/);
  });

  test('members reply, answer a post with a quote, edit, see earlier versions and delete', async () => {
    const page = moderator.page;
    const created = expectStatus(
      await apiCall(page, 'POST', '/threads', { category: 'london', title: 'Supervision templates we use', body: 'Here is the **first** post.' }),
      201,
      'create thread',
    );
    await moderator.visit(`/threads/${created.id}`, 'Supervision templates we use');
    await page.getByLabel('Your reply').fill('A first reply');
    await page.locator('.app-reply .app-preview', { hasText: 'A first reply' }).waitFor();
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.getByText('Your reply has been posted.').waitFor();
    await moderator.axe('thread after a reply');

    // Reply to that reply: it shows the parent quoted.
    await page.getByRole('button', { name: /^Reply to this post by Mo Moderator/ }).nth(1).click();
    await page.getByText(/Replying to Mo Moderator/).waitFor();
    await page.getByLabel('Your reply').fill('Answering the first reply');
    await page.getByRole('button', { name: 'Post reply' }).click();
    const answer = page.locator('.app-post--reply', { hasText: 'Answering the first reply' });
    await answer.waitFor();
    assert.match(await answer.locator('.app-post__quote').innerText(), /In reply to Mo Moderator:\s*A first reply/);

    // Edit it, then see the earlier version.
    await answer.getByRole('button', { name: /^Edit/ }).click();
    const box = page.locator('textarea[id^="edit-"]');
    await box.waitFor();
    assert.equal(await box.inputValue(), 'Answering the first reply');
    await page.locator('.app-post__edit .app-preview', { hasText: 'Answering the first reply' }).waitFor();
    await moderator.axe('editing a post');
    await box.fill('Answering the first reply, edited');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes have been saved.').waitFor();
    const edited = page.locator('.app-post', { hasText: 'Answering the first reply, edited' });
    assert.match(await edited.locator('.app-post__meta').innerText(), /Edited/);
    await edited.getByRole('button', { name: /^View earlier versions/ }).click();
    await edited.locator('.app-revisions__text', { hasText: 'Answering the first reply' }).waitFor();
    await moderator.axe('earlier versions of a post');

    // Delete asks first; "No" keeps the post.
    const firstReply = page.locator('.app-post', { hasText: 'A first reply' }).first();
    await firstReply.getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('button', { name: 'No, keep it' }).click();
    await firstReply.getByRole('button', { name: /^Delete/ }).click();
    await moderator.axe('confirming a deletion');
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await page.getByText('Your post has been deleted.').waitFor();
    assert.equal(await page.locator('.app-post__body', { hasText: /^A first reply$/ }).count(), 0);
    moderator.assertClean();
  });

  test('a long thread pages with "Show more posts", and threads page in a space', async () => {
    const page = moderator.page;
    const created = expectStatus(
      await apiCall(page, 'POST', '/threads', { category: 'midlands', title: 'A very long conversation', body: 'Opening post' }),
      201,
      'create thread',
    );
    const replies = Array.from({ length: 55 }, (_, i) => ({ method: 'POST', path: `/threads/${created.id}/posts`, body: { body: `Reply number ${i + 1}` } }));
    // A few at a time: reply 55 still starts after the first 50 posts exist, so it is on page two.
    for (const r of await apiCalls(page, replies, 4)) assert.equal(r.status, 201);
    await moderator.visit(`/threads/${created.id}`, 'A very long conversation');
    assert.equal(await page.locator('.app-post').count(), 50);
    await page.getByRole('button', { name: 'Show more posts' }).click();
    await page.getByText('Reply number 55').waitFor();
    assert.equal(await page.locator('.app-post').count(), 56);
    assert.equal(await page.getByRole('button', { name: 'Show more posts' }).count(), 0);
    await moderator.axe('a long thread, all shown');

    const threads = Array.from({ length: 21 }, (_, i) => ({ method: 'POST', path: '/threads', body: { category: 'south-west', title: `South West thread ${i + 1}`, body: 'Hello' } }));
    // Posted a few at a time, so the threads' order (newest first, by id) need not follow their
    // numbers: which one is on the second page is read from the answers, not assumed.
    const made = await apiCalls(page, threads, 3);
    for (const r of made) assert.equal(r.status, 201);
    const oldest = threads[made.reduce((low, r, i) => (r.body.id < made[low].body.id ? i : low), 0)].body.title;
    const titles = () => page.locator('.app-thread-list__title a').allTextContents();
    await moderator.visit('/spaces/south-west?sort=new', 'South West');
    assert.equal(await page.locator('.app-thread-list__item').count(), 20);
    const firstPage = await titles();
    assert.ok(!firstPage.includes(oldest), `the oldest thread (${oldest}) is not on the first page`);
    await page.getByRole('button', { name: 'Show more threads' }).click();
    await page.getByRole('link', { name: oldest, exact: true }).waitFor();
    // The second page is added after the first, which stays as it was.
    assert.deepEqual(await titles(), [...firstPage, oldest]);
    assert.equal(await page.getByRole('button', { name: 'Show more threads' }).count(), 0);
    await moderator.visit('/spaces/south-west?sort=unanswered', 'South West');
    await moderator.axe('unanswered threads');
  });

  test('no page reported a problem', () => {
    for (const p of [moderator, newcomer, other]) p.assertClean();
  });
});
