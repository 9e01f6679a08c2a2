//! The store's own settings, kept through the store traits so every
//! backend has them: the calendar feed's secret, what `debrief remind`
//! announced, what `debrief mail scan` ignores and has read, the journal's
//! days. None of them is exported or journalled.

use debrief_store::{Origin, Store, StoreReader};

use crate::{AppError, update};

/// The key of the calendar feed's secret. The stored value is 64
/// lowercase hex digits: the same key and form SQLite stores have always
/// used, so an existing file keeps its feed URL.
pub const FEED_SECRET: &str = "calendar_feed_secret";

/// A setting by `key`.
pub fn get(store: &dyn StoreReader, key: &str) -> Result<Option<String>, AppError> {
    Ok(store.setting(key)?)
}

/// Keeps `value` under `key`, in one transaction. The feed secret's key is
/// refused: it is made here, never given.
pub fn set(store: &mut dyn Store, origin: &Origin, key: &str, value: &str) -> Result<(), AppError> {
    if key == FEED_SECRET {
        return Err(AppError::Store(debrief_store::StoreError::Backend(
            format!("the setting '{key}' is reserved"),
        )));
    }
    update(store, origin, |u| Ok(u.set_setting(key, value)?))
}

/// The secret in the calendar feed's URL (`/calendar/<secret>.ics`), or
/// `None` while the feed is off.
pub fn feed_secret(store: &dyn StoreReader) -> Result<Option<String>, AppError> {
    get(store, FEED_SECRET)
}

/// 32 random bytes from the operating system, as 64 lowercase hex digits:
/// a URL nobody can guess.
fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        AppError::Store(debrief_store::StoreError::Backend(format!(
            "no random numbers for the feed's secret: {e}"
        )))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Makes a new feed secret and returns it; the old URL, if any, stops
/// working at once.
pub fn renew_feed_secret(store: &mut dyn Store, origin: &Origin) -> Result<String, AppError> {
    let secret = new_secret()?;
    update(store, origin, |u| {
        u.set_setting(FEED_SECRET, &secret)?;
        Ok::<_, AppError>(())
    })?;
    Ok(secret)
}

/// The feed secret, made on first use (read and write in one
/// transaction: two first uses agree on one secret).
pub fn feed_secret_or_new(store: &mut dyn Store, origin: &Origin) -> Result<String, AppError> {
    let fresh = new_secret()?;
    update(store, origin, |u| match u.setting(FEED_SECRET)? {
        Some(s) => Ok(s),
        None => {
            u.set_setting(FEED_SECRET, &fresh)?;
            Ok::<_, AppError>(fresh)
        }
    })
}

/// Turns the feed off; says whether it was on.
pub fn remove_feed_secret(store: &mut dyn Store, origin: &Origin) -> Result<bool, AppError> {
    update(store, origin, |u| {
        Ok::<_, AppError>(u.remove_setting(FEED_SECRET)?)
    })
}
