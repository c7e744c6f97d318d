-- sessionpp SQL store, schema version 1, MySQL 8 / MariaDB 10.5 or later (InnoDB, utf8mb4).
-- sessionpp creates these tables on first use (create_schema = true). With create_schema = false
-- a DBA runs this file first; for a table prefix other than the default, replace every
-- "sessionpp_" below with it. Times are epoch milliseconds.
CREATE TABLE IF NOT EXISTS sessionpp_sessions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  handle CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created BIGINT NOT NULL,
  last_accessed BIGINT NOT NULL,
  max_inactive BIGINT NOT NULL,
  absolute_deadline BIGINT NULL,
  expires_at BIGINT NULL,
  principal VARBINARY(1024) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY sessionpp_sessions_handle (handle),
  KEY sessionpp_sessions_expires_at (expires_at),
  KEY sessionpp_sessions_principal (principal)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE IF NOT EXISTS sessionpp_session_attributes (
  session_id BIGINT NOT NULL,
  name VARBINARY(200) NOT NULL,
  value MEDIUMBLOB NOT NULL,
  PRIMARY KEY (session_id, name),
  CONSTRAINT sessionpp_session_attributes_session FOREIGN KEY (session_id)
    REFERENCES sessionpp_sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE TABLE IF NOT EXISTS sessionpp_schema_version (
  id INT NOT NULL PRIMARY KEY,
  version INT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
INSERT IGNORE INTO sessionpp_schema_version (id, version) VALUES (1, 1);
