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

INSERT INTO consent_grants (app_id, grant_key, user_id, consent_id)
SELECT DISTINCT ON (c.app_id, g.value, c.user_id) c.app_id, g.value, c.user_id, c.id
FROM consents c, jsonb_array_elements_text(c.grants::jsonb) AS g(value)
WHERE c.status = 'given'
  AND NOT EXISTS (
    SELECT 1 FROM consents r, jsonb_array_elements_text(r.grants::jsonb) AS rg(value)
    WHERE r.user_id = c.user_id AND r.app_id = c.app_id AND r.status = 'refused' AND rg.value = g.value
      AND (r.created_at > c.created_at OR (r.created_at = c.created_at AND r.id > c.id))
  )
ORDER BY c.app_id, g.value, c.user_id, c.created_at DESC, c.id DESC;
