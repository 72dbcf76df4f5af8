"""``csm-desktop experiment …``: A/B tests of onboarding from the command line.

The same services as the Experiments page: create a two-arm experiment (a control and one
arm that reorders, rewrites a nudge, retimes or changes a success criterion), advise how
many accounts each arm needs, assign accounts, start, and read the results. Bad input
raises ``UserError`` (one line, exit 2) like every other command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from csm_desktop.errors import BadInput

KINDS = ("order", "message", "timing", "criterion")


def _day(text: str) -> dt.date:
    from csm_desktop.cli.common import parse_day

    return parse_day(text)


def _share(text: str) -> float:
    """A share as 0.55, 55 % or 55%."""
    cleaned = text.strip().replace(" ", "")
    try:
        value = float(cleaned.rstrip("%")) / (100 if cleaned.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share; use e.g. 0.5 or 50%") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1 (0 % … 100 %)")
    return value


def _book(args: argparse.Namespace) -> Any:
    from csm_desktop.cli.team import readable_book, writing_book

    return writing_book(readable_book(args))


def _change(args: argparse.Namespace) -> Any:
    """The arm's change from the options of its kind; options of other kinds are refused."""
    from csm_desktop.domain.experiment_changes import (
        CriterionChange,
        MessageChange,
        TimingChange,
    )

    given = {
        "message": [args.in_app, args.email_subject, args.email_body],
        "timing": [args.scale, args.shift],
        "criterion": [args.threshold, args.window],
        "order": [args.order],
    }
    for kind, values in given.items():
        if kind != args.kind and any(v is not None for v in values):
            raise BadInput(f"That option belongs to a {kind} arm, not a {args.kind} arm.")
    if args.kind == "message":
        if not args.milestone:
            raise BadInput(
                "A message arm needs --milestone KEY: the milestone whose nudge it rewrites."
            )
        return MessageChange(
            args.milestone, args.in_app or "", args.email_subject or "", args.email_body or ""
        )
    if args.kind == "timing":
        templates = tuple(args.milestone.split(",")) if args.milestone else ()
        return TimingChange(args.scale or 1.0, args.shift or 0, templates)
    if args.kind == "criterion":
        if not args.milestone:
            raise BadInput("A criterion arm needs --milestone KEY: whose criterion it changes.")
        return CriterionChange(args.milestone, args.threshold, args.window)
    return None


def _cmd_create(args: argparse.Namespace) -> int:
    from csm_desktop.domain.experiment_changes import VariantKind
    from csm_desktop.services.experiments import VariantSpec, create_experiment
    from csm_desktop.services.playbooks import find_playbook

    change = _change(args)
    with _book(args) as book:
        playbook = find_playbook(book, args.playbook, args.version)
        ordering = tuple(k.strip() for k in (args.order or "").split(",") if k.strip())
        control_order = tuple(key for key, _title in playbook_keys(book, playbook.id))
        arm = VariantSpec(
            args.arm_name,
            playbook.id,
            ordering,
            kind=VariantKind(args.kind),
            change=change,
        )
        control = VariantSpec(args.control_name, playbook.id, control_order if ordering else ())
        experiment_id = create_experiment(
            book,
            args.name,
            args.hypothesis or "",
            [control, arm],
            started_on=args.start,
            read_on=args.read_on,
            seed=args.seed,
        )
    print(f"Experiment “{args.name.strip()}” created (#{experiment_id}) with arms "
          f"“{args.control_name}” (control) and “{args.arm_name}” ({args.kind}).")  # fmt: skip
    return 0


def playbook_keys(book: Any, playbook_id: int) -> list[tuple[str, str]]:
    from csm_desktop.services.experiments import playbook_choices

    for choice in playbook_choices(book):
        if choice.id == playbook_id:
            return list(choice.steps)
    return []


def _cmd_sample_size(args: argparse.Namespace) -> int:
    from csm_desktop.domain.metrics.experiments import accounts_needed
    from csm_desktop.services.experiment_results import sample_size_advice

    if args.json:
        print(json.dumps({"accounts_per_arm": accounts_needed(args.baseline, args.hoped)}))
    else:
        print(sample_size_advice(args.baseline, args.hoped))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from csm_desktop.services.experiments import list_experiments

    with _book(args) as book:
        experiments = list_experiments(book)
    if not experiments:
        print("No experiments yet.")
    for e in experiments:
        state = f"running since {e.started_on}" if e.locked else "draft"
        print(f"{e.name} ({state}, {e.accounts} accounts)")
        for v in e.variants:
            print(f"  {v.name}: {v.description} — {v.accounts} accounts")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from csm_desktop.services.experiments import assign_accounts, find_experiment

    with _book(args) as book:
        plan = assign_accounts(
            book,
            find_experiment(book, args.name),
            args.segment or None,
            only_fresh=not args.include_progressing,
        )
    counts: dict[str, int] = {}
    for variant in plan.assignment.values():
        counts[variant] = counts.get(variant, 0) + 1
    shown = ", ".join(f"{n} to {v}" for v, n in sorted(counts.items())) or "none"
    print(f"{len(plan.assignment)} accounts assigned: {shown}.")
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    from csm_desktop.services.experiments import find_experiment, start_experiment

    with _book(args) as book:
        report = start_experiment(
            book, find_experiment(book, args.name), args.today or dt.date.today()
        )
    print(
        f"Started with {report.accounts} accounts: {report.ladders_created} ladders created, "
        f"{report.ladders_reordered} changed."
    )
    return 0


def _cmd_results(args: argparse.Namespace) -> int:
    from csm_desktop.services.experiment_results import experiment_report, report_as_json
    from csm_desktop.services.experiments import find_experiment

    with _book(args) as book:
        report = experiment_report(
            book, find_experiment(book, args.name), args.today or dt.date.today()
        )
    data = report_as_json(report)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    if report.peeking:
        print(f"WARNING: {report.peeking}")
    label = data["kind_figure"]
    for v in data["variants"]:  # type: ignore[attr-defined]
        share = v["first_value_within_target"]
        line = (
            f"{v['variant']} ({v['change']}): {v['accounts']} accounts, first value within "
            f"target {'–' if share is None else f'{share:.0%}'} of {v['judged']} judged"
        )
        if label is not None:
            own = v["kind_figure"]
            line += f"; {str(label).lower()} {'–' if own is None else f'{own:.0%}'}"
        print(line)
    print(report.verdict)
    return 0


def add_experiment_commands(commands: Any) -> None:
    """Register ``experiment`` and its actions on the main parser's subcommands."""
    experiment = commands.add_parser(
        "experiment", help="A/B-test milestone order, nudges, timing or success criteria"
    )
    actions = experiment.add_subparsers(dest="experiment_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)

    create = actions.add_parser("create", parents=[common], help="define a two-arm experiment")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--playbook", required=True, help="the playbook both arms start from")
    create.add_argument("--version", type=int, help="playbook version (default: newest)")
    create.add_argument("--hypothesis", help="what you expect and why")
    create.add_argument("--kind", choices=KINDS, required=True, help="what the second arm changes")
    create.add_argument(
        "--milestone", metavar="KEY", help="template key the change is about (timing: KEY,KEY…)"
    )
    create.add_argument("--in-app", help="message arm: the new in-app text")
    create.add_argument("--email-subject", help="message arm: the new e-mail subject")
    create.add_argument("--email-body", help="message arm: the new e-mail body")
    create.add_argument("--scale", type=float, help="timing arm: multiply target days by X")
    create.add_argument("--shift", type=int, help="timing arm: add N days to target days")
    create.add_argument("--threshold", type=int, help="criterion arm: the new usage threshold")
    create.add_argument("--window", type=int, help="criterion arm: the new window in days")
    create.add_argument("--order", metavar="KEY,KEY…", help="order arm: template keys in order")
    create.add_argument("--start", type=_day, help="planned start date (YYYY-MM-DD)")
    create.add_argument("--read-on", type=_day, help="date you will read the results (no peeking)")
    create.add_argument("--seed", type=int, help="seed of the random draw (default: random)")
    create.add_argument("--control-name", default="A: control", help="name of the control arm")
    create.add_argument("--arm-name", default="B: change", help="name of the changed arm")
    create.set_defaults(run=_cmd_create)

    size = actions.add_parser(
        "sample-size", help="accounts each arm needs to see a difference (80 %% power, α 0.05)"
    )
    size.add_argument("--baseline", type=_share, required=True, help="today's share, e.g. 50%%")
    size.add_argument("--hoped", type=_share, required=True, help="the share you hope for")
    size.add_argument("--json", action="store_true", help="print one JSON object")
    size.set_defaults(run=_cmd_sample_size)

    listing = actions.add_parser("list", parents=[common], help="list experiments and arms")
    listing.set_defaults(run=_cmd_list)

    assign = actions.add_parser(
        "assign", parents=[common], help="assign accounts at random, balanced by segment"
    )
    assign.add_argument("name", metavar="NAME")
    assign.add_argument("--segment", action="append", help="only this segment; repeatable")
    assign.add_argument(
        "--include-progressing",
        action="store_true",
        help="also accounts that already achieved a milestone",
    )
    assign.set_defaults(run=_cmd_assign)

    start = actions.add_parser("start", parents=[common], help="lock the assignment and start")
    start.add_argument("name", metavar="NAME")
    start.add_argument("--today", type=_day, help="start date (default: today)")
    start.set_defaults(run=_cmd_start)

    results = actions.add_parser("results", parents=[common], help="results per arm")
    results.add_argument("name", metavar="NAME")
    results.add_argument("--today", type=_day, help="reporting date (default: today)")
    results.add_argument("--json", action="store_true", help="print one JSON object")
    results.set_defaults(run=_cmd_results)
