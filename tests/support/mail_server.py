"""A real SMTP server process for integration and browser tests: aiosmtpd, run as its
own command with its Mailbox handler, which keeps every mail it accepts in a Maildir
the tests read."""

import mailbox
import signal
import subprocess
import sys
from pathlib import Path

from .stack import free_port, port_open, wait_until


class MailServer:
    def __init__(self, directory: Path):
        self.maildir = directory / "maildir"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """What the API needs to send its mails here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def start(self) -> "MailServer":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), message="the SMTP server to listen")
        return self

    def pause(self):
        """Connections are still accepted (by the kernel) but never answered: a mail
        server that hangs."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(10)

    def mails_to(self, address: str) -> list[mailbox.MaildirMessage]:
        """Oldest first: a Maildir's keys begin with the time each mail arrived."""
        box = mailbox.Maildir(self.maildir, create=True)
        return [box[key] for key in sorted(box.keys()) if box[key]["To"] == address]

    def wait_for_mail(
        self, address: str, count: int = 1, timeout: float = 15
    ) -> mailbox.MaildirMessage:
        """The `count`th mail to the address, once it has arrived."""
        mails = wait_until(
            lambda: self.mails_to(address)[count - 1 :],
            timeout=timeout,
            message=f"mail {count} to {address}",
        )
        return mails[0]


def text_of(mail: mailbox.MaildirMessage) -> str:
    return mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")
