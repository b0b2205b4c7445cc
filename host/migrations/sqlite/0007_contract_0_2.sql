-- Contract 0.2: documents of a unit, for staff and for named participants,
-- replies under a parent, and unique keys.
--
-- SQLite cannot widen a CHECK constraint in place, so `documents` is
-- rebuilt with its rows (ids and sequence numbers kept).
CREATE TABLE documents_v2 (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    app_id         TEXT NOT NULL REFERENCES apps (app_id),
    collection     TEXT NOT NULL,
    customer_id    TEXT NOT NULL,
    property_id    TEXT NOT NULL,
    owner_subject  TEXT NOT NULL,
    visibility     TEXT NOT NULL
        CHECK (visibility IN ('private', 'property', 'unit', 'staff', 'participants')),
    -- The unit whose current residents read a `unit` document.
    unit_id        TEXT,
    -- The document this one answers, and whose owner its audience is
    -- reckoned from (the anchor); both NULL for a document of its own.
    parent_id      TEXT,
    anchor_owner   TEXT,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    revision       INTEGER NOT NULL
);
INSERT INTO documents_v2 (seq, id, app_id, collection, customer_id, property_id, owner_subject, visibility,
                          body, created_at, updated_at, revision)
    SELECT seq, id, app_id, collection, customer_id, property_id, owner_subject, visibility,
           body, created_at, updated_at, revision
    FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;
CREATE INDEX documents_by_scope ON documents (app_id, customer_id, property_id, collection, seq);
CREATE INDEX documents_by_owner ON documents (owner_subject);
CREATE INDEX documents_by_parent ON documents (parent_id, seq);
CREATE INDEX documents_by_unit ON documents (unit_id);

-- Who else reads a `participants` document (a reply copies its parent's).
CREATE TABLE document_participants (
    document_id  TEXT NOT NULL,
    subject      TEXT NOT NULL,
    PRIMARY KEY (document_id, subject)
);
CREATE INDEX document_participants_by_subject ON document_participants (subject);

-- Unique keys claimed by documents: the primary key makes two claims of one
-- key in one app, collection and property impossible, on any node.
CREATE TABLE document_keys (
    app_id       TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    property_id  TEXT NOT NULL,
    collection   TEXT NOT NULL,
    claim        TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    PRIMARY KEY (app_id, customer_id, property_id, collection, claim)
);
CREATE INDEX document_keys_by_document ON document_keys (document_id);
