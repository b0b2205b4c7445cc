-- A person's choice, per app, to get that app's notifications by mail too,
-- and the token of the unsubscribe link those mails carry. The token only
-- ever turns mail off for this one person and app, and every mail must
-- carry it again, so it is kept as it is, not as a digest.
CREATE TABLE notification_mail (
    user_id      TEXT NOT NULL REFERENCES users (id),
    app_id       TEXT NOT NULL,
    -- Since when notifications also go out by mail; NULL: only in the app.
    mail_since   BIGINT,
    unsubscribe  TEXT NOT NULL UNIQUE,
    changed_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, app_id)
);

-- Whether a notification still has to be mailed: NULL (not by mail),
-- 'pending' (the person wanted it by mail when it arrived), 'queued' (its
-- mail is in the outbox) or 'dropped' (mail was turned off meanwhile, or
-- the address is not confirmed).
ALTER TABLE notifications ADD COLUMN mail_state TEXT;
CREATE INDEX notifications_mail_pending ON notifications (created_at) WHERE mail_state = 'pending';

-- RFC 8058 one-click unsubscribing: the List-Unsubscribe address of a mail.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
