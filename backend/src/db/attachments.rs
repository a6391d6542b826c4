//! Attachments of library resources and their versions (rows and queries). Bytes live in the
//! object store under `sha256`; these rows say which bytes belong to which resource.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{attachment_versions, attachments, resources};
use super::{DbConn, DbError, now};

/// The few fields of a resource that decide who may see and change its attachments.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resources)]
pub struct ResourceAccess {
    pub id: i64,
    pub slug: String,
    pub status: String,
    pub owner_id: Option<i64>,
}

impl ResourceAccess {
    pub fn by_slug(conn: &mut DbConn, slug: &str) -> Result<Option<ResourceAccess>, DbError> {
        Ok(resources::table
            .filter(resources::slug.eq(slug))
            .select(ResourceAccess::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<ResourceAccess>, DbError> {
        Ok(resources::table
            .find(id)
            .select(ResourceAccess::as_select())
            .first(conn)
            .optional()?)
    }

    /// Published and archived resources are public; drafts and those in review are not.
    pub fn is_public(&self) -> bool {
        matches!(self.status.as_str(), "published" | "archived")
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub resource_id: i64,
    pub title: String,
    pub position: i32,
    pub deleted: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachment_versions)]
pub struct AttachmentVersion {
    pub id: i64,
    pub attachment_id: i64,
    pub version: i32,
    pub file_name: String,
    pub file_type: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: NaiveDateTime,
    pub extract_status: String,
    pub extract_error: Option<String>,
    pub extracted_text: Option<String>,
    pub page_count: Option<i32>,
    pub extracted_at: Option<NaiveDateTime>,
}

/// A new version's file, as found by the upload.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub file_name: String,
    pub file_type: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// `pending` when text will be extracted, `none` when the type has none.
    pub extract_status: &'static str,
}

/// How an extraction ended.
#[derive(Debug, Clone)]
pub enum Extraction {
    /// The text of each page (page n is the nth entry); `page_count` only for paged formats.
    Done {
        pages: Vec<String>,
        page_count: Option<i32>,
    },
    Failed(String),
}

impl Attachment {
    pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Attachment>, DbError> {
        Ok(attachments::table
            .find(id)
            .select(Attachment::as_select())
            .first(conn)
            .optional()?)
    }

    /// The resource's attachments that are not removed, in order.
    pub fn for_resource(conn: &mut DbConn, resource_id: i64) -> Result<Vec<Attachment>, DbError> {
        Ok(attachments::table
            .filter(attachments::resource_id.eq(resource_id))
            .filter(attachments::deleted.eq(false))
            .order((attachments::position.asc(), attachments::id.asc()))
            .select(Attachment::as_select())
            .load(conn)?)
    }

    /// Adds an attachment with its first version; returns both.
    pub fn create(
        conn: &mut DbConn,
        resource_id: i64,
        title: &str,
        file: &NewFile,
        uploaded_by: i64,
    ) -> Result<(Attachment, AttachmentVersion), DbError> {
        let at = now();
        let position: Option<i32> = attachments::table
            .filter(attachments::resource_id.eq(resource_id))
            .select(diesel::dsl::max(attachments::position))
            .first(conn)?;
        diesel::insert_into(attachments::table)
            .values((
                attachments::resource_id.eq(resource_id),
                attachments::title.eq(title),
                attachments::position.eq(position.map_or(0, |p| p + 1)),
                attachments::deleted.eq(false),
                attachments::created_at.eq(at),
                attachments::updated_at.eq(at),
            ))
            .execute(conn)?;
        let attachment: Attachment = attachments::table
            .filter(attachments::resource_id.eq(resource_id))
            .order(attachments::id.desc())
            .select(Attachment::as_select())
            .first(conn)?;
        let version = AttachmentVersion::insert(conn, attachment.id, 1, file, uploaded_by)?;
        Ok((attachment, version))
    }

    pub fn set_deleted(conn: &mut DbConn, id: i64) -> Result<(), DbError> {
        diesel::update(attachments::table.find(id))
            .set((
                attachments::deleted.eq(true),
                attachments::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn touch(conn: &mut DbConn, id: i64, title: Option<&str>) -> Result<(), DbError> {
        diesel::update(attachments::table.find(id))
            .set(attachments::updated_at.eq(now()))
            .execute(conn)?;
        if let Some(title) = title {
            diesel::update(attachments::table.find(id))
                .set(attachments::title.eq(title))
                .execute(conn)?;
        }
        Ok(())
    }
}

impl AttachmentVersion {
    pub fn insert(
        conn: &mut DbConn,
        attachment_id: i64,
        version: i32,
        file: &NewFile,
        uploaded_by: i64,
    ) -> Result<AttachmentVersion, DbError> {
        diesel::insert_into(attachment_versions::table)
            .values((
                attachment_versions::attachment_id.eq(attachment_id),
                attachment_versions::version.eq(version),
                attachment_versions::file_name.eq(&file.file_name),
                attachment_versions::file_type.eq(&file.file_type),
                attachment_versions::content_type.eq(&file.content_type),
                attachment_versions::size_bytes.eq(file.size_bytes),
                attachment_versions::sha256.eq(&file.sha256),
                attachment_versions::uploaded_by.eq(Some(uploaded_by)),
                attachment_versions::uploaded_at.eq(now()),
                attachment_versions::extract_status.eq(file.extract_status),
            ))
            .execute(conn)?;
        Ok(attachment_versions::table
            .filter(attachment_versions::attachment_id.eq(attachment_id))
            .filter(attachment_versions::version.eq(version))
            .select(AttachmentVersion::as_select())
            .first(conn)?)
    }

    /// Every version, newest first.
    pub fn for_attachment(
        conn: &mut DbConn,
        attachment_id: i64,
    ) -> Result<Vec<AttachmentVersion>, DbError> {
        Ok(attachment_versions::table
            .filter(attachment_versions::attachment_id.eq(attachment_id))
            .order(attachment_versions::version.desc())
            .select(AttachmentVersion::as_select())
            .load(conn)?)
    }

    pub fn current(
        conn: &mut DbConn,
        attachment_id: i64,
    ) -> Result<Option<AttachmentVersion>, DbError> {
        Ok(attachment_versions::table
            .filter(attachment_versions::attachment_id.eq(attachment_id))
            .order(attachment_versions::version.desc())
            .select(AttachmentVersion::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find(
        conn: &mut DbConn,
        attachment_id: i64,
        version: i32,
    ) -> Result<Option<AttachmentVersion>, DbError> {
        Ok(attachment_versions::table
            .filter(attachment_versions::attachment_id.eq(attachment_id))
            .filter(attachment_versions::version.eq(version))
            .select(AttachmentVersion::as_select())
            .first(conn)
            .optional()?)
    }

    /// Versions waiting for their text, oldest first, with the id of their resource.
    pub fn pending(
        conn: &mut DbConn,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<(AttachmentVersion, i64)>, DbError> {
        Ok(attachment_versions::table
            .inner_join(attachments::table)
            .filter(attachment_versions::extract_status.eq("pending"))
            .filter(attachment_versions::id.gt(after_id))
            .order(attachment_versions::id.asc())
            .limit(limit)
            .select((AttachmentVersion::as_select(), attachments::resource_id))
            .load(conn)?)
    }

    /// Records the outcome, if the version is still pending (another node may have finished it).
    pub fn finish(conn: &mut DbConn, id: i64, outcome: &Extraction) -> Result<bool, DbError> {
        let target = attachment_versions::table
            .find(id)
            .filter(attachment_versions::extract_status.eq("pending"));
        let n = match outcome {
            Extraction::Done { pages, page_count } => diesel::update(target)
                .set((
                    attachment_versions::extract_status.eq("done"),
                    attachment_versions::extracted_text.eq(Some(pages.join("\u{c}"))),
                    attachment_versions::page_count.eq(*page_count),
                    attachment_versions::extract_error.eq(None::<String>),
                    attachment_versions::extracted_at.eq(Some(now())),
                ))
                .execute(conn)?,
            Extraction::Failed(reason) => diesel::update(target)
                .set((
                    attachment_versions::extract_status.eq("failed"),
                    attachment_versions::extract_error.eq(Some(reason.as_str())),
                    attachment_versions::extracted_at.eq(Some(now())),
                ))
                .execute(conn)?,
        };
        Ok(n > 0)
    }
}
