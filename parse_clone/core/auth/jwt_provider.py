"""Example auth provider: a signed JWT (OpenID Connect ID token) checked against a JWKS.

Enable it under any provider name with the `auth` option:

    {"acme": {"module": "parse_clone.core.auth.jwt_provider",
              "options": {"jwksUri": "https://login.acme.example/.well-known/jwks.json",
                          "issuer": "https://login.acme.example/", "audience": "my-client-id"}}}

`jwks` (an inline `{"keys": [...]}` document) may replace `jwksUri`. Optional:
`algorithms` (default RS256 and ES256), `leeway` in seconds (default 0).
Clients send `authData: {"acme": {"id": "<the token's sub>", "token": "<the JWT>"}}`
(`id_token` is accepted for `token`). The token must be signed by a key of the set
(matched by `kid`), unexpired, from the issuer and for the audience, and its `sub`
must equal `id`; anything else is 101.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from ...errors import ParseError

DEFAULT_ALGORITHMS = ("RS256", "ES256")


def _reject(message: str = "JWT auth is invalid for this user.") -> ParseError:
    return ParseError(ParseError.OBJECT_NOT_FOUND, message)


class JwksProvider:
    """Validates `authData.<name>.token` as a JWT signed by a configured key set."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.issuer = options.get("issuer")
        self.audience = options.get("audience")
        self.algorithms = list(options.get("algorithms") or DEFAULT_ALGORITHMS)
        self.leeway = float(options.get("leeway") or 0)
        self._key_set = jwt.PyJWKSet.from_dict(options["jwks"]) if options.get("jwks") else None
        self._client = jwt.PyJWKClient(options["jwksUri"]) if options.get("jwksUri") else None
        if self._key_set is None and self._client is None:
            raise ValueError("jwt provider needs a `jwks` or a `jwksUri` option")

    async def _signing_key(self, token: str) -> Any:
        kid = jwt.get_unverified_header(token).get("kid")
        if self._client is not None:
            return (await asyncio.to_thread(self._client.get_signing_key_from_jwt, token)).key
        assert self._key_set is not None
        keys = [k for k in self._key_set.keys if kid is None or k.key_id == kid]
        if not keys:
            raise _reject("JWT auth: no key of the configured set signed this token.")
        return keys[0].key

    async def validate(self, auth_data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any] | None:
        """Accept the authData when its token verifies and names `id` as subject."""
        token = auth_data.get("token") or auth_data.get("id_token")
        if not isinstance(token, str) or not isinstance(auth_data.get("id"), str):
            raise _reject("JWT auth needs an id and a token.")
        try:
            key = await self._signing_key(token)
            claims = jwt.decode(token, key, algorithms=self.algorithms, audience=self.audience,
                                issuer=self.issuer, leeway=self.leeway,
                                options={"require": ["exp", "sub"], "verify_aud": self.audience is not None})
        except ParseError:
            raise
        except (jwt.PyJWTError, ValueError):
            raise _reject() from None
        if claims.get("sub") != auth_data["id"]:
            raise _reject("JWT auth: the token is for another user.")
        return None


def create_provider(options: dict[str, Any]) -> JwksProvider:
    """Factory the registry calls with the provider's `options`."""
    return JwksProvider(options)
