// The membership journey in a real browser against the real server: register, confirm,
// wait for approval, be approved, be warned, change and reset the password, and the audit trail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, linkFromOutbox, headerLink } from './harness.mjs';

const ADMIN = { email: 'admin@nhs.example', name: 'Ada Admin', role: 'admin', password: 'admin-passphrase-0451' };
const MODERATOR = { email: 'mod@nhs.example', name: 'Mo Moderator', role: 'moderator', password: 'moderator-passphrase-0451' };
const NEWCOMER = {
  email: 'someone@example.org',
  name: 'Sam Someone',
  organisation: 'Example Mental Health Trust',
  jobRole: 'Approved mental health professional',
  password: 'first-passphrase-0451',
  changed: 'second-passphrase-0451',
  reset: 'third-passphrase-0451',
};
const APPROVAL_REASON = 'Checked with the regional AMHP lead';
const WARNING = 'Please keep the names of wards out of your posts.';
const WARNING_REASON = 'Named a ward in a reply';

describe('membership journey', { concurrency: false }, () => {
  const app = new App();
  let admin;
  let moderator;
  let newcomer;

  before(async () => {
    await app.start();
    app.createUser(ADMIN);
    app.createUser(MODERATOR);
    admin = await app.person();
    moderator = await app.person();
    newcomer = await app.person();
  });

  after(async () => {
    for (const p of [admin, moderator, newcomer]) await p?.context.close().catch(() => {});
    await app.stop();
  });

  test('the home page explains the service and offers sign in and register', async () => {
    await newcomer.visit('/', 'Partners in Practice');
    const nav = newcomer.page.getByRole('navigation', { name: 'Menu' });
    await nav.getByRole('link', { name: 'Sign in' }).waitFor();
    await nav.getByRole('link', { name: 'Register' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Members' }).count(), 0);
    assert.equal(await newcomer.page.locator('a.nhsuk-skip-link[href="#maincontent"]').count(), 1);
    assert.equal(await newcomer.page.locator('header form[action="/search"] input[name="q"]').count(), 1);
  });

  test('an unknown page says so', async () => {
    await newcomer.visit('/no-such-page', 'Page not found');
  });

  test('a signed-out visitor is asked to sign in for members-only pages', async () => {
    await newcomer.visit('/account', 'Sign in to see this page');
    await newcomer.page.getByRole('link', { name: 'Sign in', exact: true }).first().waitFor();
  });

  test('submitting the empty register form shows the error summary, focused', async () => {
    await newcomer.visit('/register', 'Register');
    await newcomer.page.getByRole('button', { name: 'Register' }).click();
    const summary = newcomer.page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await newcomer.page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
    assert.match(await newcomer.page.title(), /^Error: Register - Partners in Practice$/);
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes('#email') && links.includes('#region'), `summary links: ${links}`);
    assert.equal(await newcomer.page.locator('#email-error').count(), 1);
    await newcomer.axe('register form with errors');
    newcomer.assertClean();
  });

  test('someone registers with an address outside the approved domains', async () => {
    const page = newcomer.page;
    await page.getByLabel('Email address').fill(NEWCOMER.email);
    await page.getByLabel('Password', { exact: true }).fill(NEWCOMER.password);
    await page.getByLabel('Your name').fill(NEWCOMER.name);
    await page.getByLabel('Organisation').fill(NEWCOMER.organisation);
    await page.getByLabel('Job role').fill(NEWCOMER.jobRole);
    await page.getByRole('group', { name: 'NHS England region' }).getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForURL((u) => u.pathname === '/register/check-email');
    await newcomer.settled('Check your email');
    assert.match(await page.locator('#maincontent').innerText(), new RegExp(NEWCOMER.email));
  });

  test('they confirm their email from the link and are told approval is needed', async () => {
    await admin.signIn(ADMIN.email, ADMIN.password);
    const link = await linkFromOutbox(admin, NEWCOMER.email, '/verify-email');
    await newcomer.visit(link.pathname + link.search, 'Email address confirmed');
    assert.match(await newcomer.page.locator('#maincontent').innerText(), /awaiting approval/i);
  });

  test('once signed in, the home page says the membership awaits approval', async () => {
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.password);
    assert.match(await newcomer.page.locator('#maincontent').innerText(), /awaiting approval/i);
  });

  test('a pending member cannot see the members pages, in the app or the API', async () => {
    await newcomer.visit('/members', 'You cannot see this page');
    const api = await newcomer.page.request.get('/api/members');
    assert.equal(api.status(), 403);
    const nav = newcomer.page.getByRole('navigation', { name: 'Menu' });
    assert.equal(await nav.getByRole('link', { name: 'Members' }).count(), 0);
  });

  test('a moderator approves them with a reason', async () => {
    await moderator.signIn(MODERATOR.email, MODERATOR.password);
    await (await headerLink(moderator.page, 'Members')).click();
    await moderator.settled('Members');
    const card = moderator.page.locator('.nhsuk-card', { hasText: NEWCOMER.email });
    // Declining needs a reason.
    await card.getByRole('button', { name: /^Decline/ }).click();
    await moderator.page.locator('.nhsuk-error-summary').waitFor();
    await moderator.axe('members with a decline error');
    await card.getByLabel(/Reason for your decision/).fill(APPROVAL_REASON);
    await card.getByRole('button', { name: /^Approve/ }).click();
    await moderator.page.getByText(`${NEWCOMER.name} has been approved.`).waitFor();
    await moderator.axe('members after approval');
    moderator.assertClean();
  });

  test('suspending without a date or reason is refused before sending', async () => {
    await moderator.visit('/members?status=all', 'Members');
    await moderator.page.getByRole('link', { name: NEWCOMER.name }).click();
    await moderator.settled(NEWCOMER.name);
    await moderator.page.getByRole('button', { name: 'Suspend member' }).click();
    await moderator.page.locator('.nhsuk-error-summary').waitFor();
    await moderator.axe('member page with errors');
    moderator.assertClean();
  });

  test('a moderator warns the member from their page; the member is notified and the log shows it', async () => {
    const page = moderator.page;
    await moderator.visit('/members?status=all', 'Members');
    await page.getByRole('link', { name: NEWCOMER.name }).click();
    await moderator.settled(NEWCOMER.name);
    await page.getByRole('heading', { level: 2, name: 'Warn' }).waitFor();
    // Both the message and the reason are needed.
    await page.getByRole('button', { name: 'Send warning' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#warn-message', '#warn-reason-text']);
    assert.match(await page.title(), /^Error: /);
    await moderator.axe('member page with warning errors');

    await page.getByLabel('Message to the member').fill(WARNING);
    await page.getByRole('button', { name: 'Send warning' }).click();
    await page.locator('#warn-reason-text-error').waitFor();
    assert.equal(await page.getByLabel('Message to the member').inputValue(), WARNING, 'a refused warning keeps its message');
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Send warning' }) });
    await form.getByLabel('Reason', { exact: true }).fill(WARNING_REASON);
    await page.getByRole('button', { name: 'Send warning' }).click();
    await page.getByText(`Your warning has been sent to ${NEWCOMER.name}.`).waitFor();
    assert.equal(await page.locator('.nhsuk-error-summary').count(), 0);
    assert.equal(await page.getByLabel('Message to the member').inputValue(), '');
    await moderator.axe('member page after a warning');
    moderator.assertClean();

    await newcomer.visit('/notifications', 'Notifications');
    await newcomer.page.locator('.app-notification__message', { hasText: WARNING }).waitFor();
    await newcomer.visit('/moderation/log', 'Moderation log');
    const own = newcomer.page.locator('.app-log tbody tr', { hasText: 'Member warned' });
    assert.match(await own.first().innerText(), new RegExp(WARNING));
    await moderator.visit('/moderation/log?action=member.warned', 'Moderation log');
    const row = moderator.page.locator('.app-log tbody tr', { hasText: NEWCOMER.name });
    const text = await row.first().innerText();
    for (const want of [MODERATOR.name, WARNING_REASON, WARNING]) assert.ok(text.includes(want), `the log entry shows ${want}: ${text}`);
  });

  test('the approved member changes their password, signs out and back in with it', async () => {
    await newcomer.visit('/', 'Partners in Practice');
    assert.doesNotMatch(await newcomer.page.locator('#maincontent').innerText(), /awaiting approval/i);
    await (await headerLink(newcomer.page, 'My account')).click();
    await newcomer.settled('My account');
    await newcomer.page.getByLabel('Current password').fill(NEWCOMER.password);
    await newcomer.page.getByLabel('New password', { exact: true }).fill(NEWCOMER.changed);
    await newcomer.page.getByLabel('Confirm new password').fill(NEWCOMER.changed);
    await newcomer.page.getByRole('button', { name: 'Change password' }).click();
    await newcomer.page.getByText('Your password has been changed.').waitFor();
    await newcomer.axe('account after password change');
    await newcomer.signOut();
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.changed);
    assert.match(await newcomer.h1().innerText(), new RegExp(NEWCOMER.name));
  });

  test('the member signs out another session from their account', async () => {
    const elsewhere = await app.person();
    await elsewhere.signIn(NEWCOMER.email, NEWCOMER.changed);
    await newcomer.visit('/account', 'My account');
    const buttons = newcomer.page.getByRole('button', { name: /^Sign out this session/ });
    assert.equal(await buttons.count(), 1);
    await buttons.first().click();
    await newcomer.page.getByText('That session has been signed out.').waitFor();
    assert.equal(await buttons.count(), 0);
    await newcomer.axe('account after signing out a session');
    const me = await elsewhere.page.request.get('/api/me');
    assert.equal(me.status(), 401);
    await elsewhere.close();
  });

  test('a wrong password shows the problem in the error summary', async () => {
    await newcomer.signOut();
    await newcomer.visit('/sign-in', 'Sign in');
    await newcomer.page.getByLabel('Email address').fill(NEWCOMER.email);
    await newcomer.page.getByLabel('Password', { exact: true }).fill('not-the-password-0000');
    await newcomer.page.getByRole('button', { name: 'Sign in' }).click();
    await newcomer.page.locator('.nhsuk-error-summary').waitFor();
    await newcomer.axe('sign in with a wrong password');
    newcomer.assertClean();
  });

  test('a forgotten password is reset from the emailed link', async () => {
    await newcomer.visit('/forgot-password', 'Reset your password');
    await newcomer.page.getByLabel('Email address').fill(NEWCOMER.email);
    await newcomer.page.getByRole('button', { name: 'Send reset link' }).click();
    await newcomer.page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await newcomer.settled('Check your email');

    const link = await linkFromOutbox(admin, NEWCOMER.email, '/reset-password');
    await newcomer.visit(link.pathname + link.search, 'Set a new password');
    await newcomer.page.getByLabel('New password', { exact: true }).fill(NEWCOMER.reset);
    await newcomer.page.getByLabel('Confirm new password').fill(NEWCOMER.reset);
    await newcomer.page.getByRole('button', { name: 'Set password' }).click();
    await newcomer.page.getByRole('heading', { level: 1, name: 'Your password has been changed' }).waitFor();
    await newcomer.settled('Password changed');
    await newcomer.signIn(NEWCOMER.email, NEWCOMER.reset);
  });

  test('an admin sees the approval, with its reason, in the audit log', async () => {
    await admin.visit('/admin/audit?action=member.approved', 'Audit log');
    const row = admin.page.locator('tbody tr', { hasText: NEWCOMER.name });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), new RegExp(APPROVAL_REASON));
    assert.match(await row.first().innerText(), new RegExp(MODERATOR.name));
  });

  test('an admin suspends the member with a reason, the member sees why, and the admin lifts it', async () => {
    await admin.visit('/members?status=all', 'Members');
    await admin.page.getByRole('link', { name: NEWCOMER.name }).click();
    await admin.settled(NEWCOMER.name);
    const nextYear = new Date().getUTCFullYear() + 1;
    await admin.page.getByLabel('Suspended until').fill(`${nextYear}-01-31`);
    // The warning form above has a reason too.
    const suspend = admin.page.locator('form', { has: admin.page.getByRole('button', { name: 'Suspend member' }) });
    await suspend.getByLabel('Reason', { exact: true }).fill('Shared a person-identifiable case note');
    await admin.page.getByRole('button', { name: 'Suspend member' }).click();
    await admin.page.getByText(`${NEWCOMER.name} is suspended until`).waitFor();
    await admin.axe('member page after suspension');

    await newcomer.visit('/', 'Partners in Practice');
    const home = await newcomer.page.locator('#maincontent').innerText();
    assert.match(home, /suspended until .*31 January/i);
    assert.match(home, /Shared a person-identifiable case note/);

    await admin.page.getByLabel('Reason (optional)').last().fill('Note removed and discussed');
    await admin.page.getByRole('button', { name: 'Lift suspension' }).click();
    await admin.page.getByText('The suspension has been lifted.').waitFor();
    await newcomer.visit('/', 'Partners in Practice');
    assert.doesNotMatch(await newcomer.page.locator('#maincontent').innerText(), /suspended/i);
  });

  test('an admin saves the approved domains', async () => {
    await admin.visit('/admin/settings', 'Settings');
    const box = admin.page.getByLabel('Approved email domains');
    const before = await box.inputValue();
    await box.fill(`${before}
example.net`.trim());
    await admin.page.getByRole('button', { name: 'Save settings' }).click();
    await admin.page.getByText('Settings saved.').waitFor();
    assert.match(await box.inputValue(), /example\.net/);
    await admin.axe('settings after saving');
  });

  test('the admin pages and the member list pass axe', async () => {
    await admin.visit('/admin/audit', 'Audit log');
    await admin.visit('/admin/settings', 'Settings');
    await admin.visit('/members?status=all', 'Members');
    await admin.visit('/account', 'My account');
  });

  test('no page reported a problem', () => {
    for (const p of [admin, moderator, newcomer]) p.assertClean();
  });
});
