//! Who is asking: session cookies, the viewer of a request and what they may do, passwords and
//! login throttling.

pub mod password;
pub mod sessions;
pub mod throttle;

use std::net::IpAddr;

use base64::Engine as _;
use poem::{Endpoint, IntoResponse, Request, Response};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::db::users::User;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
pub use sessions::Session;

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The person behind a request, if signed in.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub signed_in: Option<(User, Session)>,
}

impl Viewer {
    pub fn user(&self) -> Option<&User> {
        self.signed_in.as_ref().map(|(u, _)| u)
    }

    /// Signed in at all (pending and suspended members included).
    pub fn require_user(&self) -> ApiResult<(&User, &Session)> {
        self.signed_in
            .as_ref()
            .map(|(u, s)| (u, s))
            .ok_or_else(|| ApiError::unauthorized("You need to sign in to do this."))
    }

    /// An approved member, suspended or not: may read members-only pages.
    pub fn require_member(&self) -> ApiResult<&User> {
        let (user, _) = self.require_user()?;
        if user.status() != crate::model::MemberStatus::Active {
            return Err(ApiError::forbidden(
                "membership-pending",
                "Your membership is awaiting approval",
                "A moderator needs to approve your membership before you can do this.",
            ));
        }
        Ok(user)
    }

    /// An approved member who is not suspended: may change things.
    pub fn require_writer(&self) -> ApiResult<&User> {
        let user = self.require_member()?;
        if let Some(until) = user.suspended_now() {
            return Err(ApiError::forbidden(
                "suspended",
                "Your membership is suspended",
                format!(
                    "You can read but not post or change anything until {} UTC. Reason: {}",
                    until.format("%-d %B %Y %H:%M"),
                    user.suspension_reason.as_deref().unwrap_or("not given")
                ),
            ));
        }
        Ok(user)
    }

    pub fn require_moderator(&self) -> ApiResult<&User> {
        let user = self.require_writer()?;
        if !user.role().can_moderate() {
            return Err(ApiError::not_allowed());
        }
        Ok(user)
    }

    pub fn require_admin(&self) -> ApiResult<&User> {
        let user = self.require_writer()?;
        if !user.role().is_admin() {
            return Err(ApiError::not_allowed());
        }
        Ok(user)
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address in
/// X-Forwarded-For that isn't one (so rotating that header can't dodge the login limit).
pub fn client_ip(req: &Request, state: &AppState) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip())?;
    let trusted = |ip: &IpAddr| state.config.trusted_proxies.iter().any(|n| n.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let chain: Vec<IpAddr> = forwarded
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        chain
            .into_iter()
            .rev()
            .find(|ip| !trusted(ip))
            .unwrap_or(peer),
    )
}

/// Resolves the session cookie of every API request into a `Viewer` for the handlers.
pub async fn resolve_viewer<E: Endpoint>(ep: E, mut req: Request) -> poem::Result<Response> {
    let mut viewer = Viewer::default();
    if let Some(state) = req.data::<AppState>().cloned() {
        let token = req
            .cookie()
            .get(state.config.session_cookie_name())
            .map(|c| c.value_str().to_owned());
        if let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 128) {
            match state.sessions.signed_in(&token).await {
                Ok(Some((user, session))) => {
                    if user.status() != crate::model::MemberStatus::Declined {
                        viewer.signed_in = Some((user, session));
                    }
                }
                Ok(None) => {}
                Err(sessions::SessionError::Db(e)) => {
                    return Ok(ApiError::from(e).into_response());
                }
                Err(e) => {
                    tracing::error!(error = %e, "session store unavailable");
                    return Ok(ApiError::unavailable(
                        "Sign-in is not available just now. Try again shortly.",
                    )
                    .into_response());
                }
            }
        }
    }
    req.extensions_mut().insert(viewer);
    ep.call(req).await.map(IntoResponse::into_response)
}
