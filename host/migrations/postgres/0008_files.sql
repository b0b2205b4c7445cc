-- Attachments (contract 0.2): each file belongs to one document and to
-- the person who uploaded it. On PostgreSQL the bytes live in the database
-- in chunks of 256 KiB, keyed by their SHA-256 (content-addressed), so
-- every node serves them and a database backup holds them.
CREATE TABLE files (
    id             TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL,
    customer_id    TEXT NOT NULL,
    property_id    TEXT NOT NULL,
    collection     TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    owner_subject  TEXT NOT NULL,
    name           TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX files_by_document ON files (document_id, created_at);
CREATE INDEX files_by_owner ON files (owner_subject);
CREATE INDEX files_by_content ON files (sha256);

CREATE TABLE file_chunks (
    sha256  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);
