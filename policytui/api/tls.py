"""Why a TLS handshake failed, in words an operator can act on.

httpx reports every handshake failure as a ``ConnectError`` whose text is OpenSSL's
(``[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ...``). The cause is in
the chained ``ssl`` exception: an expired certificate, one issued for another host name
and one from an unknown authority call for different fixes (wait for the admin, use the
right URL, give a CA bundle), so each gets its own message.
"""

from __future__ import annotations

import ssl
from typing import Literal

TLSProblem = Literal["untrusted", "expired", "not_yet_valid", "host_mismatch", "not_tls", "other"]

#: OpenSSL's X509_V_ERR codes that mean "no trusted authority vouches for it".
_UNTRUSTED = {
    2,  # unable to get issuer certificate
    18,  # self-signed certificate
    19,  # self-signed certificate in certificate chain
    20,  # unable to get local issuer certificate
    21,  # unable to verify the first certificate
}
_EXPIRED = 10
_NOT_YET_VALID = 9
#: Host name and IP address mismatch.
_HOST_MISMATCH = {62, 64}

#: What an http:// API URL means, said in the app's top bar and in `policytui status`.
PLAIN_HTTP = "plain HTTP: not encrypted"

_TRUST_HINT = "give a CA bundle with --ca-bundle, or --insecure if you really must"


def ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The ``ssl`` error behind a transport error, if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def untrusted(host: str) -> str:
    """The message for a certificate no trusted authority vouches for."""
    return f"TLS check of {host} failed: the certificate is not trusted ({_TRUST_HINT})."


def describe(host: str, cause: ssl.SSLError) -> tuple[TLSProblem, str]:
    """What is wrong with ``host``'s TLS, and one line saying it and what to do."""
    if isinstance(cause, ssl.SSLCertVerificationError):
        code = cause.verify_code
        if code == _EXPIRED:
            return (
                "expired",
                f"TLS check of {host} failed: its certificate has expired (ask its admin).",
            )
        if code == _NOT_YET_VALID:
            return "not_yet_valid", (
                f"TLS check of {host} failed: its certificate is not valid yet "
                "(check this machine's clock)."
            )
        if code in _HOST_MISMATCH:
            return "host_mismatch", (
                f"TLS check of {host} failed: its certificate is for another host name "
                "(check the URL)."
            )
        if code in _UNTRUSTED:
            return "untrusted", untrusted(host)
        reason = (cause.verify_message or "certificate rejected").rstrip(".")
        return "other", f"TLS check of {host} failed: {reason} ({_TRUST_HINT})."
    if cause.reason == "WRONG_VERSION_NUMBER":
        return "not_tls", (
            f"TLS handshake with {host} failed: it does not speak TLS on that port "
            "(is the URL http://, or another port?)."
        )
    reason = (cause.reason or type(cause).__name__).replace("_", " ").lower()
    return "other", f"TLS handshake with {host} failed: {reason}."
