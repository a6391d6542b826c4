//! Review reminders: when a published resource's review-by date arrives, its owner gets one
//! e-mail through the outbox. `resources.review_reminded_for` records the date reminded for,
//! so each due date is told once, and a new review-by date is told again when it arrives.

use chrono::NaiveDate;

use crate::db::practice_examples::ResourceBrief;
use crate::db::users::{User, UserId};
use crate::db::{Db, DbError};
use crate::mail::Mail;
use crate::model::MemberStatus;

/// Queues the reminders due on `today`; returns how many were queued.
pub async fn run_once(db: &Db, public_url: &str, today: NaiveDate) -> Result<usize, DbError> {
    let public_url = public_url.to_owned();
    db.run(move |c| {
        let mut sent = 0;
        for r in ResourceBrief::unreminded_due(c, today)? {
            let (Some(owner_id), Some(due)) = (r.owner_id, r.review_by) else {
                continue;
            };
            c.write_transaction::<_, DbError, _>(|c| {
                // Claimed first, so that of several replicas only one sends it; recorded even
                // without an active owner, so it isn't retried every hour.
                if !ResourceBrief::claim_reminder(c, r.id, due)? {
                    return Ok(());
                }
                let owner = User::find(c, UserId(owner_id))?
                    .filter(|u| u.status() == MemberStatus::Active);
                if let Some(owner) = owner {
                    Mail {
                        to: owner.email.clone(),
                        subject: format!("Review due: {}", r.title),
                        body: format!(
                            "Hello {},\n\nYou own “{}” in the Partners in Practice library. Its review was due on {}.\n\nCheck it is still current, update it and set a new review-by date, or archive it:\n{}/library/{}\n\nThe curator dashboard lists everything due: {}/curation\n",
                            owner.display_name,
                            r.title,
                            due.format("%-d %B %Y"),
                            public_url,
                            r.slug,
                            public_url
                        ),
                    }
                    .queue(c)?;
                    sent += 1;
                }
                Ok(())
            })?;
        }
        Ok(sent)
    })
    .await
}

/// Looks for due reviews every hour until the process ends.
pub async fn run(db: Db, mailer: crate::mail::Mailer) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let today = chrono::Utc::now().date_naive();
        match run_once(&db, &mailer.public_url, today).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(reminders = n, "review reminders queued");
                mailer.nudge();
            }
            Err(e) => tracing::warn!(error = %e, "review reminders"),
        }
    }
}
