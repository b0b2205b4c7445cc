-- Attachments (contract 0.2): each file belongs to one document and to
-- the person who uploaded it. On SQLite the bytes live beside the database
-- in `files/`, named by their SHA-256 (content-addressed), so the same
-- photo attached twice is stored once.
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
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX files_by_document ON files (document_id, created_at);
CREATE INDEX files_by_owner ON files (owner_subject);
CREATE INDEX files_by_content ON files (sha256);
