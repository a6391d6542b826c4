// The library in a real browser against the real server: a curator adds a resource (fixing the
// form first), edits it twice, reads the diff, restores the first revision and sees its text
// again; a member browses with filters in the address and never sees a draft. Axe runs on each
// page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, headerLink } from './harness.mjs';

const CURATOR = { email: 'curator@nhs.example', name: 'Cora Curator', role: 'curator', password: 'curator-passphrase-0451', region: 'london' };
const MEMBER = { email: 'member@nhs.example', name: 'Max Member', role: 'member', password: 'member-passphrase-0451', region: 'london' };
const TITLE = 'Supporting AMHPs after a difficult assessment';

describe('library', { concurrency: false }, () => {
  const app = new App();
  let curator;
  let member;

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

  test('a curator adds a resource, edits it twice, reads the diff and restores the first revision', async () => {
    const page = curator.page;
    await (await headerLink(page, 'Library')).click();
    await curator.settled('Library');
    await page.getByRole('link', { name: 'Add a resource' }).click();
    await curator.settled('Add a resource');
    await page.getByRole('button', { name: 'Add resource' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.match(await page.title(), /^Error: Add a resource/);
    const links = await page.locator('.nhsuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes('#title') && links.includes('#summary'), String(links));
    await curator.axe('resource editor with errors');

    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByLabel('Summary').fill('What services can do for AMHPs after an assessment that went badly.');
    await page.getByLabel('Body').fill('Original guidance text.\n\nOffer a **debrief** within a week.');
    await page.locator('.app-preview strong', { hasText: 'debrief' }).waitFor();
    await page.getByRole('group', { name: 'Topics' }).getByLabel('AMHP practice').check();
    await page.getByRole('group', { name: 'Regions (optional)' }).getByLabel('London').check();
    await page.getByLabel('Status').selectOption('published');
    await curator.axe('resource editor with a preview');
    await page.getByRole('button', { name: 'Add resource' }).click();
    await page.waitForURL(/\/library\/supporting-amhps-after-a-difficult-assessment$/);
    await curator.settled(TITLE);
    assert.match(await page.locator('#maincontent').innerText(), /Original guidance text/);

    for (const text of ['Second version of the guidance.', 'Third version of the guidance.']) {
      await page.getByRole('link', { name: 'Edit this resource' }).click();
      await curator.settled('Edit resource');
      await page.getByLabel('Body').fill(text);
      await page.getByLabel('What changed and why (optional)').fill(`Now: ${text}`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Your changes have been saved.').waitFor();
      await curator.settled(TITLE);
      assert.match(await page.locator('#maincontent').innerText(), new RegExp(text));
    }

    await page.getByRole('link', { name: 'Revision history' }).click();
    await curator.settled('History:');
    assert.equal(await page.locator('tbody tr').count(), 3);
    await page.getByRole('link', { name: 'Changes in revision 3' }).click();
    await curator.settled('Revision 3');
    const removed = page.locator('del.app-diff__delete');
    const added = page.locator('ins.app-diff__insert');
    assert.match(await removed.first().innerText(), /Removed: Second version/);
    assert.match(await added.first().innerText(), /Added: Third version/);

    await page.getByRole('link', { name: 'Revision history' }).click();
    await curator.settled('History:');
    await page.getByRole('link', { name: 'Changes in revision 1' }).click();
    await curator.settled('Revision 1');
    await page.getByLabel('Reason (optional)').fill('The first version was clearer');
    await page.getByRole('button', { name: 'Restore revision 1' }).click();
    await page.getByText('Revision 1 has been restored as revision 4.').waitFor();
    await curator.settled(TITLE);
    const text = await page.locator('#maincontent').innerText();
    assert.match(text, /Original guidance text/);
    assert.doesNotMatch(text, /Third version/);

    // A draft, for the member not to see.
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/resources', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'toolkit', title: 'Unpublished toolkit draft', summary: 'Not ready yet.', topics: ['amhp-practice'], status: 'draft' }),
      });
      return r.status;
    });
    assert.equal(status, 201);
    curator.assertClean();
  });

  test('a member browses with filters in the address and cannot see a draft', async () => {
    const page = member.page;
    await member.visit('/library', 'Library');
    const main = page.locator('#maincontent');
    assert.match(await main.innerText(), new RegExp(TITLE));
    assert.doesNotMatch(await main.innerText(), /Unpublished toolkit draft/);
    await page.getByLabel('Toolkit').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/library\?.*kind=toolkit/);
    await member.settled('Library');
    assert.match(await main.innerText(), /No resources match these filters/);
    await page.getByLabel('Guidance').check();
    await page.getByLabel('London').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/kind=guidance/);
    await member.settled('Library');
    assert.ok(page.url().includes('region=london'));
    assert.match(await main.innerText(), new RegExp(TITLE));
    await page.getByRole('link', { name: TITLE }).click();
    await member.settled(TITLE);
    assert.equal(await page.getByRole('link', { name: 'Edit this resource' }).count(), 0);
    await page.getByRole('button', { name: 'Start a discussion' }).waitFor();
    await member.visit('/library/unpublished-toolkit-draft', 'Page not found');
  });
});
