//! Attachments of library resources: upload, replace (a new version), metadata, downloads and
//! removal. Files are addressed by server-generated ids, never by name.

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, RequestBody};
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaMediaType, MetaRequest, MetaSchemaRef, Registry};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions, Multipart, Object, OpenApi,
    Tags,
};
use tokio::io::AsyncReadExt as _;

use super::auth::NoContent;
use super::utc;
use crate::auth::Viewer;
use crate::db::attachments::AttachmentVersion;
use crate::db::users::User;
use crate::error::{ApiError, ApiResult, problem};
use crate::files::names::content_disposition;
use crate::files::sniff::FileType;
use crate::library::attachments::{self as logic, AttachmentError, Detail, ReceivedFile};
use crate::state::AppState;

#[derive(Tags)]
enum Tag {
    /// Files attached to library resources.
    Attachments,
}

impl From<AttachmentError> for ApiError {
    fn from(e: AttachmentError) -> ApiError {
        match e {
            AttachmentError::NotFound => ApiError::not_found("attachment"),
            AttachmentError::Forbidden => ApiError::not_allowed(),
            AttachmentError::UnsupportedType => ApiError::unsupported_type(
                "Upload a PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), PowerPoint (PPTX), PNG or JPEG file. The type is checked from the file's content, not its name.",
            ),
            AttachmentError::Invalid { field, message } => ApiError::field(field, message),
            AttachmentError::Db(e) => e.into(),
            AttachmentError::Store(e) => ApiError::internal(&e),
        }
    }
}

/// The request body of an upload, as documented (the parser below reads it as a stream).
#[derive(Multipart)]
#[allow(dead_code)]
struct UploadForm {
    /// The file: PDF, DOCX, ODT, XLSX, PPTX, PNG or JPEG, up to ATTACHMENT_MAX_BYTES.
    file: Upload,
    /// A title for people (default: the file name without its extension).
    title: Option<String>,
}

/// An upload read field by field, counting bytes as they arrive: past the limit the request
/// ends with 413 before the rest is read.
pub struct UploadBody {
    file: Option<ReceivedFile>,
    title: Option<String>,
}

fn body_problem(status: StatusCode, slug: &str, title: &str, detail: String) -> poem::Error {
    poem::Error::from_response(problem(status, slug, title, Some(detail)))
}

impl Payload for UploadBody {
    const CONTENT_TYPE: &'static str = "multipart/form-data";

    fn check_content_type(content_type: &str) -> bool {
        content_type
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    }

    fn schema_ref() -> MetaSchemaRef {
        <UploadForm as Payload>::schema_ref()
    }

    fn register(registry: &mut Registry) {
        <UploadForm as Payload>::register(registry);
    }
}

impl ParsePayload for UploadBody {
    const IS_REQUIRED: bool = true;

    async fn from_request(req: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let limit = req
            .data::<AppState>()
            .map_or(25 << 20, |s| s.config.attachment_max_bytes);
        let bad = |e: &dyn std::fmt::Display| {
            body_problem(
                StatusCode::BAD_REQUEST,
                "bad-upload",
                "The upload could not be read",
                e.to_string(),
            )
        };
        let mut form = <poem::web::Multipart as poem::FromRequest>::from_request(req, body)
            .await
            .map_err(|e| bad(&e))?;
        let mut out = UploadBody {
            file: None,
            title: None,
        };
        while let Some(field) = form.next_field().await.map_err(|e| bad(&e))? {
            match field.name() {
                Some("file") if out.file.is_none() => {
                    let file_name = field.file_name().unwrap_or("").to_owned();
                    let mut reader = Box::pin(field.into_async_read());
                    let mut bytes = Vec::new();
                    let mut chunk = vec![0u8; 64 * 1024];
                    loop {
                        let n = reader.read(&mut chunk).await.map_err(|e| bad(&e))?;
                        if n == 0 {
                            break;
                        }
                        if bytes.len() + n > limit {
                            return Err(body_problem(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                "payload-too-large",
                                "The file is too large",
                                format!(
                                    "The largest file accepted is {limit} bytes ({} MB).",
                                    limit / (1 << 20)
                                ),
                            ));
                        }
                        bytes.extend_from_slice(&chunk[..n]);
                    }
                    out.file = Some(ReceivedFile {
                        file_name,
                        bytes: bytes.into(),
                    });
                }
                Some("title") if out.title.is_none() => {
                    let mut text = String::new();
                    Box::pin(field.into_async_read())
                        .take(4096)
                        .read_to_string(&mut text)
                        .await
                        .map_err(|e| bad(&e))?;
                    out.title = Some(text);
                }
                other => {
                    return Err(bad(&format!(
                        "Unexpected field {:?}: send `file` and optionally `title`, once each.",
                        other.unwrap_or("")
                    )));
                }
            }
        }
        Ok(out)
    }
}

impl<'a> ApiExtractor<'a> for UploadBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Self as Payload>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: <Self as Payload>::CONTENT_TYPE,
                schema: <Self as Payload>::schema_ref(),
            }],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        match request.content_type() {
            Some(ct) if <Self as Payload>::check_content_type(ct) => {
                <Self as ParsePayload>::from_request(request, body).await
            }
            _ => Err(body_problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported content type",
                "Send the file as multipart/form-data.".into(),
            )),
        }
    }
}

#[derive(Object)]
pub struct AttachmentVersionView {
    pub version: i32,
    /// The sanitised name downloads carry.
    pub file_name: String,
    /// pdf, docx, odt, xlsx, pptx, png or jpeg: found from the content.
    pub file_type: String,
    /// For people: "PDF", "Word document", ...
    pub file_type_label: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// pending, done, failed or none (no text in this type).
    pub extract_status: String,
    /// Only for those who manage the resource: why extraction failed.
    pub extract_error: Option<String>,
    pub page_count: Option<i32>,
    pub download_url: String,
}

#[derive(Object)]
pub struct AttachmentView {
    pub id: i64,
    pub resource_slug: String,
    pub title: String,
    /// The current version's number and file.
    pub version: i32,
    pub file_name: String,
    pub file_type: String,
    pub file_type_label: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub extract_status: String,
    /// "Text could not be extracted" and the reason, for those who manage the resource.
    pub extract_message: Option<String>,
    pub page_count: Option<i32>,
    /// The current version: `/api/attachments/{id}/download`.
    pub download_url: String,
    /// Whether the viewer may replace the file.
    pub can_replace: bool,
    /// Whether the viewer may remove the attachment.
    pub can_remove: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every version, newest first.
    pub versions: Vec<AttachmentVersionView>,
}

#[derive(Object)]
pub struct AttachmentList {
    pub resource_slug: String,
    /// Whether the viewer may add attachments to this resource.
    pub can_add: bool,
    pub items: Vec<AttachmentView>,
}

#[derive(Object)]
pub struct RemoveAttachment {
    /// Why the attachment is removed (kept in the audit log).
    pub reason: String,
}

fn label(file_type: &str) -> String {
    FileType::parse(file_type).map_or_else(|| file_type.to_owned(), |t| t.label().to_owned())
}

fn version_view(id: i64, v: &AttachmentVersion, manager: bool) -> AttachmentVersionView {
    AttachmentVersionView {
        version: v.version,
        file_name: v.file_name.clone(),
        file_type: v.file_type.clone(),
        file_type_label: label(&v.file_type),
        content_type: v.content_type.clone(),
        size_bytes: v.size_bytes,
        sha256: v.sha256.clone(),
        uploaded_at: utc(v.uploaded_at),
        extract_status: v.extract_status.clone(),
        extract_error: manager.then(|| v.extract_error.clone()).flatten(),
        page_count: v.page_count,
        download_url: format!("/api/attachments/{id}/versions/{}/download", v.version),
    }
}

fn view(d: &Detail, viewer: Option<&User>) -> Option<AttachmentView> {
    let current = d.versions.first()?;
    let manager = viewer.is_some_and(|u| logic::can_change(u, &d.resource));
    let curator = viewer.is_some_and(|u| u.role().can_curate());
    let id = d.attachment.id;
    Some(AttachmentView {
        id,
        resource_slug: d.resource.slug.clone(),
        title: d.attachment.title.clone(),
        version: current.version,
        file_name: current.file_name.clone(),
        file_type: current.file_type.clone(),
        file_type_label: label(&current.file_type),
        content_type: current.content_type.clone(),
        size_bytes: current.size_bytes,
        extract_status: current.extract_status.clone(),
        extract_message: (manager && current.extract_status == "failed").then(|| {
            match &current.extract_error {
                Some(reason) => format!("Text could not be extracted: {reason}"),
                None => "Text could not be extracted".to_owned(),
            }
        }),
        page_count: current.page_count,
        download_url: format!("/api/attachments/{id}/download"),
        can_replace: manager,
        can_remove: curator,
        created_at: utc(d.attachment.created_at),
        updated_at: utc(d.attachment.updated_at),
        versions: d
            .versions
            .iter()
            .map(|v| version_view(id, v, manager))
            .collect(),
    })
}

fn view_or_404(d: &Detail, viewer: Option<&User>) -> ApiResult<AttachmentView> {
    view(d, viewer).ok_or_else(|| ApiError::not_found("attachment"))
}

/// Downloads: always an attachment (never shown inline), with the stored type and a policy
/// that lets nothing in the file run.
#[derive(ApiResponse)]
pub enum Download {
    #[oai(status = 200)]
    File(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Type")] String,
        #[oai(header = "Content-Disposition")] String,
        #[oai(header = "Content-Security-Policy")] String,
        #[oai(header = "X-Content-Type-Options")] String,
        #[oai(header = "Cache-Control")] String,
    ),
}

/// The policy downloads carry: nothing in them runs, loads or frames.
pub const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

fn download(v: AttachmentVersion, bytes: bytes::Bytes) -> Download {
    Download::File(
        Binary(bytes.to_vec()),
        v.content_type,
        content_disposition(&v.file_name),
        DOWNLOAD_CSP.to_owned(),
        "nosniff".to_owned(),
        "private, no-cache".to_owned(),
    )
}

#[derive(ApiResponse)]
pub enum Created {
    /// The attachment, with its versions.
    #[oai(status = 201)]
    Created(Json<AttachmentView>),
}

pub struct AttachmentsApi;

#[OpenApi(tag = "Tag::Attachments")]
impl AttachmentsApi {
    /// The resource's attachments (visible as the resource is).
    #[oai(
        path = "/resources/:slug/attachments",
        method = "get",
        operation_id = "listAttachments"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
    ) -> ApiResult<Json<AttachmentList>> {
        let user = viewer.user();
        let (resource, items) = logic::list(&state, user, &slug.0).await?;
        Ok(Json(AttachmentList {
            resource_slug: resource.slug.clone(),
            can_add: user.is_some_and(|u| logic::can_change(u, &resource)),
            items: items.iter().filter_map(|d| view(d, user)).collect(),
        }))
    }

    /// Attach a file (multipart: `file`, optional `title`). Curators, admins and the resource's
    /// owner. The type is found from the content; anything else is 415; past
    /// ATTACHMENT_MAX_BYTES, 413.
    #[oai(
        path = "/resources/:slug/attachments",
        method = "post",
        operation_id = "addAttachment"
    )]
    async fn add(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        slug: Path<String>,
        body: UploadBody,
    ) -> ApiResult<Created> {
        let user = viewer.require_writer()?;
        let file = body
            .file
            .ok_or_else(|| ApiError::field("file", "Choose a file to upload."))?;
        let d = logic::add(&state, user, &slug.0, body.title.as_deref(), file).await?;
        Ok(Created::Created(Json(view_or_404(&d, Some(user))?)))
    }

    /// An attachment with every version.
    #[oai(
        path = "/attachments/:id",
        method = "get",
        operation_id = "getAttachment"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Json<AttachmentView>> {
        let d = logic::detail(&state, viewer.user(), id.0).await?;
        Ok(Json(view_or_404(&d, viewer.user())?))
    }

    /// Replace the file (multipart: `file`, optional new `title`): a new version; earlier
    /// versions are kept and stay downloadable.
    #[oai(
        path = "/attachments/:id/versions",
        method = "post",
        operation_id = "replaceAttachment"
    )]
    async fn replace(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: UploadBody,
    ) -> ApiResult<Created> {
        let user = viewer.require_writer()?;
        let file = body
            .file
            .ok_or_else(|| ApiError::field("file", "Choose a file to upload."))?;
        let d = logic::replace(&state, user, id.0, body.title.as_deref(), file).await?;
        Ok(Created::Created(Json(view_or_404(&d, Some(user))?)))
    }

    /// Remove an attachment (curators and admins), with a reason for the audit log.
    #[oai(
        path = "/attachments/:id",
        method = "delete",
        operation_id = "removeAttachment"
    )]
    async fn remove(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        body: Json<RemoveAttachment>,
    ) -> ApiResult<NoContent> {
        let user = viewer.require_writer()?;
        logic::remove(&state, user, id.0, &body.0.reason).await?;
        Ok(NoContent::NoContent)
    }
}

/// Downloads, apart from the rest so the API tuple stays within poem-openapi's limit.
pub struct AttachmentDownloadsApi;

#[OpenApi(tag = "Tag::Attachments")]
impl AttachmentDownloadsApi {
    /// The current version's file.
    #[oai(
        path = "/attachments/:id/download",
        method = "get",
        operation_id = "downloadAttachment"
    )]
    async fn download(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
    ) -> ApiResult<Download> {
        let (v, bytes) = logic::download(&state, viewer.user(), id.0, None).await?;
        Ok(download(v, bytes))
    }

    /// One version's file.
    #[oai(
        path = "/attachments/:id/versions/:version/download",
        method = "get",
        operation_id = "downloadAttachmentVersion"
    )]
    async fn download_version(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        id: Path<i64>,
        version: Path<i32>,
    ) -> ApiResult<Download> {
        let (v, bytes) = logic::download(&state, viewer.user(), id.0, Some(version.0)).await?;
        Ok(download(v, bytes))
    }
}
