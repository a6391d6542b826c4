//! Mail: messages are written to the `outbox` table inside the transaction that causes them;
//! a background task then sends them by SMTP, or, without SMTP, writes them to the log.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::config::Config;
use crate::db::outbox::OutboxRow;
use crate::db::{Db, DbConn, DbError};

/// One message to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// Writes the message to the outbox (call inside the transaction of the change).
    pub fn queue(&self, conn: &mut DbConn) -> Result<(), DbError> {
        OutboxRow::enqueue(conn, &self.to, &self.subject, &self.body)
    }
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    wake: Arc<Notify>,
    pub public_url: String,
}

impl Mailer {
    pub fn new(config: &Config) -> anyhow::Result<Mailer> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM: {e}"))?;
        let smtp = match &config.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => None,
        };
        Ok(Mailer {
            from,
            smtp,
            wake: Arc::new(Notify::new()),
            public_url: config.public_url.clone(),
        })
    }

    /// Tells the sender that new mail was committed.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Sends (or logs) committed mail until the process ends.
    pub async fn run(self, db: Db) {
        // Without SMTP each message is logged once; start after what is already there.
        let mut last_seen = match db
            .run(|c| {
                Ok(OutboxRow::list(c, None, None, 0)?
                    .first()
                    .map(|r| r.id)
                    .unwrap_or(0))
            })
            .await
        {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(error = %e, "mail: cannot read the outbox");
                0
            }
        };
        loop {
            let _ = tokio::time::timeout(Duration::from_secs(10), self.wake.notified()).await;
            let after = if self.smtp.is_some() { 0 } else { last_seen };
            let rows = match db.run(move |c| OutboxRow::unsent(c, after, 50)).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, "mail: cannot read the outbox");
                    continue;
                }
            };
            for row in rows {
                last_seen = last_seen.max(row.id);
                match &self.smtp {
                    None => {
                        tracing::info!(to = %row.to_address, subject = %row.subject, body = %row.body_text, "mail kept in the outbox (no SMTP_URL)")
                    }
                    Some(smtp) => {
                        let id = row.id;
                        let result = match self.message(&row) {
                            Ok(msg) => smtp.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
                            Err(e) => Err(e),
                        };
                        let outcome = match result {
                            Ok(()) => db.run(move |c| OutboxRow::mark_sent(c, id)).await,
                            Err(err) => {
                                tracing::warn!(to = %row.to_address, error = %err, "mail: sending failed; will retry");
                                db.run(move |c| OutboxRow::mark_failed(c, id, &err)).await
                            }
                        };
                        if let Err(e) = outcome {
                            tracing::error!(error = %e, "mail: cannot update the outbox");
                        }
                    }
                }
            }
        }
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, String> {
        let to: Mailbox = row
            .to_address
            .parse()
            .map_err(|e| format!("bad address: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .body(row.body_text.clone())
            .map_err(|e| e.to_string())
    }

    pub fn verify_email(&self, to: &str, name: &str, token: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Confirm your e-mail address for Partners in Practice".into(),
            body: format!(
                "Dear {name},\n\nThank you for registering with Partners in Practice.\n\nTo confirm your e-mail address, open this link:\n{}/verify-email?token={token}\n\nThe link works once and expires in 48 hours. If you did not register, ignore this e-mail.\n",
                self.public_url
            ),
        }
    }

    pub fn password_reset(&self, to: &str, name: &str, token: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Reset your Partners in Practice password".into(),
            body: format!(
                "Dear {name},\n\nSomeone asked to reset the password for this address. To choose a new password, open this link:\n{}/reset-password?token={token}\n\nThe link works once and expires in 1 hour. If it wasn't you, ignore this e-mail: your password has not changed.\n",
                self.public_url
            ),
        }
    }

    pub fn approved(&self, to: &str, name: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Your Partners in Practice membership is approved".into(),
            body: format!(
                "Dear {name},\n\nYour membership has been approved. Sign in at {}/sign-in\n",
                self.public_url
            ),
        }
    }

    pub fn declined(&self, to: &str, name: &str, reason: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Your Partners in Practice membership request".into(),
            body: format!(
                "Dear {name},\n\nA moderator has declined your membership request.\n\nReason: {reason}\n\nIf you think this is a mistake, reply to your regional lead.\n"
            ),
        }
    }

    pub fn awaiting_approval(&self, to: &str, member_name: &str, organisation: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "A new member is waiting for approval".into(),
            body: format!(
                "{member_name} ({organisation}) has confirmed their e-mail address and is waiting for approval.\n\nReview pending members at {}/members?status=pending\n",
                self.public_url
            ),
        }
    }

    pub fn suspended(&self, to: &str, name: &str, until: &str, reason: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Your Partners in Practice membership is suspended".into(),
            body: format!(
                "Dear {name},\n\nA moderator has suspended your membership until {until} UTC. You can still read, but not post or change anything.\n\nReason: {reason}\n"
            ),
        }
    }

    pub fn warning(&self, to: &str, name: &str, message: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "A message from the Partners in Practice moderators".into(),
            body: format!(
                "Dear {name},\n\nA moderator has sent you a warning:\n\n{message}\n\nYou can see it, and appeal it, in the moderation log at {}/moderation/log\n",
                self.public_url
            ),
        }
    }

    pub fn password_changed(&self, to: &str, name: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Your Partners in Practice password was changed".into(),
            body: format!(
                "Dear {name},\n\nThe password for your account was just changed, and every other session was signed out. If this wasn't you, reset your password at {}/forgot-password\n",
                self.public_url
            ),
        }
    }
}
