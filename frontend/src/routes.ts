// Every page of the app, its path and who may open it.
import type { TemplateResult } from 'lit-html';
import type { Member, Problem } from './api/client';
import type { Route } from './router';
import { homePage } from './pages/home';
import { checkEmailPage, registerPage } from './pages/register';
import { verifyEmailPage } from './pages/verify-email';
import { signInPage, signOutPage } from './pages/sign-in';
import { forgotPasswordPage, resetPasswordPage } from './pages/password-reset';
import { accountPage } from './pages/account';
import { memberPage, membersPage } from './pages/members';
import { auditPage } from './pages/audit';
import { outboxPage } from './pages/outbox';
import { settingsPage } from './pages/settings';
import { spacePage, spacesPage } from './pages/spaces';
import { newThreadPage } from './pages/new-thread';
import { threadPage } from './pages/thread';
import { notificationSettingsPage, notificationsPage } from './pages/notifications';
import { queueItemPage, queuePage } from './pages/moderation/queue';
import { appealPage, logPage } from './pages/moderation/log';
import { adminPage } from './pages/admin/index';
import { deleteWatchedWordPage, watchedWordPage, watchedWordsPage } from './pages/admin/watched-words';
import { reasonsPage } from './pages/admin/reasons';
import { spaceAdminPage, spacesAdminPage } from './pages/admin/spaces';
import { tagsAdminPage } from './pages/admin/tags';
import { libraryPage } from './pages/library/browse';
import { resourcePage } from './pages/library/resource';
import { resourceEditorPage } from './pages/library/editor';
import { diffPage, historyPage } from './pages/library/history';
import { collectionEditorPage, collectionPage } from './pages/library/collection';
import { attachmentsPage } from './pages/library/attachments';
import { myPracticeExamplesPage, newPracticeExamplePage, practiceExamplePage } from './pages/practice-examples/index';
import { curationDashboardPage, reviewPracticeExamplePage } from './pages/curation/index';
import { searchPage } from './pages/search';

export type Access = 'anyone' | 'signed-in' | 'curator' | 'moderator' | 'admin';

export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
  readonly member: Member | null;
  /** False once the visitor has moved on, so late answers don't overwrite the next page. */
  isCurrent(): boolean;
  show(title: string, content: TemplateResult): void;
  focusErrorSummary(): void;
  /** Moves focus to the main heading, after a page changes in place (a form that succeeded). */
  focusHeading(): void;
  navigate(to: string, opts?: { replace?: boolean }): void;
  setMember(member: Member | null): void;
  refreshMember(): Promise<Member | null>;
  /** Shows the page for a failed load: sign in, not allowed, not found or a general problem. */
  showProblem(problem: Problem): void;
}

export interface AppRoute extends Route {
  access: Access;
  page: (ctx: PageContext) => void | Promise<void>;
}

export const routes: AppRoute[] = [
  { path: '/', access: 'anyone', page: homePage },
  { path: '/register', access: 'anyone', page: registerPage },
  { path: '/register/check-email', access: 'anyone', page: checkEmailPage },
  { path: '/verify-email', access: 'anyone', page: verifyEmailPage },
  { path: '/sign-in', access: 'anyone', page: signInPage },
  { path: '/sign-out', access: 'anyone', page: signOutPage },
  { path: '/forgot-password', access: 'anyone', page: forgotPasswordPage },
  { path: '/reset-password', access: 'anyone', page: resetPasswordPage },
  { path: '/account', access: 'signed-in', page: accountPage },
  { path: '/spaces', access: 'signed-in', page: spacesPage },
  { path: '/spaces/:slug', access: 'signed-in', page: spacePage },
  { path: '/spaces/:slug/new', access: 'signed-in', page: newThreadPage },
  { path: '/threads/:id', access: 'signed-in', page: threadPage },
  { path: '/notifications', access: 'signed-in', page: notificationsPage },
  { path: '/notifications/settings', access: 'signed-in', page: notificationSettingsPage },
  { path: '/members', access: 'moderator', page: membersPage },
  { path: '/members/:id', access: 'moderator', page: memberPage },
  { path: '/admin/audit', access: 'admin', page: auditPage },
  { path: '/admin/outbox', access: 'admin', page: outboxPage },
  { path: '/admin/settings', access: 'admin', page: settingsPage },
  // Space moderators have the member role; the API refuses anyone who moderates nowhere.
  { path: '/moderation/queue', access: 'signed-in', page: queuePage },
  { path: '/moderation/queue/:id', access: 'signed-in', page: queueItemPage },
  { path: '/moderation/log', access: 'signed-in', page: logPage },
  { path: '/moderation/log/:id/appeal', access: 'signed-in', page: appealPage },
  // The API decides: a draft's files are not found for those who may not see it.
  { path: '/library/:slug/attachments', access: 'anyone', page: attachmentsPage },
  { path: '/admin', access: 'admin', page: adminPage },
  { path: '/admin/watched-words', access: 'admin', page: watchedWordsPage },
  { path: '/admin/watched-words/:id', access: 'admin', page: watchedWordPage },
  { path: '/admin/watched-words/:id/delete', access: 'admin', page: deleteWatchedWordPage },
  { path: '/admin/reasons', access: 'admin', page: reasonsPage },
  { path: '/admin/spaces', access: 'admin', page: spacesAdminPage },
  { path: '/admin/spaces/:slug', access: 'admin', page: spaceAdminPage },
  { path: '/admin/tags', access: 'admin', page: tagsAdminPage },
  { path: '/library', access: 'anyone', page: libraryPage },
  { path: '/library/new', access: 'curator', page: resourceEditorPage },
  { path: '/library/:slug', access: 'anyone', page: resourcePage },
  { path: '/library/:slug/edit', access: 'signed-in', page: resourceEditorPage },
  { path: '/library/:slug/history', access: 'signed-in', page: historyPage },
  { path: '/library/:slug/history/:n', access: 'signed-in', page: diffPage },
  { path: '/collections/new', access: 'curator', page: collectionEditorPage },
  { path: '/collections/:slug', access: 'anyone', page: collectionPage },
  { path: '/collections/:slug/edit', access: 'curator', page: collectionEditorPage },
  { path: '/practice-examples', access: 'signed-in', page: myPracticeExamplesPage },
  { path: '/practice-examples/new', access: 'signed-in', page: newPracticeExamplePage },
  { path: '/practice-examples/:id', access: 'signed-in', page: practiceExamplePage },
  { path: '/curation', access: 'curator', page: curationDashboardPage },
  { path: '/curation/practice-examples/:id', access: 'curator', page: reviewPracticeExamplePage },
  // Published guidance is public; the API decides what else each searcher may see.
  { path: '/search', access: 'anyone', page: searchPage },
];
