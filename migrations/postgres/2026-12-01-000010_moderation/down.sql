DROP TABLE appeals;
DROP TABLE moderation_reasons;
DROP TABLE moderation_claims;
DROP INDEX audit_log_subject_idx;
DROP INDEX audit_log_category_idx;
ALTER TABLE audit_log DROP COLUMN message;
ALTER TABLE audit_log DROP COLUMN subject_user_id;
ALTER TABLE audit_log DROP COLUMN category_id;
