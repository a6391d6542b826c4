//! Registration, e-mail verification, sign-in and sign-out, and password reset.

use poem::Request;
use poem::web::Data;
use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::Member;
use crate::auth::{Viewer, client_ip, random_token, sha256_hex};
use crate::db::audit::NewAudit;
use crate::db::tokens::{AccountToken, TokenPurpose};
use crate::db::users::{NewUser, User, UserId, UserUpdate};
use crate::db::{DbError, now, settings};
use crate::error::{ApiError, ApiResult, FieldError, Validation};
use crate::model::{MemberStatus, Region, Role};
use crate::state::AppState;
use crate::validate;

#[derive(Tags)]
enum Tag {
    /// Registration, verification, sign-in and password reset.
    Auth,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub organisation: String,
    pub job_role: String,
    pub region: String,
}

#[derive(Object)]
pub struct Registered {
    pub email: String,
    pub status: MemberStatus,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Object)]
pub struct Verified {
    pub status: MemberStatus,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct EmailRequest {
    pub email: String,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct ResetConfirmRequest {
    pub token: String,
    pub password: String,
}

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// Registered: a verification e-mail is on its way.
    #[oai(status = 201)]
    Created(Json<Registered>),
}

#[derive(ApiResponse)]
pub enum Accepted {
    /// Accepted; if the address is known, an e-mail is on its way.
    #[oai(status = 202)]
    Accepted,
}

#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}

pub struct AuthApi;

#[OpenApi(prefix_path = "/auth", tag = "Tag::Auth")]
impl AuthApi {
    /// Register as a member. A verification e-mail follows.
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(
        &self,
        state: Data<&AppState>,
        body: Json<RegisterRequest>,
    ) -> ApiResult<RegisterResponse> {
        let mut v = Validation::default();
        let email = v.check("email", validate::canonical_email(&body.email));
        let display_name = v.check("display_name", validate::display_name(&body.display_name));
        let organisation = v.check(
            "organisation",
            validate::short_text(&body.organisation, 120, "Enter your organisation"),
        );
        let job_role = v.check(
            "job_role",
            validate::short_text(&body.job_role, 100, "Enter your job role"),
        );
        let region = v.check(
            "region",
            Region::parse(body.region.trim()).ok_or("Select your region"),
        );
        v.check(
            "password",
            validate::password(&body.password, email.as_deref().unwrap_or("")),
        );
        v.finish()?;
        let (Some(email), Some(display_name), Some(organisation), Some(job_role), Some(region)) =
            (email, display_name, organisation, job_role, region)
        else {
            return Err(ApiError::bad_request("invalid registration"));
        };
        let password_hash = state
            .hasher
            .hash(body.0.password)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let key = validate::display_name_key(&display_name);
        let token = random_token();
        let ttl = chrono::TimeDelta::from_std(state.config.verify_token_ttl)
            .unwrap_or(chrono::TimeDelta::hours(48));
        let mail = state.mailer.verify_email(&email, &display_name, &token);
        let email2 = email.clone();
        let outcome = state
            .db
            .run(move |c| {
                if User::find_by_email(c, &email2)?.is_some() {
                    return Ok(Err("email"));
                }
                if User::display_name_key_taken(c, &key, None)? {
                    return Ok(Err("display_name"));
                }
                c.write_transaction::<_, DbError, _>(|c| {
                    let at = now();
                    let user = User::insert(
                        c,
                        &NewUser {
                            email: &email2,
                            password_hash: &password_hash,
                            display_name: &display_name,
                            display_name_key: &key,
                            organisation: &organisation,
                            job_role: &job_role,
                            region: region.as_str(),
                            role: Role::Member.as_str(),
                            status: MemberStatus::Unverified.as_str(),
                            email_verified: false,
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                    AccountToken::insert(
                        c,
                        &AccountToken {
                            token_hash: sha256_hex(&token),
                            user_id: user.id,
                            purpose: TokenPurpose::VerifyEmail.as_str().into(),
                            created_at: at,
                            expires_at: at + ttl,
                            used_at: None,
                        },
                    )?;
                    mail.queue(c)?;
                    NewAudit::member(Some(user.id), "member.registered", user.id).write(c)?;
                    Ok(Ok(()))
                })
            })
            .await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(field)) => return Err(taken(field)),
            Err(e) if e.is_unique_violation() => return Err(taken("email")),
            Err(e) => return Err(e.into()),
        }
        state.mailer.nudge();
        Ok(RegisterResponse::Created(Json(Registered {
            email,
            status: MemberStatus::Unverified,
        })))
    }

    /// Confirm an e-mail address with the token from the verification e-mail.
    #[oai(path = "/verify-email", method = "post", operation_id = "verifyEmail")]
    async fn verify_email(
        &self,
        state: Data<&AppState>,
        body: Json<TokenRequest>,
    ) -> ApiResult<Json<Verified>> {
        let hash = sha256_hex(body.token.trim());
        let defaults = state.config.approved_domains.clone();
        let mailer = state.mailer.clone();
        let status = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    let at = now();
                    let Some(token) =
                        AccountToken::consume(c, &hash, TokenPurpose::VerifyEmail, at)?
                    else {
                        return Ok(None);
                    };
                    let Some(user) = User::find(c, UserId(token.user_id))? else {
                        return Ok(None);
                    };
                    if user.status() != MemberStatus::Unverified {
                        return Ok(Some(user.status()));
                    }
                    let approved = validate::domain_approved(
                        &user.email,
                        &settings::approved_domains(c, &defaults)?,
                    );
                    let status = if approved {
                        MemberStatus::Active
                    } else {
                        MemberStatus::Pending
                    };
                    User::update(
                        c,
                        user.id(),
                        UserUpdate {
                            email_verified: Some(true),
                            status: Some(status.as_str().into()),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(user.id), "member.email_verified", user.id).write(c)?;
                    if approved {
                        NewAudit::member(None, "member.auto_approved", user.id)
                            .details(&format!(
                                "domain {} is approved",
                                validate::email_domain(&user.email)
                            ))
                            .write(c)?;
                    } else {
                        for to in User::moderator_emails(c)? {
                            mailer
                                .awaiting_approval(&to, &user.display_name, &user.organisation)
                                .queue(c)?;
                        }
                    }
                    Ok(Some(status))
                })
            })
            .await?;
        state.mailer.nudge();
        let status = status.ok_or_else(|| {
            ApiError::field(
                "token",
                "This link has expired or has already been used. Ask for a new one.",
            )
        })?;
        Ok(Json(Verified { status }))
    }

    /// Send a fresh verification e-mail. Always accepted, whether or not the address is known.
    #[oai(
        path = "/resend-verification",
        method = "post",
        operation_id = "resendVerification"
    )]
    async fn resend_verification(
        &self,
        state: Data<&AppState>,
        body: Json<EmailRequest>,
    ) -> ApiResult<Accepted> {
        let Ok(email) = validate::canonical_email(&body.email) else {
            return Ok(Accepted::Accepted);
        };
        let state = state.0.clone();
        // Done in the background so the answer takes the same time either way.
        tokio::spawn(async move {
            let mailer = state.mailer.clone();
            let ttl = chrono::TimeDelta::from_std(state.config.verify_token_ttl)
                .unwrap_or(chrono::TimeDelta::hours(48));
            let result = state
                .db
                .run(move |c| {
                    let Some(user) = User::find_by_email(c, &email)? else {
                        return Ok(());
                    };
                    if user.status() != MemberStatus::Unverified {
                        return Ok(());
                    }
                    c.write_transaction::<_, DbError, _>(|c| {
                        let at = now();
                        let token = random_token();
                        AccountToken::retire_for_user(c, user.id, TokenPurpose::VerifyEmail, at)?;
                        AccountToken::insert(
                            c,
                            &AccountToken {
                                token_hash: sha256_hex(&token),
                                user_id: user.id,
                                purpose: TokenPurpose::VerifyEmail.as_str().into(),
                                created_at: at,
                                expires_at: at + ttl,
                                used_at: None,
                            },
                        )?;
                        mailer
                            .verify_email(&user.email, &user.display_name, &token)
                            .queue(c)
                    })
                })
                .await;
            match result {
                Ok(()) => state.mailer.nudge(),
                Err(e) => tracing::error!(error = %e, "resending verification"),
            }
        });
        Ok(Accepted::Accepted)
    }

    /// Sign in; sets the session cookie.
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        req: &Request,
        jar: &CookieJar,
        body: Json<LoginRequest>,
    ) -> ApiResult<Json<Member>> {
        let email = validate::canonical_email(&body.email)
            .unwrap_or_else(|_| body.email.trim().to_lowercase());
        if body.password.len() > 4 * validate::PASSWORD_MAX || email.len() > 320 {
            return Err(ApiError::bad_credentials());
        }
        let ip = client_ip(req, &state);
        let account_key = format!("login:account:{}", sha256_hex(&email));
        let ip_key = ip.map(|ip| format!("login:ip:{ip}"));
        let max = state.config.login_max_failures;
        let throttle_err = |e: redis::RedisError| {
            tracing::error!(error = %e, "throttle store unavailable");
            ApiError::unavailable("Sign-in is not available just now. Try again shortly.")
        };
        let (account_failures, account_wait) = state
            .throttle
            .count(&account_key)
            .await
            .map_err(throttle_err)?;
        if account_failures >= max {
            return Err(ApiError::too_many(account_wait));
        }
        if let Some(key) = &ip_key {
            // An address may try several accounts (a shared office), so it gets more room.
            let (n, wait) = state.throttle.count(key).await.map_err(throttle_err)?;
            if n >= max * 5 {
                return Err(ApiError::too_many(wait));
            }
        }
        let email2 = email.clone();
        let user = state
            .db
            .run(move |c| User::find_by_email(c, &email2))
            .await?;
        let ok = state
            .hasher
            .verify(
                body.0.password,
                user.as_ref().map(|u| u.password_hash.clone()),
            )
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let Some(user) = user.filter(|_| ok) else {
            let n = state
                .throttle
                .fail(&account_key)
                .await
                .map_err(throttle_err)?;
            if let Some(key) = &ip_key {
                state.throttle.fail(key).await.map_err(throttle_err)?;
            }
            if n == max {
                let details = format!(
                    "{max} failed sign-ins on {email}; locked for {}",
                    humantime::format_duration(state.config.login_window)
                );
                let target = state
                    .db
                    .run(move |c| Ok(User::find_by_email(c, &email)?.map(|u| u.id)))
                    .await?;
                let ip_text = ip.map(|i| i.to_string());
                state
                    .db
                    .run(move |c| {
                        let mut entry =
                            NewAudit::member(None, "auth.login_throttled", target.unwrap_or(0))
                                .details(&details);
                        entry.target_id = target;
                        entry.reason = ip_text.as_deref();
                        entry.write(c)
                    })
                    .await?;
            }
            return Err(ApiError::bad_credentials());
        };
        match user.status() {
            MemberStatus::Unverified => {
                return Err(ApiError::forbidden(
                    "email-unverified",
                    "Confirm your e-mail address first",
                    "Open the link in the e-mail we sent you. You can ask for a new one.",
                ));
            }
            MemberStatus::Declined => {
                return Err(ApiError::forbidden(
                    "membership-declined",
                    "Your membership request was declined",
                    "Contact your regional lead if you think this is a mistake.",
                ));
            }
            MemberStatus::Pending | MemberStatus::Active => {}
        }
        state
            .throttle
            .clear(&account_key)
            .await
            .map_err(throttle_err)?;
        // A fresh session id at every sign-in; any session the browser already had ends.
        if let Some(old) = jar.get(state.config.session_cookie_name())
            && let Ok(Some(s)) = state.sessions.lookup(old.value_str()).await
        {
            let _ = state.sessions.revoke(&s).await;
        }
        let user_agent = req.header("user-agent").map(str::to_owned);
        let (token, _) = state
            .sessions
            .create(user.id, user_agent, ip.map(|i| i.to_string()))
            .await
            .map_err(|e| ApiError::internal(&e))?;
        jar.add(session_cookie(&state, token, false));
        Ok(Json(Member::from(&user)))
    }

    /// Sign out; ends the session on the server.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        viewer: Data<&Viewer>,
        jar: &CookieJar,
    ) -> ApiResult<NoContent> {
        if let Some((_, session)) = &viewer.signed_in {
            state
                .sessions
                .revoke(session)
                .await
                .map_err(|e| ApiError::internal(&e))?;
        }
        jar.add(session_cookie(&state, String::new(), true));
        Ok(NoContent::NoContent)
    }

    /// Ask for a password reset link. Always accepted, whether or not the address is known.
    #[oai(
        path = "/password-reset",
        method = "post",
        operation_id = "requestPasswordReset"
    )]
    async fn password_reset(
        &self,
        state: Data<&AppState>,
        body: Json<EmailRequest>,
    ) -> ApiResult<Accepted> {
        let Ok(email) = validate::canonical_email(&body.email) else {
            return Ok(Accepted::Accepted);
        };
        let state = state.0.clone();
        tokio::spawn(async move {
            let mailer = state.mailer.clone();
            let ttl = chrono::TimeDelta::from_std(state.config.reset_token_ttl)
                .unwrap_or(chrono::TimeDelta::hours(1));
            let result = state
                .db
                .run(move |c| {
                    let Some(user) = User::find_by_email(c, &email)? else {
                        return Ok(());
                    };
                    if user.status() == MemberStatus::Declined {
                        return Ok(());
                    }
                    c.write_transaction::<_, DbError, _>(|c| {
                        let at = now();
                        let token = random_token();
                        AccountToken::retire_for_user(c, user.id, TokenPurpose::PasswordReset, at)?;
                        AccountToken::insert(
                            c,
                            &AccountToken {
                                token_hash: sha256_hex(&token),
                                user_id: user.id,
                                purpose: TokenPurpose::PasswordReset.as_str().into(),
                                created_at: at,
                                expires_at: at + ttl,
                                used_at: None,
                            },
                        )?;
                        mailer
                            .password_reset(&user.email, &user.display_name, &token)
                            .queue(c)
                    })
                })
                .await;
            match result {
                Ok(()) => state.mailer.nudge(),
                Err(e) => tracing::error!(error = %e, "password reset request"),
            }
        });
        Ok(Accepted::Accepted)
    }

    /// Choose a new password with the token from the reset e-mail. Ends every session.
    #[oai(
        path = "/password-reset/confirm",
        method = "post",
        operation_id = "confirmPasswordReset"
    )]
    async fn password_reset_confirm(
        &self,
        state: Data<&AppState>,
        body: Json<ResetConfirmRequest>,
    ) -> ApiResult<NoContent> {
        let hash = sha256_hex(body.token.trim());
        let peek_hash = hash.clone();
        let user = state
            .db
            .run(move |c| {
                use crate::db::schema::account_tokens::dsl as t;
                use diesel::prelude::*;
                let user_id: Option<i64> = t::account_tokens
                    .filter(t::token_hash.eq(&peek_hash))
                    .filter(t::purpose.eq(TokenPurpose::PasswordReset.as_str()))
                    .filter(t::used_at.is_null())
                    .filter(t::expires_at.gt(now()))
                    .select(t::user_id)
                    .first(c)
                    .optional()?;
                match user_id {
                    Some(id) => User::find(c, UserId(id)),
                    None => Ok(None),
                }
            })
            .await?;
        let user = user.ok_or_else(|| {
            ApiError::field(
                "token",
                "This link has expired or has already been used. Ask for a new one.",
            )
        })?;
        validate::password(&body.password, &user.email)
            .map_err(|m| ApiError::field("password", m))?;
        let password_hash = state
            .hasher
            .hash(body.0.password)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let user_id = user.id;
        let done = state
            .db
            .run(move |c| {
                c.write_transaction::<_, DbError, _>(|c| {
                    if AccountToken::consume(c, &hash, TokenPurpose::PasswordReset, now())?
                        .is_none()
                    {
                        return Ok(false);
                    }
                    User::update(
                        c,
                        UserId(user_id),
                        UserUpdate {
                            password_hash: Some(password_hash),
                            ..Default::default()
                        },
                    )?;
                    NewAudit::member(Some(user_id), "member.password_reset", user_id).write(c)?;
                    Ok(true)
                })
            })
            .await?;
        if !done {
            return Err(ApiError::field(
                "token",
                "This link has expired or has already been used. Ask for a new one.",
            ));
        }
        state
            .sessions
            .revoke_all(user_id, None)
            .await
            .map_err(|e| ApiError::internal(&e))?;
        Ok(NoContent::NoContent)
    }
}

fn taken(field: &str) -> ApiError {
    let message = if field == "email" {
        "An account with this e-mail address already exists. Sign in or reset your password."
    } else {
        "That name is already taken, or looks too like one that is: choose another"
    };
    ApiError::conflict(
        message,
        vec![FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        }],
    )
}

/// The session cookie: HttpOnly, SameSite=Lax, and `__Host-` + Secure under https.
pub fn session_cookie(state: &AppState, token: String, expire: bool) -> Cookie {
    let mut cookie = Cookie::new_with_str(state.config.session_cookie_name(), token);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(state.config.is_https());
    if expire {
        cookie.set_max_age(std::time::Duration::ZERO);
    }
    cookie
}
