"""Every colour the window and its charts use, in a light and a dark version.

Views, models, delegates and charts never spell a colour: they ask ``current()`` for the
colours of the scheme in use and name the *meaning* (``bad`` text, ``overdue_row``
background, ``panel`` of a card). The scheme follows the operating system
(``QStyleHints.colorScheme()``) when the app starts and when the user switches it;
``use_scheme`` forces one (screenshots, tests). In dark mode the Fusion style gets a dark
``QPalette`` built from the same values, so native widgets and our own colours agree on
platforms whose style has no dark palette of its own.

Rich text and table colours are read each time a page is filled, so a switch shows on the
next refresh; pyqtgraph backgrounds are set when a chart is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Colours:
    """One scheme's colours, by meaning. Hex strings, usable in QSS, HTML and ``QColor``."""

    scheme: Scheme
    # text and surfaces
    ink: str  # main text on a panel
    muted: str  # secondary text: captions, hints, dates
    faint: str  # placeholders and "nothing here"
    page: str  # background behind cards
    panel: str  # card and chart background
    border: str  # card outline
    border_hover: str
    grid: str  # chart grid lines
    track: str  # the empty part of a bar
    # text colours with a meaning
    good: str  # achieved, on track, better
    warn: str  # due soon, at risk, blocked
    bad: str  # overdue, off track, worse, errors
    info: str  # in progress, unused unlock
    purple: str  # stalled
    pink: str  # renewal
    handled: str  # a nudge already dealt with today
    # fills for charts and bars
    blue: str
    blue_dark: str
    blue_light: str
    green: str
    green_light: str
    amber: str
    red: str
    grey: str
    # backgrounds with a meaning
    overdue_row: str  # a ladder row past its due date
    warning_bg: str  # a warning box (missing contact, placeholder left)
    warning_fg: str
    warning_border: str
    banner_bg: str  # a notice over a page (locked playbook, read-only book)
    banner_border: str
    note_bg: str  # a quiet box (experiment verdict)
    problem_bg: str  # a cell an import rejects
    skipped_bg: str  # a row an import skips quietly
    selection_overlay: str  # the "mid" band of the burn-up
    # scales
    heat_stops: tuple[tuple[float, str], ...]  # share 0…1 → colour, text stays readable
    no_value: str  # a heat-map cell with nothing to count
    phase_bars: dict[str, str] = field(default_factory=dict)  # dashboard phase chart
    phase_tints: dict[str, str] = field(default_factory=dict)  # playbook cards by phase
    roles: dict[str, str] = field(default_factory=dict)  # role colour bars
    other_role: str = "#57606a"

    def role(self, name: str) -> str:
        """The colour of a role's bar (seeded roles have their own; others share one)."""
        return self.roles.get(name, self.other_role)


LIGHT = Colours(
    scheme=Scheme.LIGHT,
    ink="#101828",
    muted="#475467",
    faint="#98a2b3",
    page="#f2f4f7",
    panel="#ffffff",
    border="#e4e7ec",
    border_hover="#84caff",
    grid="#eaecf0",
    track="#e4e7ec",
    good="#067647",
    warn="#b54708",
    bad="#b42318",
    info="#175cd3",
    purple="#6941c6",
    pink="#c11574",
    handled="#98a2b3",
    blue="#2e90fa",
    blue_dark="#1570ef",
    blue_light="#d1e9ff",
    green="#12b76a",
    green_light="#d1fadf",
    amber="#f79009",
    red="#f04438",
    grey="#98a2b3",
    overdue_row="#fef3f2",
    warning_bg="#fffaeb",
    warning_fg="#93370d",
    warning_border="#fec84b",
    banner_bg="#fff8c5",
    banner_border="#d4a72c",
    note_bg="#f9fafb",
    problem_bg="#fbd5d2",
    skipped_bg="#ececec",
    selection_overlay="#f6f8fa",
    heat_stops=((0.0, "#fda29b"), (0.5, "#fedf89"), (1.0, "#6ce9a6")),
    no_value="#f2f4f7",
    phase_bars={"early": "#84caff", "mid": "#2e90fa", "late": "#1570ef", "beyond 90": "#175cd3"},
    phase_tints={"early": "#dafbe1", "mid": "#fff8c5", "late": "#ffebe9", "beyond 90": "#eaeef2"},
    roles={"Administrator": "#1f6feb", "Power user": "#8250df", "Operator": "#1a7f37"},
    other_role="#57606a",
)

DARK = Colours(
    scheme=Scheme.DARK,
    ink="#e6e9ee",
    muted="#a7b0be",
    faint="#6f7a8a",
    page="#16191e",
    panel="#1f2329",
    border="#343a44",
    border_hover="#2e90fa",
    grid="#2c323b",
    track="#343a44",
    good="#47cd89",
    warn="#fdb022",
    bad="#f97066",
    info="#84caff",
    purple="#bdb4fe",
    pink="#faa7e0",
    handled="#6f7a8a",
    blue="#2e90fa",
    blue_dark="#53b1fd",
    blue_light="#194185",
    green="#32d583",
    green_light="#074d31",
    amber="#fdb022",
    red="#f97066",
    grey="#6f7a8a",
    overdue_row="#4a1f1c",
    warning_bg="#3d2a0a",
    warning_fg="#fedf89",
    warning_border="#93370d",
    banner_bg="#3a3110",
    banner_border="#a15c07",
    note_bg="#262b33",
    problem_bg="#5c1f1b",
    skipped_bg="#2c323b",
    selection_overlay="#262b33",
    heat_stops=((0.0, "#912018"), (0.5, "#93370d"), (1.0, "#05603a")),
    no_value="#2c323b",
    phase_bars={"early": "#84caff", "mid": "#2e90fa", "late": "#1570ef", "beyond 90": "#175cd3"},
    phase_tints={"early": "#1c3a27", "mid": "#3a3110", "late": "#45201d", "beyond 90": "#2c323b"},
    roles={"Administrator": "#58a6ff", "Power user": "#bc8cff", "Operator": "#3fb950"},
    other_role="#8b949e",
)

_current: Colours = LIGHT
_replaced_style: str | None = None  # the platform style we swapped for Fusion in dark mode


class _Notifier(QObject):
    changed = Signal(str)  # the scheme now in use ("light" or "dark")


notifier = _Notifier()


def current() -> Colours:
    """The colours of the scheme in use."""
    return _current


def qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    colour = QColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


def card_style(object_name: str = "chartCard", *, hover: bool = False) -> str:
    """The QSS of a card (a panel with a thin outline) named ``object_name``."""
    c = current()
    style = (
        f"QFrame#{object_name} {{ background: {c.panel}; border: 1px solid {c.border};"
        " border-radius: 8px; }"
    )
    if hover:
        style += f" QFrame#{object_name}:hover {{ border: 1px solid {c.border_hover}; }}"
    return style


def banner_style() -> str:
    """The QSS of a notice over a page (a locked playbook, a read-only book)."""
    c = current()
    return (
        f"QLabel, QFrame {{ background: {c.banner_bg}; color: {c.ink};"
        f" border: 1px solid {c.banner_border}; border-radius: 4px; padding: 6px; }}"
    )


def warning_style() -> str:
    """The QSS of a warning label (a missing contact, a placeholder left in a message)."""
    c = current()
    return (
        f"QLabel {{ background: {c.warning_bg}; color: {c.warning_fg};"
        f" border: 1px solid {c.warning_border}; border-radius: 4px; padding: 6px; }}"
    )


def error_style() -> str:
    """The QSS of a one-line error under a form."""
    return f"color: {current().bad};"


def span(text: str, colour: str) -> str:
    """``text`` (already escaped) in ``colour``, for rich-text labels."""
    return f"<span style='color:{colour}'>{text}</span>"


def system_scheme() -> Scheme:
    """What the operating system asks for; an unknown answer is read from the palette."""
    hints = QGuiApplication.styleHints()
    asked = hints.colorScheme()
    if asked == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if asked == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return Scheme.DARK if window.lightness() < 128 else Scheme.LIGHT


def use_scheme(scheme: Scheme) -> None:
    """Use ``scheme`` for our colours and, in dark mode, for Qt's own widgets too."""
    global _current, _replaced_style
    from PySide6.QtWidgets import QApplication, QStyleFactory

    _current = DARK if scheme is Scheme.DARK else LIGHT
    app = QApplication.instance()
    if isinstance(app, QApplication):
        if scheme is Scheme.DARK:
            native = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
            if not native:  # the platform style has no dark palette: draw it ourselves
                if _replaced_style is None:
                    _replaced_style = app.style().name()
                app.setStyle(QStyleFactory.create("Fusion"))
                app.setPalette(dark_qpalette(DARK))
        elif _replaced_style is not None:
            app.setStyle(QStyleFactory.create(_replaced_style))
            app.setPalette(app.style().standardPalette())
            _replaced_style = None
    notifier.changed.emit(scheme.value)


def follow_system() -> Scheme:
    """Use the system's scheme now and whenever the user switches it; returns it."""
    scheme = system_scheme()
    use_scheme(scheme)
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _asked: use_scheme(system_scheme())
    )
    return scheme


def dark_qpalette(colours: Colours) -> QPalette:
    """A dark ``QPalette`` for the Fusion style from our dark colours."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for which, value in (
        (role.Window, colours.page),
        (role.WindowText, colours.ink),
        (role.Base, colours.panel),
        (role.AlternateBase, "#252a31"),
        (role.ToolTipBase, colours.panel),
        (role.ToolTipText, colours.ink),
        (role.PlaceholderText, colours.faint),
        (role.Text, colours.ink),
        (role.Button, "#2a2f37"),
        (role.ButtonText, colours.ink),
        (role.BrightText, "#ffffff"),
        (role.Light, "#3a414c"),
        (role.Midlight, "#313741"),
        (role.Mid, "#2a2f37"),
        (role.Dark, "#101216"),
        (role.Shadow, "#000000"),
        (role.Highlight, "#1570ef"),
        (role.HighlightedText, "#ffffff"),
        (role.Link, colours.info),
        (role.LinkVisited, colours.purple),
    ):
        p.setColor(which, QColor(value))
    for which in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, which, QColor(colours.faint))
    return p
