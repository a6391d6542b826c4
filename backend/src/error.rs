//! The one API error type. Each variant is an HTTP status with an RFC 9457 problem body;
//! `From` conversions from lower layers log the cause and say nothing of it to the client.

use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::db::DbError;

const PROBLEM_BASE: &str = "https://partners-in-practice.nhs.uk/problems/";

/// A field that failed validation, with the message to show beside it.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field messages (422, and 409 when a field is the cause).
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: Option<String>) -> Problem {
        Problem {
            kind: format!("{PROBLEM_BASE}{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: None,
        }
    }
}

#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Not signed in, or the credentials are wrong.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// Signed in, but not allowed.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such thing (or not visible to you).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request conflicts with the current state.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The request body is too large.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The uploaded file is of a type that is not accepted.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// Some fields are invalid; see `errors`.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many attempts; try again after `Retry-After` seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// Something went wrong on our side.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
    /// A service this depends on is not available.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::BadRequest(Json(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "The request is not valid",
            Some(detail.into()),
        )))
    }

    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::Unauthorized(Json(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in to continue",
            Some(detail.into()),
        )))
    }

    pub fn bad_credentials() -> ApiError {
        ApiError::Unauthorized(Json(Problem::new(
            StatusCode::UNAUTHORIZED,
            "bad-credentials",
            "The e-mail address or password is incorrect",
            None,
        )))
    }

    pub fn forbidden(slug: &str, title: &str, detail: impl Into<String>) -> ApiError {
        ApiError::Forbidden(Json(Problem::new(
            StatusCode::FORBIDDEN,
            slug,
            title,
            Some(detail.into()),
        )))
    }

    pub fn not_allowed() -> ApiError {
        ApiError::forbidden(
            "forbidden",
            "You can't do that",
            "Your role does not allow this.",
        )
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(Json(Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            Some(format!("No such {what}.")),
        )))
    }

    pub fn conflict(detail: impl Into<String>, errors: Vec<FieldError>) -> ApiError {
        let mut p = Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "This conflicts with what is already there",
            Some(detail.into()),
        );
        p.errors = (!errors.is_empty()).then_some(errors);
        ApiError::Conflict(Json(p))
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "There is a problem with what you entered",
            None,
        );
        p.errors = Some(errors);
        ApiError::Unprocessable(Json(p))
    }

    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    pub fn payload_too_large(detail: impl Into<String>) -> ApiError {
        ApiError::PayloadTooLarge(Json(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "The request body is too large",
            Some(detail.into()),
        )))
    }

    pub fn unsupported_type(detail: impl Into<String>) -> ApiError {
        ApiError::UnsupportedMediaType(Json(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-file-type",
            "The file is not of an accepted type",
            Some(detail.into()),
        )))
    }

    pub fn too_many(retry_after_secs: u64) -> ApiError {
        let secs = retry_after_secs.max(1);
        ApiError::TooManyRequests(
            Json(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many attempts",
                Some(format!("Try again in {} minutes.", secs.div_ceil(60))),
            )),
            secs,
        )
    }

    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::Unavailable(Json(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            Some(detail.into()),
        )))
    }

    /// Logs the cause; the client only learns that something went wrong.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::Internal(Json(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong",
            None,
        )))
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        if let DbError::Pool(_) = e {
            tracing::error!(error = %e, "database unavailable");
            return ApiError::unavailable("The database is not available. Try again shortly.");
        }
        ApiError::internal(&e)
    }
}

/// Collects field errors so a form reports every problem at once.
#[derive(Debug, Default)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError {
                    field: field.to_owned(),
                    message: e.to_string(),
                });
                None
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

/// Turns any error poem itself raises (unknown route, unparseable body, wrong method) into a
/// problem; responses that already are problems pass through untouched.
pub fn problem_response(err: poem::Error) -> poem::Response {
    let status = err.status();
    let message = err.to_string();
    let resp = err.into_response();
    let is_problem = resp
        .content_type()
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if is_problem {
        return resp;
    }
    let (slug, title, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", "Not found", None),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed", None),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("payload-too-large", "The request body is too large", None)
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "Unsupported content type",
            Some(message),
        ),
        s if s.is_server_error() => {
            tracing::error!(%status, error = %message, "request failed");
            ("internal", "Something went wrong", None)
        }
        _ => ("bad-request", "The request is not valid", Some(message)),
    };
    problem(status, slug, title, detail)
}

/// A problem+json response outside the OpenAPI handlers (middleware, ops endpoints).
pub fn problem(
    status: StatusCode,
    slug: &str,
    title: &str,
    detail: Option<String>,
) -> poem::Response {
    let body = Problem::new(status, slug, title, detail);
    poem::Response::builder()
        .status(status)
        .content_type("application/problem+json")
        .body(serde_json::to_vec(&body).unwrap_or_default())
}
