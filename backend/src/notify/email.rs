//! Notifications by e-mail, as each member chose: one mail per notification (`immediate`), one
//! digest a day (`daily`, the default) or none (`off`). A background task runs the batch after
//! writes and once a minute; tests call [`run_email_batch`] with the clock they want.
//! Visibility is checked again at send time, and mails carry our wording, the thread title
//! (while visible) and a link, never a post's text.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime, TimeDelta};
use tokio::sync::Notify;

use super::shown::{Shown, shown};
use crate::config::Config;
use crate::db::notifications::{
    EmailPreference, EmailState, Notification, NotificationKind, NotificationPreferences,
};
use crate::db::outbox::OutboxRow;
use crate::db::users::{User, UserId};
use crate::db::{Db, DbConn, DbError};
use crate::mail::Mailer;
use crate::model::MemberStatus;

/// Daily digests go out with the first batch at or after this hour (UTC) each day.
pub const DIGEST_HOUR_UTC: u32 = 7;
/// How often the job looks for work when nothing nudges it.
const TICK: Duration = Duration::from_secs(60);
/// Notifications looked at per round of a batch.
const CHUNK: i64 = 200;

/// What one batch did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchReport {
    /// Mails written to the outbox (single notifications and digests).
    pub mailed: usize,
    /// Notifications settled without a mail of their own.
    pub skipped: usize,
}

/// Wakes the e-mail job after a write that may have created notifications.
#[derive(Clone, Default)]
pub struct Notifier {
    wake: Arc<Notify>,
}

impl Notifier {
    pub fn new() -> Notifier {
        Notifier::default()
    }

    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Turns notifications into mail until the process ends.
    pub async fn run(self, db: Db, config: Arc<Config>, mailer: Mailer) {
        loop {
            let _ = tokio::time::timeout(TICK, self.wake.notified()).await;
            match run_email_batch(&db, &config, crate::db::now()).await {
                Ok(report) if report.mailed > 0 => {
                    tracing::info!(
                        mailed = report.mailed,
                        skipped = report.skipped,
                        "notification mail queued"
                    );
                    mailer.nudge();
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "notification mail: batch failed"),
            }
        }
    }
}

/// The digest moment a batch at `now` belongs to: today's digest hour, or yesterday's when
/// that hour has not come yet today.
pub fn digest_due(now: NaiveDateTime) -> NaiveDateTime {
    let hour = NaiveTime::from_hms_opt(DIGEST_HOUR_UTC, 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date().and_time(hour);
    if now >= today {
        today
    } else {
        today - TimeDelta::days(1)
    }
}

/// Mails what is due at `now`: every pending notification of members who chose `immediate`,
/// the daily digest of members whose digest is due, and settles the rest (`off`, no longer
/// visible, approvals, which have their own e-mail).
pub async fn run_email_batch(
    db: &Db,
    config: &Config,
    now: NaiveDateTime,
) -> Result<BatchReport, DbError> {
    let public_url = config.public_url.clone();
    db.run(move |c| batch(c, &public_url, now)).await
}

fn batch(c: &mut DbConn, public_url: &str, now: NaiveDateTime) -> Result<BatchReport, DbError> {
    let mut report = BatchReport::default();
    let mut after = 0;
    let mut members_seen: Vec<i64> = Vec::new();
    loop {
        let rows = Notification::pending_email(c, now, after, CHUNK)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for user_id in rows.iter().map(|n| n.user_id) {
            if members_seen.contains(&user_id) {
                continue;
            }
            members_seen.push(user_id);
            let done = match member(c, public_url, user_id, now) {
                Ok(done) => done,
                // Another node claimed the same member's digest at the same moment.
                Err(e) if e.is_unique_violation() => continue,
                Err(e) => return Err(e),
            };
            report.mailed += done.mailed;
            report.skipped += done.skipped;
        }
    }
    Ok(report)
}

/// Everything due for one member.
fn member(
    c: &mut DbConn,
    public_url: &str,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<BatchReport, DbError> {
    let mut report = BatchReport::default();
    let user = User::find(c, UserId(user_id))?;
    let pending = Notification::pending_email_for(c, user_id, now)?;
    let preference = NotificationPreferences::find(c, user_id)?;
    let email = preference
        .as_ref()
        .map_or(EmailPreference::Daily, NotificationPreferences::email);
    let active = user
        .as_ref()
        .is_some_and(|u| u.status() == MemberStatus::Active);
    // Approvals are told by their own e-mail at the time; nothing else is mailed to members who
    // are not active or who want no e-mail.
    let (unmailed, mailable): (Vec<Notification>, Vec<Notification>) =
        pending.into_iter().partition(|n| {
            !active || email == EmailPreference::Off || n.kind() == Some(NotificationKind::Approval)
        });
    report.skipped += settle(c, &unmailed, EmailState::Skipped)?;
    let Some(user) = user.filter(|_| active) else {
        return Ok(report);
    };
    match email {
        EmailPreference::Off => {}
        EmailPreference::Immediate => {
            for n in mailable {
                let visible = shown(c, &user, vec![n.clone()])?;
                c.write_transaction::<_, DbError, _>(|c| {
                    match visible.first() {
                        Some(item) => {
                            if Notification::settle_email(c, &[n.id], EmailState::Sent)? == 1 {
                                let (subject, body) = single_mail(public_url, &user, item);
                                OutboxRow::enqueue(c, &user.email, &subject, &body)?;
                                report.mailed += 1;
                            }
                        }
                        None => {
                            report.skipped +=
                                Notification::settle_email(c, &[n.id], EmailState::Skipped)?;
                        }
                    }
                    Ok(())
                })?;
            }
        }
        EmailPreference::Daily => {
            let due = digest_due(now);
            let last = preference.and_then(|p| p.last_digest_at);
            if last.is_some_and(|l| l >= due) {
                return Ok(report);
            }
            // A digest covers what happened before its moment; later ones wait for the next.
            let candidates: Vec<Notification> = mailable
                .into_iter()
                .filter(|n| n.created_at < due)
                .collect();
            if candidates.is_empty() {
                return Ok(report);
            }
            let visible = shown(c, &user, candidates.clone())?;
            let (seen, unseen): (Vec<i64>, Vec<i64>) = candidates
                .iter()
                .map(|n| n.id)
                .partition(|id| visible.iter().any(|s| s.notification.id == *id));
            c.write_transaction::<_, DbError, _>(|c| {
                report.skipped += Notification::settle_email(c, &unseen, EmailState::Skipped)?;
                if visible.is_empty() {
                    return Ok(());
                }
                if !NotificationPreferences::claim_digest(c, user.id, last, now)? {
                    return Ok(());
                }
                Notification::settle_email(c, &seen, EmailState::Sent)?;
                let (subject, body) = digest_mail(public_url, &user, &visible);
                OutboxRow::enqueue(c, &user.email, &subject, &body)?;
                report.mailed += 1;
                Ok(())
            })?;
        }
    }
    Ok(report)
}

fn settle(c: &mut DbConn, rows: &[Notification], to: EmailState) -> Result<usize, DbError> {
    let ids: Vec<i64> = rows.iter().map(|n| n.id).collect();
    Notification::settle_email(c, &ids, to)
}

fn footer(public_url: &str, how: &str) -> String {
    format!(
        "\n--\nYou get {how} because of your notification settings. To change them, go to {public_url}/notifications\n"
    )
}

fn single_mail(public_url: &str, user: &User, item: &Shown) -> (String, String) {
    let message = item.notification.message.trim_end_matches('.');
    let mut body = format!("Dear {},\n\n{message}", user.display_name);
    match &item.thread {
        Some((id, title)) => {
            body.push_str(&format!(":\n\n  {title}\n  {public_url}/threads/{id}\n"));
        }
        None => body.push_str(".\n"),
    }
    body.push_str(&footer(public_url, "an e-mail for each notification"));
    (format!("Partners in Practice: {message}"), body)
}

/// One line per thread with what happened in it, then the notifications about no thread.
fn digest_mail(public_url: &str, user: &User, items: &[Shown]) -> (String, String) {
    let mut threads: Vec<(i64, String, [usize; 3])> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for item in items {
        let slot = match item.notification.kind() {
            Some(NotificationKind::Reply) => Some(0),
            Some(NotificationKind::Mention) => Some(1),
            Some(NotificationKind::NewThread) => Some(2),
            _ => None,
        };
        match (&item.thread, slot) {
            (Some((id, title)), Some(slot)) => match threads.iter_mut().find(|(t, _, _)| t == id) {
                Some((_, _, counts)) => counts[slot] += 1,
                None => {
                    let mut counts = [0; 3];
                    counts[slot] = 1;
                    threads.push((*id, title.clone(), counts));
                }
            },
            (Some((id, title)), None) => others.push(format!(
                "{}:\n  {title}\n  {public_url}/threads/{id}",
                item.notification.message
            )),
            (None, _) => others.push(format!(
                "{}.",
                item.notification.message.trim_end_matches('.')
            )),
        }
    }
    let mut body = format!(
        "Dear {},\n\nHere is what happened on Partners in Practice since your last digest.\n",
        user.display_name
    );
    for (id, title, [replies, mentions, new]) in &threads {
        let mut parts = Vec::new();
        if *new > 0 {
            parts.push("a new thread".to_owned());
        }
        if *replies > 0 {
            parts.push(plural(*replies, "reply", "replies"));
        }
        if *mentions > 0 {
            parts.push(plural(*mentions, "mention of you", "mentions of you"));
        }
        body.push_str(&format!(
            "\n{title}\n  {}\n  {public_url}/threads/{id}\n",
            parts.join(", ")
        ));
    }
    for line in &others {
        body.push_str(&format!("\n{line}\n"));
    }
    body.push_str(&footer(public_url, "one digest a day"));
    let subject = format!(
        "Partners in Practice: your daily digest ({})",
        plural(items.len(), "notification", "notifications")
    );
    (subject, body)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_moment_is_the_latest_digest_hour() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(digest_due(at("2026-12-02 08:15")), at("2026-12-02 07:00"));
        assert_eq!(digest_due(at("2026-12-02 07:00")), at("2026-12-02 07:00"));
        assert_eq!(digest_due(at("2026-12-02 06:59")), at("2026-12-01 07:00"));
    }
}
