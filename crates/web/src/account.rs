//! Who is signed in, in hosted mode (FORMAT.md §3): set by the access
//! layer (`gate.rs`) around each request it hands to a vault's router,
//! read by the page frame (**Sign out**) and by Settings (the coaches
//! with access). Absent on the local server, which signs no one in.
//! Imports no module of the crate: the vault's pages need not know the
//! access layer, and it need not know them.

use std::future::Future;
use std::sync::Arc;

use maud::{Markup, html};

/// A coach a candidate shares read access with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coach {
    pub email: String,
    pub name: String,
}

/// The candidate whose vault a coach is reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub email: String,
    pub name: String,
}

impl Candidate {
    /// How the read-only pages name them: `Ana Ruiz (ana@example.org)`,
    /// or the email alone when the name is empty or the email itself.
    pub fn label(&self) -> String {
        let name = self.name.trim();
        if name.is_empty() || name.eq_ignore_ascii_case(self.email.trim()) {
            self.email.clone()
        } else {
            format!("{name} ({})", self.email)
        }
    }
}

/// Reads the coaches with access when a page asks (one query, for
/// Settings only); the message of a failure.
pub type Coaches = Arc<dyn Fn() -> Result<Vec<Coach>, String> + Send + Sync>;

/// The signed-in caller of the request being served.
#[derive(Clone)]
pub struct SignedIn {
    pub email: String,
    /// A candidate on their own vault (not a coach reading one).
    pub own_vault: bool,
    pub coaches: Coaches,
    /// For a coach reading a sharing candidate's vault: whose it is (set
    /// by the access layer once it knows, named on every page).
    pub reading: Option<Candidate>,
}

tokio::task_local! {
    static SIGNED_IN: SignedIn;
}

/// Runs `work` (the vault router's answer) with `who` signed in.
pub async fn scope<F: Future>(who: SignedIn, work: F) -> F::Output {
    SIGNED_IN.scope(who, work).await
}

/// The caller, in hosted mode.
pub fn current() -> Option<SignedIn> {
    SIGNED_IN.try_with(Clone::clone).ok()
}

/// The candidate whose vault the page shows to a coach, if it does.
pub fn reading() -> Option<Candidate> {
    current().and_then(|w| w.reading)
}

/// Whether the page is drawn for a coach reading a candidate's vault
/// (hosted mode's `/candidates/{id}/…`): then it shows no form that
/// writes, and `readonly.rs` points its links under the candidate's prefix.
pub fn read_only() -> bool {
    current().is_some_and(|w| !w.own_vault)
}

/// Settings' section in hosted mode, for a candidate on their own vault:
/// the coaches with read access, each with a form to stop, and a form to
/// share with another — posting to the same use cases as
/// `/api/v1/sharing` (the access layer's `/sharing` and
/// `/sharing/revoke`). Nothing elsewhere.
pub fn settings_section() -> Markup {
    let Some(who) = current().filter(|w| w.own_vault) else {
        return html! {};
    };
    let coaches = (who.coaches)();
    html! {
        section #sharing aria-labelledby="sharing-h" {
            h2 #sharing-h { "Coaches with access" }
            p.muted { "A coach you share with reads your applications, agenda and insights, and never changes them. Stopping takes effect at once; both are in your history." }
            @match &coaches {
                Err(_) => p role="alert" { "The list of coaches could not be read right now; try again in a moment." },
                Ok(list) if list.is_empty() => p #no-coaches { "No coach has access." },
                Ok(list) => ul #coaches {
                    @for c in list {
                        li {
                            (c.name) " (" (c.email) ") "
                            form.inline method="post" action="/sharing/revoke" {
                                input type="hidden" name="coach" value=(c.email);
                                input type="hidden" name="back" value="/settings";
                                button.secondary.small type="submit" { "Stop sharing with " (c.name) }
                            }
                        }
                    }
                },
            }
            form.stack method="post" action="/sharing" {
                input type="hidden" name="back" value="/settings";
                label for="share-coach" { "Coach's email" }
                input #share-coach type="email" name="coach" required maxlength="200";
                button type="submit" { "Share read access" }
            }
        }
    }
}
