from __future__ import annotations

import pytest

from app.engines.transports import SmtpTransport


@pytest.fixture
async def smtp_transport(smtp_sink):
    """An SmtpTransport to the test SMTP server (tests/support/smtp_server.py)."""
    transport = SmtpTransport(smtp_sink.url, timeout=5)
    yield transport
    await transport.close()
