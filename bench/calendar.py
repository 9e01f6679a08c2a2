#!/usr/bin/env python3
"""A calendar of N interview invites for bench/growth.sh (deterministic).

    python3 bench/calendar.py N OUT.ics [--companies K] [--invite-from EMAIL]

Events come from K companies (default N/10), `firmNNNNN.example`, named
"FirmNNNNN Labs" in the titles: a recruiter organizes, an interviewer and
the candidate (sam@mail.example) attend. The shapes rotate through what
clients send: Google Meet with a named zone, Outlook with a Windows zone,
Teams, Zoom in UTC with DURATION, all-day on-site days. With
--invite-from, N should be 1: one invite organized by EMAIL (a person of
an application already in the store), to time one invite into a big store.
"""

import sys

ZONES = (
    "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\n"
    "TZOFFSETTO:-0400\r\nDTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
    "END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
    "DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)

PEOPLE = ["Marie Dubois", "Raj Patel", "Ananya Iyer", "Lee Chen", "Ola Nordmann",
          "Kofi Mensah", "Ines Garcia", "Tomasz Nowak", "Yuki Tanaka", "Amara Okafor"]


def event(i, firm, organizer):
    day = 1 + i % 28
    hour = 8 + i % 9
    who = PEOPLE[i % len(PEOPLE)]
    mail = who.lower().replace(" ", ".")
    domain = f"firm{firm:05}.example"
    company = f"Firm{firm:05} Labs"
    head = (
        f"UID:growth-{i:06}@bench.example\r\nDTSTAMP:20261120T120000Z\r\nSEQUENCE:0\r\n"
        f"ORGANIZER;CN=Talent Team:mailto:{organizer or 'talent@' + domain}\r\n"
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN={who}:mailto:{mail}@{domain}\r\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Sam Rivera:mailto:sam@mail.example\r\n"
    )
    shape = i % 5
    if shape == 0:
        body = (
            f"DTSTART;TZID=America/New_York:202612{day:02}T{hour:02}0000\r\n"
            f"DTEND;TZID=America/New_York:202612{day:02}T{hour:02}4500\r\n"
            f"SUMMARY:{company} – Data Analyst interview\r\n"
            f"DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-{i:03}\r\n"
        )
    elif shape == 1:
        body = (
            f"DTSTART;TZID=W. Europe Standard Time:202612{day:02}T{hour:02}0000\r\n"
            f"DTEND;TZID=W. Europe Standard Time:202612{day:02}T{hour:02}3000\r\n"
            f"SUMMARY:Vorstellungsgespräch {company}\r\n"
            f"LOCATION:Friedrichstraße {i}\\, 10117 Berlin\r\n"
        )
    elif shape == 2:
        body = (
            f"DTSTART:202612{day:02}T{hour:02}0000Z\r\nDTEND:202612{day:02}T{hour:02}5000Z\r\n"
            f"SUMMARY:Panel | {company}\r\nLOCATION:Microsoft Teams Meeting\r\n"
            "X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/\r\n"
            f" 19%3ameeting_{i}%40thread.v2/0\r\n"
        )
    elif shape == 3:
        body = (
            f"DTSTART:202612{day:02}T{hour:02}3000Z\r\nDURATION:PT45M\r\n"
            f"SUMMARY:Technical round with {company}\r\n"
            f"LOCATION:https://us02web.zoom.us/j/8555{i:07}\r\n"
        )
    else:
        body = (
            f"DTSTART;VALUE=DATE:202612{day:02}\r\nDTEND;VALUE=DATE:202612{day + 1:02}\r\n"
            f"SUMMARY:On-site day at {company}\r\nLOCATION:Building {i}\\, Floor 3\r\n"
        )
    return f"BEGIN:VEVENT\r\n{head}{body}END:VEVENT\r\n"


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    n, out = int(argv[0]), argv[1]
    companies = max(1, n // 10)
    organizer = None
    rest = argv[2:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "--companies":
            companies = int(value)
        elif flag == "--invite-from":
            organizer = value
        else:
            sys.exit(f"unknown option {flag}\n{__doc__}")
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Debrief//growth bench//EN\r\n"
                "METHOD:REQUEST\r\n")
        f.write(ZONES)
        for i in range(n):
            f.write(event(i, (i * 7919) % companies, organizer))
        f.write("END:VCALENDAR\r\n")


if __name__ == "__main__":
    main(sys.argv[1:])
