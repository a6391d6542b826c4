DROP TABLE notification_preferences;
DROP TABLE post_helpful;
DROP TABLE category_watches;
DROP TABLE thread_watches;
