-- Profile fields a person may fill in beyond their name. Apps read them only
-- field by field, through approval and consent.
ALTER TABLE users ADD COLUMN given_name TEXT;
ALTER TABLE users ADD COLUMN family_name TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
-- Set while the person restricts processing of their data (GDPR Art. 18):
-- third-party apps get nothing about them.
ALTER TABLE users ADD COLUMN restricted_at BIGINT;

-- A customer's approval of an app: which version, which of its requested
-- grants (a subset), for which properties, by whom and when. One row per
-- customer and app; every change is also in the audit log.
CREATE TABLE app_approvals (
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    app_id          TEXT NOT NULL,
    version         TEXT NOT NULL,
    grants          TEXT NOT NULL,
    all_properties  BIGINT NOT NULL,
    property_ids    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    approved_by     TEXT,
    approved_at     BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (customer_id, app_id)
);

-- A resident's consent records for a third-party app. Consent is
-- incremental: each record holds the grants consented at that time; only
-- records with status 'given' count.
CREATE TABLE consents (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    app_id         TEXT NOT NULL,
    version        TEXT NOT NULL,
    grants         TEXT NOT NULL,
    purposes_hash  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('given', 'refused', 'withdrawn')),
    created_at     BIGINT NOT NULL,
    withdrawn_at   BIGINT
);
CREATE INDEX consents_by_user ON consents (user_id, app_id);

-- Pairwise pseudonyms: what a third-party app sees instead of the user id.
-- Derived by a keyed hash; stored so the host can resolve them back, and
-- deleted when the person is erased, after which they resolve to no one.
CREATE TABLE pseudonyms (
    pseudonym   TEXT PRIMARY KEY,
    app_id      TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (app_id, user_id)
);

-- In-app notifications sent by apps.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    property_id  TEXT NOT NULL REFERENCES properties (id),
    app_id       TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    link         TEXT,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
CREATE INDEX notifications_by_app ON notifications (app_id, user_id, created_at);

-- The audit log: append-only, hash-chained. `hash` covers `prev_hash` and
-- every other column. References only, never personal data values.
CREATE TABLE audit_entries (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    customer_id    TEXT,
    actor_kind     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    app_version    TEXT,
    app_digest     TEXT,
    on_behalf_of   TEXT,
    action         TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT,
    subject_id     TEXT,
    fields         TEXT,
    purpose        TEXT,
    legal_basis    TEXT,
    grant_ref      TEXT,
    consent_ref    TEXT,
    outcome        TEXT NOT NULL,
    reason         TEXT,
    request_id     TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_by_customer ON audit_entries (customer_id, seq);
CREATE INDEX audit_by_subject ON audit_entries (subject_id, seq);

-- The end of the chain. Appenders lock this row first, so entries from
-- every node form one chain; verification also checks nothing was cut off.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints: the chain's hash at `seq`, signed with the
-- deployment's audit key, so entries before it can be pruned while the
-- rest still verifies.
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- Bumped with every approval or consent change, for nodes that cannot
-- listen for notifications (embedded SQLite shared by several processes).
CREATE TABLE policy_revision (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  BIGINT NOT NULL
);
INSERT INTO policy_revision (id, revision) VALUES (1, 0);

-- Keys the whole deployment shares and that protect nothing the database
-- does not already hold (the pseudonym key: the pseudonym table is here too).
CREATE TABLE deployment_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
