"""The Today list: what needs the CSM today across the book, each with its message ready.

Reads the book in a handful of set-based queries (accounts, ladders, last status changes,
recent touchpoints, unlock usage, contacts, templates), applies the rules of
``domain.nudges`` and fills the matching template for the account's contact in the
milestone's role, signed by the account's owner as ``{csm}``. Also logs touchpoints and
fills the congratulations message when a milestone is achieved.

A big book is read in pages of accounts (``today_pages``): each page is ranked on its own
and the pages are merged (``domain.nudges.merge_ranked``, ``rank_keyed``), which gives exactly
the ranking of the whole book, so a window can show the first page's lines at once while
the rest streams in, and stop between pages when the user switches books.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from csm_desktop.domain.experiment_changes import MessageChange
from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.nudges import (
    DEFAULT_RULES,
    AccountSnapshot,
    Nudge,
    NudgeKind,
    NudgeRules,
    RankKey,
    RoleProgress,
    keyed_nudges,
    rank_keyed,
    role_progress,
)
from csm_desktop.domain.story import capability_name
from csm_desktop.domain.templates import (
    CELEBRATION,
    NEXT_STEP,
    RENEWAL_CHECK_IN,
    UNLOCK_NUDGE,
    MessageTemplate,
    RenderedMessage,
    letter_date,
    render_message,
)
from csm_desktop.domain.vocabulary import Channel
from csm_desktop.errors import BadInput, Cancelled
from csm_desktop.services.contact_info import ContactInfo
from csm_desktop.services.experiment_variants import message_template, variant_messages
from csm_desktop.services.features import read_vocabulary
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Touchpoint,
)
from csm_desktop.store.queries.activity import (
    Accounts,
    IdRange,
    StartedChanges,
    account_contacts,
    active_account_ids,
    last_status_changes,
    last_touchpoints,
    message_templates,
    start_status_changes,
    unlocks_used,
)
from csm_desktop.store.queries.ladders import account_ladders, milestone_messages
from csm_desktop.store.queries.milestones import milestone_owner
from csm_desktop.store.queries.selection import ACTIVE_ACCOUNTS, AccountFilter
from csm_desktop.store.queries.today_lines import (
    StartedLadders,
    TodayLadder,
    start_ladders,
    today_ladders,
)

if TYPE_CHECKING:  # the account page's service, not needed for the list (start-up)
    from csm_desktop.services.accounts import AccountDetail


@dataclass(frozen=True, slots=True)
class FilledMessage:
    """A template filled in for one account and contact, with what went into it."""

    account_id: int
    milestone_id: int | None
    contact: ContactInfo | None
    """The account's contact in the milestone's role (the first one listed), if any."""
    values: Mapping[str, str | None]
    """Placeholder → value, so a view can re-render an edited template live."""
    template: MessageTemplate
    message: RenderedMessage


class TodayItem:
    """One line of the Today list; its message is filled when first read.

    Only the lines a CSM opens need their template filled: at 50,000 accounts the list has
    ~99,000 lines and filling them all was a large part of the wait (issue 17). A line keeps
    the page of the book it was read from (shared by the page's lines: no closure per line)
    and fills from it; that reads only memory, so any thread may read ``filled``.
    """

    __slots__ = ("_book", "_filled", "nudge")

    def __init__(self, nudge: Nudge, book: _Book) -> None:
        self.nudge = nudge
        self._book = book
        self._filled: FilledMessage | None = None

    @property
    def milestone_version(self) -> int | None:
        """The version of the nudge's milestone as this list read it (team mode): "Mark
        achieved" from this line is saved only over it. None without a milestone.

        Looked up in the account's ladder when asked (a few lines are), not kept per line:
        a map of every milestone read to its version was a pass over 119,000 of them."""
        nudge = self.nudge
        if nudge.milestone_id is not None:
            for milestone in self._book.ladders.get(nudge.account_id, ()):
                if milestone.id == nudge.milestone_id:
                    return milestone.version
        return None

    @property
    def filled(self) -> FilledMessage:
        if self._filled is None:
            nudge = self.nudge
            self._filled = _fill(
                self._book, nudge.account_id, nudge.account, nudge.milestone_id, nudge.kind
            )
        return self._filled

    def __repr__(self) -> str:
        return f"TodayItem({self.nudge!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TodayItem):
            return NotImplemented
        return self.nudge == other.nudge and self.filled == other.filled

    def __hash__(self) -> int:
        return hash(self.nudge)


@dataclass(frozen=True, slots=True)
class Celebration:
    """A milestone just achieved and the congratulations / what's next message."""

    account: str
    milestone: str
    achieved_on: dt.date | None
    filled: FilledMessage


@dataclass(slots=True)
class _Book:
    """What the Today list reads from the store, keyed by account id."""

    snapshots: list[AccountSnapshot]
    owners: dict[int, str | None]
    ladders: dict[int, list[Milestone]]
    template_and_cue: dict[int, tuple[int | None, str]]
    """Per milestone id: the template whose messages fill its nudges, and its cue."""
    contacts: dict[int, list[ContactInfo]]
    templates: dict[int, MessageTemplate]
    experiment_messages: dict[int, dict[str, MessageChange]] = field(default_factory=dict)
    """Accounts in a message arm of a running experiment: template key → the arm's text."""
    capability_names: dict[str, str] = field(default_factory=dict)
    """Display names of the unlocked capabilities, by the milestones' ``unlocks`` text."""


def _load_book(
    session: Session,
    today: dt.date,
    rules: NudgeRules,
    account_id: Accounts = None,
    vocabulary: FeatureVocabulary | None = None,
    *,
    whole: bool = False,
    arms: dict[int, dict[str, MessageChange]] | None = None,
    started: StartedLadders | None = None,
    started_changes: Iterable[Any] | None = None,
) -> _Book:
    """The active book (None), a page of it (an id range) or one account, even archived.
    A book read in pages reads its feature ``vocabulary`` and the texts of its experiments'
    message ``arms`` once and passes them in.

    Of a book or a page only the milestones a line or its message can name are read, with
    counts standing for the rest (``store.queries.today_lines``); one account, or ``whole``,
    reads every milestone (the reference those partial ladders are proven equal to).
    ``started``, ``started_changes``: the page's milestones and last status changes queries
    already run on this session (``today_pages``)."""
    if account_id is None:
        selection = ACTIVE_ACCOUNTS
    elif isinstance(account_id, IdRange):
        selection = AccountFilter(id_range=account_id)
    else:
        selection = AccountFilter(account_id=account_id, include_archived=True)
    whole_ladders = whole or isinstance(account_id, int)
    if whole_ladders:
        accounts = [
            TodayLadder(a.id, a.name, a.owner, a.kickoff, a.renewal_on, milestones=a.milestones)
            for a in sorted(account_ladders(session, selection), key=lambda a: a.id)
        ]
        template_and_cue = milestone_messages(
            session, None if account_id is None else [a.id for a in accounts]
        )
    else:
        template_and_cue = {}
        accounts = today_ladders(
            session, selection, today, rules, started=started, messages=template_and_cue
        )
    ids = None if account_id is None else [a.id for a in accounts]
    ladders = {a.id: a.milestones for a in accounts}  # every one read has its id

    last_change = last_status_changes(session, today, account_id, started=started_changes)
    last_touch, milestone_touch = last_touchpoints(session, today, account_id)
    used: Mapping[int, Iterable[int]]
    if whole_ladders:
        # Only unlocks in the window the rule nudges about (``unused_unlock_days`` …
        # ``unlock_window_days`` ago) are asked about: one usage seek each.
        since = today - dt.timedelta(days=rules.unlock_window_days)
        until = today - dt.timedelta(days=rules.unused_unlock_days)
        used = unlocks_used(session, since, today, account_id, until=until)
    else:
        used = {a.id: a.unlocks_used for a in accounts if a.unlocks_used}
    contacts = {
        owner: [ContactInfo(*row) for row in rows]
        for owner, rows in account_contacts(session, account_id).items()
    }
    if vocabulary is None:
        vocabulary = read_vocabulary(session)
    capability_names = {
        text: capability_name(text, vocabulary)
        for text in {m.unlocks for ladder in ladders.values() for m in ladder}
        if text
    }
    # Of every milestone read (each has its messages' template): one pass over the
    # messages, not a lookup per milestone.
    template_ids = {template_id for template_id, _cue in template_and_cue.values() if template_id}
    templates = message_templates(session, template_ids)
    snapshots = [
        # Positional, in field order: keywords made each of 47,000 snapshots cost 1.3 µs
        # instead of 0.4 (issue 17).
        AccountSnapshot(
            a.id,
            a.name,
            a.kickoff,
            tuple(a.milestones),
            a.renewal_on,
            last_change.get(a.id),
            frozenset(used[a.id]) if a.id in used else _NONE_USED,
            last_touch.get(a.id),
            milestone_touch.get(a.id, _NONE_CONTACTED),
            a.owner,
            capability_names,
            a.late,
            a.counts,
        )
        for a in accounts
        if a.milestones  # no milestone, no nudge
    ]
    if arms is None:
        arms = variant_messages(session, ids)
    owners = {a.id: a.owner for a in accounts}
    return _Book(
        snapshots, owners, ladders, template_and_cue, contacts, templates, arms,
        capability_names,
    )  # fmt: skip


_NONE_USED: frozenset[int] = frozenset()
_NONE_CONTACTED: Mapping[int, dt.date] = MappingProxyType({})
"""Shared by the snapshots of the (many) accounts with no such facts; never written."""


def _first_name(name: str) -> str:
    """How a message greets a contact: "Hi Zoë," for Zoë Ødegård."""
    parts = name.split()
    return parts[0] if parts else ""


def _fill(
    book: _Book,
    account_id: int,
    account: str,
    milestone_id: int | None,
    kind: NudgeKind | None,
) -> FilledMessage:
    """The template that fits ``kind`` (None: a celebration), filled for this account."""
    ladder = book.ladders.get(account_id, [])
    milestone = next((m for m in ladder if m.id == milestone_id), None)
    template_id, cue = book.template_and_cue[milestone.id or 0] if milestone else (None, None)
    role = milestone.role if milestone else None
    people = book.contacts.get(account_id, [])
    contact = next((c for c in people if role is not None and c.role == role), None)
    following = [
        m
        for m in ladder
        if m.status.is_open and (kind is NudgeKind.RENEWAL or m.id != milestone_id)
    ]
    upcoming = min(following, key=lambda m: m.due_on) if following else None
    values: dict[str, str | None] = {
        "account": account,
        "contact": _first_name(contact.name) if contact else None,
        "role": role,
        "milestone": milestone.title if milestone else None,
        "due_date": letter_date(milestone.due_on) if milestone else None,
        "unlocks": book.capability_names.get(milestone.unlocks or "", milestone.unlocks)
        if milestone
        else None,
        "cue": cue,
        "csm": book.owners.get(account_id),
        "next_milestone": upcoming.title if upcoming else None,
        "next_due_date": letter_date(upcoming.due_on) if upcoming else None,
    }
    own = book.templates.get(template_id) if template_id else None
    help_article = own.help_article if own else ""
    template: MessageTemplate
    if kind is None or kind is NudgeKind.CRITERION_MET:
        template = _with_help(CELEBRATION, help_article)
    elif kind is NudgeKind.UNUSED_UNLOCK:
        template = _with_help(UNLOCK_NUDGE, help_article)
    elif kind is NudgeKind.RENEWAL:
        template = _with_help(RENEWAL_CHECK_IN, help_article)
    elif own is not None and own.name in book.experiment_messages.get(account_id, {}):
        # The account is in a message arm of an experiment: offer the arm's text (issue 18).
        template = message_template(own, book.experiment_messages[account_id][own.name])
    elif own is not None and (own.in_app or own.email_subject or own.email_body):
        template = own
    else:
        template = _with_help(NEXT_STEP, help_article)
    return FilledMessage(
        account_id, milestone_id, contact, values, template, render_message(template, values)
    )


def _with_help(template: MessageTemplate, help_article: str) -> MessageTemplate:
    return MessageTemplate(
        template.name,
        template.in_app,
        template.email_subject,
        template.email_body,
        help_article or template.help_article,
    )


FIRST_PAGE = 500
"""Accounts read for the first page: its lines show while the rest of the book is read."""
PAGE = 5_000
"""Accounts per later page. A page's lines are ranked by one sort, C code that holds the
interpreter (the window's thread waits): 10,000 lines sort in about 10 ms, 20,000 in 30-40."""
READ = 15_000
"""Accounts read from the book at once after the second page (which is one page: the first
lines wait for its query), then ranked page by page. Each read repeats a dozen small
queries and compiles its milestones query, ~20 ms of the interpreter: 50,000 accounts read
in pages of 5,000 paid that 11 times, in reads of 15,000 5 times (issue 17)."""


@dataclass(frozen=True, slots=True)
class TodayPage:
    """The nudges of one page of accounts, ranked, and how far through the book it is."""

    ranked: list[TodayItem]
    accounts_read: int
    """Accounts read so far, this page included."""
    accounts: int
    """Active accounts in the book."""
    keys: list[RankKey] = field(default_factory=list)
    """Each line's ``rank_key``: ``ranked_together`` ranks pages by them."""

    @property
    def last(self) -> bool:
        return self.accounts_read >= self.accounts


def today_pages(
    database: Database,
    today: dt.date,
    rules: NudgeRules = DEFAULT_RULES,
    *,
    first: int = FIRST_PAGE,
    size: int = PAGE,
    progress: Progress = NO_PROGRESS,
    whole_ladders: bool = False,
    read: int = READ,
) -> Iterator[TodayPage]:
    """The Today list page by page of accounts (in id order), each page ranked on its own;
    ``merge_ranked`` of the pages is the book's ranking. An empty book gives one empty page.
    Between pages a cancelled ``progress`` stops the reading (``Cancelled``).

    The first two pages are read from the book one at a time, then ``read`` accounts (at
    least a page) at once (see ``READ``).

    Each ladder is read only as far as the rules need it (``store.queries.today_lines``);
    ``whole_ladders`` reads every milestone instead: slower, the reference the partial
    ladders are proven equal to (``tests/store/test_today_lines.py``)."""
    # Each read's session is opened, and its milestones query run, in a thread while the
    # lines of the read before are built here (``start_ladders``).
    with ThreadPoolExecutor(max_workers=1) as pool:
        with database.session() as session:
            ids = active_account_ids(session)
            arms = variant_messages(session)
            vocabulary = read_vocabulary(session)  # a few index seeks
        second = first + size
        reads = [ids[:first]]
        if len(ids) > first:
            reads.append(ids[first:second])
        step = max(read, size)
        reads += [ids[start : start + step] for start in range(second, len(ids), step)]
        done = 0  # accounts whose lines went out

        def opened(n: int) -> Future[_Opened]:
            return pool.submit(_open_page, database, reads[n], today, rules, whole_ladders)

        ahead: Future[_Opened] | None = None  # the first page is opened here, at once
        try:
            for n, accounts in enumerate(reads):
                if progress.cancelled:
                    raise Cancelled
                if ahead is None:
                    stack, session, started, changes = _open_page(
                        database, accounts, today, rules, whole_ladders
                    )
                else:
                    stack, session, started, changes = ahead.result()
                ahead = opened(n + 1) if n + 1 < len(reads) else None
                with stack:  # the read's session: rolled back if reading it fails
                    book = None
                    if accounts:
                        book = _load_book(
                            session, today, rules, IdRange(accounts[0], accounts[-1]),
                            vocabulary, whole=whole_ladders, arms=arms, started=started,
                            started_changes=changes,
                        )  # fmt: skip
                taken = 0  # of the read's snapshots (in id order), those ranked already
                for start in range(0, max(len(accounts), 1), size):
                    page = accounts[start : start + size]
                    if start and progress.cancelled:
                        raise Cancelled
                    keyed: list[tuple[RankKey, Nudge]] = []
                    items: list[TodayItem] = []
                    if book is not None:
                        snapshots = book.snapshots
                        end = bisect_right(snapshots, page[-1], taken, key=_account_id)
                        keyed = keyed_nudges(snapshots[taken:end], today, rules)
                        taken = end
                        items = [TodayItem(nudge, book) for _k, nudge in keyed]
                    done += len(page)
                    progress(done, len(ids), "Reading the book")
                    if ahead is not None:
                        # The next read's query is done before these lines go out: the
                        # thread does not take the interpreter from the window painting them.
                        wait([ahead])
                    yield TodayPage(items, done, len(ids), list(map(_key_of, keyed)))
        finally:
            if ahead is not None:  # cancelled or failed: the next read's session is closed
                with contextlib.suppress(Exception):
                    ahead.result()[0].close()


_account_id = attrgetter("id")
_key_of = itemgetter(0)


_Opened = tuple[contextlib.ExitStack, Session, StartedLadders | None, StartedChanges | None]


def _open_page(
    database: Database, page: list[int], today: dt.date, rules: NudgeRules, whole: bool
) -> _Opened:
    """A session for one page of ``today_pages`` (the stack closes it) and, for a page read
    in part, its milestones and last status changes queries already run
    (``start_ladders``, ``start_status_changes``)."""
    stack = contextlib.ExitStack()
    try:
        session = stack.enter_context(database.session())
        if whole or not page:
            return stack, session, None, None
        accounts = IdRange(page[0], page[-1])
        ladders = start_ladders(session, AccountFilter(id_range=accounts), today, rules)
        stack.callback(ladders.close)  # before the session: rows not taken (a cancel, a
        changes = start_status_changes(session, today, accounts)  # failure) are let go
        stack.callback(changes.close)
        return stack, session, ladders, changes
    except BaseException:
        stack.close()
        raise


def today_list(
    database: Database,
    today: dt.date,
    rules: NudgeRules = DEFAULT_RULES,
    *,
    whole_ladders: bool = False,
) -> list[TodayItem]:
    """Every nudge of the active book on ``today``, ranked, each with its message filled
    (``whole_ladders``: see ``today_pages``)."""
    with gc_paused():
        return ranked_together(today_pages(database, today, rules, whole_ladders=whole_ladders))


def ranked_together(pages: Iterable[TodayPage]) -> list[TodayItem]:
    """The lines of pages (in reading order) in one ranking: exactly ``merge_ranked`` of
    them, by the keys each page kept (``domain.nudges.rank_keyed``)."""
    return rank_keyed(list(zip(page.keys, page.ranked, strict=True)) for page in pages)


def celebration(database: Database, milestone_id: int, today: dt.date) -> Celebration:
    """The congratulations / what's next message for a milestone (usually just achieved)."""
    with database.session() as session:
        found = milestone_owner(session, milestone_id)
        if found is None:
            raise BadInput.gone("milestone", milestone_id)
        account_id, title, achieved_on = found
        book = _load_book(session, today, DEFAULT_RULES, account_id=account_id)
    (snapshot,) = book.snapshots
    filled = _fill(book, snapshot.id, snapshot.name, milestone_id, None)
    return Celebration(snapshot.name, title, achieved_on, filled)


def log_touchpoint(
    database: Database,
    account_id: int,
    channel: str,
    on: dt.date,
    template: str,
    contact_id: int | None = None,
    milestone_id: int | None = None,
    note: str = "",
) -> int:
    """Record that the CSM reached the account; it shows in the account's timeline.

    Returns the new touchpoint's id. The contact and milestone, when given, must belong to
    the account.
    """
    from csm_desktop.services.feedback import check_links  # not before the list's first lines

    channels = [c.value for c in Channel]
    if channel not in channels:
        raise BadInput(f"Unknown channel “{channel}”; choose one of {', '.join(channels)}.")
    with database.session() as session:
        check_links(session, account_id, contact_id, milestone_id)
        touchpoint = Touchpoint(
            account_id=account_id,
            contact_id=contact_id,
            milestone_id=milestone_id,
            channel=channel,
            template=template.strip(),
            happened_on=on,
            note=note.strip(),
        )
        session.add(touchpoint)
        session.flush()
        return touchpoint.id


def role_progress_of(detail: AccountDetail, today: dt.date) -> tuple[RoleProgress, ...]:
    """Per role of an already loaded account: completion, whether behind, what holds it back.

    Milestones without a due date (the account has no kickoff or signed-on date) are left out.
    """
    return role_progress(detail.milestones, today)
