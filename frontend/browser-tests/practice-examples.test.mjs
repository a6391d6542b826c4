// Practice examples in a real browser against the real server: a member fills in the template
// (warned as they type about what looks like case information), a curator asks for changes, the
// member resubmits, the curator publishes, and the example is in the library with a discussion
// thread that opens. axe runs on every page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, headerLink } from './harness.mjs';
import { apiCall } from './forum-helpers.mjs';

const CURATOR = { email: 'curator@nhs.example', name: 'Cara Curator', role: 'curator', password: 'curator-passphrase-0451', region: 'london' };
const MEMBER = { email: 'member@nhs.example', name: 'Alex Author', role: 'member', password: 'member-passphrase-0451', region: 'north-west' };
const TITLE = 'Night-time assessments without the wait';
const NHS_NUMBER = '943 476 5919';

describe('practice examples', { concurrency: false }, () => {
  const app = new App();
  let curator;
  let member;
  let exampleId;

  before(async () => {
    await app.start();
    for (const u of [CURATOR, MEMBER]) app.createUser(u);
    curator = await app.person();
    member = await app.person();
    await curator.signIn(CURATOR.email, CURATOR.password);
    await member.signIn(MEMBER.email, MEMBER.password);
  });

  after(async () => {
    for (const p of [curator, member]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('a member submits a practice example through the template', async () => {
    const page = member.page;
    await member.visit('/practice-examples', 'Your practice examples');
    await page.getByRole('button', { name: 'Share a practice example' }).click();
    await member.settled('Share a practice example');

    // Sending it empty: the error summary links to each field.
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.getByRole('link', { name: 'Enter a title' }).waitFor();
    await summary.getByRole('link', { name: 'Describe the challenge' }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'challenge');
    await member.axe('the template with errors');

    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Setting').fill('Community mental health team, inner city');
    await page.getByLabel('Region').selectOption('north-west');
    await page.getByLabel('Topic').selectOption('amhp-practice');
    await page.getByLabel('The challenge').fill('Assessments at night were delayed for hours while we looked for a bed.');
    // The guard warns as the member types.
    await page.getByLabel('What we did').fill(`We met the man (NHS number ${NHS_NUMBER}) with the police.`);
    await page.locator('.app-case-warning', { hasText: NHS_NUMBER }).waitFor();
    await page.getByText(/You have \d+ characters remaining/).first().waitFor();
    await member.axe('the template with a case-information warning');
    await page.getByLabel('What we did').fill('We agreed a joint protocol with bed management and the police under section 136.');
    await page.locator('.app-case-warning').waitFor({ state: 'detached' });
    await page.getByLabel('Legal framework or powers involved (optional)').fill('Mental Health Act 1983, sections 13 and 136.');
    await page.getByLabel('Outcomes and evidence').fill('Waits fell from six hours to two over six months.');
    await page.getByLabel('Learning').fill('Agree escalation routes before the crisis, not during it.');
    await page.getByRole('button', { name: 'Send for review' }).click();
    await page.waitForURL(/\/practice-examples\/\d+$/);
    await member.settled(TITLE);
    exampleId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByText('In review', { exact: true }).waitFor();
    await page.getByText('sent to the curators for review').waitFor();

    await member.visit('/practice-examples', 'Your practice examples');
    await page.getByRole('row', { name: new RegExp(TITLE) }).getByText('In review').waitFor();
  });

  test('a curator asks for changes and the member resubmits', async () => {
    const page = curator.page;
    await (await headerLink(page, 'Curation')).click();
    await curator.settled('Curation');
    await page.getByRole('link', { name: TITLE }).click();
    await curator.settled(`Review: ${TITLE}`);
    await page.getByText('The case-information guard found nothing in it.').waitFor();

    // A message is needed to ask for changes.
    await page.getByLabel('Ask the member for changes').check();
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Say what the member should change' }).waitFor();
    await curator.axe('the review with an error');
    await page.getByLabel('Message to the member').fill('Please say how you measured the waits.');
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.waitForURL((u) => u.pathname === '/curation');
    await curator.settled('Curation');
    await page.getByText('The member has been asked for changes').waitFor();

    const mine = member.page;
    await member.visit(`/practice-examples/${exampleId}`, TITLE);
    await mine.getByText('Please say how you measured the waits.').waitFor();
    await mine.getByLabel('Outcomes and evidence').fill('Waits fell from six hours to two over six months, in our audit of all 120 assessments.');
    await mine.getByRole('button', { name: 'Resubmit for review' }).click();
    await mine.getByText('sent back to the curators for review').waitFor();
    await member.settled(TITLE);
    await mine.getByText('In review', { exact: true }).waitFor();
  });

  test('the curator publishes it and it is in the library with its discussion', async () => {
    const page = curator.page;
    await curator.visit(`/curation/practice-examples/${exampleId}`, `Review: ${TITLE}`);
    await page.getByText('in our audit of all 120 assessments').waitFor();
    await page.getByLabel('Publish it in the library and open its discussion').check();
    await page.getByRole('button', { name: 'Send decision' }).click();
    await page.waitForURL((u) => u.pathname === '/curation');
    await curator.settled('Curation');
    await page.getByText('is published in the library').waitFor();

    // In the library, public, with its discussion thread.
    const listed = await apiCall(member.page, 'GET', '/resources?kind=practice_example');
    assert.equal(listed.status, 200);
    const item = listed.body.items.find((r) => r.title === TITLE);
    assert.ok(item, `not in the library: ${JSON.stringify(listed.body)}`);
    const resource = await apiCall(member.page, 'GET', `/resources/${item.slug}`);
    assert.equal(resource.body.kind, 'practice_example');
    assert.deepEqual(resource.body.authors, [MEMBER.name]);
    const threadId = resource.body.discussion.thread_id;
    assert.ok(threadId);

    // The member's page links to both; the discussion opens, in the topic space, by the member.
    const mine = member.page;
    await member.visit(`/practice-examples/${exampleId}`, TITLE);
    await mine.getByText('Published', { exact: true }).waitFor();
    assert.equal(await mine.getByRole('link', { name: 'Read it in the library' }).getAttribute('href'), `/library/${item.slug}`);
    await mine.getByRole('link', { name: 'Join its discussion' }).click();
    await mine.waitForURL(new RegExp(`/threads/${threadId}$`));
    await member.settled(TITLE);
    await mine.getByText(MEMBER.name).first().waitFor();
  });
});
