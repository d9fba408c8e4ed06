"""TLS: a certificate the system does not trust is refused with a plain TLSError; the
CA-bundle option (or the explicit insecure switch) makes the same server work.

The demo app is served over HTTPS by uvicorn on loopback with a throwaway CA made here.
Each test runs with httpx's own transport and with the walks' (``page_transport``,
api/page_transport.py): both say the same.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from uvicorn_thread import serving

from policytui.api import WaldurClient, errors
from policytui.demo import STAFF_TOKEN, DemoSettings, create_app

x509 = pytest.importorskip("cryptography.x509", reason="cryptography is needed to make a test CA")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _write_ca_and_server_cert(
    directory: Path, *, expired: bool = False, host: str = "127.0.0.1"
) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate it signed for ``host`` (expired if asked)."""
    now = dt.datetime.now(dt.UTC)
    valid_until = now - dt.timedelta(hours=1) if expired else now + dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "policytui test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=2))
        .not_valid_after(valid_until)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(host))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "cert.pem",
        directory / "key.pem",
    )
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


def _serve_https(cert: Path, key: Path) -> AbstractContextManager[int]:
    """The demo app over HTTPS on loopback with this certificate; yields the port."""
    return serving(create_app(DemoSettings()), ssl_certfile=str(cert), ssl_keyfile=str(key))


@pytest.fixture(params=[False, True], ids=["httpx-transport", "page-transport"])
def page_transport(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture(scope="module")
def https_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(https URL of a demo server, path of the CA that signed its certificate)."""
    ca, cert, key = _write_ca_and_server_cert(tmp_path_factory.mktemp("tls"))
    with _serve_https(cert, key) as port:
        yield f"https://127.0.0.1:{port}", ca


async def test_an_untrusted_certificate_is_a_tls_error(https_demo, page_transport) -> None:
    url, _ = https_demo
    async with WaldurClient(
        url, STAFF_TOKEN, max_retries=2, page_transport=page_transport
    ) as client:
        with pytest.raises(errors.TLSError) as caught:
            await client.policies.count()
    message = str(caught.value)
    assert "TLS check of 127.0.0.1" in message and "not trusted" in message
    assert "--ca-bundle" in message and caught.value.problem == "untrusted"
    assert "\n" not in message and STAFF_TOKEN not in message
    # A certificate problem does not pass by itself: no retries were spent on it.
    assert client.sent["HEAD"] == 1


async def test_the_ca_bundle_makes_it_trusted(https_demo, page_transport) -> None:
    url, ca = https_demo
    async with WaldurClient(
        url, STAFF_TOKEN, ca_bundle=str(ca), page_transport=page_transport
    ) as client:
        assert await client.policies.count() == 60


async def test_the_insecure_switch_skips_the_check(https_demo, page_transport) -> None:
    url, _ = https_demo
    async with WaldurClient(
        url, STAFF_TOKEN, verify=False, page_transport=page_transport
    ) as client:
        assert client.insecure
        assert await client.policies.count() == 60


async def _tls_failure(url: str, **options: object) -> errors.TLSError:
    async with WaldurClient(url, STAFF_TOKEN, max_retries=2, **options) as client:
        with pytest.raises(errors.TLSError) as caught:
            await client.policies.count()
    assert client.sent["HEAD"] == 1  # no retries spent on a certificate
    message = str(caught.value)
    assert "\n" not in message and STAFF_TOKEN not in message
    return caught.value


async def test_an_expired_certificate_says_so(tmp_path: Path, page_transport) -> None:
    ca, cert, key = _write_ca_and_server_cert(tmp_path, expired=True)
    with _serve_https(cert, key) as port:
        failure = await _tls_failure(
            f"https://127.0.0.1:{port}", ca_bundle=str(ca), page_transport=page_transport
        )
    assert str(failure) == (
        "TLS check of 127.0.0.1:" + str(port) + " failed: its certificate has expired "
        "(ask its admin)."
    )
    assert failure.problem == "expired"


async def test_a_certificate_for_another_host_says_check_the_url(
    tmp_path: Path, page_transport
) -> None:
    # Valid and trusted (the CA bundle is given), but issued for another address.
    ca, cert, key = _write_ca_and_server_cert(tmp_path, host="192.0.2.1")
    with _serve_https(cert, key) as port:
        failure = await _tls_failure(
            f"https://127.0.0.1:{port}", ca_bundle=str(ca), page_transport=page_transport
        )
    assert "its certificate is for another host name (check the URL)" in str(failure)
    assert failure.problem == "host_mismatch"


async def test_https_to_a_plain_http_port_says_it_does_not_speak_tls(
    demo_server, page_transport
) -> None:
    url = demo_server.url.replace("http://", "https://")
    failure = await _tls_failure(url, page_transport=page_transport)
    assert "does not speak TLS on that port (is the URL http://, or another port?)" in str(failure)
    assert failure.problem == "not_tls"
