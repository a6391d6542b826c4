// What members and moderators do on a thread page, in a real browser against the real server:
// tags on a new thread, flags hiding a post, redaction, locking, a space moderator's reach and
// warnings,
// helpful votes, accepted answers, watching, and the notifications a reply brings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from './harness.mjs';
import { apiCall, expectStatus } from './forum-helpers.mjs';

const pw = (who) => `${who}-passphrase-0451-thread`;
const ADMIN = { email: 'admin@nhs.example', name: 'Ada Admin', role: 'admin', password: pw('admin'), region: 'london' };
const MODERATOR = { email: 'mod@nhs.example', name: 'Mo Moderator', role: 'moderator', password: pw('mod'), region: 'london' };
const SPACE_MOD = { email: 'smod@nhs.example', name: 'Sol Spacemod', role: 'member', password: pw('smod'), region: 'london' };
const ALICE = { email: 'alice@nhs.example', name: 'Alice Author', role: 'member', password: pw('alice'), region: 'london' };
const BEA = { email: 'bea@nhs.example', name: 'Bea Jones', role: 'member', password: pw('bea'), region: 'london' };
const CAL = { email: 'cal@nhs.example', name: 'Cal Khan', role: 'member', password: pw('cal'), region: 'north-west' };
const DAN = { email: 'dan@nhs.example', name: 'Dan Okafor', role: 'member', password: pw('dan'), region: 'midlands' };
const PRESET = 'Contains case information';
// Every account here is new; the posting limit for new members would stop the set-up posts.
process.env.POST_RATE_LIMIT_NEW_MEMBER = '1000';
process.env.POST_RATE_LIMIT = '1000';

describe('thread actions', { concurrency: false }, () => {
  const app = new App();
  const people = {};

  /** A thread by `author` in `space` with one reply by `replier`; returns { thread, reply }. */
  async function threadWithReply(author, replier, space, title, replyText, extra = {}) {
    const thread = expectStatus(await apiCall(author.page, 'POST', '/threads', { category: space, title, body: `Opening post of ${title}`, ...extra }), 201, 'create thread');
    const reply = expectStatus(await apiCall(replier.page, 'POST', `/threads/${thread.id}/posts`, { body: replyText }), 201, 'reply');
    return { thread, reply };
  }

  const postByText = (person, text) => person.page.locator('.app-post', { has: person.page.locator('.app-post__body', { hasText: text }) });

  async function chooseReason(page) {
    await page.locator('select#mod-reason, select[id$="-reason"]').first().selectOption(PRESET);
  }

  before(async () => {
    await app.start();
    for (const u of [ADMIN, MODERATOR, SPACE_MOD, ALICE, BEA, CAL, DAN]) app.createUser(u);
    for (const [key, u] of Object.entries({ admin: ADMIN, mod: MODERATOR, smod: SPACE_MOD, alice: ALICE, bea: BEA, cal: CAL, dan: DAN })) {
      people[key] = await app.person();
      await people[key].signIn(u.email, u.password);
    }
    const admin = people.admin.page;
    // New members' first posts would wait for review; these tests are about what comes after.
    const settings = expectStatus(await apiCall(admin, 'GET', '/admin/settings'), 200, 'settings');
    expectStatus(await apiCall(admin, 'PUT', '/admin/settings', { approved_domains: settings.approved_domains, held_first_posts: 0 }), 200, 'settings');
    expectStatus(await apiCall(admin, 'POST', '/moderation/reasons', { text: PRESET }), 201, 'preset reason');
  });

  after(async () => {
    for (const p of Object.values(people)) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('a new thread takes tags (a bad one is pointed out at the field), and tags lead to the space filtered by them', async () => {
    const alice = people.alice;
    const page = alice.page;
    await alice.visit('/spaces/london/new', 'Start a new thread');
    assert.match(await page.locator('#body-hint').innerText(), /@\[their name\]/);
    await page.getByLabel('Title').fill('Tagged supervision thread');
    await page.getByLabel('Tags (optional)').fill('x, Supervision');
    await page.getByLabel('Your post').fill('How often do your teams meet for supervision?');
    await page.getByRole('button', { name: 'Post thread' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.deepEqual(await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#tags']);
    assert.match(await page.locator('#tags-error').innerText(), /2 to 30 characters/);
    await alice.axe('new thread with a bad tag');

    await page.getByLabel('Tags (optional)').fill('Supervision, AMHP rota');
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.waitForURL(/\/threads\/\d+$/);
    await alice.settled('Tagged supervision thread');
    const tags = page.locator('.app-tags__link');
    assert.deepEqual((await tags.allInnerTexts()).map((t) => t.split(' (')[0].trim()), ['amhp-rota', 'supervision']);
    await tags.nth(1).click();
    await page.waitForURL(/\/spaces\/london\?tag=supervision$/);
    await alice.settled('London');
    assert.match(await page.locator('.app-tag-filter').innerText(), /Showing threads tagged\s+supervision/);
    await page.getByRole('link', { name: 'Tagged supervision thread' }).waitFor();
    await alice.visit('/spaces/london?tag=no-such-tag', 'London');
    assert.equal(await page.getByRole('link', { name: 'Tagged supervision thread' }).count(), 0);
    alice.assertClean();
  });

  test('three members flag a post through the Flag form, and it is hidden from members but tagged for moderators', async () => {
    const { alice, bea, cal, dan, mod } = people;
    const { thread } = await threadWithReply(alice, alice, 'london', 'A thread with a flagged reply', 'Buy cheap watches at example dot com');

    // Bea: the form checks itself first, then flags; a second flag is refused.
    await bea.visit(`/threads/${thread.id}`, 'A thread with a flagged reply');
    let reply = postByText(bea, 'Buy cheap watches');
    await reply.getByRole('button', { name: /^Flag the post by Alice Author/ }).click();
    await bea.page.getByLabel('Something else', { exact: true }).check();
    await bea.page.getByRole('button', { name: 'Send flag' }).click();
    await bea.page.locator('.nhsuk-error-summary a[href$="-details"]').waitFor();
    await bea.axe('flag form with an error');
    await bea.page.getByLabel('It is spam or advertising').check();
    await bea.page.getByRole('button', { name: 'Send flag' }).click();
    await bea.page.locator('#thread-message', { hasText: 'you have flagged the post' }).waitFor();
    await bea.axe('after flagging');
    reply = postByText(bea, 'Buy cheap watches');
    await reply.getByRole('button', { name: /^Flag the post by Alice Author/ }).click();
    await bea.page.getByLabel('It is spam or advertising').check();
    await bea.page.getByRole('button', { name: 'Send flag' }).click();
    await bea.page.locator('.nhsuk-error-summary', { hasText: 'You have already flagged this post' }).waitFor();

    for (const who of [cal, dan]) {
      await who.visit(`/threads/${thread.id}`, 'A thread with a flagged reply');
      await postByText(who, 'Buy cheap watches').getByRole('button', { name: /^Flag the post by Alice Author/ }).click();
      await who.page.getByLabel('It is off topic for this space').check();
      await who.page.getByRole('button', { name: 'Send flag' }).click();
      await who.page.locator('#thread-message').waitFor();
    }
    // The third flag hid it: Dan's page, read again after his flag, no longer has it.
    assert.equal(await postByText(dan, 'Buy cheap watches').count(), 0);

    await bea.visit(`/threads/${thread.id}`, 'A thread with a flagged reply');
    assert.doesNotMatch(await bea.page.locator('#maincontent').innerText(), /Buy cheap watches/);
    await bea.visit('/spaces/london?sort=new', 'London');
    assert.match(await bea.page.locator('.app-thread-list__item', { hasText: 'A thread with a flagged reply' }).innerText(), /0 replies/);

    await mod.visit(`/threads/${thread.id}`, 'A thread with a flagged reply');
    const hidden = postByText(mod, 'Buy cheap watches');
    assert.match(await hidden.locator('.app-markers').innerText(), /Hidden/);
    for (const p of [bea, cal, dan, mod]) p.assertClean();
  });

  test('a moderator redacts a post: its text is gone from the page and its earlier versions, and the marker shows', async () => {
    const { alice, mod } = people;
    const { thread, reply } = await threadWithReply(alice, alice, 'london', 'A thread with a redacted reply', 'The person lives at a street I should not name');
    expectStatus(await apiCall(alice.page, 'PATCH', `/posts/${reply.id}`, { body: 'The person lives at a street I should not name, edited' }), 200, 'edit');

    await mod.visit(`/threads/${thread.id}`, 'A thread with a redacted reply');
    const page = mod.page;
    await postByText(mod, 'should not name').getByRole('button', { name: /^Redact the post by Alice Author/ }).click();
    const form = page.locator('form.app-panel--moderator');
    assert.match(await form.innerText(), /This cannot be undone/);
    // Without a reason the form says so.
    await page.getByRole('button', { name: 'Redact post' }).click();
    await page.locator('.nhsuk-error-summary a[href="#mod-reason-text"]').waitFor();
    await mod.axe('redact form with an error');
    await chooseReason(page);
    await page.getByLabel('Message to the author (optional)').fill('Please do not describe where people live.');
    await page.getByRole('button', { name: 'Redact post' }).click();
    await page.locator('#thread-message', { hasText: 'The post has been redacted' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'thread-message');
    await mod.axe('after a redaction');

    const main = page.locator('#maincontent');
    assert.doesNotMatch(await main.innerText(), /should not name/);
    const redacted = page.locator(`#post-${reply.id}`);
    assert.match(await redacted.locator('.app-post__body').innerText(), /Removed by moderators\./);
    assert.match(await redacted.locator('.app-markers').innerText(), /Redacted/);
    await redacted.getByRole('button', { name: /^View earlier versions/ }).click();
    await redacted.locator('.app-post__versions').getByText('Hide earlier versions').waitFor();
    await page.waitForFunction(() => !document.querySelector('.app-post__versions')?.textContent?.includes('Loading'));
    assert.doesNotMatch(await redacted.locator('.app-post__versions').innerText(), /should not name/);

    await alice.visit(`/threads/${thread.id}`, 'A thread with a redacted reply');
    assert.doesNotMatch(await alice.page.locator('#maincontent').innerText(), /should not name/);
    assert.match(await alice.page.locator(`#post-${reply.id} .app-post__body`).innerText(), /Removed by moderators\./);
    mod.assertClean();
  });

  test('a moderator locks a thread from the menu: the reply form goes, members see it locked, and the API refuses replies', async () => {
    const { alice, bea, mod } = people;
    const thread = expectStatus(await apiCall(alice.page, 'POST', '/threads', { category: 'london', title: 'A thread to lock', body: 'Opening' }), 201, 'thread');
    await mod.visit(`/threads/${thread.id}`, 'A thread to lock');
    const page = mod.page;
    await page.locator('form.app-reply').waitFor();
    await page.getByRole('button', { name: /^Lock \(a moderator action on this thread\)/ }).click();
    await mod.axe('lock form');
    await page.getByLabel('Your own reason, or more detail (optional with a chosen reason)').fill('The question has been answered in full');
    await page.getByRole('button', { name: 'Lock thread' }).click();
    await page.locator('#thread-message', { hasText: 'The thread has been locked' }).waitFor();
    assert.equal(await page.locator('form.app-reply').count(), 0);
    assert.match(await page.locator('.app-thread__header .app-markers').innerText(), /Locked/);
    await page.getByRole('button', { name: /^Unlock \(a moderator action on this thread\)/ }).waitFor();

    await bea.visit(`/threads/${thread.id}`, 'A thread to lock');
    assert.match(await bea.page.locator('#maincontent').innerText(), /This thread is locked/);
    assert.equal(await bea.page.locator('form.app-reply').count(), 0);
    const refused = await apiCall(bea.page, 'POST', `/threads/${thread.id}/posts`, { body: 'Let me in' });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    mod.assertClean();
  });

  test('a space moderator has the moderator menu in their space only, and the API refuses them elsewhere', async () => {
    const { admin, smod, alice, cal } = people;
    const me = expectStatus(await apiCall(smod.page, 'GET', '/me'), 200, 'me');
    expectStatus(await apiCall(admin.page, 'PUT', `/categories/london/moderators/${me.id}`, { reason: 'Leads the London community' }), 200, 'add space moderator');
    const mine = expectStatus(await apiCall(alice.page, 'POST', '/threads', { category: 'london', title: 'In the space moderator’s space', body: 'Opening' }), 201, 'thread');
    const elsewhere = expectStatus(await apiCall(cal.page, 'POST', '/threads', { category: 'north-west', title: 'In another space', body: 'Opening' }), 201, 'thread');

    await smod.visit(`/threads/${mine.id}`, 'In the space moderator’s space');
    await smod.page.getByRole('button', { name: /^Pin \(a moderator action on this thread\)/ }).waitFor();
    assert.ok((await smod.page.locator('.app-post .app-menu__moderator').count()) > 0);
    await smod.page.getByRole('button', { name: /^Pin \(a moderator action on this thread\)/ }).click();
    await chooseReason(smod.page);
    await smod.page.getByRole('button', { name: 'Pin thread' }).click();
    await smod.page.locator('#thread-message', { hasText: 'pinned' }).waitFor();
    assert.match(await smod.page.locator('.app-thread__header .app-markers').innerText(), /Pinned/);

    // They warn the author from her post: the warning is about their space.
    const opening = smod.page.locator('.app-post').first();
    await opening.getByRole('button', { name: /^Warn the author\W+Alice Author/ }).click();
    await chooseReason(smod.page);
    await smod.page.getByRole('button', { name: 'Send warning' }).click();
    await smod.page.locator('.nhsuk-error-summary a[href="#mod-warn-message"]').waitFor();
    await smod.axe('the warning form with an error');
    await smod.page.getByLabel('Message to the member').fill('Please check posts for case details before sending.');
    await smod.page.getByRole('button', { name: 'Send warning' }).click();
    await smod.page.locator('#thread-message', { hasText: 'Your warning has been sent to Alice Author.' }).waitFor();
    await alice.visit('/notifications', 'Notifications');
    await alice.page.locator('.app-notification', { hasText: 'Please check posts for case details before sending.' }).waitFor();
    const log = expectStatus(await apiCall(smod.page, 'GET', '/moderation/log?action=member.warned'), 200, 'log');
    assert.equal(log.items[0]?.space?.name, 'London', JSON.stringify(log.items[0]));

    await smod.visit(`/threads/${elsewhere.id}`, 'In another space');
    assert.equal(await smod.page.locator('.app-menu__moderator').count(), 0);
    const refused = await apiCall(smod.page, 'POST', `/moderation/threads/${elsewhere.id}/lock`, { reason: 'Not mine to lock' });
    assert.ok([403, 404].includes(refused.status), `lock elsewhere: ${refused.status}`);
    smod.assertClean();
  });

  test('helpful votes toggle and count; the author accepts an answer; the reply notifies the author, who reads and clears their notifications', async () => {
    const { alice, bea, cal } = people;
    const { thread, reply } = await threadWithReply(alice, bea, 'london', 'Which AMHP rota template works?', 'We use a four-week rota template', { kind: 'question' });

    // Helpful: Bea can't vote for her own reply; Cal and Alice can, and can take it back.
    await bea.visit(`/threads/${thread.id}`, 'Which AMHP rota template works?');
    assert.equal(await bea.page.locator(`#post-${reply.id} .app-helpful__toggle`).count(), 0);
    await cal.visit(`/threads/${thread.id}`, 'Which AMHP rota template works?');
    const toggle = cal.page.locator(`#post-${reply.id} .app-helpful__toggle`);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    await cal.page.locator(`#post-${reply.id} .app-helpful__toggle[aria-pressed="true"]`).waitFor();
    assert.equal(await cal.page.locator(`#post-${reply.id} .app-helpful__count`).innerText(), '1 person found this helpful');
    await cal.axe('a post marked helpful');

    await alice.visit(`/threads/${thread.id}`, 'Which AMHP rota template works?');
    const aliceToggle = alice.page.locator(`#post-${reply.id} .app-helpful__toggle`);
    await aliceToggle.click();
    await alice.page.locator(`#post-${reply.id} .app-helpful__count`, { hasText: '2 people found this helpful' }).waitFor();
    await toggle.click();
    await cal.page.locator(`#post-${reply.id} .app-helpful__toggle[aria-pressed="false"]`).waitFor();
    assert.equal(await cal.page.locator(`#post-${reply.id} .app-helpful__count`).innerText(), '1 person found this helpful');

    // Accepting: only the question's author (and moderators) get the button.
    assert.equal(await cal.page.getByRole('button', { name: /^Accept as answer/ }).count(), 0);
    await alice.page.locator(`#post-${reply.id}`).getByRole('button', { name: /^Accept as answer/ }).click();
    await alice.page.locator('#thread-message', { hasText: 'You accepted the reply by Bea Jones as the answer' }).waitFor();
    assert.match(await alice.page.locator(`#post-${reply.id} .app-markers`).innerText(), /Accepted answer/);
    const link = alice.page.getByRole('link', { name: 'go to the answer by Bea Jones' });
    assert.equal(await link.getAttribute('href'), `#post-${reply.id}`);
    assert.match(await alice.page.locator('.app-thread__header .app-markers').innerText(), /Answered/);
    await alice.axe('an accepted answer');

    // Watching the thread can be turned off and on again.
    await alice.page.getByRole('button', { name: 'Stop watching this thread' }).click();
    await alice.page.locator('#thread-message', { hasText: 'You have stopped watching this thread' }).waitFor();
    await alice.page.getByRole('button', { name: 'Watch this thread' }).click();
    await alice.page.locator('#thread-message', { hasText: 'You are watching this thread' }).waitFor();

    // The reply told Alice (she watches her own thread); the header counts it, the page lists it.
    await alice.visit('/notifications', 'Notifications');
    const nav = alice.page.getByRole('navigation', { name: 'Menu' });
    await nav.getByRole('link', { name: /^Notifications \(\d+ unread\)$/ }).waitFor();
    const item = alice.page.locator('.app-notification', { hasText: 'Bea Jones replied' });
    await item.first().waitFor();
    assert.match(await item.first().innerText(), /Unread/);
    assert.match(await item.first().getByRole('link').innerText(), /Which AMHP rota template works\?/);
    await alice.page.getByRole('button', { name: 'Mark all as read' }).click();
    await alice.page.getByText('All your notifications have been marked as read.').waitFor();
    assert.match(await alice.page.locator('.app-notifications__unread').innerText(), /no unread notifications/);
    await nav.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    assert.equal(await alice.page.locator('.app-notification--unread').count(), 0);
    await alice.axe('notifications, all read');

    // A new reply: following its notification opens the post and reads it.
    const second = expectStatus(await apiCall(cal.page, 'POST', `/threads/${thread.id}/posts`, { body: 'We rotate weekly' }), 201, 'reply');
    await alice.visit('/notifications', 'Notifications');
    await nav.getByRole('link', { name: 'Notifications (1 unread)' }).waitFor();
    await alice.page.locator('.app-notification--unread', { hasText: 'Cal Khan replied' }).getByRole('link').click();
    await alice.page.waitForURL((u) => u.pathname === `/threads/${thread.id}` && u.hash === `#post-${second.id}`);
    await alice.settled('Which AMHP rota template works?');
    await nav.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    alice.assertClean();
  });

  test('members choose how they are e-mailed', async () => {
    const { bea } = people;
    await bea.visit('/notifications/settings', 'How we e-mail you');
    assert.equal(await bea.page.getByLabel(/^A daily digest/).isChecked(), true);
    await bea.page.getByLabel(/^Immediately/).check();
    await bea.page.getByRole('button', { name: 'Save' }).click();
    await bea.page.getByText('Your e-mail choice has been saved.').waitFor();
    await bea.axe('e-mail choice saved');
    const prefs = expectStatus(await apiCall(bea.page, 'GET', '/me/notification-preferences'), 200, 'prefs');
    assert.equal(prefs.email, 'immediate');
  });

  test('a moderator sets slow mode, edits the title and tags, and edits a member’s post with a reason', async () => {
    const { alice, mod } = people;
    const { thread, reply } = await threadWithReply(alice, alice, 'london', 'A busy thread', 'A reply with a typo in it');
    await mod.visit(`/threads/${thread.id}`, 'A busy thread');
    const page = mod.page;
    await page.getByRole('button', { name: /^Slow mode \(a moderator action on this thread\)/ }).click();
    await page.getByLabel('Members may reply once every').selectOption('300');
    await chooseReason(page);
    await page.getByRole('button', { name: 'Save slow mode' }).click();
    await page.locator('#thread-message', { hasText: 'Slow mode has been saved' }).waitFor();
    assert.match(await page.locator('#maincontent').innerText(), /members can reply once every 5 minutes/);

    await page.getByRole('button', { name: /^Edit title and tags \(a moderator action on this thread\)/ }).click();
    await page.getByLabel('Title', { exact: true }).fill('A busy thread, retitled');
    await page.getByLabel('Tags', { exact: true }).fill('rota');
    await chooseReason(page);
    await mod.axe('editing the title and tags');
    await page.getByRole('button', { name: 'Save title and tags' }).click();
    await page.locator('#thread-message', { hasText: 'The title and tags have been saved' }).waitFor();
    assert.equal(await mod.h1().innerText(), 'A busy thread, retitled');
    await page.locator('.app-tags__link', { hasText: 'rota' }).waitFor();

    await page.locator(`#post-${reply.id}`).getByRole('button', { name: /^Edit the post by Alice Author/ }).click();
    await page.locator(`#edit-${reply.id}`).fill('A reply without the typo');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.nhsuk-error-summary a[href$="-reason-text"]').waitFor();
    await chooseReason(page);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#thread-message', { hasText: 'Your changes to the post by Alice Author have been saved' }).waitFor();
    await page.locator(`#post-${reply.id} .app-post__body`, { hasText: 'A reply without the typo' }).waitFor();
    mod.assertClean();
  });

  test('a flag that hides a thread\u2019s first post takes the flagger back to the space, told why', async () => {
    const { alice, bea, cal, dan } = people;
    const thread = expectStatus(await apiCall(alice.page, 'POST', '/threads', { category: 'north-west', title: 'A thread flagged away', body: 'Cheap pills here' }), 201, 'thread');
    const page = expectStatus(await apiCall(alice.page, 'GET', `/threads/${thread.id}`), 200, 'thread page');
    const first = page.posts[0].id;
    for (const who of [bea, cal]) expectStatus(await apiCall(who.page, 'POST', `/posts/${first}/flags`, { reason: 'spam' }), 201, 'flag');
    await dan.visit(`/threads/${thread.id}`, 'A thread flagged away');
    await dan.page.locator(`#post-${first}`).getByRole('button', { name: /^Flag the post by Alice Author/ }).click();
    await dan.page.getByLabel('It is spam or advertising').check();
    await dan.page.getByRole('button', { name: 'Send flag' }).click();
    await dan.page.waitForURL((u) => u.pathname === '/spaces/north-west');
    await dan.settled('North West');
    assert.match(await dan.page.locator('#maincontent').innerText(), /That thread is no longer available to you/);
    assert.equal(await dan.page.getByRole('link', { name: 'A thread flagged away' }).count(), 0);
    dan.assertClean();
  });

  test('a moderator hides and unhides a reply with a message, and members watch a space from its page', async () => {
    const { alice, bea, mod } = people;
    const { thread, reply } = await threadWithReply(alice, bea, 'london', 'A thread with a reply to hide', 'A reply that goes too far');
    await mod.visit(`/threads/${thread.id}`, 'A thread with a reply to hide');
    const page = mod.page;
    await page.locator(`#post-${reply.id}`).getByRole('button', { name: /^Hide the post by Bea Jones/ }).click();
    await chooseReason(page);
    await page.getByLabel('Message to the author (optional)').fill('Please keep to the practice question.');
    await page.getByRole('button', { name: 'Hide post' }).click();
    await page.locator('#thread-message', { hasText: 'The post has been hidden' }).waitFor();
    assert.match(await page.locator(`#post-${reply.id} .app-markers`).innerText(), /Hidden/);
    await alice.visit(`/threads/${thread.id}`, 'A thread with a reply to hide');
    assert.doesNotMatch(await alice.page.locator('#maincontent').innerText(), /goes too far/);

    await page.locator(`#post-${reply.id}`).getByRole('button', { name: /^Unhide the post by Bea Jones/ }).click();
    await page.getByLabel('Your own reason, or more detail (optional with a chosen reason)').fill('Reviewed again: it can stay');
    await page.getByRole('button', { name: 'Unhide post' }).click();
    await page.locator('#thread-message', { hasText: 'visible to members again' }).waitFor();
    await alice.visit(`/threads/${thread.id}`, 'A thread with a reply to hide');
    await alice.page.getByText('A reply that goes too far').waitFor();

    // Bea was told about the hiding, in the moderator's words.
    await bea.visit('/notifications', 'Notifications');
    await bea.page.locator('.app-notification', { hasText: 'Please keep to the practice question.' }).waitFor();

    await bea.visit('/spaces/midlands', 'Midlands');
    await bea.page.getByRole('button', { name: 'Watch this space' }).click();
    await bea.page.getByText('You are watching Midlands.').waitFor();
    await bea.axe('watching a space');
    await bea.page.getByRole('button', { name: 'Stop watching this space' }).waitFor();
    const spaces = expectStatus(await apiCall(bea.page, 'GET', '/categories'), 200, 'spaces');
    assert.equal(spaces.items.find((x) => x.slug === 'midlands').watching, true);
    mod.assertClean();
    bea.assertClean();
  });

  test('no page reported a problem', () => {
    for (const p of Object.values(people)) p.assertClean();
  });
});
