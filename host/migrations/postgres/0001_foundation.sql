-- Components by content digest: one row per distinct .wasm, shared by versions.
CREATE TABLE components (
    digest      TEXT PRIMARY KEY,
    bytes       BYTEA NOT NULL,
    size_bytes  BIGINT NOT NULL,
    stored_at   BIGINT NOT NULL
);

-- Every installed version of every app, with the manifest it was installed with.
CREATE TABLE app_versions (
    app_id        TEXT NOT NULL,
    version       TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('core', 'third-party')),
    vendor        TEXT NOT NULL,
    manifest      TEXT NOT NULL,
    digest        TEXT NOT NULL REFERENCES components (digest),
    installed_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, version)
);

-- The catalog: which version of each app runs.
CREATE TABLE apps (
    app_id           TEXT PRIMARY KEY,
    current_version  TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    FOREIGN KEY (app_id, current_version) REFERENCES app_versions (app_id, version)
);

-- Bumped by every catalog change so nodes can notice it cheaply.
CREATE TABLE catalog_revision (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  BIGINT NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);

-- Documents micro-apps keep. Ownership is the host's, never the app's word.
CREATE TABLE documents (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES apps (app_id),
    collection     TEXT NOT NULL,
    customer_id    TEXT NOT NULL,
    property_id    TEXT NOT NULL,
    owner_subject  TEXT NOT NULL,
    visibility     TEXT NOT NULL CHECK (visibility IN ('private', 'property')),
    body           JSONB NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    revision       BIGINT NOT NULL
);
CREATE INDEX documents_by_scope ON documents (app_id, customer_id, property_id, collection, seq);
CREATE INDEX documents_by_owner ON documents (owner_subject);
