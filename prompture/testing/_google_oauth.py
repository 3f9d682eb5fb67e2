"""Google's OAuth token endpoint in miniature, for servers that take Google bearer tokens.

A service account exchanges a signed JWT for an access token at its ``token_uri``
(``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``). `token_reply` answers that
exchange with the server's access token after checking the assertion's claims and signature;
`service_account_info` makes a throw-away service-account key whose ``token_uri`` points at
a local server, so google-auth's real refresh path runs offline. Needs ``cryptography``
(google-auth's own dependency) only when those two are called.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs

from ._server import RecordedRequest, Reply

__all__ = ["JWT_BEARER", "TOKEN_PATH", "service_account_info", "token_reply"]

TOKEN_PATH = "/token"
#: The audience google-auth signs service-account assertions for, whatever the token URI.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def service_account_info(token_uri: str, project_id: str = "test-project") -> dict[str, Any]:
    """A service-account key file's content with a fresh RSA key and `token_uri`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "test-key-id",
        "private_key": pem,
        "client_email": f"tester@{project_id}.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }


def token_reply(
    request: RecordedRequest, token_uri: str, access_token: str, public_keys: list[Any]
) -> Reply:
    """The token endpoint's answer: `access_token` for a valid, signed JWT-bearer grant."""
    form = {k: v[0] for k, v in parse_qs(request.raw.decode("utf-8", "replace")).items()}
    if form.get("grant_type") != JWT_BEARER or not form.get("assertion"):
        return _oauth_error("unsupported_grant_type", "Only JWT bearer grants are served.")
    problem = _assertion_problem(form["assertion"], token_uri, public_keys)
    if problem:
        return _oauth_error("invalid_grant", problem)
    body = {"access_token": access_token, "expires_in": 3599, "token_type": "Bearer"}
    return Reply.of_json(200, body)


def _assertion_problem(assertion: str, token_uri: str, public_keys: list[Any]) -> str | None:
    try:
        header_b64, claims_b64, signature_b64 = assertion.split(".")
        header = json.loads(_b64decode(header_b64))
        claims = json.loads(_b64decode(claims_b64))
    except ValueError:
        return "The assertion is not a JWT."
    if header.get("alg") != "RS256":
        return "Only RS256 assertions are accepted."
    if claims.get("aud") not in (token_uri, GOOGLE_TOKEN_URI):
        return "Invalid JWT: audience is not the token URI."
    if CLOUD_PLATFORM not in str(claims.get("scope", "")).split():
        return "Invalid JWT: the cloud-platform scope is missing."
    if not claims.get("exp", 0) > time.time() > claims.get("iat", 0) - 300:
        return "Invalid JWT: token must be a short-lived token and in a reasonable timeframe."
    signed, signature = f"{header_b64}.{claims_b64}".encode(), _b64decode(signature_b64)
    if public_keys and not any(_verifies(k, signed, signature) for k in public_keys):
        return "Invalid JWT Signature."
    return None


def _verifies(public_key: Any, signed: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        public_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def public_key_of(info: dict[str, Any]) -> Any:
    """The public key of a `service_account_info` key, for the server to verify with."""
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(info["private_key"].encode(), None).public_key()


def _oauth_error(error: str, description: str) -> Reply:
    return Reply.of_json(400, {"error": error, "error_description": description})
