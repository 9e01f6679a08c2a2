-- 0008: each application stored once, as its serde body (issue #12).
--
-- Until now every field had its own column in one of ten tables (people,
-- interviews, interview_people, touches, news, outcomes, feedback,
-- research, dismissals), written and read field by field, and packed once
-- more by a hand-written codec into `application_images`. From here on:
--
-- * `application_bodies.body` is the application as the model's own
--   `Serialize` writes it: the exchange format's JSON, the same text as
--   PostgreSQL's bodies. It is the one truth, and self-describing: a field
--   added to the model with `#[serde(default)]` needs no migration.
-- * `applications` keeps only what queries need, all derived from the
--   application when it is written: `id` (lookups), `company`, `role`,
--   `stage`, `urgent`, `archived`, the counts `people`, `interviews`,
--   `touches` and the `outcome` kind (`summaries`), and `quiet_from`,
--   `quiet_zone` (0002, `load_active`), `version` (0004) as before. `pk`
--   keeps the insertion order. The bodies live in their own table so a
--   scan of these rows (every agenda's) stays a few pages.
-- * `application_images` stays a derived cache for fast loads: the same
--   serde value in a positional binary format (`src/image.rs`), tagged
--   with `format`, a hash of the encoding's version and the model's
--   layout. An image of another format is ignored (the body is read), and
--   all are rebuilt when a build with another format opens the file
--   (`image_format` records the format they were last rebuilt in).
-- * `application_keys` (0007) is unchanged; it is recreated because it
--   refers to `applications`.
--
-- Upgrading: before this file runs, `migrations.rs` reads every
-- application with the old table reader (`src/legacy.rs`, kept for this
-- alone) and after it writes each back under the same key, version and
-- quietness, with its body, image and keys, in the same transaction.
-- The old tables are dropped, leaves first.

DROP TABLE application_keys;
DROP TABLE application_images;
DROP TABLE interview_people;
DROP TABLE interviews;
DROP TABLE feedback;
DROP TABLE outcomes;
DROP TABLE people;
DROP TABLE touches;
DROP TABLE news;
DROP TABLE research;
DROP TABLE dismissals;
DROP TABLE applications;

CREATE TABLE applications (
    pk         INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    company    TEXT NOT NULL,
    role       TEXT NOT NULL,
    stage      TEXT NOT NULL,
    urgent     INTEGER NOT NULL,
    archived   INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    interviews INTEGER NOT NULL,
    touches    INTEGER NOT NULL,
    outcome    TEXT,
    quiet_from INTEGER,
    quiet_zone TEXT,
    version    INTEGER NOT NULL
) STRICT;

CREATE TABLE application_bodies (
    app  INTEGER PRIMARY KEY REFERENCES applications (pk) ON DELETE CASCADE,
    body TEXT NOT NULL
) STRICT;

CREATE TABLE application_images (
    app    INTEGER PRIMARY KEY REFERENCES applications (pk) ON DELETE CASCADE,
    format INTEGER NOT NULL,
    image  BLOB NOT NULL
) STRICT;

CREATE TABLE application_keys (
    key INTEGER NOT NULL,
    app INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    PRIMARY KEY (key, app)
) STRICT, WITHOUT ROWID;

CREATE INDEX application_keys_by_app ON application_keys (app);

CREATE TABLE image_format (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    format    INTEGER NOT NULL
) STRICT;
