"""GraphQL documents, parsed once per request and validated once per distinct query.

The parser stops at the token limit while it reads, so a huge query costs at most that many
tokens of work. A prepared document (parsed, validated, or the errors that stopped it) is
cached by query text, bounded by the bytes of text it holds; only admitted callers reach
the cache, so an unauthenticated request can neither fill it nor make anything be parsed.
Execution is handed the same document (`PreparedDocument`), never a second parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

MAX_DEPTH = 8
MAX_TOKENS = 5000
MAX_COMMENTS = 1000
MAX_ALIASES = 100
# Texts above this are parsed for their request only: they would crowd out the cache.
MAX_CACHED_QUERY_BYTES = 64 * 1024
CACHE_BYTES = 8 * 1024 * 1024

# Built once: the same rule classes on every request.
VALIDATION_RULES = (
    *specified_rules,
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)

# The rules beyond GraphQL's own.
LIMIT_RULES = tuple(rule for rule in VALIDATION_RULES if rule not in specified_rules)


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode | None  # None when the text does not parse
    errors: list[GraphQLError]  # syntax or validation errors
    size: int  # characters of query text held (the cache's measure)
    costs: dict = field(default_factory=dict, compare=False)  # schema.cost's memo for this document
    plans: dict = field(default_factory=dict, compare=False)  # schema.execution's plans, by operation name

    @property
    def valid(self) -> bool:
        return self.document is not None and not self.errors


def prepare(schema: GraphQLSchema, query: str) -> Prepared:
    try:
        document = parse(query, max_lexical_tokens=MAX_TOKENS, max_comments=MAX_COMMENTS)
    except GraphQLError as error:
        return Prepared(None, [error], len(query))
    return Prepared(document, validate_document(schema, document, VALIDATION_RULES), len(query))


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, max_bytes: int = CACHE_BYTES) -> None:
        self._schema = schema
        self._cache: LRUCache[str, Prepared] = LRUCache(maxsize=max_bytes, getsizeof=lambda p: max(1, p.size))

    def get(self, query: str) -> Prepared:
        prepared = self._cache.get(query)
        if prepared is None:
            prepared = prepare(self._schema, query)
            if len(query) <= MAX_CACHED_QUERY_BYTES:
                self._cache[query] = prepared
        return prepared


class PreparedDocument(SchemaExtension):
    """Hands execution the document the gate (app.web.graphql_gate) prepared for this query.

    One extension doing what four small ones did (the prepared document, the token limit, the
    limit rules): Strawberry's cost per request grows with the number of extensions."""

    def _prepared(self) -> Prepared | None:
        context = self.execution_context.context
        prepared = context.get("prepared") if isinstance(context, dict) else None
        return prepared.get(self.execution_context.query) if prepared else None

    def on_operation(self):
        """A query the gate did not prepare is held to the same limits here: the token limit
        while it is parsed, the depth and alias rules while it is validated."""
        if self._prepared() is None:
            self.execution_context.parse_options["max_tokens"] = MAX_TOKENS
            self.execution_context.validation_rules = (*self.execution_context.validation_rules, *LIMIT_RULES)
        yield

    def on_parse(self):
        prepared = self._prepared()
        if prepared is not None:
            if prepared.document is None:
                raise prepared.errors[0]
            self.execution_context.graphql_document = prepared.document
        yield

    def on_validate(self):
        prepared = self._prepared()
        context = self.execution_context.context
        refusal = context.get("refusal") if isinstance(context, dict) else None
        if refusal is not None:
            self.execution_context.pre_execution_errors = [refusal]
        elif prepared is not None and prepared.document is not None:
            self.execution_context.pre_execution_errors = list(prepared.errors)
        yield
