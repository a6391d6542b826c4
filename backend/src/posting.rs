//! Posting rules applied before a new thread or reply is written: archived spaces take nothing
//! new, slow mode spaces out a member's replies in a thread, and each member has a rate limit
//! (stricter for new members). Moderators of the space are exempt from the last two.

use chrono::TimeDelta;
use poem::http::StatusCode;
use poem_openapi::payload::Json;

use crate::config::Config;
use crate::db::forum::{Category, Post, Thread};
use crate::db::posting::{last_post_in_thread, post_times_since};
use crate::db::users::User;
use crate::db::{DbConn, DbError, now};
use crate::error::{ApiError, Problem};

/// The longest slow mode, in seconds (a day).
pub const MAX_SLOW_MODE: i32 = 86_400;

/// How many first posts are held for a new member, read as the hold rule in `crate::forum`
/// reads it, so "new member" means the same thing in both places.
fn held_first_posts(conn: &mut DbConn) -> Result<i64, DbError> {
    crate::db::settings::held_first_posts(conn)
}

/// Whether `author` may post now: `thread` is None for a new thread. `Ok(Err(..))` is the
/// refusal to send.
pub fn may_post(
    conn: &mut DbConn,
    config: &Config,
    author: &User,
    category: &Category,
    thread: Option<&Thread>,
    moderator: bool,
) -> Result<Result<(), ApiError>, DbError> {
    if category.archived {
        return Ok(Err(ApiError::conflict(
            "This space is archived: it takes no new threads or replies.",
            vec![],
        )));
    }
    if moderator {
        return Ok(Ok(()));
    }
    if let Some(thread) = thread.filter(|t| t.slow_mode_seconds > 0)
        && let Some(last) = last_post_in_thread(conn, author.id, thread.id)?
    {
        let gap = TimeDelta::seconds(i64::from(thread.slow_mode_seconds));
        let wait = last + gap - now();
        if wait > TimeDelta::zero() {
            let secs = seconds_up(wait);
            return Ok(Err(too_many(
                "slow-mode",
                "This thread is in slow mode",
                format!(
                    "Members can reply here once every {}. You can reply again in {}.",
                    describe(i64::from(thread.slow_mode_seconds)),
                    describe(secs as i64)
                ),
                secs,
            )));
        }
    }
    rate_limit(conn, config, author)
}

fn rate_limit(
    conn: &mut DbConn,
    config: &Config,
    author: &User,
) -> Result<Result<(), ApiError>, DbError> {
    let at = now();
    let young = TimeDelta::from_std(config.new_member_period)
        .is_ok_and(|period| at - author.created_at < period);
    let new_member = young || Post::published_count_by(conn, author.id)? < held_first_posts(conn)?;
    let limit = if new_member {
        config.post_rate_limit_new_member
    } else {
        config.post_rate_limit
    } as usize;
    let window = TimeDelta::from_std(config.post_rate_window).unwrap_or(TimeDelta::MAX);
    let times = post_times_since(conn, author.id, at - window, 10_000)?;
    if times.len() < limit {
        return Ok(Ok(()));
    }
    // Once this post leaves the window the member is under the limit again.
    let frees = times[times.len() - limit];
    let secs = seconds_up(frees + window - at);
    let who = if new_member {
        "New members can post"
    } else {
        "Members can post"
    };
    Ok(Err(too_many(
        "posting-too-fast",
        "You are posting too quickly",
        format!(
            "{who} {limit} new threads or replies in {}. You can post again in {}.",
            describe(window.num_seconds()),
            describe(secs as i64)
        ),
        secs,
    )))
}

fn seconds_up(d: TimeDelta) -> u64 {
    let ms = d.num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}

fn too_many(slug: &str, title: &str, detail: String, retry_after: u64) -> ApiError {
    ApiError::TooManyRequests(
        Json(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            slug,
            title,
            Some(detail),
        )),
        retry_after,
    )
}

/// "45 seconds", "1 minute", "10 minutes", "2 hours", "1 day".
pub fn describe(secs: i64) -> String {
    let (n, unit) = if secs < 60 {
        (secs, "second")
    } else if secs < 3600 {
        ((secs + 59) / 60, "minute")
    } else if secs < 86_400 {
        ((secs + 3599) / 3600, "hour")
    } else {
        ((secs + 86_399) / 86_400, "day")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::describe;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe(1), "1 second");
        assert_eq!(describe(45), "45 seconds");
        assert_eq!(describe(600), "10 minutes");
        assert_eq!(describe(61), "2 minutes");
        assert_eq!(describe(86_400), "1 day");
    }
}
