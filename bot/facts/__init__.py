"""The fact base: records, validation of the curated files, and the SQLite build."""
