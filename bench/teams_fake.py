"""A lean fake of the Bot Framework for the benchmarks: the keys Teams signs with, its tokens,
and the connector the bot calls back.

Run as its own process so that it never competes with the code under test for a loop:

    python bench/teams_fake.py --port P [--latency 0.02]

It publishes OpenID metadata and a JWKS (one RSA key, endorsed for `msteams`) as
login.botframework.com does, signs the channel's bearer tokens (`GET /_token?aud=…&
serviceurl=…`: RS256, issuer https://api.botframework.com, good for an hour, as Teams sends
them), issues the bot's own outbound tokens (`POST /oauth2/token`), and answers the connector
calls a pulse card's count update makes, after the latency. `GET /_record` counts the calls.

The tests' fake (tests/fakes/bot_connector.py) checks every card against the schema; this one
does not, so that the fake is never the bottleneck being measured. A service in a benchmark
trusts it through `trust_fake` (below), called before anything else in its process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections import Counter

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "bench-key-1"
CHANNEL = "msteams"
TOKEN_SECONDS = 3600
REGION = "amer"
METADATA_PATH = "/v1/.well-known/openidconfiguration"
TOKEN_PATH = "/oauth2/token"


class Fake:
    """The Bot Framework's side: keys, tokens, and the connector's REST calls."""

    def __init__(self, *, port: int, latency: float) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.latency = latency
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.bot_token = f"bot-{uuid.uuid4().hex}"
        self.calls: Counter[str] = Counter()
        self.ids = 1_700_000_000_000

    async def metadata(self, _request: web.Request) -> web.Response:
        """OpenID metadata naming the keys."""
        return web.json_response(
            {
                "issuer": ISSUER,
                "jwks_uri": f"{self.base}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def keys(self, _request: web.Request) -> web.Response:
        """The signing key, endorsed for Teams."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "endorsements": [CHANNEL]})
        return web.json_response({"keys": [jwk]})

    async def token(self, request: web.Request) -> web.Response:
        """A channel token for the bot `aud` at `serviceurl`, as Teams puts in Authorization."""
        now = int(time.time())
        claims = {
            "serviceurl": request.query["serviceurl"],
            "nbf": now - 5,
            "exp": now + TOKEN_SECONDS,
            "iss": ISSUER,
            "aud": request.query["aud"],
        }
        token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        return web.json_response({"token": token, "expires_in": TOKEN_SECONDS})

    async def bot_token_for(self, _request: web.Request) -> web.Response:
        """The bot's own token for calling the connector (what Azure AD would issue)."""
        self.calls["token"] += 1
        return web.json_response(
            {"access_token": self.bot_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}
        )

    async def connector(self, request: web.Request) -> web.Response:
        """Send, reply, update and create conversation: what a count update or a reply needs."""
        await request.read()
        authorized = request.headers.get("Authorization") == f"Bearer {self.bot_token}"
        kind = _kind(request.method, request.match_info["rest"])
        self.calls[kind if authorized else f"unauthorized {kind}"] += 1
        await asyncio.sleep(self.latency)
        if not authorized:
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        self.ids += 1
        if request.method == "PUT":
            return web.json_response({"id": request.match_info["rest"].rsplit("/", 1)[-1]})
        return web.json_response({"id": str(self.ids), "activityId": str(self.ids)}, status=201)

    async def record(self, _request: web.Request) -> web.Response:
        """The calls so far, by kind."""
        return web.json_response({"calls": dict(self.calls)})


def _kind(method: str, path: str) -> str:
    """A connector call's kind, from its method and the path after /v3/."""
    parts = path.split("/")  # conversations[/{id}[/activities[/{id}]]] or …/pagedmembers
    if method == "PUT":
        return "update"
    if len(parts) == 1:
        return "conversations"
    return {3: "send", 4: "reply"}.get(len(parts), parts[-1])


def trust_fake(base: str) -> None:
    """Make botbuilder in this process trust the fake at `base`, and nothing else changes.

    Inbound: botbuilder's channel validation reads the signing keys from this metadata URL
    instead of login.botframework.com (every token is still checked in full: issuer,
    signature, expiry, endorsement, audience, service URL). Outbound: the bot's token comes
    from the fake instead of MSAL, which only speaks https to Azure AD; MSAL would cache it
    for its lifetime too, so this is no work taken off a request."""
    import requests
    from botframework.connector.auth import ChannelValidation, MicrosoftAppCredentials

    ChannelValidation.open_id_metadata_endpoint = base + METADATA_PATH
    cached: dict[str, tuple[str, float]] = {}

    def get_access_token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        token, until = cached.get(self.microsoft_app_id, ("", 0.0))
        if force_refresh or time.time() >= until:
            answer = requests.post(base + TOKEN_PATH, timeout=5)
            answer.raise_for_status()
            body = answer.json()
            token, until = body["access_token"], time.time() + body["expires_in"] - 300
            cached[self.microsoft_app_id] = (token, until)
        return token

    MicrosoftAppCredentials.get_access_token = get_access_token


def service_url(base: str) -> str:
    """The serviceUrl activities from the fake tenant carry (ends with "/", like Teams')."""
    return f"{base}/{REGION}/"


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    fake = Fake(port=args.port, latency=args.latency)
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_get(METADATA_PATH, fake.metadata)
    app.router.add_get("/v1/.well-known/keys", fake.keys)
    app.router.add_get("/_token", fake.token)
    app.router.add_post(TOKEN_PATH, fake.bot_token_for)
    app.router.add_route("*", f"/{REGION}/v3/{{rest:.*}}", fake.connector)
    app.router.add_get("/_record", fake.record)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
