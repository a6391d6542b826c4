//! What a member may be shown of their notifications now. A notification about forum content
//! (a reply, mention or new thread) is left out entirely when its thread or post is no longer
//! visible to them; one about a decision (moderation, a flag's outcome, an approval) is kept,
//! but names its thread and post only while the member can see them.

use std::collections::HashMap;

use crate::db::forum::{Post, Thread, Visibility};
use crate::db::notifications::{Notification, NotificationKind};
use crate::db::users::User;
use crate::db::{DbConn, DbError};

/// A notification as its recipient may see it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub notification: Notification,
    /// The thread's id and title, when the recipient can see the thread.
    pub thread: Option<(i64, String)>,
    /// The post's id, when the recipient can see it.
    pub post_id: Option<i64>,
    pub actor_name: Option<String>,
}

/// Keeps what `user` may see of `rows` (in their order), re-checked against the forum now.
pub fn shown(
    conn: &mut DbConn,
    user: &User,
    rows: Vec<Notification>,
) -> Result<Vec<Shown>, DbError> {
    let mut thread_ids: Vec<i64> = rows.iter().filter_map(|n| n.thread_id).collect();
    let mut post_ids: Vec<i64> = rows.iter().filter_map(|n| n.post_id).collect();
    for ids in [&mut thread_ids, &mut post_ids] {
        ids.sort_unstable();
        ids.dedup();
    }
    let threads: HashMap<i64, Thread> = Thread::find_many(conn, &thread_ids)?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let posts: HashMap<i64, Post> = Post::find_many(conn, &post_ids)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut spaces: HashMap<i64, Visibility> = HashMap::new();
    for t in threads.values() {
        if let std::collections::hash_map::Entry::Vacant(slot) = spaces.entry(t.category_id) {
            slot.insert(crate::forum::visibility(conn, user, t.category_id)?);
        }
    }

    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        let about_content = matches!(
            n.kind(),
            Some(NotificationKind::Reply | NotificationKind::Mention | NotificationKind::NewThread)
        );
        let thread = n
            .thread_id
            .and_then(|id| threads.get(&id))
            .and_then(|t| spaces.get(&t.category_id).map(|v| (t, *v)))
            .filter(|(t, v)| t.visible_to(*v));
        let post = match (n.post_id, thread) {
            (Some(id), Some((t, v))) => posts
                .get(&id)
                .filter(|p| p.thread_id == t.id && p.visible_to(v))
                .map(|p| p.id),
            _ => None,
        };
        // A post without a visible thread can't be placed or checked: say nothing about it.
        let hidden =
            (n.thread_id.is_some() && thread.is_none()) || (n.post_id.is_some() && post.is_none());
        if hidden && about_content {
            continue;
        }
        out.push(Shown {
            thread: thread.map(|(t, _)| (t.id, t.title.clone())),
            post_id: post,
            notification: n,
            actor_name: None,
        });
    }
    let actors: Vec<i64> = out.iter().filter_map(|s| s.notification.actor_id).collect();
    let names = User::names(conn, &actors)?;
    for s in &mut out {
        s.actor_name = s
            .notification
            .actor_id
            .and_then(|a| names.iter().find(|(id, _)| *id == a))
            .map(|(_, n)| n.clone());
    }
    Ok(out)
}
