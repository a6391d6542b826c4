DROP TABLE settings;
DROP TABLE outbox;
DROP TABLE audit_log;
DROP TABLE account_tokens;
DROP TABLE sessions;
DROP TABLE users;
