// Moderation in a real browser against the real server: the review queue (claiming, approving,
// redacting, deciding appeals), the moderation log and appeals, watched words, preset reasons,
// spaces with their space moderators, and the settings admins control.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, headerLink } from './harness.mjs';
import { apiCall, expectStatus } from './forum-helpers.mjs';

const ADMIN = { email: 'admin@nhs.example', name: 'Ada Admin', role: 'admin', password: 'admin-passphrase-0451', region: 'london' };
const MOD1 = { email: 'mod1@nhs.example', name: 'Mo First', role: 'moderator', password: 'moderator-passphrase-0451', region: 'london' };
const MOD2 = { email: 'mod2@nhs.example', name: 'Max Second', role: 'moderator', password: 'moderator-passphrase-0452', region: 'london' };
const NEWCOMER = { email: 'new@nhs.example', name: 'Nia Newcomer', role: 'member', password: 'newcomer-passphrase-0451', region: 'london' };
const OTHER = { email: 'other@nhs.example', name: 'Omar Other', role: 'member', password: 'other-passphrase-0451', region: 'north-west' };
const HELD_TITLE = 'Peer supervision for newly qualified AMHPs';
const PRESET = 'Keeps to the community guidelines';
const NHS_NUMBER = '943 476 5919';

/** The queue card for an item whose text contains `text`. */
const queueItem = (person, text) => person.page.locator('li.app-queue__item', { hasText: text });

async function decide(person, item, { action, preset, reason, message }) {
  await item.getByLabel(action).check();
  if (preset) await item.getByLabel('Reason', { exact: true }).selectOption(preset);
  if (reason !== undefined) await item.getByLabel('Reason in your own words').fill(reason);
  if (message) await item.getByLabel('Message to the author (optional)').fill(message);
  await item.getByRole('button', { name: 'Record decision' }).click();
}

describe('moderation', { concurrency: false }, () => {
  const app = new App();
  let admin;
  let mod1;
  let mod2;
  let newcomer;
  let other;
  let heldThreadId;

  before(async () => {
    await app.start();
    for (const u of [ADMIN, MOD1, MOD2, NEWCOMER, OTHER]) app.createUser(u);
    admin = await app.person();
    mod1 = await app.person();
    mod2 = await app.person();
    newcomer = await app.person();
    other = await app.person();
    await admin.signIn(ADMIN.email, ADMIN.password);
    await mod1.signIn(MOD1.email, MOD1.password);
    await mod2.signIn(MOD2.email, MOD2.password);
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.password);
    await other.signIn(OTHER.email, OTHER.password);
  });

  after(async () => {
    for (const p of [admin, mod1, mod2, newcomer, other]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('an admin keeps the preset reasons moderators choose from', async () => {
    const page = admin.page;
    await (await headerLink(page, 'Administration')).click();
    await admin.settled('Administration');
    await page.getByRole('link', { name: 'Preset reasons' }).click();
    await admin.settled('Preset reasons');
    await page.getByRole('button', { name: 'Add reason' }).click();
    await page.locator('.nhsuk-error-summary a[href="#reason-text"]').waitFor();
    await admin.axe('preset reasons with an error');
    for (const text of [PRESET, 'Contains case information', 'Throwaway reason']) {
      await page.getByLabel('Reason', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Add reason' }).click();
      await page.getByText(`“${text}” has been added.`).waitFor();
    }
    await page.getByRole('button', { name: 'Remove “Throwaway reason”' }).click();
    await page.getByText('“Throwaway reason” has been removed.').waitFor();
    assert.equal(await page.locator('.app-reason', { hasText: 'Throwaway reason' }).count(), 0);
    await admin.axe('preset reasons');
    admin.assertClean();
  });

  test("a new member's first thread is held, claimed and approved from the queue, then others see it", async () => {
    const created = expectStatus(
      await apiCall(newcomer.page, 'POST', '/threads', { category: 'london', title: HELD_TITLE, body: 'Would anyone like to set up **monthly** peer supervision?' }),
      201,
      'held thread',
    );
    assert.equal(created.status, 'held');
    heldThreadId = created.thread_id;

    const page = mod1.page;
    await (await headerLink(page, 'Review queue')).click();
    await mod1.settled('Review queue');
    const item = queueItem(mod1, HELD_TITLE);
    await item.waitFor();
    const text = await item.innerText();
    assert.match(text, /Held/);
    assert.match(text, /London/);
    assert.match(text, /Nia Newcomer/);
    assert.match(text, /a new member's first posts are reviewed/);
    assert.match(text, /Claimed by\s+No one/);
    assert.equal(await item.locator('.app-post__body strong', { hasText: 'monthly' }).count(), 1);

    // Filters are in the address, so a filtered queue can be shared.
    await page.getByLabel('New member').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((u) => u.searchParams.get('kind') === 'member');
    await mod1.settled('Review queue');
    assert.equal(await queueItem(mod1, HELD_TITLE).count(), 0);
    await mod1.visit('/moderation/queue?space=london&kind=held', 'Review queue');
    assert.equal(await page.getByLabel('Space').inputValue(), 'london');

    // The second moderator has the queue open too.
    await mod2.visit('/moderation/queue', 'Review queue');
    await queueItem(mod1, HELD_TITLE).getByRole('button', { name: `Claim ${HELD_TITLE}` }).click();
    await page.getByText(`You have claimed “${HELD_TITLE}”.`).waitFor();
    assert.match(await queueItem(mod1, HELD_TITLE).innerText(), /Claimed by\s+You/);
    await mod1.axe('queue with a claim');

    // Claiming it second is refused, and the queue then says who has it.
    await queueItem(mod2, HELD_TITLE).getByRole('button', { name: `Claim ${HELD_TITLE}` }).click();
    const refused = mod2.page.locator('.nhsuk-error-summary');
    await refused.waitFor();
    assert.match(await mod2.page.title(), /^Error: Review queue/);
    await mod2.axe('queue with a claim refused');
    await mod2.visit('/moderation/queue', 'Review queue');
    assert.match(await queueItem(mod2, HELD_TITLE).innerText(), /Claimed by\s+Mo First/);
    assert.equal(await queueItem(mod2, HELD_TITLE).getByRole('button', { name: /Claim|Take over/ }).count(), 0);
    mod2.assertClean();

    // An admin can take a claim over, and release it again.
    await admin.visit('/moderation/queue', 'Review queue');
    await queueItem(admin, HELD_TITLE).getByRole('button', { name: `Take over ${HELD_TITLE}` }).click();
    await admin.page.getByText(`You have claimed “${HELD_TITLE}”.`).waitFor();
    await queueItem(admin, HELD_TITLE).getByRole('button', { name: `Release ${HELD_TITLE}` }).click();
    await admin.page.getByText(`You have released “${HELD_TITLE}”.`).waitFor();
    assert.match(await queueItem(admin, HELD_TITLE).innerText(), /Claimed by\s+No one/);
    admin.assertClean();
    await mod1.visit('/moderation/queue', 'Review queue');
    await queueItem(mod1, HELD_TITLE).getByRole('button', { name: `Claim ${HELD_TITLE}` }).click();
    await page.getByText(`You have claimed “${HELD_TITLE}”.`).waitFor();

    // A decision without a reason is refused before it is sent.
    await decide(mod1, queueItem(mod1, HELD_TITLE), { action: 'Approve: publish it' });
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /Choose a reason or write one/);
    await mod1.axe('decision without a reason');

    await decide(mod1, queueItem(mod1, HELD_TITLE), { action: 'Approve: publish it', preset: PRESET, reason: 'Welcome aboard' });
    await page.getByText(`“${HELD_TITLE}”: approved.`).waitFor();
    assert.equal(await queueItem(mod1, HELD_TITLE).count(), 0);
    await mod1.axe('queue after a decision');
    mod1.assertClean();

    await other.visit('/spaces/london', 'London');
    await other.page.getByRole('link', { name: HELD_TITLE }).click();
    await other.settled(HELD_TITLE);
    assert.match(await other.page.locator('#maincontent').innerText(), /monthly/);
    other.assertClean();

    await (await headerLink(newcomer.page, 'Moderation log')).click();
    await newcomer.settled('Moderation log');
    const row = newcomer.page.locator('tr', { hasText: 'Post approved' });
    await row.first().waitFor();
    const rowText = await row.first().innerText();
    assert.match(rowText, new RegExp(HELD_TITLE));
    assert.match(rowText, new RegExp(`${PRESET}: Welcome aboard`));
    assert.doesNotMatch(rowText, /Mo First/, 'members are not told which moderator decided');
    newcomer.assertClean();
  });

  test('a post with case information is redacted from the queue and its text is gone', async () => {
    const reply = expectStatus(
      await apiCall(newcomer.page, 'POST', `/threads/${heldThreadId}/posts`, { body: `My client's NHS number ${NHS_NUMBER} came up at the panel.` }),
      201,
      'reply with case information',
    );
    assert.equal(reply.status, 'held');

    const page = mod1.page;
    await mod1.visit('/moderation/queue?kind=held', 'Review queue');
    const item = queueItem(mod1, NHS_NUMBER);
    await item.waitFor();
    const finding = item.locator('.app-findings mark.app-finding');
    assert.equal((await finding.innerText()).trim(), NHS_NUMBER);
    assert.match(await item.locator('.app-findings').innerText(), /NHS number/i);
    await decide(mod1, item, { action: 'Redact: remove its text for good', preset: 'Contains case information' });
    await page.getByText(/: redacted\./).waitFor();
    assert.match(await page.locator('#maincontent').innerText(), /can't be undone|cannot be undone/i);
    assert.equal(await queueItem(mod1, NHS_NUMBER).count(), 0);
    await mod1.axe('queue after a redaction');

    // A redacted post that was held stays out of view; showing it again shows only the marker,
    // so the conversation still makes sense.
    expectStatus(await apiCall(page, 'POST', `/moderation/posts/${reply.id}/unhide`, { reason: 'Show that a post was removed' }), 200, 'unhide');
    for (const person of [newcomer, other]) {
      await person.visit(`/threads/${heldThreadId}`, HELD_TITLE);
      const post = person.page.locator(`#post-${reply.id}`);
      assert.match(await post.innerText(), /Removed by moderators/);
      assert.doesNotMatch(await person.page.content(), /943 476 5919/);
      person.assertClean();
    }
    const revisions = expectStatus(await apiCall(newcomer.page, 'GET', `/posts/${reply.id}/revisions`), 200, 'revisions');
    assert.doesNotMatch(JSON.stringify(revisions), /943 476 5919|9434765919/);
    const modRevisions = expectStatus(await apiCall(page, 'GET', `/posts/${reply.id}/revisions`), 200, 'revisions as a moderator');
    assert.doesNotMatch(JSON.stringify(modRevisions), /943 476 5919|9434765919/);
  });

  test('the admin settings take the first-posts and flag-hiding numbers', async () => {
    const page = admin.page;
    await admin.visit('/admin/settings', 'Settings');
    await page.getByLabel('First posts reviewed for each new member').fill('99');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.nhsuk-error-summary a[href="#held-first-posts"]').waitFor();
    await admin.axe('settings with an error');
    await page.getByLabel('First posts reviewed for each new member').fill('0');
    await page.getByLabel('Flags that hide a post').fill('4');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = expectStatus(await apiCall(page, 'GET', '/admin/settings'), 200, 'settings');
    assert.equal(saved.held_first_posts, 0);
    assert.equal(saved.flag_hide_threshold, 4);
    admin.assertClean();
  });

  test('a hidden post is appealed from the log and decided by a different moderator', async () => {
    const reply = expectStatus(await apiCall(newcomer.page, 'POST', `/threads/${heldThreadId}/posts`, { body: 'We could meet on the first Tuesday of the month.' }), 201, 'plain reply');
    assert.equal(reply.status, 'visible');
    expectStatus(await apiCall(mod1.page, 'POST', `/moderation/posts/${reply.id}/hide`, { reason: 'Off topic for this thread' }), 200, 'hide');

    const page = newcomer.page;
    await newcomer.visit('/moderation/log?action=post.hidden', 'Moderation log');
    assert.equal(await page.getByLabel('Action').inputValue(), 'post.hidden');
    const row = page.locator('tr', { hasText: 'Off topic for this thread' });
    await row.getByRole('link', { name: /^Appeal/ }).click();
    await newcomer.settled('Appeal a moderation decision');
    assert.match(await page.locator('#maincontent').innerText(), /Post hidden/);
    await page.getByRole('button', { name: 'Send appeal' }).click();
    await page.locator('.nhsuk-error-summary a[href="#appeal-text"]').waitFor();
    await newcomer.axe('appeal without text');
    await page.getByLabel('Why should the decision be changed?').fill('x'.repeat(2001));
    await page.getByRole('button', { name: 'Send appeal' }).click();
    await page.getByText('Your appeal must be 2000 characters or fewer', { exact: false }).first().waitFor();
    await page.getByLabel('Why should the decision be changed?').fill('It answers the question about when to meet.');
    await page.getByRole('button', { name: 'Send appeal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your appeal has been sent' }).waitFor();
    await newcomer.axe('appeal sent');
    newcomer.assertClean();

    // The moderator who hid it may not decide the appeal.
    await mod1.visit('/moderation/queue?kind=appeal', 'Review queue');
    const mine = queueItem(mod1, 'It answers the question about when to meet.');
    assert.match(await mine.innerText(), /Post hidden/);
    assert.match(await mine.innerText(), /Off topic for this thread/);
    await decide(mod1, mine, { action: 'Overturn the decision (the appeal succeeds)', reason: 'I was wrong' });
    const summary = mod1.page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /decision|own/i);
    await mod1.axe('own appeal refused');
    mod1.assertClean();

    // The second moderator decides it on the item's own page.
    await mod2.visit('/moderation/queue?kind=appeal', 'Review queue');
    await queueItem(mod2, 'It answers the question about when to meet.').getByRole('link', { name: /Open on its own page/ }).click();
    await mod2.page.waitForURL(/\/moderation\/queue\/appeal-\d+$/);
    await mod2.settled('Appeal by Nia Newcomer');
    const theirs = queueItem(mod2, 'It answers the question about when to meet.');
    await decide(mod2, theirs, { action: 'Overturn the decision (the appeal succeeds)', preset: PRESET, message: 'Thanks, your post is back.' });
    await mod2.page.getByText(/decision overturned/).waitFor();
    assert.equal(await mod2.page.locator('li.app-queue__item').count(), 0);
    await mod2.axe('queue item page after the decision');
    // Its address now says the item has gone.
    await mod2.page.reload();
    await mod2.settled('Item not found');
    assert.match(await mod2.h1().innerText(), /no longer in the queue/);
    mod2.assertClean();

    await other.visit(`/threads/${heldThreadId}`, HELD_TITLE);
    assert.match(await other.page.locator(`#post-${reply.id}`).innerText(), /first Tuesday/);
    await newcomer.visit('/moderation/log', 'Moderation log');
    await newcomer.page.locator('tr', { hasText: 'Appeal: decision overturned' }).first().waitFor();
  });

  test('a watched word that blocks: added, tried, and a member is refused with its message', async () => {
    const page = admin.page;
    await admin.visit('/admin/watched-words', 'Watched words');
    await page.getByRole('button', { name: 'Add watched word' }).click();
    await page.locator('.nhsuk-error-summary a[href="#ww-pattern"]').waitFor();
    await page.getByLabel('Pattern').fill('flibbertigibbet');
    await page.getByLabel('Word', { exact: true }).check();
    await page.getByLabel('Block: refuse the post').check();
    await page.getByLabel('Note for admins (optional)').fill('A test word');
    await page.getByLabel('Message to the writer (optional)').fill('Please use plain professional language.');
    await page.getByRole('button', { name: 'Add watched word' }).click();
    await page.getByText('“flibbertigibbet” has been added.').waitFor();
    await admin.axe('watched words after adding');

    await page.getByLabel('Text to try').fill('What a Flibbertigibbet of a week.');
    await page.getByRole('button', { name: 'Try this text' }).click();
    const result = page.locator('.app-test-result');
    await result.waitFor();
    assert.match(await result.innerText(), /Block: refuse the post/);
    assert.match(await result.locator('mark').innerText(), /Flibbertigibbet/);
    await admin.axe('watched word test');

    // Change it, and delete a second rule after confirming.
    await page.getByRole('link', { name: 'Change flibbertigibbet' }).click();
    await admin.settled('Change a watched word');
    await page.getByLabel('Note for admins (optional)').fill('A test word, changed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await admin.settled('Watched words');
    await page.getByText('A test word, changed').waitFor();
    await page.getByLabel('Pattern').fill('spare rule');
    await page.getByLabel('Phrase').check();
    await page.getByRole('button', { name: 'Add watched word' }).click();
    await page.getByText('“spare rule” has been added.').waitFor();
    await page.getByRole('link', { name: 'Delete spare rule' }).click();
    await admin.settled('Delete a watched word');
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await admin.settled('Watched words');
    await page.getByText('“spare rule” has been deleted.').waitFor();
    admin.assertClean();

    const member = other.page;
    await other.visit('/spaces/north-west/new', 'Start a new thread');
    await member.getByLabel('Title').fill('Winter pressures');
    await member.getByLabel('Your post').fill('It has been a flibbertigibbet of a week on the ward.');
    await member.getByRole('button', { name: 'Post thread' }).click();
    const summary = member.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /Please use plain professional language\./);
    await other.axe('new thread refused by a watched word');
    other.assertClean();
  });

  test('an admin creates a space and a space moderator sees only that space in the queue', async () => {
    const page = admin.page;
    await admin.visit('/admin/spaces', 'Spaces');
    await page.getByLabel('Address name').fill('hoarding-practice');
    await page.getByLabel('Name', { exact: true }).fill('Hoarding practice');
    await page.getByLabel('Description (optional)').fill('Working with people who hoard.');
    await page.getByLabel(/Pre-moderated/).check();
    await page.getByRole('button', { name: 'Create space' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/spaces/hoarding-practice');
    await admin.settled('Hoarding practice');
    await page.getByLabel('Find a member by name or email address').fill('Omar');
    await page.getByRole('button', { name: 'Find members' }).click();
    await page.getByRole('button', { name: /^Make space moderator\W+Omar Other$/ }).click();
    await page.getByText('Omar Other is now a space moderator of Hoarding practice.').waitFor();
    assert.match(await page.locator('.nhsuk-summary-list').last().innerText(), /Omar Other/);
    await admin.axe('space with a moderator');

    // Reorder: the new space is last; move it up once.
    await admin.visit('/admin/spaces', 'Spaces');
    const before = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.textContent));
    assert.equal(before.at(-1), 'Hoarding practice');
    await page.getByRole('button', { name: 'Move up Hoarding practice' }).click();
    await page.getByText('“Hoarding practice” has been moved up.').waitFor();
    const afterOrder = await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.textContent));
    assert.equal(afterOrder.at(-2), 'Hoarding practice');
    await admin.axe('spaces reordered');
    admin.assertClean();

    // One item in the new (pre-moderated) space, one in London.
    const inSpace = expectStatus(await apiCall(newcomer.page, 'POST', '/threads', { category: 'hoarding-practice', title: 'Deep cleans and consent', body: 'How do you approach it?' }), 201, 'thread in the new space');
    assert.equal(inSpace.status, 'held');
    const inLondon = expectStatus(await apiCall(newcomer.page, 'POST', '/threads', { category: 'london', title: 'A London referral', body: `Referral for NHS number ${NHS_NUMBER}` }), 201, 'thread in London');
    assert.equal(inLondon.status, 'held');

    await other.visit('/', '');
    const nav = other.page.getByRole('navigation', { name: 'Menu' });
    await nav.getByRole('link', { name: 'Review queue' }).click();
    await other.settled('Review queue');
    await queueItem(other, 'Deep cleans and consent').waitFor();
    assert.equal(await queueItem(other, 'A London referral').count(), 0);
    assert.equal(await other.page.locator('li.app-queue__item').count(), 1);
    const choices = await other.page.getByLabel('Space').locator('option').allTextContents();
    assert.deepEqual(choices, ['All my spaces', 'Hoarding practice']);
    other.assertClean();

    // A global moderator sees both.
    await mod2.visit('/moderation/queue', 'Review queue');
    await queueItem(mod2, 'Deep cleans and consent').waitFor();
    await queueItem(mod2, 'A London referral').waitFor();
    mod2.assertClean();
  });
  test('an admin merges one tag into another', async () => {
    expectStatus(await apiCall(mod2.page, 'POST', '/threads', { category: 'london', title: 'Group supervision formats', body: 'What works?', tags: ['supervisions'] }), 201, 'tagged thread');
    expectStatus(await apiCall(mod2.page, 'POST', '/threads', { category: 'london', title: 'Supervision notes', body: 'How long do you keep them?', tags: ['supervision'] }), 201, 'tagged thread');
    const page = admin.page;
    await admin.visit('/admin', 'Administration');
    await page.getByRole('link', { name: 'Tags' }).click();
    await admin.settled('Tags');
    await page.getByRole('button', { name: 'Merge tags' }).click();
    await page.locator('.nhsuk-error-summary a[href="#merge-from"]').waitFor();
    await admin.axe('tag merge with errors');
    await page.getByLabel('Tag that goes away').fill('supervisions');
    await page.getByLabel('Tag its threads get instead').fill('supervision');
    await page.getByLabel('Reason (optional)').fill('Same topic');
    await page.getByRole('button', { name: 'Merge tags' }).click();
    await page.getByText(/“supervisions” has been merged into “supervision” \(1 thread\)/).waitFor();
    assert.equal(await page.locator('tbody tr', { hasText: '(supervisions)' }).count(), 0);
    await admin.axe('tags after a merge');
    admin.assertClean();
  });
});
