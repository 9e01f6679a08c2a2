//! Hosted mode's front door: the router that signs people in
//! (`hosted.rs`, the access layer) and sends each request on — to the
//! sharing and caseload handlers (`caseload.rs`), a coach's read-only view
//! of a sharing candidate, or the caller's own vault. It sits above both
//! modules so that neither imports the other's caller.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::Response;
use debrief_store_postgres::hosted::{Account, Role};

use crate::account::{Coach, SignedIn};

use crate::hosted::{
    Hosted, candidate_path, for_coach, forward, healthz, login, login_page, logout, not_found,
    oidc_callback, oidc_start, readyz, unauthorized,
};

/// The routes of hosted mode: sign-in, health, sharing, the caseload, and
/// everything else handed to the caller's vault.
pub fn router(hosted: Arc<Hosted>) -> Router {
    use axum::routing::{get, post};
    let exposure = crate::security::Exposure {
        loopback: hosted.loopback,
    };
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/login/oidc", get(oidc_start))
        .route("/login/oidc/callback", get(oidc_callback))
        .route("/logout", post(logout))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/style.css", get(crate::style))
        .route("/assets/app.js", get(crate::script))
        .route("/favicon.ico", get(crate::favicon))
        .route("/assets/favicon.svg", get(crate::favicon))
        .route_layer(axum::middleware::from_fn(crate::log::route))
        .fallback(dispatch)
        .with_state(hosted)
        .layer(axum::middleware::from_fn(crate::log::hosted))
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::BODY_LIMIT_BYTES,
        ))
        .layer(axum::middleware::from_fn_with_state(
            exposure,
            crate::security::guard,
        ))
        .layer(axum::middleware::from_fn(crate::security::headers))
}

/// Every other request: who is asking, then which vault (if any) it goes to.
async fn dispatch(State(h): State<Arc<Hosted>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let caller = match h.caller(req.headers()) {
        Ok(Some(c)) => c,
        Ok(None) => return unauthorized(req.uri()),
        Err(res) => return res,
    };
    if path == "/api/v1/sharing"
        || path.starts_with("/api/v1/sharing/")
        || path == "/sharing"
        || path.starts_with("/sharing/")
    {
        return crate::caseload::sharing(&h, &caller, req).await;
    }
    if path == "/api/v1/caseload/insights" || path == "/caseload/insights" {
        return crate::cohort::insights(&h, &caller, req).await;
    }
    if path == "/api/v1/caseload" || (path == "/" && caller.role == Role::Coach) {
        return crate::caseload::caseload(&h, &caller, req).await;
    }
    if let Some((id, rest, api)) = candidate_path(&path) {
        let who = signed_in(&h, &caller);
        return crate::account::scope(who, for_coach(&h, &caller, id, rest, api, req)).await;
    }
    match caller.role {
        Role::Candidate => match h.vault(&caller) {
            Ok((state, router)) => {
                crate::account::scope(signed_in(&h, &caller), forward(router, state, req)).await
            }
            Err(res) => res,
        },
        Role::Admin if path == "/" && matches!(*req.method(), Method::GET | Method::HEAD) => {
            crate::caseload::admin_page(&h, &caller)
        }
        Role::Coach | Role::Admin => not_found(req.uri()),
    }
}

/// The caller as the vault's pages see them: their email for **Sign
/// out**, and, for a candidate on their own vault, the coaches with access
/// (read when Settings asks).
fn signed_in(h: &Arc<Hosted>, caller: &Account) -> SignedIn {
    let own_vault = caller.role == Role::Candidate;
    let (h, account) = (Arc::clone(h), caller.clone());
    SignedIn {
        email: caller.email.clone(),
        own_vault,
        reading: None,
        coaches: Arc::new(move || {
            if !own_vault {
                return Ok(Vec::new());
            }
            let shares = h
                .directory()
                .shares_of(&account)
                .map_err(|e| e.to_string())?;
            Ok(shares
                .into_iter()
                .map(|s| Coach {
                    email: s.coach.email,
                    name: s.coach.name,
                })
                .collect())
        }),
    }
}
