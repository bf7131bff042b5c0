"""Parse Server's GraphQL API (Relay-style, generated from the live schema) on the REST permission
pipeline: every resolver calls the same core functions as the REST routes."""

from .http import GraphQLEndpoint, mount_graphql

__all__ = ["GraphQLEndpoint", "mount_graphql"]
