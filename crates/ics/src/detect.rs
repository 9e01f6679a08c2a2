//! How the interview happens, guessed from what the invite says: a meeting
//! link means video, a dial-in alone means phone, a street address means in
//! person. Precedence follows reliability: explicit conference properties,
//! then links anywhere, then words, then the location.

use debrief_core::model::InterviewFormat;

/// Hosts of video-meeting services; a link to one of them is the meeting.
const VIDEO_HOSTS: &[&str] = &[
    "teams.microsoft.com",
    "teams.microsoft.us",
    "teams.live.com",
    "zoom.us",
    "zoom.com",
    "zoomgov.com",
    "meet.google.com",
    "webex.com",
    "whereby.com",
    "meet.jit.si",
    "chime.aws",
    "gotomeeting.com",
    "meet.goto.com",
    "bluejeans.com",
    "join.skype.com",
    "meet.lync.com",
    "ringcentral.com",
];

/// Where to look, in order of trust. `conference` holds dedicated
/// properties (`X-MICROSOFT-SKYPETEAMSMEETINGURL`, `X-GOOGLE-CONFERENCE`,
/// RFC 7986 `CONFERENCE`); `other` every remaining `X-` value.
#[derive(Debug, Default)]
pub(crate) struct Clues<'a> {
    pub conference: Vec<&'a str>,
    pub url: Option<&'a str>,
    pub location: Option<&'a str>,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub other: Vec<&'a str>,
    pub has_room: bool,
}

/// Every `http(s)://` link in `text`, trailing punctuation trimmed.
pub(crate) fn links(text: &str) -> impl Iterator<Item = &str> {
    // ASCII lowercasing keeps byte offsets, so indices map back to `text`.
    let lower = text.to_ascii_lowercase();
    let mut starts: Vec<usize> = lower.match_indices("http").map(|(i, _)| i).collect();
    starts.retain(|&i| lower[i..].starts_with("https://") || lower[i..].starts_with("http://"));
    starts.into_iter().filter_map(move |i| {
        let rest = &text[i..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '|'))
            .unwrap_or(rest.len());
        let link = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
        (link.len() > "https://".len()).then_some(link)
    })
}

fn host(link: &str) -> String {
    let after = link.split_once("://").map_or(link, |(_, r)| r);
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    host.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// Is `link` a meeting on a known video service? Outlook "safe links" wrap
/// the real address, percent-encoded, in their query; look inside them too.
pub(crate) fn is_video_link(link: &str) -> bool {
    let h = host(link);
    if VIDEO_HOSTS
        .iter()
        .any(|v| h == *v || h.strip_suffix(v).is_some_and(|sub| sub.ends_with('.')))
    {
        return true;
    }
    if h.ends_with("safelinks.protection.outlook.com") {
        let decoded = link
            .replace("%3A", ":")
            .replace("%3a", ":")
            .replace("%2F", "/")
            .replace("%2f", "/");
        return decoded
            .split("url=")
            .nth(1)
            .is_some_and(|inner| inner.starts_with("http") && is_video_link(inner));
    }
    false
}

fn has_word(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// Mostly digits and phone punctuation, with enough digits to dial.
fn looks_like_phone_number(text: &str) -> bool {
    let t = text.trim();
    let t = t
        .strip_prefix("tel:")
        .or_else(|| t.strip_prefix("TEL:"))
        .unwrap_or(t);
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, '+' | '-' | ' ' | '(' | ')' | '.' | '/' | ',' | '#' | '*')
        })
}

const VIDEO_WORDS: &[&str] = &[
    "microsoft teams",
    "teams meeting",
    "zoom",
    "google meet",
    "webex",
    "video call",
    "video interview",
    "videocall",
    "hangout",
];
const PHONE_WORDS: &[&str] = &[
    "phone",
    "telephone",
    "call with",
    "dial-in",
    "dial in",
    "telefon",
    "téléphon",
];
const NOT_A_PLACE: &[&str] = &[
    "online", "virtual", "remote", "tbd", "tba", "n/a", "none", "video", "web", "internet",
];

/// Is `text` the word `w`, or does it start with it and a space?
fn is_first_word(text: &str, w: &str) -> bool {
    text.strip_prefix(w)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// A location that only says the meeting is online ("Microsoft Teams
/// Meeting", "Zoom", "online", a link): not a place to go to.
pub(crate) fn is_online_placeholder(location: &str) -> bool {
    let lower = location.trim().to_lowercase();
    links(location).next().is_some()
        || NOT_A_PLACE.iter().any(|w| is_first_word(&lower, w))
        || (has_word(&lower, VIDEO_WORDS)
            && !lower.chars().any(|c| c.is_ascii_digit())
            && lower.chars().count() <= 40)
}

/// The interview format and, for video, the meeting link.
pub(crate) fn detect(clues: &Clues<'_>) -> (Option<InterviewFormat>, Option<String>) {
    let ordered = clues
        .conference
        .iter()
        .copied()
        .chain(clues.url)
        .chain(clues.location)
        .chain(clues.description)
        .chain(clues.other.iter().copied());
    for text in ordered {
        if let Some(link) = links(text).find(|l| is_video_link(l)) {
            return (Some(InterviewFormat::Video), Some(link.to_string()));
        }
    }
    let location = clues.location.map(str::trim).filter(|l| !l.is_empty());
    let headline = format!("{} {}", clues.summary, location.unwrap_or(""));
    if has_word(&headline, VIDEO_WORDS) {
        return (Some(InterviewFormat::Video), None);
    }
    let dial_in = location.is_some_and(looks_like_phone_number)
        || [clues.location, clues.description]
            .into_iter()
            .flatten()
            .any(|t| t.to_ascii_lowercase().contains("tel:"));
    if dial_in || has_word(&headline, PHONE_WORDS) {
        return (Some(InterviewFormat::Phone), None);
    }
    if let Some(place) = location {
        let lower = place.to_lowercase();
        if NOT_A_PLACE.iter().any(|w| is_first_word(&lower, w)) {
            return (Some(InterviewFormat::Video), None);
        }
        if links(place).next().is_none() {
            return (Some(InterviewFormat::InPerson), None);
        }
    }
    if clues.has_room {
        return (Some(InterviewFormat::InPerson), None);
    }
    if clues.description.is_some_and(|d| has_word(d, VIDEO_WORDS)) {
        return (Some(InterviewFormat::Video), None);
    }
    if clues.description.is_some_and(|d| {
        has_word(
            d,
            &[
                "dial-in",
                "dial in",
                "call you",
                "phone interview",
                "phone screen",
            ],
        )
    }) {
        return (Some(InterviewFormat::Phone), None);
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues<'a>(
        summary: &'a str,
        location: Option<&'a str>,
        description: Option<&'a str>,
    ) -> Clues<'a> {
        Clues {
            summary,
            location,
            description,
            ..Clues::default()
        }
    }

    #[test]
    fn meeting_links_are_video_and_kept() {
        let desc = "Join: <https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d>\nOr call +1 425-555-0100,,123#";
        let (f, link) = detect(&clues(
            "Interview",
            Some("Microsoft Teams Meeting"),
            Some(desc),
        ));
        assert_eq!(f, Some(InterviewFormat::Video));
        assert_eq!(
            link.as_deref(),
            Some(
                "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d"
            )
        );
        let (f, link) = detect(&clues(
            "x",
            Some("https://acme.zoom.us/j/123?pwd=abc."),
            None,
        ));
        assert_eq!(f, Some(InterviewFormat::Video));
        assert_eq!(link.as_deref(), Some("https://acme.zoom.us/j/123?pwd=abc"));
    }

    #[test]
    fn safelinks_are_unwrapped_for_detection() {
        let l = "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join&data=1";
        assert!(is_video_link(l));
        assert!(!is_video_link("https://zoom.us.evil.example/x"));
        assert!(!is_video_link("https://podio.com/zoom.us"));
    }

    #[test]
    fn phone_and_place() {
        assert_eq!(
            detect(&clues("Screen", Some("+1 (312) 555-0100"), None)).0,
            Some(InterviewFormat::Phone)
        );
        assert_eq!(
            detect(&clues("Phone screen with Acme", None, None)).0,
            Some(InterviewFormat::Phone)
        );
        assert_eq!(
            detect(&clues("Panel", Some("im büro"), None)).0,
            Some(InterviewFormat::InPerson)
        );
        assert_eq!(
            detect(&clues("Panel", Some("online"), None)).0,
            Some(InterviewFormat::Video)
        );
        assert_eq!(detect(&clues("Panel", None, None)).0, None);
    }

    #[test]
    fn online_placeholders_are_not_places() {
        for online in [
            "Microsoft Teams Meeting",
            "Zoom",
            "online",
            "Virtual – link to follow",
            "https://meet.google.com/abc-defg-hij",
        ] {
            assert!(is_online_placeholder(online), "{online}");
        }
        for place in [
            "Fabrikam GmbH, Friedrichstraße 123, 10117 Berlin",
            "Room 4.12 (Zoom room)",
            "+1 (312) 555-0100",
        ] {
            assert!(!is_online_placeholder(place), "{place}");
        }
    }
}
