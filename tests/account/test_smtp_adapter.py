"""The smtp adapter against a real loopback SMTP server: STARTTLS, implicit TLS, login, refusals."""

from __future__ import annotations

import datetime
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from parse_clone.email import MailDeliveryError, load_email_adapter

from .conftest import Inbox, free_port


@pytest.fixture(scope="module")
def cert_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return str(folder / "cert.pem"), str(folder / "key.pem")


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
    return AuthResult(success=ok)


class _ImplicitTls(Controller):
    """aiosmtpd speaking TLS from the first byte (port-465 style)."""

    def __init__(self, handler, context, **kw):
        super().__init__(handler, ssl_context=context, **kw)


def _server_context(cert_files) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert_files)
    return context


MAIL = {"to": "ann@example.test", "subject": "Hi", "text": "Hello Ann"}


async def test_starttls_and_login(cert_files):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=_server_context(cert_files),
                            require_starttls=True, authenticator=_authenticator, auth_required=True)
    controller.start()
    try:
        options = {"host": "127.0.0.1", "port": port, "fromAddress": "app@example.test", "username": "mailer",
                   "password": "s3cret", "rejectUnauthorized": False, "requireTLS": True}
        await load_email_adapter({"module": "smtp", "options": options}).send_mail(MAIL)
        [message] = await inbox.wait(1)
        assert (message["To"], message["Subject"]) == ("ann@example.test", "Hi")
        bad = load_email_adapter({"module": "smtp", "options": {**options, "password": "wrong", "timeout": 2}})
        with pytest.raises(MailDeliveryError, match=f"^SMTP server 127.0.0.1:{port}: "):
            await bad.send_mail(MAIL)  # the server refuses the login: nothing is delivered
        assert len(inbox.messages) == 1
        strict = load_email_adapter({"module": "smtp", "options": {**options, "rejectUnauthorized": True}})
        with pytest.raises(MailDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            await strict.send_mail(MAIL)  # a self-signed certificate is refused by default
    finally:
        controller.stop()


async def test_implicit_tls(cert_files):
    inbox, port = Inbox(), free_port()
    controller = _ImplicitTls(inbox, _server_context(cert_files), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        adapter = load_email_adapter({"module": "smtp", "options": {
            "host": "127.0.0.1", "port": port, "secure": True, "fromAddress": "app@example.test",
            "rejectUnauthorized": False}})
        await adapter.send_mail(MAIL)
        assert (await inbox.wait(1))[0]["From"] == "app@example.test"
    finally:
        controller.stop()


async def test_require_tls_refuses_a_plain_server():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        adapter = load_email_adapter({"module": "smtp", "options": {
            "host": "127.0.0.1", "port": port, "fromAddress": "a@b.c", "requireTLS": True}})
        with pytest.raises(MailDeliveryError, match="does not offer STARTTLS"):
            await adapter.send_mail(MAIL)
        assert inbox.messages == []
    finally:
        controller.stop()


@pytest.mark.parametrize("option, message", [
    ({"module": "smtp", "options": {"host": "h", "fromAddress": "a@b.c", "hots": 1}}, "unknown option(s) hots"),
    ({"module": "nowhere.mail"}, "cannot load module 'nowhere.mail'"),
    ({"module": "json"}, "has no create_adapter(options) or adapter with send_mail"),
    (5, "emailAdapter must be a module name"),
])
def test_bad_adapter_options(option, message):
    with pytest.raises(ValueError) as e:
        load_email_adapter(option)
    assert message in str(e.value)
