-- Tickets into a third-party app's own origin (see identity::app_pass): each
-- works once, within a minute, on whichever node redeems it. Only the
-- ticket's digest is kept; redeeming deletes the row, so a ticket seen again
-- (a replay, a copied link) finds nothing.
CREATE TABLE app_tickets (
    ticket_hash  TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    session_id   TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX app_tickets_by_expiry ON app_tickets (expires_at);
