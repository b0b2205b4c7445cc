-- The grants each person's consent covers right now, one row per grant:
-- what the `consents` records add up to (a later refusal takes a grant
-- back, a withdrawal all of them). Kept in the same transaction as every
-- consent change, so storage queries can check the consent of each
-- document's owner inside the query itself.
CREATE TABLE consent_grants (
    app_id      TEXT NOT NULL,
    grant_key   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    consent_id  TEXT NOT NULL,
    PRIMARY KEY (app_id, grant_key, user_id)
);
CREATE INDEX consent_grants_by_user ON consent_grants (user_id, app_id);

INSERT OR REPLACE INTO consent_grants (app_id, grant_key, user_id, consent_id)
SELECT c.app_id, g.value, c.user_id, c.id
FROM consents c, json_each(c.grants) g
WHERE c.status = 'given'
  AND NOT EXISTS (
    SELECT 1 FROM consents r, json_each(r.grants) rg
    WHERE r.user_id = c.user_id AND r.app_id = c.app_id AND r.status = 'refused' AND rg.value = g.value
      AND (r.created_at > c.created_at OR (r.created_at = c.created_at AND r.id > c.id))
  )
ORDER BY c.created_at, c.id;
