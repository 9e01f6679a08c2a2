//! The sender's own words: what is left of a body once quoted replies,
//! forwarded headers and the signature are gone. Reading a reply's quote
//! as the reply would make every answer to a rejection a rejection.

/// Lines that start the quoted part of a reply or a forward.
fn starts_quote(line: &str, next: Option<&str>) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    // "On Tue, 3 Dec 2026 at 10:00, Marie <…> wrote:" (also split over two lines)
    (lower.starts_with("on ") && (lower.ends_with("wrote:") || next.is_some_and(|n| n.trim().to_lowercase().ends_with("wrote:"))))
        || lower.starts_with("le ") && lower.ends_with("a écrit :")
        || lower.starts_with("am ") && lower.ends_with("schrieb:")
        || (lower.starts_with("-----") && (lower.contains("original message") || lower.contains("forwarded message")))
        || lower.starts_with("________________________________")
        || lower.starts_with("begin forwarded message")
        // Outlook: "From: …" then "Sent: …" / "Date: …"
        || (lower.starts_with("from:")
            && next.is_some_and(|n| {
                let n = n.trim().to_lowercase();
                n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("to:")
            }))
}

/// Lines that start a signature or a device footer.
fn starts_signature(line: &str) -> bool {
    let t = line.trim_end();
    let lower = t.trim().to_lowercase();
    t == "--"
        || t == "-- "
        || t == "—"
        || lower.starts_with("sent from my ")
        || lower.starts_with("get outlook for ")
}

/// The body without quotes, forwarded parts or signature; lines kept
/// otherwise, trailing blank lines dropped.
pub fn own_words(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if starts_quote(line, lines.get(i + 1).copied()) || starts_signature(line) {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        out.push(line.trim_end());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::own_words;

    #[test]
    fn quotes_and_signatures_are_removed() {
        let body = "Thanks Marie!\n\nBest,\nSam\n-- \nSam Rivera | 555-0100\n";
        assert_eq!(own_words(body), "Thanks Marie!\n\nBest,\nSam");
        let reply = "Sounds good.\n\nOn Tue, 3 Dec 2026 at 10:00, Marie <m@a.example> wrote:\n> we decided to move forward with other candidates\n";
        assert_eq!(own_words(reply), "Sounds good.");
        let outlook = "See you then\r\n\r\nFrom: Marie Dubois\r\nSent: Tuesday\r\nSubject: x\r\nnot in a position to offer";
        assert_eq!(own_words(outlook), "See you then");
        let inline = "> old line\nnew line";
        assert_eq!(own_words(inline), "new line");
    }
}
