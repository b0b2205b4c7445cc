-- Tenancy: a customer (the data controller) owns properties; properties have
-- units; occupancies put residents in units for a period.
CREATE TABLE customers (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    resident_invites  INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE properties (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    external_id  TEXT,
    name         TEXT NOT NULL,
    street       TEXT NOT NULL,
    postal_code  TEXT NOT NULL,
    city         TEXT NOT NULL,
    country      TEXT NOT NULL,
    address_key  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (customer_id, external_id)
);
CREATE INDEX properties_by_customer ON properties (customer_id, id);
CREATE INDEX properties_by_address ON properties (address_key);

CREATE TABLE units (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    property_id  TEXT NOT NULL REFERENCES properties (id),
    external_id  TEXT,
    kind         TEXT NOT NULL,
    label        TEXT NOT NULL,
    floor        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (customer_id, external_id)
);
CREATE INDEX units_by_property ON units (property_id, id);

-- Dates are ISO `YYYY-MM-DD`; `ends_on` is the first day without access.
CREATE TABLE occupancies (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    property_id  TEXT NOT NULL REFERENCES properties (id),
    unit_id      TEXT NOT NULL REFERENCES units (id),
    external_id  TEXT,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (customer_id, external_id)
);
CREATE INDEX occupancies_by_unit ON occupancies (unit_id, id);
CREATE INDEX occupancies_by_property ON occupancies (property_id, id);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    locale             TEXT NOT NULL,
    password_hash      TEXT,
    email_verified_at  INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE occupants (
    occupancy_id  TEXT NOT NULL REFERENCES occupancies (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    added_at      INTEGER NOT NULL,
    PRIMARY KEY (occupancy_id, user_id)
);
CREATE INDEX occupants_by_user ON occupants (user_id);

-- Role × scope × validity. Scope: neither id (platform, operators only),
-- a customer, or one property of it.
CREATE TABLE role_assignments (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    customer_id  TEXT REFERENCES customers (id),
    property_id  TEXT REFERENCES properties (id),
    valid_from   TEXT,
    valid_until  TEXT,
    granted_by   TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX role_assignments_by_user ON role_assignments (user_id);
CREATE INDEX role_assignments_by_customer ON role_assignments (customer_id, id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    kind           TEXT NOT NULL CHECK (kind IN ('api', 'browser')),
    secret_hash    TEXT NOT NULL UNIQUE,
    previous_hash  TEXT,
    property_id    TEXT,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_previous ON sessions (previous_hash);

-- Single-use tokens sent by mail: email verification, password reset and
-- resident-to-resident invitations. Only their SHA-256 is kept.
CREATE TABLE email_tokens (
    token_hash    TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL CHECK (purpose IN ('verify-email', 'reset-password', 'invitation')),
    user_id       TEXT REFERENCES users (id),
    email         TEXT NOT NULL,
    occupancy_id  TEXT REFERENCES occupancies (id),
    created_by    TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX email_tokens_by_user ON email_tokens (user_id);

-- Activation codes a property manager prints on a letter or mails as a URL.
CREATE TABLE activation_codes (
    code_hash     TEXT PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    customer_id   TEXT NOT NULL REFERENCES customers (id),
    property_id   TEXT NOT NULL REFERENCES properties (id),
    occupancy_id  TEXT NOT NULL REFERENCES occupancies (id),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    used_by       TEXT
);
CREATE INDEX activation_codes_by_property ON activation_codes (property_id, created_at);

-- Someone without a code asks for access to the building at an address.
CREATE TABLE access_requests (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    customer_id    TEXT REFERENCES customers (id),
    property_id    TEXT REFERENCES properties (id),
    street         TEXT NOT NULL,
    postal_code    TEXT NOT NULL,
    city           TEXT NOT NULL,
    unit_label     TEXT NOT NULL,
    message        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by     TEXT,
    decided_at     INTEGER,
    occupancy_id   TEXT REFERENCES occupancies (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX access_requests_by_property ON access_requests (property_id, status, created_at);

-- Failed sign-ins per email address (known or not, so both look the same).
CREATE TABLE login_throttle (
    email_key      TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    blocked_until  INTEGER NOT NULL
);

-- Mail leaves through this table, in the transaction that caused it.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER,
    last_error       TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, next_attempt_at);
