"""Resolvers (schema/<feature>/resolvers.py), GraphQL types (schema/<feature>/types.py) and the
assembled GraphQL schema (schema/graphql.py). Importing a resolver never loads Strawberry."""
