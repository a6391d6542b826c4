//! Attachments of library resources: upload (type by content, sanitised name, content-addressed
//! bytes), replacement as a new version, soft removal, who may see and change them, and the
//! background job that extracts their text in a child process.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::Notify;

use crate::db::DbError;
use crate::db::attachments::{Attachment, AttachmentVersion, Extraction, NewFile, ResourceAccess};
use crate::db::audit::NewAudit;
use crate::db::forum::enqueue_search;
use crate::db::users::User;
use crate::files::extract::{self, Limits};
use crate::files::names;
use crate::files::sniff::{self, FileType};
use crate::files::store::StoreError;
use crate::model::MemberStatus;
use crate::state::AppState;

/// Longest attachment title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// How often the extraction job looks for work when nothing wakes it.
const TICK: Duration = Duration::from_secs(30);
/// Largest text kept from one file (all pages).
pub const MAX_TEXT_BYTES: usize = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("unsupported type")]
    UnsupportedType,
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A file as received: the name the client gave and the bytes (already within the size cap).
#[derive(Debug, Clone)]
pub struct ReceivedFile {
    pub file_name: String,
    pub bytes: Bytes,
}

/// An attachment with its versions (newest first) and its resource.
#[derive(Debug, Clone)]
pub struct Detail {
    pub attachment: Attachment,
    pub versions: Vec<AttachmentVersion>,
    pub resource: ResourceAccess,
}

fn active(viewer: Option<&User>) -> Option<&User> {
    viewer.filter(|u| u.status() == MemberStatus::Active)
}

/// Who sees a resource's files: everyone when it is published or archived; otherwise its
/// curators, admins and owner (to anyone else it does not exist).
pub fn can_see(viewer: Option<&User>, resource: &ResourceAccess) -> bool {
    resource.is_public()
        || active(viewer).is_some_and(|u| u.role().can_curate() || resource.owner_id == Some(u.id))
}

/// Who adds and replaces files: curators, admins and the resource's owner.
pub fn can_change(user: &User, resource: &ResourceAccess) -> bool {
    user.role().can_curate() || resource.owner_id == Some(user.id)
}

fn audit<'a>(actor_id: i64, action: &'a str, attachment_id: i64) -> NewAudit<'a> {
    NewAudit {
        target_type: "attachment",
        ..NewAudit::member(Some(actor_id), action, attachment_id)
    }
}

fn clean_title(raw: Option<&str>, file_name: &str) -> Result<String, AttachmentError> {
    let title = match raw.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_owned(),
        None => file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem)
            .to_owned(),
    };
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(AttachmentError::Invalid {
            field: "title",
            message: format!("The title must be {MAX_TITLE_CHARS} characters or fewer."),
        });
    }
    if title.chars().any(char::is_control) {
        return Err(AttachmentError::Invalid {
            field: "title",
            message: "The title must not contain control characters.".into(),
        });
    }
    Ok(title)
}

/// Finds the type, stores the bytes and describes the new version.
async fn take_in(state: &AppState, file: ReceivedFile) -> Result<NewFile, AttachmentError> {
    if file.bytes.is_empty() {
        return Err(AttachmentError::Invalid {
            field: "file",
            message: "Choose a file to upload.".into(),
        });
    }
    let bytes = file.bytes;
    // Sniffing a ZIP reads its directory: off the async threads.
    let (file_type, bytes) = tokio::task::spawn_blocking(move || (sniff::detect(&bytes), bytes))
        .await
        .map_err(|e| DbError::Task(e.to_string()))?;
    let file_type = file_type.ok_or(AttachmentError::UnsupportedType)?;
    let size_bytes = bytes.len() as i64;
    let sha256 = state.files.put(bytes).await?;
    Ok(NewFile {
        file_name: names::sanitise(&file.file_name, file_type),
        file_type: file_type.as_str().to_owned(),
        content_type: file_type.mime().to_owned(),
        size_bytes,
        sha256,
        extract_status: if file_type.has_text() {
            "pending"
        } else {
            "none"
        },
    })
}

async fn load_detail(state: &AppState, attachment_id: i64) -> Result<Option<Detail>, DbError> {
    state
        .db
        .run(move |c| {
            let Some(attachment) = Attachment::find(c, attachment_id)? else {
                return Ok(None);
            };
            if attachment.deleted {
                return Ok(None);
            }
            let Some(resource) = ResourceAccess::by_id(c, attachment.resource_id)? else {
                return Ok(None);
            };
            let versions = AttachmentVersion::for_attachment(c, attachment.id)?;
            Ok(Some(Detail {
                attachment,
                versions,
                resource,
            }))
        })
        .await
}

/// An attachment the viewer may see, else NotFound.
pub async fn detail(
    state: &AppState,
    viewer: Option<&User>,
    attachment_id: i64,
) -> Result<Detail, AttachmentError> {
    match load_detail(state, attachment_id).await? {
        Some(d) if can_see(viewer, &d.resource) => Ok(d),
        _ => Err(AttachmentError::NotFound),
    }
}

/// The attachments of a resource the viewer may see, each with its versions.
pub async fn list(
    state: &AppState,
    viewer: Option<&User>,
    slug: &str,
) -> Result<(ResourceAccess, Vec<Detail>), AttachmentError> {
    let slug = slug.to_owned();
    let found = state
        .db
        .run(move |c| {
            let Some(resource) = ResourceAccess::by_slug(c, &slug)? else {
                return Ok(None);
            };
            let mut out = Vec::new();
            for attachment in Attachment::for_resource(c, resource.id)? {
                let versions = AttachmentVersion::for_attachment(c, attachment.id)?;
                out.push(Detail {
                    attachment,
                    versions,
                    resource: resource.clone(),
                });
            }
            Ok(Some((resource, out)))
        })
        .await?;
    match found {
        Some((r, items)) if can_see(viewer, &r) => Ok((r, items)),
        _ => Err(AttachmentError::NotFound),
    }
}

/// Adds a file to the resource `slug` as a new attachment.
pub async fn add(
    state: &AppState,
    actor: &User,
    slug: &str,
    title: Option<&str>,
    file: ReceivedFile,
) -> Result<Detail, AttachmentError> {
    let slug_owned = slug.to_owned();
    let resource = state
        .db
        .run(move |c| ResourceAccess::by_slug(c, &slug_owned))
        .await?
        .filter(|r| can_see(Some(actor), r))
        .ok_or(AttachmentError::NotFound)?;
    if !can_change(actor, &resource) {
        return Err(AttachmentError::Forbidden);
    }
    let new_file = take_in(state, file).await?;
    let title = clean_title(title, &new_file.file_name)?;
    let actor_id = actor.id;
    let resource_id = resource.id;
    let (attachment, _) = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let created = Attachment::create(c, resource_id, &title, &new_file, actor_id)?;
                let details = format!("{} ({})", new_file.file_name, new_file.sha256);
                audit(actor_id, "attachment.added", created.0.id)
                    .details(&details)
                    .write(c)?;
                enqueue_search(c, "resource", resource_id)?;
                Ok(created)
            })
        })
        .await?;
    state.extractor.nudge();
    detail(state, Some(actor), attachment.id).await
}

/// Replaces the file of an attachment: a new version; earlier versions stay downloadable.
pub async fn replace(
    state: &AppState,
    actor: &User,
    attachment_id: i64,
    title: Option<&str>,
    file: ReceivedFile,
) -> Result<Detail, AttachmentError> {
    let current = detail(state, Some(actor), attachment_id).await?;
    if !can_change(actor, &current.resource) {
        return Err(AttachmentError::Forbidden);
    }
    let new_file = take_in(state, file).await?;
    let title = match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(clean_title(Some(t), &new_file.file_name)?),
        None => None,
    };
    let actor_id = actor.id;
    let resource_id = current.resource.id;
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let next =
                    AttachmentVersion::current(c, attachment_id)?.map_or(1, |v| v.version + 1);
                AttachmentVersion::insert(c, attachment_id, next, &new_file, actor_id)?;
                Attachment::touch(c, attachment_id, title.as_deref())?;
                let details = format!(
                    "version {next}: {} ({})",
                    new_file.file_name, new_file.sha256
                );
                audit(actor_id, "attachment.replaced", attachment_id)
                    .details(&details)
                    .write(c)?;
                enqueue_search(c, "resource", resource_id)
            })
        })
        .await?;
    state.extractor.nudge();
    detail(state, Some(actor), attachment_id).await
}

/// Removes an attachment (curators and admins): hidden everywhere, its rows and bytes kept.
pub async fn remove(
    state: &AppState,
    actor: &User,
    attachment_id: i64,
    reason: &str,
) -> Result<(), AttachmentError> {
    let current = detail(state, Some(actor), attachment_id).await?;
    if !actor.role().can_curate() {
        return Err(AttachmentError::Forbidden);
    }
    let reason = reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AttachmentError::Invalid {
            field: "reason",
            message: "Give a reason of up to 500 characters.".into(),
        });
    }
    let actor_id = actor.id;
    let resource_id = current.resource.id;
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                Attachment::set_deleted(c, attachment_id)?;
                audit(actor_id, "attachment.removed", attachment_id)
                    .reason(Some(&reason))
                    .write(c)?;
                enqueue_search(c, "resource", resource_id)
            })
        })
        .await?;
    Ok(())
}

/// The bytes of a version (the current one when `version` is None) the viewer may see.
pub async fn download(
    state: &AppState,
    viewer: Option<&User>,
    attachment_id: i64,
    version: Option<i32>,
) -> Result<(AttachmentVersion, Bytes), AttachmentError> {
    let d = detail(state, viewer, attachment_id).await?;
    let chosen = match version {
        None => d.versions.first(),
        Some(n) => d.versions.iter().find(|v| v.version == n),
    }
    .cloned()
    .ok_or(AttachmentError::NotFound)?;
    let bytes = state.files.get(&chosen.sha256).await?;
    Ok((chosen, bytes))
}

/// Wakes the extraction job after an upload.
#[derive(Clone, Default)]
pub struct ExtractJob {
    wake: Arc<Notify>,
}

impl ExtractJob {
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Extracts pending versions until the process ends: at once after each upload, and every
    /// `TICK` in case a nudge was missed (another replica's upload, a restart).
    pub async fn run(self, state: AppState) {
        loop {
            match run_pending(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(versions = n, "attachment text extracted"),
                Err(e) => tracing::error!(error = %e, "attachment text extraction failed"),
            }
            let _ = tokio::time::timeout(TICK, self.wake.notified()).await;
        }
    }
}

fn limits(state: &AppState) -> Limits {
    Limits {
        timeout: state.config.extract_timeout,
        memory_bytes: state.config.extract_memory_limit,
        max_text_bytes: MAX_TEXT_BYTES,
    }
}

/// Extracts the text of every pending version, one at a time; returns how many were settled.
pub async fn run_pending(state: &AppState) -> Result<usize, AttachmentError> {
    let program = match &state.config.extract_program {
        Some(p) => p.clone(),
        None => std::env::current_exe().map_err(|e| DbError::Task(format!("current_exe: {e}")))?,
    };
    let scratch = state.config.scratch_dir();
    let mut after = 0;
    let mut settled = 0;
    loop {
        let batch = state
            .db
            .run(move |c| AttachmentVersion::pending(c, after, 20))
            .await?;
        let Some((last, _)) = batch.last() else {
            return Ok(settled);
        };
        after = last.id;
        for (version, resource_id) in batch {
            let outcome = extract_one(state, &program, &scratch, &version).await;
            if let Extraction::Failed(reason) = &outcome {
                tracing::warn!(version = version.id, %reason, "text could not be extracted");
            }
            let id = version.id;
            let done = state
                .db
                .run(move |c| {
                    c.write_transaction(|c| {
                        let changed = AttachmentVersion::finish(c, id, &outcome)?;
                        if changed {
                            enqueue_search(c, "resource", resource_id)?;
                        }
                        Ok(changed)
                    })
                })
                .await?;
            settled += usize::from(done);
        }
    }
}

async fn extract_one(
    state: &AppState,
    program: &std::path::Path,
    scratch: &std::path::Path,
    version: &AttachmentVersion,
) -> Extraction {
    let Some(file_type) = FileType::parse(&version.file_type).filter(|t| t.has_text()) else {
        return Extraction::Failed("no text is taken from this type".into());
    };
    let bytes = match state.files.get(&version.sha256).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, version = version.id, "attachment bytes missing");
            return Extraction::Failed("the stored file could not be read".into());
        }
    };
    if let Err(e) = tokio::fs::create_dir_all(scratch).await {
        tracing::error!(error = %e, "cannot create the scratch directory");
        return Extraction::Failed("no room to work on the file".into());
    }
    let path = scratch.join(format!(
        "extract-{}-{}.bin",
        version.id,
        &crate::auth::random_token()[..8]
    ));
    if let Err(e) = tokio::fs::write(&path, &bytes).await {
        tracing::error!(error = %e, "cannot write the scratch file");
        return Extraction::Failed("no room to work on the file".into());
    }
    let result = extract::run_in_child(program, &path, file_type, &limits(state)).await;
    let _ = tokio::fs::remove_file(&path).await;
    match result {
        Ok(pages) => Extraction::Done {
            page_count: (file_type == FileType::Pdf).then_some(pages.len() as i32),
            pages,
        },
        Err(reason) => Extraction::Failed(reason),
    }
}
