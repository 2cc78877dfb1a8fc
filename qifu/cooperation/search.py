"""Chinese full-text search over listings, ranked by relevance, through a full-text index on both databases.

Listings carry their text pre-tokenised (``search_title``: title and specification; ``search_body``: description
and category): every CJK character and every pair of neighbouring CJK characters, and ASCII words whole (KN95,
6203, 2rs), separated by spaces — so no database needs a Chinese tokenizer, and a query of any length finds
what contains it. The database indexes those words:

- SQLite: an FTS5 table over both columns (external content, kept in step by triggers), ranked by bm25() with
  the title four times the body;
- PostgreSQL: a stored generated tsvector column ('simple' configuration: the words as they are; title weight
  A, body B) with a GIN index, ranked by ts_rank.

Why not jieba: it would add a dependency and a 20 MB dictionary per process; character bigrams give full recall
for queries of any length (口罩 finds 防护口罩) and their bm25/ts_rank already favours listings with more of the
query's bigrams and in the title. Why not pg_trgm: trigrams of two-character Chinese words are too few for its
index to work (a two-character query has no complete trigram).

``install`` creates the FTS5 table, its triggers, or the column and index; it runs in the migration and again
after every ``migrate`` (SQLite drops triggers when a later migration rebuilds the table).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from .matching.text import normalise

_PIECES = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FTS_TABLE = "cooperation_listing_fts"
TITLE_WEIGHT = 4.0


def tokens(text: str, *, query: bool = False) -> list[str]:
    """The words a text is indexed under (or, with ``query``, the words a listing must hold): ASCII runs whole;
    a CJK run as its characters and bigrams (a query's CJK run longer than one character: its bigrams only)."""
    out: list[str] = []
    for piece in _PIECES.findall(normalise(text or "")):
        if not _CJK.match(piece) or len(piece) == 1:
            out.append(piece)
        else:
            bigrams = [piece[i:i + 2] for i in range(len(piece) - 1)]
            out += bigrams if query else list(piece) + bigrams
    return out


def document(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


def query_terms(q: str) -> list[str]:
    return list(dict.fromkeys(tokens(q, query=True)))[:20]


SQLITE_INSTALL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cooperation_listing_fts USING fts5(search_title, search_body, "
    "content='cooperation_listing', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS cooperation_listing_fts_ai AFTER INSERT ON cooperation_listing BEGIN "
    "INSERT INTO cooperation_listing_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS cooperation_listing_fts_ad AFTER DELETE ON cooperation_listing BEGIN "
    "INSERT INTO cooperation_listing_fts(cooperation_listing_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS cooperation_listing_fts_au AFTER UPDATE ON cooperation_listing BEGIN "
    "INSERT INTO cooperation_listing_fts(cooperation_listing_fts, rowid, search_title, search_body) "
    "VALUES ('delete', old.id, old.search_title, old.search_body); "
    "INSERT INTO cooperation_listing_fts(rowid, search_title, search_body) "
    "VALUES (new.id, new.search_title, new.search_body); END",
)
POSTGRES_INSTALL = (
    "ALTER TABLE cooperation_listing ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS cooperation_listing_search ON cooperation_listing USING gin (search_vector)",
)


def install(connection: Any) -> None:
    """Create the database's full-text index over the token columns (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cooperation_listing_fts' "
                           "OR name LIKE 'cooperation_listing_fts_a_'")
            complete = cursor.fetchone()[0] == 4
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)
            if not complete:  # new, or rows written while a table rebuild had dropped the triggers
                cursor.execute("INSERT INTO cooperation_listing_fts(cooperation_listing_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            for statement in POSTGRES_INSTALL:
                cursor.execute(statement)


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in ("DROP TRIGGER IF EXISTS cooperation_listing_fts_ai",
                              "DROP TRIGGER IF EXISTS cooperation_listing_fts_ad",
                              "DROP TRIGGER IF EXISTS cooperation_listing_fts_au",
                              "DROP TABLE IF EXISTS cooperation_listing_fts"):
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE cooperation_listing DROP COLUMN IF EXISTS search_vector")


def matching(qs: QuerySet[Any], q: str, vendor: str) -> QuerySet[Any]:
    """``qs`` narrowed to listings holding every word of ``q`` through the full-text index, with their
    ``relevance`` (higher is better) selected for ordering."""
    terms = query_terms(q)
    if not terms:
        return qs
    if vendor == "sqlite":
        match = " AND ".join(f'"{t}"' for t in terms)  # words are [a-z0-9] or CJK only: nothing to escape
        return qs.extra(  # noqa: S610  (parameters bound; the table and weights are constants)
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = cooperation_listing.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
            select={"relevance": f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"})
    if vendor == "postgresql":
        return qs.extra(  # noqa: S610
            where=["cooperation_listing.search_vector @@ plainto_tsquery('simple', %s)"], params=[" ".join(terms)],
            select={"relevance": "ts_rank(cooperation_listing.search_vector, plainto_tsquery('simple', %s))"},
            select_params=[" ".join(terms)])
    for term in terms:  # another database: no index, the same words must be there
        qs = qs.filter(Q(search_title__contains=term) | Q(search_body__contains=term))
    return qs
