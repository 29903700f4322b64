"""The GraphQL schema: every feature's queries and mutations merged into one."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, execute
from graphql.execution.middleware import MiddlewareManager
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult
from strawberry.utils.await_maybe import await_maybe

from app.core.errors import ApiError
from schema.accounts.types import AccountMutations, AccountQueries
from schema.analytics.types import AnalyticsQueries
from schema.automations.types import AutomationMutations, AutomationQueries
from schema.contacts.types import ContactMutations, ContactQueries
from schema.cost import operation_of
from schema.delivery.types import DeliveryMutations
from schema.documents import Prepared, PreparedDocument
from schema.domains.types import DomainMutations, DomainQueries
from schema.erasure.types import ErasureMutations
from schema.events.types import EventMutations, EventQueries
from schema.execution import Plan, plan
from schema.graphql_common import SCALARS
from schema.imports.types import ImportMutations, ImportQueries
from schema.messages.types import MessageMutations, MessageQueries
from schema.nodes.types import NodeQueries
from schema.suppressions.types import SuppressionMutations, SuppressionQueries
from schema.tracking.types import TrackingMutations, TrackingQueries
from schema.viewer.types import ViewerQueries
from schema.webhook_endpoints.types import WebhookMutations, WebhookQueries

COST_RULE = (
    "Each request is charged what the same data costs through REST, worked out before it runs: "
    "one unit per root field, one per page of up to 100 nodes of a connection (for every object "
    "it is asked on), one per other field that loads data; at least one. A request that may return "
    "more nodes than the maximum (1,000 unless the server sets another) is refused with "
    "extensions.code too_costly. Every response reports its cost in extensions.cost."
)


def _root(name: str, description: str, parts: tuple[type, ...]) -> type:
    """One root type from every feature's part (what strawberry.tools.merge_types does, with a
    description GraphiQL shows in its docs)."""
    return strawberry.type(type(name, parts, {}), description=description)


Query = _root("Query", "Reads. " + COST_RULE, (
    ViewerQueries,
    NodeQueries,
    ContactQueries,
    MessageQueries,
    SuppressionQueries,
    ImportQueries,
    EventQueries,
    AnalyticsQueries,
    AutomationQueries,
    AccountQueries,
    DomainQueries,
    TrackingQueries,
    WebhookQueries,
))
Mutation = _root("Mutation", "Writes; each root field costs one unit. " + COST_RULE, (
    ContactMutations,
    ErasureMutations,
    DeliveryMutations,
    MessageMutations,
    EventMutations,
    SuppressionMutations,
    ImportMutations,
    AutomationMutations,
    AccountMutations,
    DomainMutations,
    TrackingMutations,
    WebhookMutations,
))


def _should_mask(error: GraphQLError) -> bool:
    # Our own errors and GraphQL's (syntax, validation) are meant for the caller; anything
    # else is an unexpected failure and leaves as "Unexpected error."
    original = error.original_error
    return original is not None and not isinstance(original, (ApiError, GraphQLError))


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError("Unexpected error.", nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None)


def _with_code(error: GraphQLError) -> GraphQLError:
    """Our resolver errors get an `extensions.code`, like REST's error codes."""
    original = error.original_error
    error.extensions = {**(error.extensions or {}), "code": original.code.value,
                        "details": [d.as_dict() for d in original.details]}
    return error


def answered_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """What every answer's errors become: our errors with their codes, unexpected failures
    masked (after they are logged: Schema.process_errors runs first)."""
    return [_with_code(e) if isinstance(e.original_error, ApiError) else _masked(e) if _should_mask(e) else e
            for e in errors]


def answer_extensions(context: Any) -> dict:
    """`extensions.cost`: what the request was charged and what is left (app.web.graphql_gate
    puts it in the context)."""
    cost = context.get("cost") if isinstance(context, dict) else None
    return {"cost": cost} if cost else {}


class Answers(SchemaExtension):
    """What every answer gets (answered_errors, answer_extensions). One extension, not three:
    Strawberry's cost per request grows with the number of extensions."""

    def on_operation(self):
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = answered_errors(result.errors)

    def get_results(self) -> dict:
        return answer_extensions(self.execution_context.context)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context=None) -> None:
        """Log unexpected failures only: a caller's mistakes (syntax, validation, cost, our
        ApiErrors) are answered, not logged as server errors."""
        super().process_errors([e for e in errors if _should_mask(e)], execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(scalar_map=SCALARS),
    extensions=[
        # Factories: each request gets fresh extension instances.
        PreparedDocument,  # the document app.web.graphql_gate parsed, validated and costed
        Answers,
    ],
)


_NO_MIDDLEWARE = MiddlewareManager()  # none of our extensions resolves fields


def _plan_of(prepared: Prepared, operation_name: str | None) -> Plan | None:
    """The operation's plan (schema.execution), made once per document and operation. Only
    operations the document defines are remembered: a caller naming others adds nothing."""
    try:
        return prepared.plans[operation_name]
    except KeyError:
        pass
    operation = operation_of(prepared.document, operation_name)
    if operation is None:
        return None  # graphql-core answers: no such operation, or which one is unclear
    made = prepared.plans[operation_name] = plan(schema._schema, prepared.document, operation)
    return made


async def run_prepared(prepared: Prepared, variables: dict | None, operation_name: str | None,
                       context: dict) -> ExecutionResult:
    """Run a query or mutation whose document app.web.graphql_gate parsed, validated and
    costed, with the same errors and extensions as `schema.execute`: from its plan when it is
    plain (schema.execution), otherwise on graphql-core's executor with Strawberry's, without
    the per-request steps that only lead up to it there (an execution context, extension
    instances and their hooks around parsing and validation already done)."""
    planned = _plan_of(prepared, operation_name)
    answer = await planned.run(variables, context) if planned is not None else None
    if answer is not None:
        data, errors = answer
    else:
        result = await await_maybe(execute(
            schema._schema, prepared.document, variable_values=variables, operation_name=operation_name,
            context_value=context, middleware=_NO_MIDDLEWARE, is_awaitable=optimized_is_awaitable,
            executor_class=schema.execution_context_class, operation_extensions=None,
        ))
        data, errors = result.data, result.errors
    if errors:
        schema.process_errors(errors)
        errors = answered_errors(errors)
    return ExecutionResult(data=data, errors=errors or None, extensions=answer_extensions(context))
