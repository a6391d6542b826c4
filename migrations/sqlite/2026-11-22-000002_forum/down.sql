DROP TABLE search_outbox;
DROP TABLE post_revisions;
DROP TABLE posts;
DROP TABLE threads;
DROP TABLE category_moderators;
DROP TABLE categories;
