-- 0001: the first schema of a Debrief store.
--
-- Append-only: never edit a migration that has shipped; add 0002_….sql.
--
-- Conventions:
-- * `applications.pk` is the store's own key; its order is insertion order.
--   Every child row is keyed by (app, position) so one ordered scan of a
--   WITHOUT ROWID table yields all children of all applications in order.
-- * A time (`Moment`) is stored as its RFC 3339 text, exactly as the user
--   wrote it, plus `_s` (UTC Unix seconds), `_ns` (sub-second nanoseconds)
--   and `_off` (the offset in seconds): queries can sort by `_s`, and
--   loading rebuilds the value without parsing text.
-- * Dates are `YYYY-MM-DD` text. Small lists of strings or slip-ups are JSON
--   text, NULL when empty.
-- * Enumerations are their `debrief/1` wire names.
-- * `application_images` holds each application once more, packed in one
--   text (see `src/image.rs`), written in the same transaction as the rows.
--   Loading everything reads these: stepping through 200,000 touch rows
--   column by column alone takes longer than a whole `debrief agenda` may.
--   The tables stay the truth; an image that is missing or of another
--   `format` is ignored and the application is read from the tables.

CREATE TABLE profile (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    name             TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    holiday_calendar TEXT NOT NULL,
    holiday_extra    TEXT,
    policy           TEXT NOT NULL
) STRICT;

CREATE TABLE applications (
    pk        INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    company   TEXT NOT NULL,
    role      TEXT NOT NULL,
    stage     TEXT NOT NULL,
    urgent    INTEGER NOT NULL,
    recruiter TEXT NOT NULL,
    policy    TEXT
) STRICT;

CREATE TABLE people (
    app             INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT,
    email           TEXT,
    phone           TEXT,
    mailing_address TEXT,
    said            TEXT,
    -- `prefers: {}` is not the same as no `prefers` at all.
    has_prefers     INTEGER NOT NULL,
    prefers_channel TEXT,
    prefers_after   TEXT,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE interviews (
    app                         INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position                    INTEGER NOT NULL,
    id                          TEXT NOT NULL,
    start                       TEXT NOT NULL,
    start_s                     INTEGER NOT NULL,
    start_ns                    INTEGER NOT NULL,
    start_off                   INTEGER NOT NULL,
    minutes                     INTEGER NOT NULL,
    format                      TEXT NOT NULL,
    status                      TEXT NOT NULL,
    asked_questions             INTEGER,
    disrupted                   INTEGER NOT NULL,
    prepared_research           INTEGER NOT NULL,
    prepared_questions          INTEGER NOT NULL,
    slip_ups                    TEXT,
    -- A reflection exists exactly when `reflection_went_well` is not NULL.
    reflection_went_well        TEXT,
    reflection_change           TEXT,
    reflection_mistakes         TEXT,
    reflection_missing_info     TEXT,
    reflection_hardest_question TEXT,
    scheduled_at                TEXT,
    scheduled_at_s              INTEGER,
    scheduled_at_ns             INTEGER,
    scheduled_at_off            INTEGER,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

-- Interviewers and others met, by person id. Not a foreign key to `people`:
-- cross-references are checked by `debrief_core::exchange`, and the store
-- keeps whatever it was given.
CREATE TABLE interview_people (
    app       INTEGER NOT NULL,
    interview INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('interviewer', 'also_met')),
    position  INTEGER NOT NULL,
    person    TEXT NOT NULL,
    PRIMARY KEY (app, interview, role, position),
    FOREIGN KEY (app, interview) REFERENCES interviews (app, position) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE touches (
    app           INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    at            TEXT NOT NULL,
    at_s          INTEGER NOT NULL,
    at_ns         INTEGER NOT NULL,
    at_off        INTEGER NOT NULL,
    person        TEXT,
    channel       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    replied_at    TEXT,
    replied_at_s  INTEGER,
    replied_at_ns INTEGER,
    replied_at_off INTEGER,
    forced        INTEGER NOT NULL,
    note          TEXT,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE news (
    app      INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    "on"     TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE outcomes (
    app           INTEGER PRIMARY KEY REFERENCES applications (pk) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    "on"          TEXT NOT NULL,
    stay_in_touch INTEGER NOT NULL
) STRICT;

CREATE TABLE feedback (
    app       INTEGER NOT NULL REFERENCES outcomes (app) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    kind      TEXT,
    positive  INTEGER NOT NULL,
    plan_step TEXT,
    plan_by   TEXT,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE research (
    app          INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    fact         TEXT NOT NULL,
    contribution TEXT,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE dismissals (
    app       INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    rule      TEXT NOT NULL,
    interview TEXT,
    person    TEXT,
    at        TEXT NOT NULL,
    at_s      INTEGER NOT NULL,
    at_ns     INTEGER NOT NULL,
    at_off    INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (app, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE application_images (
    app    INTEGER PRIMARY KEY REFERENCES applications (pk) ON DELETE CASCADE,
    format INTEGER NOT NULL,
    body   TEXT NOT NULL
) STRICT;
