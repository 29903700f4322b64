// graphql-schema-linter's rules for our GraphQL schema, chosen for what a frontend (Relay, Apollo,
// urql, codegen) relies on. tests/test_graphql_schema_lint.py dumps the schema and runs the linter
// with this file; `npm ci` (make test) installs the pinned linter from package-lock.json.
module.exports = {
  rules: [
    // Relay's pagination contract: every *Connection has `edges` (of an *Edge with `node` and
    // `cursor`) and `pageInfo: PageInfo!`; connection fields take `first`/`after`; PageInfo has
    // hasNextPage, hasPreviousPage, startCursor and endCursor. Relay's and Apollo's pagination
    // helpers read exactly these.
    'relay-connection-types-spec',
    'relay-connection-arguments-spec',
    'relay-page-info-spec',
    // Nothing dead: a type no field reaches is noise in generated client code.
    'defined-types-are-used',
    // Clients see why a field goes away.
    'deprecations-have-a-reason',
    // Naming clients and codegen expect: PascalCase types, camelCase fields and input fields.
    'types-are-capitalized',
    'fields-are-camel-cased',
    'input-object-values-are-camel-cased',
  ],
  // Left out on purpose:
  // - types/fields/arguments/enum-values/input-object-values-have-descriptions: hundreds of
  //   self-explanatory members (`id`, `email`, `createdAt`) would need filler text; the fields that
  //   need explaining have descriptions.
  // - *-sorted-alphabetically: fields follow the REST documents' order, which reads better.
  // - descriptions-are-capitalized: style only; some descriptions open by quoting lower-case values.
  // - enum-values-all-caps: status enums (MessageStatus, ImportStatus, AutomationRunStatus, …) show
  //   the same lower-case strings as REST (`sent`, `completed`), so one vocabulary serves REST
  //   clients, GraphQL clients and stored rows; only enums first published in capitals
  //   (ConditionOp, ImportFormat) keep them.
};
