DROP TABLE post_flags;
DROP TABLE notifications;
