-- Contract 0.2: documents of a unit, for staff and for named participants,
-- replies under a parent, and unique keys.
ALTER TABLE documents DROP CONSTRAINT documents_visibility_check;
ALTER TABLE documents ADD CONSTRAINT documents_visibility_check
    CHECK (visibility IN ('private', 'property', 'unit', 'staff', 'participants'));
-- The unit whose current residents read a `unit` document.
ALTER TABLE documents ADD COLUMN unit_id TEXT;
-- The document this one answers, and whose owner its audience is reckoned
-- from (the anchor); both NULL for a document of its own.
ALTER TABLE documents ADD COLUMN parent_id TEXT;
ALTER TABLE documents ADD COLUMN anchor_owner TEXT;
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
