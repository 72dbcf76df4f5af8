"""The store's queries, grouped by aggregate; each returns domain objects or plain values.

Services orchestrate and never build SQL: a query lives here (``ladders``, ``usage``, …) so a
second database (a PostgreSQL team server) needs changes in one package. A query with a
dialect-specific fast path (SQLite's raw DB-API cursor and date functions) keeps a portable
fallback behind the same function; ``tests/store/test_queries.py`` proves both agree.
"""
