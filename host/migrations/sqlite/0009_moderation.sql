-- Moderation: people report documents as abusive; the property's staff
-- hide, restore or delete them, or dismiss the reports, with a reason.
-- A hidden document leaves every reader's query until it is restored.
ALTER TABLE documents ADD COLUMN hidden_at INTEGER;
CREATE INDEX documents_hidden ON documents (property_id, hidden_at) WHERE hidden_at IS NOT NULL;

-- One report per person and document; reporting again after a decision
-- opens it again.
CREATE TABLE moderation_reports (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL,
    property_id  TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    reporter_id  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    settled_at   INTEGER,
    UNIQUE (document_id, reporter_id)
);
CREATE INDEX moderation_reports_open ON moderation_reports (property_id, settled_at, created_at);
CREATE INDEX moderation_reports_by_reporter ON moderation_reports (reporter_id);

-- What staff decided, kept after the document is gone. Names people by id
-- only; the reason is the moderator's own words to the author.
CREATE TABLE moderation_decisions (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL,
    property_id   TEXT NOT NULL,
    app_id        TEXT NOT NULL,
    document_id   TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    moderator_id  TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('hide', 'restore', 'delete', 'dismiss')),
    reason        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX moderation_decisions_by_document ON moderation_decisions (document_id, created_at);
