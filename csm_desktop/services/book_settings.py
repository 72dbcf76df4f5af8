"""The book's own settings (DESIGN §9): who the vendor is, how money and time are written.

They live in the book, not on one machine, so a shared book has one set: the company name,
logo and accent colour on customer-facing reports, the currency of every money figure, the
time zone in which usage timestamps become days, the playbook a new account gets, and the
decimal separator assumed for numbers in files when a file does not make it clear.
"""

from __future__ import annotations

import datetime as dt
import locale
import re
from dataclasses import dataclass, fields, replace

from sqlalchemy.orm import Session

from csm_desktop.errors import UserError
from csm_desktop.store.database import Database
from csm_desktop.store.queries.settings import read_settings_under, write_setting

_PREFIX = "book."
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
DEFAULT_ACCENT = "#2563EB"


def system_currency() -> str:
    """The currency of the system locale (ISO 4217), USD when the locale does not say."""
    try:
        code = (locale.localeconv().get("int_curr_symbol") or "").strip()
    except ValueError:
        code = ""
    return code if _CURRENCY.match(code) else "USD"


def system_time_zone() -> str:
    """The machine's time zone name (e.g. "Europe/Paris"), or "UTC" when unknown."""
    name = dt.datetime.now().astimezone().tzinfo
    key = getattr(name, "key", None)
    return key if isinstance(key, str) else "UTC"


@dataclass(frozen=True, slots=True)
class BookSettings:
    """Settings that belong to the book; an empty string means "not set"."""

    company_name: str = ""
    logo_path: str = ""
    accent_colour: str = DEFAULT_ACCENT
    currency: str = ""  # ISO 4217; "" means the system's
    time_zone: str = ""  # IANA name; "" means the machine's
    default_playbook: str = ""  # playbook name; "" means the first active playbook
    decimal_separator: str = ""  # "." or ","; "" means detect from each file

    @property
    def currency_code(self) -> str:
        return self.currency or system_currency()

    @property
    def time_zone_name(self) -> str:
        return self.time_zone or system_time_zone()

    def checked(self) -> BookSettings:
        """The same settings, or a ``UserError`` naming the first value that cannot work."""
        if self.accent_colour and not _COLOUR.match(self.accent_colour):
            raise UserError(
                f"Accent colour {self.accent_colour!r} is not a colour; use #RRGGBB, e.g. #2563EB."
            )
        if self.currency and not _CURRENCY.match(self.currency.upper()):
            raise UserError(
                f"Currency {self.currency!r} is not an ISO code; use three letters, e.g. EUR."
            )
        if self.decimal_separator not in ("", ".", ","):
            raise UserError('Decimal separator must be "." or ",".')
        if self.time_zone:
            _check_time_zone(self.time_zone)
        return replace(self, currency=self.currency.upper())


def _check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(
            f"Time zone {name!r} is unknown; use a name such as Europe/Paris or UTC."
        ) from exc


def read_settings(session: Session) -> BookSettings:
    """The book's settings, defaults for those never set."""
    rows = read_settings_under(session, _PREFIX)
    known = {f.name for f in fields(BookSettings)}
    return BookSettings(**{k: v for k, v in rows.items() if k in known})


def write_settings(session: Session, settings: BookSettings) -> BookSettings:
    """Store every setting (validated first, so a bad value changes nothing)."""
    settings = settings.checked()
    for item in fields(BookSettings):
        write_setting(session, _PREFIX + item.name, str(getattr(settings, item.name)))
    return settings


def load_book_settings(database: Database) -> BookSettings:
    with database.session() as session:
        return read_settings(session)


def save_book_settings(database: Database, settings: BookSettings) -> BookSettings:
    with database.session() as session:
        return write_settings(session, settings)
