"""``csm-desktop value set|record``: value metrics and their measurements (the QBR's value
section)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from csm_desktop.cli.common import parse_day
from csm_desktop.cli.team import readable_book, writing_book
from csm_desktop.errors import BadInput


def add_value_commands(commands: Any) -> None:
    value = commands.add_parser(
        "value", help="define value metrics and record measurements (the QBR's value section)"
    )
    value_commands = value.add_subparsers(dest="value_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    common.add_argument(
        "--today", type=parse_day, help="date the change is logged on (default: today)"
    )
    define = value_commands.add_parser(
        "set", parents=[common], help="define a value metric or change the options given"
    )
    define.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    define.add_argument("metric", metavar="METRIC", help="metric name, e.g. 'Hours on reporting'")
    define.add_argument("--unit", metavar="U", help="unit, e.g. hours")
    define.add_argument(
        "--direction", metavar="higher|lower", help="which way is better (needed for a new one)"
    )
    define.add_argument("--baseline", metavar="X", help="value before the product")
    define.add_argument("--baseline-on", metavar="D", help="date of the baseline (YYYY-MM-DD)")
    define.add_argument("--target", metavar="Y", help="value agreed as the goal")
    define.add_argument(
        "--money-per-unit", metavar="M", help="what one unit is worth in the book's currency"
    )
    define.add_argument(
        "--per",
        metavar="PERIOD",
        help="the value is a rate per week, month, quarter or year (for money realised)",
    )
    define.set_defaults(run=_cmd_value_set)
    record = value_commands.add_parser("record", parents=[common], help="record a measurement")
    record.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    record.add_argument("metric", metavar="METRIC", help="metric name")
    record.add_argument("value", metavar="VALUE", help="the measured value")
    record.add_argument("--on", metavar="D", required=True, help="date measured (YYYY-MM-DD)")
    record.set_defaults(run=_cmd_value_record)


def _day_option(text: str | None, option: str) -> dt.date | None:
    """A date option checked in the command, so a typo is one line (not argparse's usage)."""
    if text is None:
        return None
    try:
        return parse_day(text)
    except argparse.ArgumentTypeError as exc:
        raise BadInput(f"{option} {exc}.") from None


def _number_option(text: str | None, option: str) -> float | None:
    from csm_desktop.services.value_snapshots import parse_number

    return None if text is None else parse_number(text, option)


def _cmd_value_set(args: argparse.Namespace) -> int:
    from csm_desktop.services.value_by_name import set_metric_by_name
    from csm_desktop.services.value_snapshots import parse_direction

    direction = parse_direction(args.direction) if args.direction is not None else None
    baseline = _number_option(args.baseline, "--baseline")
    baseline_on = _day_option(args.baseline_on, "--baseline-on")
    target = _number_option(args.target, "--target")
    money = _number_option(args.money_per_unit, "--money-per-unit")
    with writing_book(readable_book(args)) as book:
        change = set_metric_by_name(
            book,
            args.account,
            args.metric,
            on=args.today or dt.date.today(),
            unit=args.unit,
            direction=direction,
            baseline=baseline,
            baseline_on=baseline_on,
            target=target,
            money_per_unit=money,
            rate_per=args.per,
        )
    print(f"{args.account}: {change.text}.")
    return 0


def _cmd_value_record(args: argparse.Namespace) -> int:
    from csm_desktop.services.value_by_name import record_by_name
    from csm_desktop.services.value_snapshots import parse_number

    value = parse_number(args.value, "VALUE")
    measured_on = _day_option(args.on, "--on")
    assert measured_on is not None  # --on is required
    with writing_book(readable_book(args)) as book:
        change = record_by_name(
            book, args.account, args.metric, value, measured_on, on=args.today or dt.date.today()
        )
    print(f"{args.account}: {change.text}.")
    return 0
