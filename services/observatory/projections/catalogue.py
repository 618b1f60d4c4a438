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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Final
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier, Literal
from psycopg.types.json import Jsonb

from contracts import observatory
from contracts.observatory import PublicPractice
from contracts.registration import Language
from contracts.topics import topic_of
from services.runtime.deliveries import Delivery
from services.runtime.paging import Page
from services.runtime.projection import Projection

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

MAX_QUERY_WORDS: Final = 16
TOP_TAGS: Final = 30
DIMENSIONS: Final = ("level", "sector", "stage", "facet", "year", "tag")
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
        return WORD.findall(text)[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Hit:
    """A practice found, in the language shown first, with its snippet (HTML-safe)."""

    practice_id: UUID
    language: str
    title: str
    short_explanation: str
    snippet: str
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


class Catalogue(Projection):
    """The published practices: what the public searches, reads, exports and follows."""

    name = "catalogue"
    topics: ClassVar = (topic_of("observatory").name,)

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
            " snippet_el text, snippet_en text,"
            " title_key_el text, title_key_en text, title_key text NOT NULL,"
            " tsv_el tsvector, tsv_en tsvector, tsv tsvector NOT NULL,"
            " first_published_at timestamptz NOT NULL, published_at timestamptz NOT NULL,"
            " record jsonb NOT NULL)"
        )
        for index in (
            "CREATE INDEX IF NOT EXISTS practices_tsv ON practices USING gin (tsv)",
            "CREATE INDEX IF NOT EXISTS practices_facets ON practices USING gin (facets)",
            "CREATE INDEX IF NOT EXISTS practices_tags ON practices USING gin (tags)",
            "CREATE INDEX IF NOT EXISTS practices_attachments ON practices USING gin (attachments)",
            "CREATE INDEX IF NOT EXISTS practices_level ON practices (level)",
            "CREATE INDEX IF NOT EXISTS practices_sector ON practices (sector)",
            "CREATE INDEX IF NOT EXISTS practices_stage ON practices (stage)",
            "CREATE INDEX IF NOT EXISTS practices_year ON practices (year_launched)",
            "CREATE INDEX IF NOT EXISTS practices_published"
            " ON practices (published_at DESC, practice_id)",
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
                self._publish(curs, e.practice)
            case observatory.PracticeArchived() | observatory.PracticeWithdrawn() as e:
                curs.execute("DELETE FROM practices WHERE practice_id = %s", (e.practice_id,))

    def _publish(self, curs: Cursor[DictRow], practice: PublicPractice) -> None:
        el = practice.texts.get(Language.GREEK)
        en = practice.texts.get(Language.ENGLISH)
        first = practice.texts[practice.languages[0]]
        values: dict[str, Any] = {
            "id": practice.practice_id,
            "body_name": practice.body_name,
            "level": practice.level.value,
            "sector": practice.sector.value,
            "stage": practice.stage.value,
            "facets": unique([f.value for f in practice.facets]),
            "year": practice.year_launched,
            "tags": unique(practice.tags),
            "languages": [language.value for language in practice.languages],
            "attachments": [a.sha256 for a in practice.attachments],
            "first_published_at": practice.first_published_at,
            "published_at": practice.published_at,
            "record": Jsonb(practice.model_dump(mode="json")),
            "title_key": folded(first.title),
            "meta": " ".join([practice.body_name, *practice.tags]),
        }
        for language, texts in (("el", el), ("en", en)):
            values[f"title_{language}"] = texts.title if texts else None
            values[f"short_{language}"] = texts.short_explanation if texts else None
            values[f"rest_{language}"] = rest_of(texts) if texts else None
            values[f"snippet_{language}"] = (
                without_marks(f"{texts.short_explanation}\n{texts.overview}") if texts else None
            )
            values[f"title_key_{language}"] = folded(texts.title) if texts else None
        curs.execute(PUBLISH, values)

    # Queries.

    def search(
        self, filters: Filters, sort: Sort, page: Page, language: str | None = None
    ) -> Found:
        """A page of the practices matching `filters`, their total and the facet counts."""
        words = filters.words()
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
            "top_tags": TOP_TAGS,
        }
        with self.reading() as curs:
            row = curs.execute(statement, parameters).fetchone()
        assert row is not None
        return Found(
            hits=[hit_of(item) for item in row["items"] or []],
            total=int(row["total"]),
            facets=facets_of(row["counts"] or []),
        )

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
        """Every practice matching `filters` (an export), in the order asked for."""
        words = filters.words()
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
        with self.reading() as curs:
            rows = curs.execute(statement, parameters).fetchall()
        return [PublicPractice.model_validate(row["record"]) for row in rows]

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


# The texts' tsvector: title A, short explanation B, the rest (and body name, tags) C.
PUBLISH = SQL(
    """INSERT INTO practices AS p (practice_id, body_name, level, sector, stage, facets,
    year_launched, tags, languages, attachments, title_el, title_en, short_el, short_en,
    snippet_el, snippet_en, title_key_el, title_key_en, title_key, tsv_el, tsv_en, tsv,
    first_published_at, published_at, record)
SELECT %(id)s, %(body_name)s, %(level)s, %(sector)s, %(stage)s, %(facets)s, %(year)s,
    %(tags)s, %(languages)s, %(attachments)s, %(title_el)s, %(title_en)s, %(short_el)s,
    %(short_en)s, %(snippet_el)s, %(snippet_en)s, %(title_key_el)s, %(title_key_en)s,
    %(title_key)s, v.el, v.en,
    coalesce(v.el, ''::tsvector) || coalesce(v.en, ''::tsvector) || setweight(
        to_tsvector({greek}, %(meta)s) || to_tsvector({english}, %(meta)s), 'C'),
    %(first_published_at)s, %(published_at)s, %(record)s
FROM (SELECT
    CASE WHEN %(title_el)s::text IS NOT NULL THEN
        setweight(to_tsvector({greek}, %(title_el)s), 'A')
        || setweight(to_tsvector({greek}, %(short_el)s), 'B')
        || setweight(to_tsvector({greek}, %(rest_el)s), 'C') END AS el,
    CASE WHEN %(title_en)s::text IS NOT NULL THEN
        setweight(to_tsvector({english}, %(title_en)s), 'A')
        || setweight(to_tsvector({english}, %(short_en)s), 'B')
        || setweight(to_tsvector({english}, %(rest_en)s), 'C') END AS en
) v
ON CONFLICT (practice_id) DO UPDATE SET body_name = EXCLUDED.body_name,
    level = EXCLUDED.level, sector = EXCLUDED.sector, stage = EXCLUDED.stage,
    facets = EXCLUDED.facets, year_launched = EXCLUDED.year_launched, tags = EXCLUDED.tags,
    languages = EXCLUDED.languages, attachments = EXCLUDED.attachments,
    title_el = EXCLUDED.title_el, title_en = EXCLUDED.title_en,
    short_el = EXCLUDED.short_el, short_en = EXCLUDED.short_en,
    snippet_el = EXCLUDED.snippet_el, snippet_en = EXCLUDED.snippet_en,
    title_key_el = EXCLUDED.title_key_el, title_key_en = EXCLUDED.title_key_en,
    title_key = EXCLUDED.title_key, tsv_el = EXCLUDED.tsv_el, tsv_en = EXCLUDED.tsv_en,
    tsv = EXCLUDED.tsv, first_published_at = EXCLUDED.first_published_at,
    published_at = EXCLUDED.published_at, record = EXCLUDED.record"""
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


def conditions(filters: Filters, has_text: bool) -> Composable:
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
        return SQL("")
    return SQL("WHERE ") + SQL(" AND ").join(parts)


def title_key(language: str | None) -> Composable:
    """The title sort key in the language shown first."""
    if language == "el":
        return SQL("coalesce(title_key_el, title_key_en)")
    if language == "en":
        return SQL("coalesce(title_key_en, title_key_el)")
    return SQL("title_key")


def matching_select(
    filters: Filters, sort: Sort, has_text: bool, language: str | None
) -> Composable:
    """The matching practices' small columns (and their sort keys)."""
    rank = SQL("ts_rank(tsv, {})").format(Q) if sort is Sort.RELEVANCE else SQL("0::real")
    return SQL(
        "SELECT practice_id, level, sector, stage, facets, year_launched, tags, published_at,"
        " {title_key} AS sort_title, {rank} AS rank FROM practices {where}"
    ).format(title_key=title_key(language), rank=rank, where=conditions(filters, has_text))


def order_by(sort: Sort, alias: str) -> Composable:
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
    """One statement: the total, the facet counts and the page's items as JSON."""
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
    return SQL(
        """WITH {query_cte} matching AS MATERIALIZED ({matching}),
counts AS (
    SELECT CASE WHEN GROUPING(level) = 0 THEN 'level' WHEN GROUPING(sector) = 0 THEN 'sector'
            WHEN GROUPING(stage) = 0 THEN 'stage' ELSE 'year' END AS dimension,
        coalesce(level, sector, stage, year_launched::text) AS value, count(*) AS n
    FROM matching GROUP BY GROUPING SETS ((level), (sector), (stage), (year_launched))
    UNION ALL
    SELECT 'facet', f, count(*) FROM matching, unnest(facets) AS f GROUP BY f
    UNION ALL
    (SELECT 'tag', t, count(*) FROM matching, unnest(tags) AS t GROUP BY t
        ORDER BY count(*) DESC, t LIMIT %(top_tags)s)
), page AS (
    SELECT * FROM matching m ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
), shown AS (
    SELECT page.*, p.body_name, p.languages, p.title_el, p.title_en, p.short_el,
        p.short_en, p.snippet_el, p.snippet_en, p.tsv_el, p.tsv_en,
        CASE WHEN %(language)s::text = ANY(p.languages) THEN %(language)s::text
            ELSE p.languages[1] END AS shown
    FROM page JOIN practices p USING (practice_id)
), items AS (
    SELECT shown.*, {hit} AS hit FROM shown
)
SELECT (SELECT count(*) FROM matching) AS total,
    (SELECT json_agg(json_build_array(dimension, value, n)) FROM counts) AS counts,
    (SELECT json_agg(json_build_object(
        'practice_id', practice_id, 'language', shown,
        'title', CASE WHEN shown = 'el' THEN title_el ELSE title_en END,
        'short_explanation', CASE WHEN shown = 'el' THEN short_el ELSE short_en END,
        'headline', {snippet},
        'body_name', body_name, 'level', level, 'sector', sector, 'stage', stage,
        'facets', facets, 'year_launched', year_launched, 'tags', tags,
        'languages', languages, 'published_at', published_at) ORDER BY {item_order})
    FROM items m) AS items"""
    ).format(
        query_cte=SQL("{}, ").format(QUERY_CTE) if has_text else SQL(""),
        matching=matching_select(filters, sort, has_text, language),
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


def facets_of(counts: list[list[Any]]) -> dict[str, list[FacetCount]]:
    """The counts by dimension: the most frequent first (years: the latest first)."""
    found: dict[str, list[FacetCount]] = {dimension: [] for dimension in DIMENSIONS}
    for dimension, value, count in counts:
        found[dimension].append(FacetCount(str(value), int(count)))
    for dimension, values in found.items():
        if dimension == "year":
            values.sort(key=lambda c: -int(c.value))
        else:
            values.sort(key=lambda c: (-c.count, c.value))
    return found
