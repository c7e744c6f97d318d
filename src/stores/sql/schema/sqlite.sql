-- sessionpp SQL store, schema version 1, SQLite 3.35 or later (WAL mode, foreign keys on).
-- sessionpp creates these tables on first use (create_schema = true). With create_schema = false
-- a DBA runs this file first; for a table prefix other than the default, replace every
-- "sessionpp_" below with it. Times are epoch milliseconds.
CREATE TABLE IF NOT EXISTS sessionpp_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handle TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  last_accessed INTEGER NOT NULL,
  max_inactive INTEGER NOT NULL,
  absolute_deadline INTEGER,
  expires_at INTEGER,
  principal TEXT
);
CREATE INDEX IF NOT EXISTS sessionpp_sessions_expires_at_idx
  ON sessionpp_sessions (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessionpp_sessions_principal_idx
  ON sessionpp_sessions (principal) WHERE principal IS NOT NULL;
CREATE TABLE IF NOT EXISTS sessionpp_session_attributes (
  session_id INTEGER NOT NULL REFERENCES sessionpp_sessions (id) ON DELETE CASCADE,
  name BLOB NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (session_id, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessionpp_schema_version (
  id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
);
INSERT OR IGNORE INTO sessionpp_schema_version (id, version) VALUES (1, 1);
