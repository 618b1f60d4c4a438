"""The public catalogue: every published practice, searchable in Greek and English.

A fold of the observatory's topic: `PracticePublished` puts the public record in (replacing an
earlier publication of the practice), `PracticeArchived` and `PracticeWithdrawn` take it out.
Rows are keyed by practice id and stale versions are skipped by the runtime, so a rebuild from
offset 0 gives the same rows.

Search is PostgreSQL's full text. Greek texts are read with a configuration `catalogue_greek`
(the `greek` snowball stemmer after `unaccent`), English ones with `catalogue_english`
(`english` after `unaccent`); both live in the generation's schema and are made by its DDL
under the runtime's schema lock. Title weighs A, the short explanation B, the rest C.

A typed word matches when any of its lexemes in either language does (the words are ANDed),
so "innovations" finds "innovation", "καινοτομια" finds "καινοτομία" and "δήμων" finds
"δήμος". Greek's stemmer leaves an `ι` on some forms ("καινοτομίες" → `καινοτομι`, but
"καινοτομία" → `καινοτομ`): a Greek lexeme is looked for with and without it.

One search is one statement: the matching practices in a materialised CTE (small columns only),
the facet counts aggregated over it, and `ts_headline` on the page's rows only.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Final
from uuid import UUID

from eventsourcing.application import Application
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier, Literal
from psycopg.types.json import Jsonb

from contracts import observatory
from contracts.observatory import PublicPractice
from contracts.registration import Language
from contracts.topics import topic_of
from services.observatory.settings import ObservatorySettings
from services.runtime.deliveries import Delivery
from services.runtime.paging import Page
from services.runtime.projection import Projection
from services.runtime.sealing import Sealer

GREEK: Final = "catalogue_greek"
ENGLISH: Final = "catalogue_english"
CONFIGURATIONS: Final = ((GREEK, "greek", "greek_stem"), (ENGLISH, "english", "english_stem"))
"""Each configuration: its name, the built-in one it copies, and the stemmer after unaccent."""
WORD_TOKENS: Final = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

MARK_START: Final = "\ufdd0"
MARK_END: Final = "\ufdd1"
"""What `ts_headline` wraps a match in: noncharacters, taken out of the text beforehand, so
after the text is escaped they alone become `<mark>` and `</mark>`."""
HEADLINE_OPTIONS: Final = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=2,"
    ' MaxFragments=2, FragmentDelimiter=" … "'
)

SNIPPET_SOURCE: Final = 2000
"""How much of the overview a snippet is taken from (`ts_headline` reads all it is given)."""
MAX_QUERY_WORDS: Final = 16
TOP_TAGS: Final = 30
DIMENSIONS: Final = ("level", "sector", "stage", "facet", "year", "tag")
GREEK_STOP_WORDS: Final = frozenset(
    {
        "ο",
        "η",
        "το",
        "οι",
        "τα",
        "του",
        "της",
        "των",
        "τον",
        "την",
        "τη",
        "τους",
        "τις",
        "ενα",
        "ενας",
        "μια",
        "μιας",
        "ενος",
        "και",
        "κι",
        "ειτε",
        "σε",
        "στο",
        "στη",
        "στην",
        "στον",
        "στα",
        "στους",
        "στις",
        "στου",
        "στης",
        "απο",
        "για",
        "με",
        "προς",
        "κατα",
        "μετα",
        "χωρις",
        "ως",
        "που",
        "πως",
        "οτι",
        "να",
        "θα",
        "δεν",
        "μη",
        "μην",
        "ειναι",
        "ηταν",
        "αυτο",
        "αυτη",
        "αυτος",
        "αυτα",
        "αυτες",
        "αυτοι",
    }
)
"""Greek words too common to search for (case and accents folded). PostgreSQL's Greek
configuration has no stop words, so "και" alone would ask for practices holding "και";
English stop words are PostgreSQL's own (a word with no lexeme is dropped by the query)."""
WORD: Final = re.compile(r"\w+(?:[-'’.]\w+)*")


class Sort(StrEnum):
    """The order of a search's results."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"


@dataclass(frozen=True)
class Filters:
    """What a search asks for: text and one value per dimension, all ANDed."""

    q: str | None = None
    level: str | None = None
    sector: str | None = None
    stage: str | None = None
    facet: str | None = None
    year: int | None = None
    tag: str | None = None

    def words(self) -> list[str]:
        """The words of `q` (at most 16), as PostgreSQL's parser is given them one by one."""
        if not self.q:
            return []
        text = unicodedata.normalize("NFC", self.q)
        words = [word for word in WORD.findall(text) if folded(word) not in GREEK_STOP_WORDS]
        return words[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Hit:
    """A practice found, in the language shown first, with its snippet (HTML-safe)."""

    practice_id: UUID
    language: str
    title: str
    short_explanation: str
    snippet: str
    snippet_language: str
    """The language of the snippet's text: the one a match was found in, else `language`."""
    body_name: str
    level: str
    sector: str
    stage: str
    facets: list[str]
    year_launched: int
    tags: list[str]
    languages: list[str]
    published_at: datetime


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Found:
    """A page of a search, how many practices match in all, and the counts by dimension."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


def folded(text: str) -> str:
    """A sort key: case and accents dropped."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def without_marks(text: str) -> str:
    """`text` without the characters that stand for a match's start and end."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def marked(headline: str) -> str:
    """A headline as HTML: the text escaped, each match in `<mark>…</mark>`."""
    escaped = html.escape(headline, quote=True)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def unique(values: Sequence[str]) -> list[str]:
    """The values once each, in their order."""
    return list(dict.fromkeys(values))


def rest_of(texts: observatory.PracticeTexts) -> str:
    """A language's texts past title and short explanation, one paragraph each."""
    parts = [
        texts.overview,
        texts.innovativeness,
        texts.stage_status,
        texts.collaborations,
        texts.users_beneficiaries,
        texts.results_impact,
        texts.challenges,
        texts.conditions_for_success,
        texts.replication,
        texts.lessons_learned,
    ]
    return "\n".join(part for part in parts if part)


# The typed words as one tsquery: each word is any of its lexemes in either configuration
# (and a Greek lexeme with or without a final ι); a word either configuration drops (a stop
# word) is left out. An empty result is NULL, which matches nothing.
QUERY_CTE = SQL(
    """words AS (
    SELECT ord, w FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(w, ord)
), lexemes AS (
    SELECT ord, 'el' AS cfg, l
    FROM words, unnest(tsvector_to_array(to_tsvector({greek}, w))) AS l
    UNION ALL
    SELECT ord, 'en', l FROM words, unnest(tsvector_to_array(to_tsvector({english}, w))) AS l
), kept AS (
    SELECT ord FROM lexemes GROUP BY ord HAVING count(DISTINCT cfg) = 2
), alternatives AS (
    SELECT ord, l FROM lexemes JOIN kept USING (ord)
    UNION
    SELECT ord, CASE WHEN right(l, 1) = 'ι' THEN left(l, -1) ELSE l || 'ι' END
    FROM lexemes JOIN kept USING (ord)
    WHERE cfg = 'el' AND l ~ '^[α-ω]+$'
        AND length(l) >= CASE WHEN right(l, 1) = 'ι' THEN 5 ELSE 4 END
), per_word AS (
    SELECT ord, '(' || string_agg(
        '''' || replace(replace(l, '\\', '\\\\'), '''', '''''') || '''', ' | ' ORDER BY l
    ) || ')' AS alternatives
    FROM alternatives GROUP BY ord
), query AS (
    SELECT string_agg(alternatives, ' & ' ORDER BY ord)::tsquery AS q FROM per_word
)"""
).format(greek=Literal(GREEK), english=Literal(ENGLISH))

Q = SQL("(SELECT q FROM query)")
EMPTY_QUERY = SQL("WITH {} SELECT q IS NULL AS empty FROM query").format(QUERY_CTE)
EXPORT_BATCH: Final = 100
"""How many rows an export reads from the database at a time."""


EMPTY_WORDS_KEPT: Final = 4096
"""How many word lists `searched_words` remembers the answer for."""
_empty_words: dict[tuple[str, ...], bool] = {}


def searched_words(curs: Cursor[DictRow], filters: Filters) -> list[str]:
    """The words of `q` to search for; none when no word has a lexeme (only stop words, as
    "the" or "και"), so such a `q` is the catalogue without words, not an empty result.

    The answer depends on the words and the configurations only (the same in every
    generation), so it is asked once per word list (up to `EMPTY_WORDS_KEPT` of them)."""
    words = filters.words()
    if not words:
        return []
    key = tuple(words)
    empty = _empty_words.get(key)
    if empty is None:
        row = curs.execute(EMPTY_QUERY, {"words": words}).fetchone()
        empty = row is None or bool(row["empty"])
        if len(_empty_words) >= EMPTY_WORDS_KEPT:
            _empty_words.clear()
        _empty_words[key] = empty
    return [] if empty else words


class Catalogue(Projection):
    """The published practices: what the public searches, reads, exports and follows.

    Three tables: `practices` holds what is shown (the record, the texts, the snippets' source
    and each language's vector); `search` the narrow columns a search scans (filters, sort
    keys, the codes of the dimension values, the full vector behind the GIN index and the small one
    the rank reads); `dim_counts` how many practices have each dimension value, kept with
    every change, so the unfiltered catalogue's counts are read, not counted.
    """

    name = "catalogue"
    topics: ClassVar = (topic_of("observatory").name,)
    read_overflow: ClassVar[int] = 6
    """The public's searches come many at once: up to 8 connections read together."""

    def __init__(
        self,
        database_url: str,
        *,
        application: Application[UUID],
        sealer: Sealer,
        generation: int | None = None,
    ) -> None:
        self._found: dict[tuple[Any, ...], Found] = {}
        """Answers of searches at the catalogue's current version (the oldest first)."""
        self._found_version: tuple[str, int] | None = None
        self._found_kept = ObservatorySettings().catalogue_cache
        super().__init__(
            database_url, application=application, sealer=sealer, generation=generation
        )

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        schema = curs.execute("SELECT current_schema() AS s").fetchone()
        assert schema is not None
        unaccent = self._unaccent_schema(curs)
        for name, base, stemmer in CONFIGURATIONS:
            exists = curs.execute(
                "SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace"
                " WHERE c.cfgname = %s AND n.nspname = %s",
                (name, schema["s"]),
            ).fetchone()
            if exists:
                continue
            curs.execute(
                SQL("CREATE TEXT SEARCH CONFIGURATION {} (COPY = {})").format(
                    Identifier(name), Identifier("pg_catalog", base)
                )
            )
            curs.execute(
                SQL("ALTER TEXT SEARCH CONFIGURATION {} ALTER MAPPING FOR {} WITH {}, {}").format(
                    Identifier(name),
                    SQL(WORD_TOKENS),
                    Identifier(unaccent, "unaccent"),
                    Identifier("pg_catalog", stemmer),
                )
            )
        curs.execute(
            "CREATE TABLE IF NOT EXISTS practices ("
            " practice_id uuid PRIMARY KEY, body_name text NOT NULL, level text NOT NULL,"
            " sector text NOT NULL, stage text NOT NULL, facets text[] NOT NULL,"
            " year_launched integer NOT NULL, tags text[] NOT NULL, languages text[] NOT NULL,"
            " attachments text[] NOT NULL,"
            " title_el text, title_en text, short_el text, short_en text,"
            " snippet_el text, snippet_en text, tsv_el tsvector, tsv_en tsvector,"
            " published_at timestamptz NOT NULL, record jsonb NOT NULL)"
        )
        curs.execute(
            "CREATE TABLE IF NOT EXISTS search ("
            " practice_id uuid PRIMARY KEY, level text NOT NULL, sector text NOT NULL,"
            " stage text NOT NULL, facets text[] NOT NULL, year_launched integer NOT NULL,"
            " tags text[] NOT NULL, codes integer[] NOT NULL, published_at timestamptz NOT NULL,"
            " title_key_el text, title_key_en text, title_key text NOT NULL,"
            " tsv tsvector NOT NULL, tsv_head tsvector NOT NULL) WITH (toast_tuple_target = 128)"
        )
        # The full vector is read through its index only: always out of line (a row over 128
        # bytes has it moved out), so a scan or a match's row never carries it. Every other
        # column stays in line and uncompressed: counting and ranking read them row by row.
        curs.execute(
            "ALTER TABLE search ALTER COLUMN tsv SET STORAGE EXTERNAL,"
            + ",".join(
                f" ALTER COLUMN {column} SET STORAGE PLAIN"
                for column in (
                    "facets",
                    "tags",
                    "codes",
                    "title_key_el",
                    "title_key_en",
                    "title_key",
                    "tsv_head",
                )
            )
        )
        # The catalogue's version: one more with every batch applied (a search's answer is
        # kept for as long as it holds).
        curs.execute("CREATE TABLE IF NOT EXISTS changes (n bigint NOT NULL)")
        curs.execute("INSERT INTO changes SELECT 0 WHERE NOT EXISTS (SELECT FROM changes)")
        curs.execute(
            "CREATE TABLE IF NOT EXISTS dim_counts (d text PRIMARY KEY,"
            " code integer GENERATED BY DEFAULT AS IDENTITY UNIQUE, n integer NOT NULL)"
        )
        for index in (
            "CREATE INDEX IF NOT EXISTS search_tsv ON search USING gin (tsv)",
            "CREATE INDEX IF NOT EXISTS search_facets ON search USING gin (facets)",
            "CREATE INDEX IF NOT EXISTS search_tags ON search USING gin (tags)",
            "CREATE INDEX IF NOT EXISTS search_level ON search (level)",
            "CREATE INDEX IF NOT EXISTS search_sector ON search (sector)",
            "CREATE INDEX IF NOT EXISTS search_stage ON search (stage)",
            "CREATE INDEX IF NOT EXISTS search_year ON search (year_launched)",
            "CREATE INDEX IF NOT EXISTS search_published"
            " ON search (published_at DESC, practice_id)",
            "CREATE INDEX IF NOT EXISTS practices_attachments ON practices USING gin (attachments)",
        ):
            curs.execute(index)

    @staticmethod
    def _unaccent_schema(curs: Cursor[DictRow]) -> str:
        """The schema of the `unaccent` extension, created in `public` if not there yet.

        The provisioning creates it (deploy/); a database owner may too (it is trusted).
        """
        curs.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
        row = curs.execute(
            "SELECT n.nspname AS s FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        ).fetchone()
        assert row is not None
        return str(row["s"])

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case observatory.PracticePublished() as e:
                curs.execute(UNCOUNT, (e.practice_id,))
                curs.execute(PUBLISH, publish_values(e.practice))
            case observatory.PracticeArchived() | observatory.PracticeWithdrawn() as e:
                curs.execute(UNCOUNT, (e.practice_id,))
                curs.execute(REMOVE, {"id": e.practice_id})

    def apply_all(self, curs: Cursor[DictRow], deliveries: Sequence[Delivery]) -> None:
        super().apply_all(curs, deliveries)
        if deliveries:
            curs.execute("UPDATE changes SET n = n + 1")

    # Queries.

    def search(
        self, filters: Filters, sort: Sort, page: Page, language: str | None = None
    ) -> Found:
        """A page of the practices matching `filters`, their total and the facet counts."""
        with self.reading() as curs:
            key = (filters, sort, page.limit, page.offset, language)
            version = self._version(curs)
            kept = self._found.get((version, *key)) if version else None
            if kept is not None:
                return kept
            words = searched_words(curs, filters)
            has_text = bool(words)
            if sort is Sort.RELEVANCE and not has_text:
                sort = Sort.NEWEST
            statement = search_statement(filters, sort, has_text, language)
            parameters = {
                **filter_parameters(filters),
                "words": words,
                "limit": page.limit,
                "offset": page.offset,
                "language": language,
            }
            row = curs.execute(statement, parameters).fetchone()
        assert row is not None
        total, facets = facets_of(row["counts"] or [])
        found = Found(
            hits=[hit_of(item) for item in row["items"] or []], total=total, facets=facets
        )
        if version:
            self._keep((version, *key), found)
        return found

    def _version(self, curs: Cursor[DictRow]) -> tuple[str, int] | None:
        """The catalogue's generation and version, if answers are kept; a change forgets
        every answer kept. Read before the search, so an answer is never older than the
        version it is kept under."""
        if not self._found_kept:
            return None
        row = curs.execute("SELECT current_schema() AS s, n FROM changes").fetchone()
        assert row is not None
        version = (str(row["s"]), int(row["n"]))
        if version != self._found_version:
            self._found = {}
            self._found_version = version
        return version

    def _keep(self, key: tuple[Any, ...], found: Found) -> None:
        """Keep an answer (`key` starts with its version), forgetting the oldest if full."""
        found_now = self._found
        if key[0] != self._found_version:
            return
        while len(found_now) >= self._found_kept:
            found_now.pop(next(iter(found_now)), None)
        found_now[key] = found

    def practice(self, practice_id: UUID) -> PublicPractice | None:
        """The published practice with that id, if it is in the catalogue."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT record FROM practices WHERE practice_id = %s", (practice_id,)
            ).fetchone()
        return PublicPractice.model_validate(row["record"]) if row else None

    def matching(
        self, filters: Filters, sort: Sort = Sort.NEWEST, language: str | None = None
    ) -> list[PublicPractice]:
        """Every practice matching `filters`, in the order asked for (a list: for tests and
        small uses; an export streams `each_matching`)."""
        return list(self.each_matching(filters, sort, language))

    def each_matching(
        self, filters: Filters, sort: Sort = Sort.NEWEST, language: str | None = None
    ) -> Iterator[PublicPractice]:
        """Every practice matching `filters` (an export), in the order asked for, read from
        the database `EXPORT_BATCH` rows at a time: memory stays bounded whatever the
        catalogue's size. The connection is held until the last one is read."""
        with self.reading() as curs:
            words = searched_words(curs, filters)
            has_text = bool(words)
            if sort is Sort.RELEVANCE and not has_text:
                sort = Sort.NEWEST
            statement = SQL(
                "WITH {query_cte} matching AS ({matching}) SELECT p.record FROM matching m"
                " JOIN practices p USING (practice_id) ORDER BY {order}"
            ).format(
                query_cte=SQL("{}, ").format(QUERY_CTE) if has_text else SQL(""),
                matching=matching_select(filters, sort, has_text, language),
                order=order_by(sort, "m"),
            )
            parameters = {**filter_parameters(filters), "words": words, "language": language}
            for row in curs.stream(statement, parameters, size=EXPORT_BATCH):
                yield PublicPractice.model_validate(row["record"])

    def newest(self, count: int) -> list[PublicPractice]:
        """The `count` practices published last (the feed)."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT record FROM practices ORDER BY published_at DESC, practice_id LIMIT %s",
                (count,),
            ).fetchall()
        return [PublicPractice.model_validate(row["record"]) for row in rows]

    def published_attachment(self, sha256: str) -> str | None:
        """The media type of an attachment of a published practice; None if there is none."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT a->>'media_type' AS media_type FROM practices,"
                " jsonb_array_elements(record->'attachments') AS a"
                " WHERE attachments @> ARRAY[%(s)s]::text[] AND a->>'sha256' = %(s)s LIMIT 1",
                {"s": sha256},
            ).fetchone()
        return str(row["media_type"]) if row else None


ALL: Final = "all:"
"""The dimension value every practice has: its count is the total."""


def publish_values(practice: PublicPractice) -> dict[str, Any]:
    """The parameters of PUBLISH for a practice."""
    el = practice.texts.get(Language.GREEK)
    en = practice.texts.get(Language.ENGLISH)
    first = practice.texts[practice.languages[0]]
    facets = unique([f.value for f in practice.facets])
    tags = unique(practice.tags)
    values: dict[str, Any] = {
        "id": practice.practice_id,
        "body_name": practice.body_name,
        "level": practice.level.value,
        "sector": practice.sector.value,
        "stage": practice.stage.value,
        "facets": facets,
        "year": practice.year_launched,
        "tags": tags,
        "languages": [language.value for language in practice.languages],
        "attachments": [a.sha256 for a in practice.attachments],
        "published_at": practice.published_at,
        "record": Jsonb(practice.model_dump(mode="json")),
        "title_key": folded(first.title),
        "meta": " ".join([practice.body_name, *tags]),
        "dims": [
            ALL,
            f"level:{practice.level.value}",
            f"sector:{practice.sector.value}",
            f"stage:{practice.stage.value}",
            f"year:{practice.year_launched}",
            *(f"facet:{facet}" for facet in facets),
            *(f"tag:{tag}" for tag in tags),
        ],
    }
    for language, texts in (("el", el), ("en", en)):
        values[f"title_{language}"] = texts.title if texts else None
        values[f"short_{language}"] = texts.short_explanation if texts else None
        values[f"rest_{language}"] = rest_of(texts) if texts else None
        values[f"snippet_{language}"] = (
            without_marks(f"{texts.short_explanation}\n{texts.overview[:SNIPPET_SOURCE]}")
            if texts
            else None
        )
        values[f"title_key_{language}"] = folded(texts.title) if texts else None
    return values


# A practice's dimension values counted out, before it is replaced or removed (PUBLISH counts
# the new ones in).
UNCOUNT = (
    "UPDATE dim_counts c SET n = c.n - 1 FROM search s"
    " WHERE s.practice_id = %s AND c.code = ANY (s.codes)"
)
REMOVE = (
    "WITH gone AS (DELETE FROM practices WHERE practice_id = %(id)s)"
    " DELETE FROM search WHERE practice_id = %(id)s"
)

# The texts' vector: title A, short explanation B, the rest (and body name, tags) C. The rank
# reads a small one of its own (titles, short explanations, body name, tags), so ranking every
# match never reads the long texts' vectors. The dimension values are counted in, and the
# search row keeps their codes (`dim_counts.code`): a search counts integers, not texts.
PUBLISH = SQL(
    """WITH counted AS (
    INSERT INTO dim_counts AS c (d, n) SELECT u, 1 FROM unnest(%(dims)s::text[]) AS u ORDER BY u
    ON CONFLICT (d) DO UPDATE SET n = c.n + 1 RETURNING c.code
), v AS (SELECT
    CASE WHEN %(title_el)s::text IS NOT NULL THEN
        setweight(to_tsvector({greek}, %(title_el)s), 'A')
        || setweight(to_tsvector({greek}, %(short_el)s), 'B') END AS el_head,
    CASE WHEN %(title_en)s::text IS NOT NULL THEN
        setweight(to_tsvector({english}, %(title_en)s), 'A')
        || setweight(to_tsvector({english}, %(short_en)s), 'B') END AS en_head,
    CASE WHEN %(title_el)s::text IS NOT NULL THEN
        setweight(to_tsvector({greek}, %(rest_el)s), 'C') END AS el_rest,
    CASE WHEN %(title_en)s::text IS NOT NULL THEN
        setweight(to_tsvector({english}, %(rest_en)s), 'C') END AS en_rest,
    setweight(to_tsvector({greek}, %(meta)s) || to_tsvector({english}, %(meta)s), 'C') AS meta
), shown AS (
    INSERT INTO practices AS p (practice_id, body_name, level, sector, stage, facets,
        year_launched, tags, languages, attachments, title_el, title_en, short_el, short_en,
        snippet_el, snippet_en, tsv_el, tsv_en, published_at, record)
    SELECT %(id)s, %(body_name)s, %(level)s, %(sector)s, %(stage)s, %(facets)s, %(year)s,
        %(tags)s, %(languages)s, %(attachments)s, %(title_el)s, %(title_en)s, %(short_el)s,
        %(short_en)s, %(snippet_el)s, %(snippet_en)s, v.el_head || v.el_rest,
        v.en_head || v.en_rest, %(published_at)s, %(record)s
    FROM v
    ON CONFLICT (practice_id) DO UPDATE SET body_name = EXCLUDED.body_name,
        level = EXCLUDED.level, sector = EXCLUDED.sector, stage = EXCLUDED.stage,
        facets = EXCLUDED.facets, year_launched = EXCLUDED.year_launched,
        tags = EXCLUDED.tags, languages = EXCLUDED.languages,
        attachments = EXCLUDED.attachments, title_el = EXCLUDED.title_el,
        title_en = EXCLUDED.title_en, short_el = EXCLUDED.short_el,
        short_en = EXCLUDED.short_en, snippet_el = EXCLUDED.snippet_el,
        snippet_en = EXCLUDED.snippet_en, tsv_el = EXCLUDED.tsv_el, tsv_en = EXCLUDED.tsv_en,
        published_at = EXCLUDED.published_at, record = EXCLUDED.record
)
INSERT INTO search AS s (practice_id, level, sector, stage, facets, year_launched, tags, codes,
    published_at, title_key_el, title_key_en, title_key, tsv, tsv_head)
SELECT %(id)s, %(level)s, %(sector)s, %(stage)s, %(facets)s, %(year)s, %(tags)s,
    (SELECT array_agg(code ORDER BY code) FROM counted), %(published_at)s, %(title_key_el)s,
    %(title_key_en)s, %(title_key)s,
    coalesce(v.el_head || v.el_rest, ''::tsvector)
        || coalesce(v.en_head || v.en_rest, ''::tsvector) || v.meta,
    coalesce(v.el_head, ''::tsvector) || coalesce(v.en_head, ''::tsvector) || v.meta
FROM v
ON CONFLICT (practice_id) DO UPDATE SET level = EXCLUDED.level, sector = EXCLUDED.sector,
    stage = EXCLUDED.stage, facets = EXCLUDED.facets, year_launched = EXCLUDED.year_launched,
    tags = EXCLUDED.tags, codes = EXCLUDED.codes, published_at = EXCLUDED.published_at,
    title_key_el = EXCLUDED.title_key_el, title_key_en = EXCLUDED.title_key_en,
    title_key = EXCLUDED.title_key, tsv = EXCLUDED.tsv, tsv_head = EXCLUDED.tsv_head"""
).format(greek=Literal(GREEK), english=Literal(ENGLISH))


def filter_parameters(filters: Filters) -> dict[str, Any]:
    return {
        "level": filters.level,
        "sector": filters.sector,
        "stage": filters.stage,
        "facet": filters.facet,
        "year": filters.year,
        "tag": filters.tag,
    }


def conditions(filters: Filters, has_text: bool) -> Composed | None:
    """The WHERE clause of the filters given (only those, so each can use its index)."""
    parts: list[Composable] = []
    if has_text:
        parts.append(SQL("tsv @@ {}").format(Q))
    for column, value in (
        ("level", filters.level),
        ("sector", filters.sector),
        ("stage", filters.stage),
    ):
        if value is not None:
            parts.append(SQL("{} = %({})s").format(Identifier(column), SQL(column)))
    if filters.year is not None:
        parts.append(SQL("year_launched = %(year)s"))
    if filters.facet is not None:
        parts.append(SQL("facets @> ARRAY[%(facet)s]::text[]"))
    if filters.tag is not None:
        parts.append(SQL("tags @> ARRAY[%(tag)s]::text[]"))
    if not parts:
        return None
    return SQL("WHERE ") + SQL(" AND ").join(parts)


def title_key(language: str | None) -> Composable:
    """The title sort key in the language shown first."""
    if language == "el":
        return SQL("coalesce(title_key_el, title_key_en)")
    if language == "en":
        return SQL("coalesce(title_key_en, title_key_el)")
    return SQL("title_key")


def matching_select(filters: Filters, sort: Sort, has_text: bool, language: str | None) -> Composed:
    """The matching practices' narrow columns (and their sort keys)."""
    rank = SQL("ts_rank(tsv_head, {})").format(Q) if sort is Sort.RELEVANCE else SQL("0::real")
    where = conditions(filters, has_text)
    return SQL(
        "SELECT practice_id, codes, published_at,"
        " {title_key} AS sort_title, {rank} AS rank FROM search {where}"
    ).format(title_key=title_key(language), rank=rank, where=where or SQL(""))


def order_by(sort: Sort, alias: str) -> Composed:
    a = Identifier(alias)
    orders = {
        Sort.RELEVANCE: "{a}.rank DESC, {a}.published_at DESC, {a}.practice_id",
        Sort.NEWEST: "{a}.published_at DESC, {a}.practice_id",
        Sort.OLDEST: "{a}.published_at, {a}.practice_id",
        Sort.TITLE: "{a}.sort_title, {a}.published_at DESC, {a}.practice_id",
    }
    return SQL(orders[sort]).format(a=a)


def search_statement(
    filters: Filters, sort: Sort, has_text: bool, language: str | None
) -> Composed:
    """One statement: the counts (the total among them) and the page's items, as JSON.

    Without text or filters the counts are `dim_counts` and the page an index scan; else the
    matching practices are materialised once and their dimension values counted in one pass.
    """
    snippet: Composable
    hit: Composable
    if has_text:
        snippet = SQL(
            """CASE hit
                WHEN 'el' THEN ts_headline({greek}, snippet_el, {q}, {options})
                WHEN 'en' THEN ts_headline({english}, snippet_en, {q}, {options})
            END"""
        ).format(
            greek=Literal(GREEK), english=Literal(ENGLISH), q=Q, options=Literal(HEADLINE_OPTIONS)
        )
        hit = SQL(
            """CASE WHEN shown = 'el' THEN
                CASE WHEN tsv_el @@ {q} THEN 'el' WHEN tsv_en @@ {q} THEN 'en' END
            ELSE CASE WHEN tsv_en @@ {q} THEN 'en' WHEN tsv_el @@ {q} THEN 'el' END END"""
        ).format(q=Q)
    else:
        snippet = SQL("NULL::text")
        hit = SQL("NULL::text")
    prelude: Composable
    source: Composable
    counts: Composable
    if conditions(filters, has_text) is None:
        prelude = SQL("")
        source = SQL(
            "(SELECT practice_id, published_at, {title_key} AS sort_title, 0::real AS rank"
            " FROM search) m"
        ).format(title_key=title_key(language))
        counts = SQL("SELECT d, n FROM dim_counts WHERE n > 0")
    else:
        prelude = SQL("{query_cte}matching AS MATERIALIZED ({matching}), ").format(
            query_cte=SQL("{}, ").format(QUERY_CTE) if has_text else SQL(""),
            matching=matching_select(filters, sort, has_text, language),
        )
        source = SQL("matching m")
        counts = SQL(
            "SELECT c.d, x.n FROM (SELECT code, count(*) AS n"
            " FROM (SELECT unnest(codes) AS code FROM matching) AS u GROUP BY code) AS x"
            " JOIN dim_counts c USING (code)"
        )
    return SQL(
        """WITH {prelude}counts AS ({counts}),
page AS (
    SELECT m.practice_id, m.published_at, m.sort_title, m.rank FROM {source}
    ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
), shown AS (
    SELECT page.*, p.body_name, p.languages, p.level, p.sector, p.stage, p.facets,
        p.year_launched, p.tags, p.title_el, p.title_en, p.short_el,
        p.short_en, p.snippet_el, p.snippet_en, p.tsv_el, p.tsv_en,
        CASE WHEN %(language)s::text = ANY(p.languages) THEN %(language)s::text
            ELSE p.languages[1] END AS shown
    FROM page JOIN practices p USING (practice_id)
), items AS (
    SELECT shown.*, {hit} AS hit FROM shown
)
SELECT (SELECT json_agg(json_build_array(d, n)) FROM counts) AS counts,
    (SELECT json_agg(json_build_object(
        'practice_id', practice_id, 'language', shown,
        'title', CASE WHEN shown = 'el' THEN title_el ELSE title_en END,
        'short_explanation', CASE WHEN shown = 'el' THEN short_el ELSE short_en END,
        'headline', {snippet}, 'hit', hit,
        'body_name', body_name, 'level', level, 'sector', sector, 'stage', stage,
        'facets', facets, 'year_launched', year_launched, 'tags', tags,
        'languages', languages, 'published_at', published_at) ORDER BY {item_order})
    FROM items m) AS items"""
    ).format(
        prelude=prelude,
        counts=counts,
        source=source,
        order=order_by(sort, "m"),
        item_order=order_by(sort, "m"),
        hit=hit,
        snippet=snippet,
    )


def hit_of(item: dict[str, Any]) -> Hit:
    """A JSON item of the search as a hit; the snippet marked up, or the short explanation."""
    headline = item.get("headline")
    snippet = marked(headline) if headline else html.escape(item["short_explanation"])
    return Hit(
        practice_id=UUID(item["practice_id"]),
        language=item["language"],
        title=item["title"],
        short_explanation=item["short_explanation"],
        snippet=snippet,
        snippet_language=item["hit"] if headline and item.get("hit") else item["language"],
        body_name=item["body_name"],
        level=item["level"],
        sector=item["sector"],
        stage=item["stage"],
        facets=list(item["facets"]),
        year_launched=int(item["year_launched"]),
        tags=list(item["tags"]),
        languages=list(item["languages"]),
        published_at=datetime.fromisoformat(item["published_at"]),
    )


def facets_of(counts: list[list[Any]]) -> tuple[int, dict[str, list[FacetCount]]]:
    """The total, and the counts by dimension: the most frequent first (years: the latest
    first; tags: the 30 most frequent)."""
    total = 0
    found: dict[str, list[FacetCount]] = {dimension: [] for dimension in DIMENSIONS}
    for dimension_value, count in counts:
        if dimension_value == ALL:
            total = int(count)
            continue
        dimension, value = str(dimension_value).split(":", 1)
        found[dimension].append(FacetCount(value, int(count)))
    for dimension, values in found.items():
        if dimension == "year":
            values.sort(key=lambda c: -int(c.value))
        else:
            values.sort(key=lambda c: (-c.count, c.value))
    found["tag"] = found["tag"][:TOP_TAGS]
    return total, found
