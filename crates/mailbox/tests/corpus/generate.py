#!/usr/bin/env python3
"""Writes the labelled mail corpus (corpus.mbox, store.json) for
crates/mailbox/tests/corpus.rs.

How it is made, honestly: these are synthetic messages. Each kind of mail
has a dozen or more hand-written templates (written for this project, in
its own words, modelled on the shapes of real recruiter mail, ATS
notifications and candidates' notes), filled with names, companies, roles
and dates, and combined with varied greetings, sign-offs, quoted replies,
signatures, HTML-only bodies, encoded subjects and charsets. Every
message carries its expected reading in an `X-Corpus-Label` header that
the scanner never reads. Run `python3 generate.py` to rebuild (the random
seed is fixed: the output is the same every time).
"""
import base64
import json
import quopri
import random
from email.header import Header

R = random.Random(20261201)

FIRST = ["Marie", "Raj", "Lena", "Tomás", "Aisha", "Kenji", "Olga", "Priya", "Dmitri", "Grace",
         "Hamid", "Ines", "Jonas", "Keiko", "Luis", "Mei", "Nadia", "Oscar", "Paula", "Quentin",
         "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoltan", "Chloé", "Björn"]
LAST = ["Dubois", "Patel", "Okafor", "García", "Kowalski", "Nakamura", "Ivanova", "Fischer",
        "Haddad", "Lindqvist", "Moreau", "O'Neill", "Rossi", "Schmidt", "Tanaka", "Wójcik",
        "Andersen", "Bianchi", "Costa", "Eriksen"]
WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
         "Tyrell", "Cyberdyne", "Aperture", "Wonka", "Gringotts", "Oscorp", "Massive", "Dynamic",
         "Pied", "Nimbus", "Quantum", "Blue", "Red", "Silver", "Golden", "North", "Harbor", "Cobalt",
         "Summit", "Prairie", "Atlas", "Orbit", "Lumen", "Vertex", "Beacon", "Cedar", "Delta",
         "Ember", "Falcon", "Granite", "Helix"]
SUFFIX = ["Corp", "Inc", "Labs", "Systems", "Analytics", "Health", "Logistics", "Foods", "Energy",
          "Robotics", "Bank", "Media", "Works", "Group", "Software", "Insurance"]
ROLES = ["Data Analyst", "Backend Engineer", "Product Manager", "UX Researcher", "Account Manager",
         "Site Reliability Engineer", "Financial Analyst", "Marketing Lead", "QA Engineer",
         "Operations Coordinator", "Data Scientist", "Technical Writer"]

USER = ("Sam Rivera", "sam.rivera@fastmail.com")
N_APPS = 160

def pick(xs):
    return R.choice(xs)

# ---- the store: one application per company, two known people each --------
apps = []
used = set()
for i in range(N_APPS):
    while True:
        company = f"{pick(WORDS)} {pick(WORDS)} {pick(SUFFIX)}"
        key = company.split()[0] + company.split()[1]
        if key not in used and company.split()[0] != company.split()[1]:
            used.add(key)
            break
    domain = (company.split()[0] + company.split()[1]).lower() + ".example"
    people = []
    for kind in ["interviewer", "recruiter"]:
        while True:
            f, l = pick(FIRST), pick(LAST)
            if all(not p["name"].startswith(f + " ") for p in people):
                break
        local = (f.lower().replace("á", "a").replace("é", "e").replace("ö", "o") + "." + l.lower().replace("'", "").replace("í", "i").replace("ó", "o").replace("ć", "c").replace("ó", "o"))
        local = local.encode("ascii", "ignore").decode()
        people.append({"id": f"{f.lower().encode('ascii','ignore').decode()}-{i}", "name": f"{f} {l}", "kind": kind,
                       "email": f"{local}@{domain}"})
    day = 1 + (i % 20)
    apps.append({
        "id": f"app-{i:03d}", "company": company, "role": pick(ROLES), "stage": "interviewing",
        "people": people,
        "interviews": [{"id": "first", "start": f"2026-09-{day:02d}T10:00:00-05:00", "minutes": 45,
                        "format": "video", "status": "done", "interviewers": [people[0]["id"]]}],
        "_domain": domain,
    })

store = {"format": "debrief/1",
         "profile": {"name": USER[0], "emails": [USER[1]], "timezone": "America/Chicago"},
         "applications": [{k: v for k, v in a.items() if not k.startswith("_")} for a in apps]}

# ---- wording --------------------------------------------------------------
GREET = ["Hi {n},", "Hello {n},", "Dear {n},", "Hey {n},", "{n},", "Good morning {n},", "Hi {n} -"]
CLOSE = ["Best,\n{me}", "Kind regards,\n{me}", "Thanks,\n{me}", "Best regards,\n{me}", "Cheers,\n{me}",
         "Warmly,\n{me}", "All the best,\n{me}", "Sincerely,\n{me}"]
SIG = ["", "\n-- \n{me}\n+1 555 0100", "\n--\n{me} | {role}\n{company}", "\n\nSent from my iPhone"]

TOUCH = {
 "thank-you": [
  "Thank you for taking the time to speak with me {when} about the {role} role. I especially enjoyed hearing how your team plans the next quarter.",
  "Thanks so much for the conversation {when}. Learning about the roadmap made me even more excited about the {role} position.",
  "I wanted to say thank you for meeting with me {when}. Our discussion about data quality stayed with me on the way home.",
  "Many thanks for your time {when}. It was a pleasure to meet the team and to hear about the migration project.",
  "I really appreciated the time you spent with me {when}. The way you described the team's culture was very helpful.",
  "Thank you again for the interview {when}! I enjoyed our talk about onboarding and I'm keen on the {role} opening.",
  "It was great to meet you {when}. Thanks for walking me through the dashboards and for your thoughtful questions.",
  "I'm grateful for the chance to interview for the {role} role {when}. Your point about customer research was spot on.",
  "Thanks for having me in {when}. I enjoyed speaking with you and the rest of the panel.",
  "Just a quick note to thank you for our call {when}. I came away with a clear picture of the role.",
  "Thank you for a great conversation {when}. I forgot to mention that I led a similar rollout at my last job.",
  "I enjoyed our conversation {when} and wanted to thank you for answering all my questions about the team.",
 ],
 "status-check": [
  "I hope you're well. I'm checking in on the status of the {role} position, as it has been a couple of weeks since we spoke.",
  "I wanted to follow up on my interview for the {role} role. Is there any update on the timeline?",
  "I'm writing to ask whether there are any updates on the {role} search. I remain very interested in the position.",
  "Just touching base regarding next steps for the {role} opening. Please let me know if you need anything else from me.",
  "I haven't heard back since our interview and wanted to see where things stand with the {role} role.",
  "Could you share an update on the hiring timeline? I'm still very interested in joining the team.",
  "Following up on our conversation last month: has the team reached a decision on the {role} role?",
  "I wanted to circle back on the {role} position and ask about next steps.",
  "Hope your week is going well. Is there an update on my application for the {role} role?",
  "I'm following up regarding the {role} opening; I'd love to hear how the process is going.",
  "Any news on the {role} position? I'm still keen and happy to provide references.",
  "I'm reaching out to check in about where things are with the {role} hiring process.",
 ],
 "congratulate": [
  "Congratulations on the new office in Singapore! I saw the announcement this morning and thought of our conversation.",
  "I just read about your product launch — congratulations to the whole team, it looks fantastic.",
  "Congrats on the funding round! It sounds like an exciting time to be at {company}.",
  "I saw the news about {company}'s award this week. Well deserved, and congratulations!",
  "Congratulations on the partnership announced today; it fits what you told me about the roadmap.",
  "I wanted to congratulate you on your promotion — I saw it on the company blog.",
  "Great news about the expansion into Brazil! Congratulations to you and the team.",
  "I read the announcement about the new research lab. Congratulations, that's a big step.",
  "Many congratulations on the conference keynote; the recording was great.",
  "Congrats on reaching a million users — quite a milestone!",
  "I saw the news about your acquisition of a smaller startup. Congratulations!",
  "Congratulations on the new headquarters opening; the photos look amazing.",
 ],
 "feedback-request": [
  "Thank you for letting me know about your decision. Would you be open to sharing any feedback on my interview?",
  "I appreciate you telling me. If you have a moment, I'd value your feedback on where I could improve.",
  "Thanks for the update. Could you share what I could do better in future interviews?",
  "I'm disappointed but grateful for the chance. Any feedback on my case study would help me grow.",
  "I'd welcome brief feedback on my interview, if you're able to share it.",
  "Would you be willing to give me some feedback about my presentation? It would help me improve.",
  "I understand the decision. Is there any insight into the decision you could share with me?",
  "If possible, I'd love to hear about areas for improvement from the panel.",
  "Could you let me know what I could have done differently? Your feedback would mean a lot.",
  "Thanks for being straightforward. I'd be grateful for any feedback regarding my technical round.",
  "I'd appreciate your feedback on my application so I can help me improve for future roles.",
  "Was there anything in particular where I fell short? Any feedback is welcome.",
 ],
 "recovery": [
  "I'm so sorry I missed our call this morning. I take full responsibility; my train was stuck without signal. Could we reschedule?",
  "Please accept my sincere apologies for missing the interview today. A family emergency came up. Would it be possible to reschedule?",
  "I apologize for missing our meeting. I had the wrong time zone in my calendar. Can we reschedule at your convenience?",
  "I'm sorry for missing our 2pm. I couldn't make it because of a power cut and no way to reach you. Could we find another slot?",
  "Apologies for not joining the video call; my laptop failed to connect. Would it be possible to reschedule this week?",
  "I missed our interview this afternoon and I'm very sorry. I was in the hospital with my son. Could we reschedule?",
  "I'm writing to apologize for missing the call. I was unable to join due to a network outage.",
  "Sorry to have missed our meeting today. Is it possible to find another time?",
  "I was unable to attend the interview this morning because of a car accident. I sincerely apologize.",
  "I'm so sorry I missed the call. Can we reschedule for tomorrow or Friday?",
  "Please forgive me for missing our interview; I apologize for the mix-up with the dates.",
  "I wasn't able to join the interview on time and I take full responsibility. Could we reschedule?",
 ],
 "other": [
  "Attached is the reference list you asked for. Let me know if you need anything else.",
  "Here are the writing samples we discussed, in PDF.",
  "As requested, my availability next week: Tuesday or Thursday afternoon.",
  "Please find my portfolio link below: https://portfolio.example/sam",
  "I've completed the take-home exercise and uploaded it to the shared folder.",
  "My start date could be the first Monday of next month, if that works for you.",
  "Confirming that Tuesday at 10:00 works for me.",
  "I've signed the NDA and returned it via the portal.",
  "Here is the transcript you requested from my university.",
  "My phone number changed; you can now reach me on 555-0199.",
  "I accept the invitation for the onsite. See you on Monday.",
  "The background check form is filled in and sent back.",
 ],
}
WHEN = ["today", "yesterday", "this morning", "this afternoon", "on Tuesday", "earlier today", "last week"]

REPLY = [
 "Thanks for your note! We're still interviewing and expect to decide in the next two weeks.",
 "Great to hear from you. I've passed your message on to the hiring manager.",
 "Thank you — we enjoyed meeting you too. I'll be in touch once the panel has met.",
 "Appreciate the follow-up. No decision yet; I'll update you by Friday.",
 "Thanks for the kind words. The team is finishing the last interviews this week.",
 "Got it, thanks. Could you send me your availability for a second conversation?",
 "Thanks Sam! Quick question: are you open to a hybrid schedule?",
 "Happy to help. The next step is a short call with our director; I'll send options.",
 "Thanks for reaching out. We are still reviewing candidates and will let you know soon.",
 "Received, thank you. We'll review it with the team.",
 "Good to hear from you. We'll have news early next week.",
 "Thanks for checking in. Things are moving slower than planned because of the holidays.",
 "That's very helpful, thank you. I'll share it with the panel.",
 "Thanks! We'd like you to meet two more people from the team; expect an invitation soon.",
 "Thank you for sending that over so quickly.",
]

REJECT = [
 "Thank you for your interest in the {role} role. After careful consideration, we have decided to move forward with other candidates.",
 "We appreciate the time you invested. Unfortunately, we are not in a position to offer you the position at this time.",
 "I'm writing to let you know that the {role} position has been filled.",
 "Thank you for applying. We will not be progressing your application further on this occasion.",
 "After much deliberation, we've decided to proceed with another candidate whose experience more closely matches our needs.",
 "We regret to inform you that your application for {role} was unsuccessful.",
 "While we were impressed with your background, we have chosen another candidate for this role.",
 "Unfortunately you have not been selected for the next stage of the process.",
 "The team decided not to move forward with your candidacy.",
 "We will not be moving forward with your application at this time, but we'll keep your details on file.",
 "I'm sorry to say that we've selected another candidate for the {role} opening.",
 "Following your interview, we have decided to pursue other candidates.",
 "Thank you for your patience. We won't be offering you the role, but we enjoyed meeting you.",
 "We've decided to go in a different direction for this position.",
 "The hiring manager has decided not to proceed with your application.",
 "I'm afraid that on this occasion your application has not been successful.",
 "We have now filled the role; the vacancy has been filled internally.",
 "Your application is no longer under consideration for the {role} role.",
]
OFFER = [
 "I'm delighted to offer you the position of {role} at {company}! The formal offer letter is attached.",
 "Congratulations! We would like to offer you the {role} role. Please review the attached offer letter.",
 "On behalf of the team, I'm pleased to extend an offer of employment for the {role} position.",
 "We're excited to offer you the job. Your offer letter is attached; let us know if you have questions.",
 "Great news: the panel was unanimous and we'd like to offer you the role.",
 "I am happy to offer you the {role} position, starting next month.",
 "We would like to extend you an offer to join {company} as {role}.",
 "Please find attached your written offer for the {role} role; we hope you'll join us.",
 "We're thrilled to offer you the {role} position and look forward to welcoming you to the team.",
 "It's my pleasure to let you know that you have been selected for the position. A formal offer will follow today.",
]
WITHDRAW = [
 "Thank you for letting us know. We have withdrawn your application as requested.",
 "We're sorry to see you go, but we respect your decision to withdraw from the process.",
 "This confirms the withdrawal of your application for the {role} role.",
 "As you asked, we've removed you from consideration for the {role} position.",
 "Your application has been withdrawn. We wish you the best in your new role.",
 "Thanks for the heads-up; your candidacy has been withdrawn and the panel informed.",
 "Understood — we've withdrawn your application and cancelled the remaining interviews.",
]

NEW_PERSON = [
 "I'm {first}, the coordinator for the {role} hiring process. I'll be your point of contact from now on.",
 "I'm taking over from my colleague as the recruiter for the {role} position.",
 "My name is {first} and I lead the analytics team; I'll be joining your next interview.",
 "Introducing myself: I'm {first} from the people team and I'll handle the paperwork.",
 "I'm {first}, and I'll be running the technical exercise next week.",
 "I head the {role} team and wanted to introduce myself before our meeting.",
 "I'm the hiring manager for the role and will join the final round.",
 "I'm {first} from {company}'s talent team, picking up your file while Raj is away.",
]

UNRELATED = [
 ("news@{d}", "{C} Weekly", "Our autumn newsletter: product updates, an exclusive offer for subscribers, and events near you.", True),
 ("friend", "Dinner Saturday?", "Thanks for dinner last week! Want to do it again Saturday? We decided to go with the Thai place.", False),
 ("alerts@jobs.example", "New jobs for you", "10 new Data Analyst jobs match your search. Unsubscribe anytime.", True),
 ("bank@notices.example", "Your statement is ready", "Your monthly statement is ready to view online.", True),
 ("friend", "Photos", "Here are the photos from the hike. Congratulations again on finishing the marathon!", False),
 ("landlord", "Rent receipt", "Thank you for your payment. This confirms receipt of December's rent.", False),
 ("no-reply@shop.example", "Your order has shipped", "Good news: your order is on its way and should arrive Thursday.", True),
 ("friend", "Re: the job hunt", "Sorry to hear they decided to move forward with other candidates — their loss! Let's get coffee.", False),
 ("meetup@events.example", "Reminder: Data meetup", "Reminder: the data meetup is on Thursday at 6pm.", True),
 ("school", "Parent evening", "Dear parents, the parent evening is moved to next Tuesday.", False),
 ("careers@{d}", "We received your application", "Thanks for applying to {C}! We've received your application and will review it shortly.", True),
 ("friend", "Book", "Thanks for lending me the book, I loved it.", False),
]

FRIEND_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"]

# ---- writing messages ------------------------------------------------------
msgs = []
counter = [0]

def mid(dom):
    counter[0] += 1
    return f"<c{counter[0]:05d}.{R.randrange(10**8):08d}@{dom}>"

def fmt_date(day, hour, minute):
    # all in November/December 2026, Central time (-0600)
    import datetime
    d = datetime.datetime(2026, 10, 1) + datetime.timedelta(days=day)
    return d.strftime("%a, %d %b %Y ") + f"{hour:02d}:{minute:02d}:00 -0600", d

def addr(name, email):
    if R.random() < 0.15 and any(ord(c) > 127 for c in name):
        return f"{Header(name, 'utf-8').encode()} <{email}>"
    if R.random() < 0.5:
        return f"\"{name}\" <{email}>"
    return f"{name} <{email}>"

def encode_subject(s):
    if R.random() < 0.2:
        return Header(s, "utf-8").encode()
    return s

def body_part(text, html_only=False):
    """Headers and body for a text: plain UTF-8 / quoted-printable /
    base64 / latin-1 / HTML-only / multipart/alternative."""
    r = R.random()
    if html_only or r < 0.12:
        html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip()) + "</body></html>"
        return "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n", html
    if r < 0.3:
        b = boundary()
        html = "<div>" + text.replace("\n", "<br>") + "</div>"
        return (f"Content-Type: multipart/alternative; boundary=\"{b}\"\n",
                f"--{b}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n--{b}\nContent-Type: text/html; charset=utf-8\n\n{html}\n--{b}--\n")
    if r < 0.42:
        q = quopri.encodestring(text.encode("utf-8")).decode("ascii")
        return "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n", q
    if r < 0.5:
        b64 = base64.encodebytes(text.encode("utf-8")).decode("ascii")
        return "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n", b64
    if r < 0.58:
        try:
            text.encode("latin-1")
            q = quopri.encodestring(text.encode("latin-1")).decode("ascii")
            return "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n", q
        except UnicodeEncodeError:
            pass
    return "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n", text

bcount = [0]
def boundary():
    bcount[0] += 1
    return f"=_b{bcount[0]:05d}"

def message(label, frm, to, subject, text, day, hour, extra_headers="", calendar=None, in_reply_to=None, bulk=False):
    date, _ = fmt_date(day, hour, R.randrange(60))
    dom = frm.split("@")[1].rstrip(">")
    m = mid(dom)
    h = [f"From: {frm}", f"To: {to}", f"Subject: {encode_subject(subject)}", f"Date: {date}",
         f"Message-ID: {m}", "MIME-Version: 1.0", f"X-Corpus-Label: {label}"]
    if in_reply_to:
        h.append(f"In-Reply-To: {in_reply_to}")
        h.append(f"References: {in_reply_to}")
    if bulk:
        h.append("List-Unsubscribe: <mailto:unsubscribe@lists.example>")
        h.append("Precedence: bulk")
    if extra_headers:
        h.append(extra_headers)
    if calendar is not None:
        b = boundary()
        h.append(f"Content-Type: multipart/mixed; boundary=\"{b}\"")
        body = (f"--{b}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
                f"--{b}\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\n\n{calendar}\n--{b}--\n")
    else:
        ct, body = body_part(text)
        h.append(ct.rstrip("\n"))
    msgs.append((label, "\n".join(h) + "\n\n" + body.rstrip("\n") + "\n"))
    return m

def compose(greet_name, core, me, role, company):
    parts = []
    if R.random() < 0.85:
        parts.append(pick(GREET).format(n=greet_name))
        parts.append("")
    parts.append(core)
    parts.append("")
    parts.append(pick(CLOSE).format(me=me))
    sig = pick(SIG).format(me=me, role=role, company=company)
    return "\n".join(parts) + sig

def quoted(text):
    return "\n\nOn Mon, 2 Nov 2026 at 09:12, Someone <x@y.example> wrote:\n" + "\n".join("> " + l for l in text.split("\n"))

def ics(uid, app, person, day):
    import datetime
    d = datetime.datetime(2026, 10, 1) + datetime.timedelta(days=day + 7)
    start = d.strftime("%Y%m%d") + "T150000Z"
    end = d.strftime("%Y%m%d") + "T160000Z"
    return "\n".join([
        "BEGIN:VCALENDAR", "PRODID:-//Corpus//Invites//EN", "VERSION:2.0", "METHOD:REQUEST",
        "BEGIN:VEVENT", f"UID:{uid}", "SEQUENCE:0", "DTSTAMP:20261001T000000Z",
        f"DTSTART:{start}", f"DTEND:{end}",
        f"SUMMARY:{pick(['Interview', 'Second interview', 'Panel interview', 'Technical screen', 'Call'])}: {USER[0]} / {app['company']}",
        f"ORGANIZER;CN={person['name']}:mailto:{person['email']}",
        f"ATTENDEE;CN={USER[0]};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{USER[1]}",
        f"ATTENDEE;CN={person['name']};ROLE=REQ-PARTICIPANT:mailto:{person['email']}",
        "LOCATION:https://meet.example/abc-defg-hij",
        "END:VEVENT", "END:VCALENDAR"])

touch_kinds = list(TOUCH.keys())
for i, app in enumerate(apps[:150]):
    p0, p1 = app["people"]
    d = app["_domain"]
    role, company = app["role"], app["company"]
    base = (i * 37) % 40
    me = USER[0].split()[0]
    # 1. an invitation (interview)
    inv_text = compose(me, pick([
        "Please find the invitation for our next conversation attached.",
        "As discussed, here is the calendar invite for the interview.",
        "Looking forward to speaking again; the invite is attached.",
        "I've booked the panel for next week — details in the invitation.",
    ]), p1["name"].split()[0], role, company)
    message("interview", addr(p1["name"], p1["email"]), addr(*USER), f"Invitation: interview with {company}",
            inv_text, base, 9, calendar=ics(f"corpus-{i}-{R.randrange(10**9)}@{d}", app, p1, base))
    # 2. a note the user sends (touch)
    kind = touch_kinds[i % len(touch_kinds)]
    core = pick(TOUCH[kind]).format(role=role, company=company, when=pick(WHEN))
    text = compose(p0["name"].split()[0], core, me, role, company)
    if R.random() < 0.3:
        text += quoted(pick(REPLY))
    subj = {"thank-you": pick(["Thank you", "Thanks for today", "Following our interview", f"{role} interview"]),
            "status-check": pick(["Checking in", f"{role} application", "Following up", "Update?"]),
            "congratulate": pick(["Congratulations!", "Great news", "Saw the announcement"]),
            "feedback-request": pick(["Re: Your application", "Feedback", "Thank you for letting me know"]),
            "recovery": pick(["My apologies", "Missed interview", "Sorry about today"]),
            "other": pick(["Documents", "Requested information", "Re: next steps", "Availability"])}[kind]
    sent = message(f"touch:{kind}", addr(*USER), addr(p0["name"], p0["email"]), subj, text, base + 2, 17)
    # 3. the reply
    rtext = compose(me, pick(REPLY), p0["name"].split()[0], role, company) + quoted(core)
    message("reply", addr(p0["name"], p0["email"]), addr(*USER), "Re: " + subj, rtext, base + 4, 10, in_reply_to=sent)
    # 4. someone new at the company (person)
    f, l = pick(FIRST), pick(LAST)
    while f in (p0["name"].split()[0], p1["name"].split()[0]):
        f, l = pick(FIRST), pick(LAST)
    local = (f + "." + l).lower().encode("ascii", "ignore").decode().replace("'", "")
    ptext = compose(me, pick(NEW_PERSON).format(first=f, role=role, company=company), f, role, company)
    message("person", addr(f"{f} {l}", f"{local}@{d}"), addr(*USER), pick(["Introduction", "Hello from " + company, "Your interview process"]),
            ptext, base + 5, 11)
    # 5. the outcome
    r = R.random()
    if r < 0.6:
        label, core = "outcome:rejected", pick(REJECT)
    elif r < 0.85:
        label, core = "outcome:offer", pick(OFFER)
    else:
        label, core = "outcome:withdrawn", pick(WITHDRAW)
    otext = compose(me, core.format(role=role, company=company), p1["name"].split()[0], role, company)
    # some come from the company's ATS address, found by the domain
    sender = addr(p1["name"], p1["email"]) if R.random() < 0.7 else addr(f"{company} Careers", f"noreply@{d}")
    message(label, sender, addr(*USER), pick([f"Your application to {company}", f"{role} - update", "Update on your candidacy", "Next steps"]),
            otext, base + 9, 14)

# unrelated mail (skipped), some naming a stored company
for k in range(200):
    tpl = UNRELATED[k % len(UNRELATED)]
    app = apps[150 + (k % 10)] if "{d}" in tpl[0] else None
    who, subj, text, bulk = tpl
    if who in ("friend", "landlord", "school"):
        f, l = pick(FIRST), pick(LAST)
        email = f"{f.lower().encode('ascii','ignore').decode()}{R.randrange(100)}@{pick(FRIEND_DOMAINS)}"
        frm = addr(f"{f} {l}", email)
    else:
        d = app["_domain"] if app else ""
        frm = addr(app["company"] if app else "Notifications", who.format(d=d))
    C = app["company"] if app else ""
    message("skip", frm, addr(*USER), subj.format(C=C), text.format(C=C), 5 + (k % 50), 8, bulk=bulk)

R.shuffle(msgs)

import sys
if len(sys.argv) == 4 and sys.argv[1] == "--bench":
    # A large mailbox for the benchmark (docs/BENCHMARKS.md): the corpus
    # repeated with fresh Message-IDs until it has N messages.
    n, path = int(sys.argv[2]), sys.argv[3]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for k in range(n):
            label, text = msgs[k % len(msgs)]
            text = text.replace("Message-ID: <", f"Message-ID: <r{k // len(msgs)}.", 1)
            out.write("From bench@debrief.example Mon Nov  2 09:00:00 2026\n")
            for line in text.split("\n"):
                if line.startswith("From ") or line.startswith(">From "):
                    line = ">" + line
                out.write(line + "\n")
            out.write("\n")
    print(n, "messages in", path)
    sys.exit(0)

with open("corpus.mbox", "w", encoding="utf-8", newline="\n") as out:
    for label, text in msgs:
        out.write("From corpus@debrief.example Mon Nov  2 09:00:00 2026\n")
        for line in text.split("\n"):
            if line.startswith("From ") or line.startswith(">From "):
                line = ">" + line
            out.write(line + "\n")
        out.write("\n")
with open("store.json", "w", encoding="utf-8") as out:
    json.dump(store, out, ensure_ascii=False, indent=1)
print(len(msgs), "messages")
