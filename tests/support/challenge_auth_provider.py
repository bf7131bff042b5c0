"""A test-only auth provider with a challenge step (POST /challenge): the fake `custom` login of
fake_auth_providers plus `challenge`. Load it as {"module": "tests.support.challenge_auth_provider"}."""

from __future__ import annotations

from typing import Any

from parse_clone.errors import ParseError
from tests.support.fake_auth_providers import FakeProvider


class ChallengeProvider(FakeProvider):
    """The fake `custom` login plus a challenge step: answers {"code": <sent to>}, refuses "nobody",
    crashes on "crash", and answers nothing for "quiet"."""

    async def challenge(self, challenge_data: Any, auth_data: Any, options: dict[str, Any],
                        request: dict[str, Any]) -> Any:
        """What POST /challenge returns for this provider."""
        target = (challenge_data or {}).get("to") if isinstance(challenge_data, dict) else None
        if target == "nobody":
            raise ParseError(ParseError.SCRIPT_FAILED, "No one to send a code to.")
        if target == "crash":
            raise RuntimeError("boom")
        if target == "quiet":
            return None
        user = request["user"]
        return {"code": f"sent to {target}", "user": user["username"] if user else None}


def create_provider(options: dict[str, Any]) -> ChallengeProvider:
    """A ChallengeProvider checking options["provider"]'s credentials."""
    return ChallengeProvider(str(options.get("provider") or "custom"))
