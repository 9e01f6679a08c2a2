//! Who in an invite is the user (PLAYBOOK §1: a calendar invite never adds
//! the candidate as a person). One small rule, apart from the matching of
//! invites to applications.

/// Is this attendee (or organizer) the user? Their address is one of the
/// profile's (`profile.emails`, or the mail settings' sender when that is
/// empty), or their name is the profile's name: given in the invite, or,
/// when the invite gives none, read from the address ("sam.rivera@…").
/// Case, spacing, quotes and "Last, First" do not matter.
pub fn is_user(
    name: Option<&str>,
    email: Option<&str>,
    user_emails: &[String],
    user_name: Option<&str>,
) -> bool {
    let me = user_name.map(name_key);
    is_user_keyed(name, email, user_emails, me.as_deref())
}

/// [`is_user`] with the candidate's name already made a key
/// ([`name_key`]): an invite's every attendee is compared with the same
/// name, so the caller makes its key once.
pub(crate) fn is_user_keyed(
    name: Option<&str>,
    email: Option<&str>,
    user_emails: &[String],
    user_key: Option<&str>,
) -> bool {
    if let Some(e) = email.map(str::trim).filter(|e| !e.is_empty())
        && user_emails.iter().any(|u| u.trim().eq_ignore_ascii_case(e))
    {
        return true;
    }
    let Some(me) = user_key.filter(|k| !k.is_empty()) else {
        return false;
    };
    let given = name.map(name_key).filter(|k| !k.is_empty());
    match given {
        Some(n) => n == me,
        None => email
            .and_then(|e| e.split('@').next())
            .map(|local| name_key(&local.replace(['.', '_', '-', '+'], " ")))
            .is_some_and(|n| n == me),
    }
}

/// A name for comparison: words in lower case, "Rivera, Sam" → "sam rivera",
/// quotes and stray punctuation dropped.
pub(crate) fn name_key(name: &str) -> String {
    // "Rivera, Sam": the words after the first comma, then those before.
    let (first, last) = match name.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => (first, last),
        _ => (name, ""),
    };
    // One buffer, not a string per word: every attendee of every invite
    // is compared by this key.
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    for w in first
        .split(char::is_whitespace)
        .chain(last.split(char::is_whitespace))
    {
        word.clear();
        word.extend(
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '-'),
        );
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            // A word's own lower case (a final sigma stays final).
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_is_known_by_address_or_by_name() {
        let emails = vec!["Sam.Rivera@mail.example".to_string()];
        let me = Some("Sam Rivera");
        // By address, whatever the name says.
        assert!(is_user(
            Some("S R"),
            Some("sam.rivera@MAIL.example"),
            &emails,
            me
        ));
        // By name, even with an address Debrief does not know (a new user
        // with no addresses on file, a Google invite to their Gmail).
        assert!(is_user(
            Some("Sam Rivera"),
            Some("sam.r@gmail.com"),
            &[],
            me
        ));
        assert!(is_user(
            Some("\"Rivera, Sam\""),
            Some("x@y.example"),
            &[],
            me
        ));
        assert!(is_user(Some("  sam  RIVERA "), None, &[], me));
        // No name in the invite: read it from the address.
        assert!(is_user(None, Some("sam.rivera@gmail.com"), &[], me));
        assert!(is_user(None, Some("sam_rivera@gmail.com"), &[], me));
        // Someone else.
        assert!(!is_user(
            Some("Marie Dubois"),
            Some("marie@acme.example"),
            &emails,
            me
        ));
        assert!(!is_user(
            Some("Sam Riviera"),
            Some("sam@acme.example"),
            &[],
            me
        ));
        assert!(!is_user(None, Some("samuel@acme.example"), &[], me));
        // No profile name and no address: nobody is the user.
        assert!(!is_user(
            Some("Sam Rivera"),
            Some("sam@x.example"),
            &[],
            None
        ));
        assert!(!is_user(Some("Sam Rivera"), None, &[], Some("  ")));
    }

    #[test]
    fn name_keys_are_words_in_lower_case_surname_last() {
        for (name, key) in [
            ("Sam Rivera", "sam rivera"),
            ("Rivera, Sam", "sam rivera"),
            ("  RIVERA ,  Sam  ", "sam rivera"),
            ("Rivera,", "rivera"),
            ("\"Sam\" O'Brien-Smith (Acme)", "sam o'brien-smith acme"),
            ("ΟΔΥΣΣΕΑΣ Παπαδόπουλος", "οδυσσεας παπαδόπουλος"),
            ("Ἰωάννης ΣΑΣ, Δρ.", "δρ ἰωάννης σας"),
            ("Zoë\u{a0}Ünal", "zoë ünal"),
            ("İlkay Gündoğan", "i̇lkay gündoğan"),
            ("a, b, c", "b c a"),
            ("", ""),
            (",", ""),
            ("-- '", "-- '"),
        ] {
            assert_eq!(name_key(name), key, "{name:?}");
        }
    }
}
