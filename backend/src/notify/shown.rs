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
    let mut threads: HashMap<i64, Option<Thread>> = HashMap::new();
    let mut spaces: HashMap<i64, Visibility> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        let about_content = matches!(
            n.kind(),
            Some(NotificationKind::Reply | NotificationKind::Mention | NotificationKind::NewThread)
        );
        let mut thread_shown = None;
        let mut post_shown = None;
        let mut hidden = false;
        if let Some(thread_id) = n.thread_id {
            if !threads.contains_key(&thread_id) {
                let t = Thread::find(conn, thread_id)?;
                threads.insert(thread_id, t);
            }
            let thread = threads.get(&thread_id).and_then(Option::as_ref);
            let v = match thread {
                Some(t) => Some(match spaces.get(&t.category_id) {
                    Some(v) => *v,
                    None => {
                        let v = crate::forum::visibility(conn, user, t.category_id)?;
                        spaces.insert(t.category_id, v);
                        v
                    }
                }),
                None => None,
            };
            match (thread, v) {
                (Some(t), Some(v)) if t.visible_to(v) => {
                    thread_shown = Some((t.id, t.title.clone()));
                    if let Some(post_id) = n.post_id {
                        let post = Post::find(conn, post_id)?;
                        if post.is_some_and(|p| p.thread_id == t.id && p.visible_to(v)) {
                            post_shown = Some(post_id);
                        } else {
                            hidden = true;
                        }
                    }
                }
                _ => hidden = true,
            }
        } else if n.post_id.is_some() {
            // A post without its thread can't be placed or checked: say nothing about it.
            hidden = true;
        }
        if hidden && about_content {
            continue;
        }
        out.push(Shown {
            notification: n,
            thread: thread_shown,
            post_id: post_shown,
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
