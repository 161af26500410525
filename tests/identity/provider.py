"""A stand-in OpenID provider on the loopback interface, speaking the documented protocol
(OpenID Connect Core 1.0 and Discovery 1.0, RFC 7636 PKCE): the discovery document, an
authorization endpoint that consents at once and redirects back with a code and the state, a
token endpoint that checks the client's credentials, the code, the redirect URI and the PKCE
verifier, and a JWKS; ID tokens signed RS256 with a key of its own, made here with
`cryptography` (not with the library under test).

Knobs for a test: `claims` (who signs in next), `id_token_changes` (claims to put in the ID
token as given: a wrong nonce, an old exp, another aud), `tamper` (the payload changed after
signing), `authorizations` (what each authorization request asked for).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _uint(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class StandInProvider:
    client_id = "larmkedjan-test"
    client_secret = "hemligt-" + secrets.token_hex(8)

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "key-" + secrets.token_hex(4)
        self.claims = {"sub": "user-1", "name": "Frida Ek"}
        self.id_token_changes: dict = {}
        self.tamper = False
        self.authorizations: list[dict] = []
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        # What it calls itself (the discovery document's and the ID tokens' iss): the base, or
        # the base with a trailing "/" as some providers write it.
        self.issuer = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "StandInProvider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **extra) -> dict:
        """The product's settings for this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.client_id,
                "OIDC_CLIENT_SECRET": self.client_secret, "OIDC_PROVIDER_NAME": "TestID",
                **extra}

    # --- the ID token -------------------------------------------------------------------

    def sign(self, payload: dict) -> str:
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        signing_input = (b64url(json.dumps(header).encode()) + "."
                         + b64url(json.dumps(payload).encode()))
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        token = signing_input + "." + b64url(signature)
        if self.tamper:  # another subject in the payload, the signature left as it was
            head, _body, sig = token.split(".")
            forged = b64url(json.dumps({**payload, "sub": "someone-else"}).encode())
            token = ".".join((head, forged, sig))
        return token

    def id_token(self, grant: dict, access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        payload = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                   "auth_time": now, "nonce": grant["nonce"],
                   "at_hash": b64url(digest[:16]), **grant["claims"], **self.id_token_changes}
        return self.sign(payload)

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": _uint(numbers.n), "e": _uint(numbers.e)}]}

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile"],
        }

    # --- the endpoints ----------------------------------------------------------------------

    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        q = {k: v[0] for k, v in query.items()}
        self.authorizations.append(q)
        if q.get("response_type") != "code" or q.get("client_id") != self.client_id or \
                "openid" not in q.get("scope", "").split() or \
                q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return 400, {}, b"bad authorization request"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": q["redirect_uri"], "nonce": q.get("nonce"),
                            "challenge": q["code_challenge"], "claims": dict(self.claims)}
        location = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
        return 302, {"Location": location}, b""

    def token(self, headers, body: dict) -> tuple[int, dict, bytes]:
        self.token_requests += 1
        form = {k: v[0] for k, v in body.items()}
        expected = "Basic " + base64.b64encode(
            f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {}, json.dumps({"error": "invalid_client"}).encode()
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code" or \
                form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {}, json.dumps({"error": "invalid_grant"}).encode()
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return 400, {}, json.dumps({"error": "invalid_grant",
                                        "error_description": "PKCE"}).encode()
        access_token = secrets.token_urlsafe(24)
        answer = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                  "id_token": self.id_token(grant, access_token)}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, headers, body):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                json_type = {"Content-Type": "application/json"}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, json_type, json.dumps(provider.discovery()).encode())
                elif url.path == "/jwks":
                    self._send(200, json_type, json.dumps(provider.jwks()).encode())
                elif url.path == "/authorize":
                    self._send(*provider.authorize(parse_qs(url.query)))
                else:
                    self._send(404, {}, b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = parse_qs(self.rfile.read(length).decode())
                if urlsplit(self.path).path == "/token":
                    self._send(*provider.token(self.headers, body))
                else:
                    self._send(404, {}, b"")

        return Handler
