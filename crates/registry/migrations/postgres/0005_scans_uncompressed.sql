-- A scan is a JPEG: compressing it again gains nothing, and PostgreSQL's default storage tried on every stored scan
-- (pglz took ~4 % of the server's time under the load bench). EXTERNAL keeps it out of line, uncompressed.
ALTER TABLE documents ALTER COLUMN scan SET STORAGE EXTERNAL;
