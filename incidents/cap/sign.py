"""The XML signature of our CAP messages (enveloped, RSA-SHA256, the certificate in KeyInfo):
the key and its certificate (PEM) from CAP_SIGNING_KEY_FILE and CAP_SIGNING_CERT_FILE; when
neither file exists, a key and a self-signed certificate are made there on first use (as the
push keys are, push/vapid.py). A region that pins our certificate knows the message is ours
and unchanged."""

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from signxml import XMLSigner, XMLVerifier

CERT_YEARS = 10


@dataclass(frozen=True)
class SigningKey:
    """Loaded once per process: loading an RSA key checks it, which takes tens of ms."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    cert_pem: bytes


_cache: dict[tuple, SigningKey] = {}
_lock = threading.Lock()


def _write_private(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def signing_key_generate(*, key_file: Path, cert_file: Path, sender: str) -> None:
    """A 2048-bit RSA key (0600) and a self-signed certificate for `sender` (0644)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sender[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Larmkedjan")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    _write_private(key_file, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), 0o600)
    _write_private(cert_file, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def signing_key() -> SigningKey:
    """The configured key and certificate, made on first use when neither file exists."""
    key_file, cert_file = Path(settings.CAP_SIGNING_KEY_FILE), Path(settings.CAP_SIGNING_CERT_FILE)
    try:
        stamp = (key_file.stat().st_mtime_ns, cert_file.stat().st_mtime_ns)
    except OSError:
        stamp = None
    found = _cache.get((str(key_file), str(cert_file), stamp))
    if found is not None:
        return found
    with _lock:
        if not key_file.exists() and not cert_file.exists():
            try:
                signing_key_generate(key_file=key_file, cert_file=cert_file,
                                     sender=settings.CAP_SENDER)
            except FileExistsError:
                pass  # another process made them meanwhile: read theirs
        if not (key_file.is_file() and cert_file.is_file()):
            raise ImproperlyConfigured(
                f"CAP signing needs both {key_file} (the key) and {cert_file} (its "
                "certificate), in PEM; remove the one left to have a new pair made.")
        cert_pem = cert_file.read_bytes()
        try:
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            cert = x509.load_pem_x509_certificate(cert_pem)
        except ValueError as exc:
            raise ImproperlyConfigured(f"CAP signing key or certificate unreadable: {exc}") \
                from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ImproperlyConfigured("CAP signing needs an RSA key (RSA-SHA256).")
        found = SigningKey(key=key, cert=cert, cert_pem=cert_pem)
        stamp = (key_file.stat().st_mtime_ns, cert_file.stat().st_mtime_ns)
        _cache[(str(key_file), str(cert_file), stamp)] = found
        return found


def cap_sign(alert: etree._Element) -> etree._Element:
    """`alert` with an enveloped <Signature> as its last child (CAP 1.2 allows the XML
    signature there: the schema's <any namespace="...xmldsig#">)."""
    keys = signing_key()
    return XMLSigner().sign(alert, key=keys.key, cert=[keys.cert])


def cap_verify(xml: bytes, *, cert_pem: bytes | str) -> etree._Element:
    """The signed <alert> when its signature verifies with `cert_pem` (pinned, no chain);
    signxml's InvalidSignature otherwise."""
    if isinstance(cert_pem, bytes):
        cert_pem = cert_pem.decode("ascii")
    return XMLVerifier().verify(xml, x509_cert=cert_pem).signed_xml
