"""The `petitionflow` command. Each subcommand is a thin call into a service; failures exit non-zero
with one line on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from service.config import Settings
from service.engine.specs import DeployRejected
from service.errors import DomainError

DEPLOY_ORDER = {".json": 0, ".dmn": 1, ".bpmn": 2}


def _services(settings: Settings | None = None):  # type: ignore[no-untyped-def]
    from service.container import build_services

    return build_services(settings or Settings())


def cmd_init(args: argparse.Namespace) -> int:
    from service import seed
    from service.engine.holidays import seed_rules
    from service.migrations import upgrade

    settings = Settings()
    _ensure_var(settings)
    upgrade(settings.database_url)
    services = _services(settings)
    with services.db.transaction() as session:
        seed.seed_reference_data(session)
        seed_rules(session, services.calendar.rules_path, now=services.clock.now())
    files = sorted(
        [
            *settings.forms_dir.glob("*.json"),
            *settings.processes_dir.glob("*.dmn"),
            *settings.processes_dir.glob("*.bpmn"),
        ],
        key=lambda p: (DEPLOY_ORDER[p.suffix], p.name),
    )
    status = _deploy(services, files)
    if status == 0 and args.demo:
        with services.db.transaction() as session:
            created = seed.seed_demo_users(session, services.clock.now())
        if created:
            print(f"seeded {created} demo users (password: {seed.DEMO_PASSWORD})")
            _seed_campaign_demo(services, seed.DEMO_PASSWORD)
    services.db.dispose()
    return status


def _seed_campaign_demo(services, password: str) -> None:  # type: ignore[no-untyped-def]
    """The notice's leading group and campaign, and a duty roster (fresh demo databases only)."""
    from service.campaign import seed as campaign_seed
    from service.reception import seed as reception_seed

    with services.db.transaction() as session:
        leaders = campaign_seed.seed_school_leaders(session, password=password, clock=services.clock)
        campaign = campaign_seed.seed_notice_campaign(session, runtime=services.runtime, clock=services.clock)
        days = reception_seed.seed_demo_roster(
            session, calendar=services.calendar.current(), clock=services.clock
        )
    print(f"seeded {leaders} school leaders, {'the campaign, ' if campaign else ''}{days} duty days")


def cmd_roster_generate(args: argparse.Namespace) -> int:
    from datetime import date

    from service.reception.roster import Editor, generate_roster

    services = _services()
    with services.db.transaction() as session:
        rows = generate_roster(
            session,
            calendar=services.calendar.current(),
            editor=Editor("cli", "admin"),
            first=date.fromisoformat(args.from_),
            last=date.fromisoformat(args.to),
            leaders=args.leaders.split(",") if args.leaders else None,
            include_rest_days=args.include_rest_days,
            replace=args.replace,
            now=services.clock.now(),
        )
        for row in rows:
            print(f"{row.duty_date.isoformat()} {row.leader_username}")
    print(f"{len(rows)} duty days")
    return 0


def cmd_roster_swap(args: argparse.Namespace) -> int:
    from datetime import date

    from service.reception.roster import Editor, swap_days

    services = _services()
    with services.db.transaction() as session:
        first, second = swap_days(
            session,
            editor=Editor("cli", "admin"),
            first=date.fromisoformat(args.first),
            second=date.fromisoformat(args.second),
            now=services.clock.now(),
        )
        print(f"{first.duty_date} {first.leader_username}; {second.duty_date} {second.leader_username}")
    return 0


def _ensure_var(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _deploy(services, files: Sequence[Path]) -> int:  # type: ignore[no-untyped-def]
    from service.engine.deployment import deploy_source
    from service.identity.roles import ROLES

    failed = 0
    for path in files:
        try:
            with services.db.transaction() as session:
                deployed = deploy_source(
                    session,
                    source=path.read_bytes(),
                    filename=path.name,
                    actor="cli",
                    roles=ROLES,
                    now=services.clock.now(),
                )
        except DeployRejected as rejected:
            failed += 1
            for problem in rejected.problems:
                print(f"{path}: {problem.element_id or '-'}: {problem.message}", file=sys.stderr)
            continue
        state = "deployed" if deployed.created else "unchanged"
        print(f"{path.name}: {deployed.kind} {deployed.key} v{deployed.version} ({state})")
    return 2 if failed else 0


def cmd_deploy(args: argparse.Namespace) -> int:
    services = _services()
    files = sorted((Path(f) for f in args.files), key=lambda p: DEPLOY_ORDER.get(p.suffix, 9))
    missing = [str(p) for p in files if not p.exists() or p.suffix not in DEPLOY_ORDER]
    if missing:
        print(f"not a .bpmn/.dmn/.json file: {', '.join(missing)}", file=sys.stderr)
        return 2
    return _deploy(services, files)


def cmd_users_add(args: argparse.Namespace) -> int:
    from service.identity.service import create_user

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else os.urandom(12).hex()
    services = _services()
    with services.db.transaction() as session:
        user = create_user(
            session,
            username=args.username,
            role=args.role,
            department=args.department,
            password=password,
            display_name=args.name,
            actor="cli",
            now=services.clock.now(),
        )
    print(f"created user {user.username} ({user.role})")
    if not args.password_stdin:
        print(f"initial password: {password}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from service.audit.chain import verify

    services = _services()
    with services.db.session() as session:
        result = verify(session)
    if result.intact:
        print(f"audit chain intact ({result.checked} events)")
        return 0
    where = f" at event {result.first_broken_id}" if result.first_broken_id is not None else ""
    print(f"audit chain broken{where}: {result.reason}", file=sys.stderr)
    return 1


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from service.engine.commands import Actor
    from service.engine.holiday_import import import_year, parse_arrangement_text
    from service.engine.provisional import recompute_provisional_timers

    path = Path(args.file)
    try:
        arrangement = parse_arrangement_text(path.read_bytes())
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror}", file=sys.stderr)
        return 2
    except DomainError as error:
        for field_path, message in error.errors.items():
            print(f"{path}: {field_path}: {message}", file=sys.stderr)
        return 2
    services = _services()
    with services.db.transaction() as session:
        result = import_year(
            session,
            arrangement,
            rules_path=services.calendar.rules_path,
            actor="cli",
            now=services.clock.now(),
        )
    services.calendar.invalidate()
    timers = recompute_provisional_timers(services.runtime, actor=Actor("cli"))
    services.db.dispose()
    kept = sum(1 for r in result.recomputed if r.kept_earlier)
    print(
        f"imported {result.year}: {result.days} days ({'replaced' if result.replaced else 'new'}); "
        f"{len(result.recomputed)} provisional deadlines recomputed, "
        f"{kept} kept their earlier-announced date; timers of {timers} instances rechecked"
    )
    return 0


def cmd_timers_run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from service.clock import LOCAL_TZ
    from service.engine.sweeper import TimerSweeper

    settings = Settings()
    as_of = None
    if args.as_of:
        if not settings.allow_time_travel:
            print("--as-of is refused unless PETITIONFLOW_ALLOW_TIME_TRAVEL=1", file=sys.stderr)
            return 2
        try:
            as_of = datetime.fromisoformat(args.as_of)
        except ValueError:
            print(f"--as-of is not an ISO-8601 moment: {args.as_of}", file=sys.stderr)
            return 2
        as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=LOCAL_TZ)
    result = TimerSweeper(_services(settings).runtime).sweep(as_of=as_of)
    print(f"{result.fired} timers fired" + (f", {result.failed} failed" if result.failed else ""))
    return 0 if result.failed == 0 else 1


def cmd_migrate(args: argparse.Namespace) -> int:
    import json

    from service.engine.bulk_migration import migrate_instances
    from service.engine.commands import Actor

    result = migrate_instances(
        _services().runtime,
        model_key=args.key,
        to_version=args.to,
        from_version=args.from_,
        dry_run=args.dry_run,
        actor=Actor("cli"),
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    blocked = bool(result["blocked"]) or bool(result["failed"])
    return 1 if blocked and not args.dry_run else 0


def cmd_run(args: argparse.Namespace) -> int:
    from service.server import serve

    status = cmd_init(argparse.Namespace(demo=True))
    if status != 0:
        return status
    return serve(port=args.port or int(os.environ.get("PORT", "5000")))


def cmd_synth(args: argparse.Namespace) -> int:
    """Synthetic petitions for demos and benchmarks (bulk INSERTs, not through the runtime)."""
    from service.governance.synth import load_synthetic

    services = _services()
    data = load_synthetic(
        services.db,
        count=args.count,
        year=args.year,
        now=services.clock.now(),
        seed=args.seed,
        force=args.force,
    )
    planted = {key: len(indexes) for key, indexes in data.planted_indexes().items()}
    print(f"inserted {len(data.ids)} synthetic petitions for {args.year}; planted problems: {planted}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from service.governance.metrics import report
    from service.governance.periods import period_from

    services = _services()
    period = period_from(
        args.kind, date.fromisoformat(args.start), date.fromisoformat(args.end) if args.end else None
    )
    with services.db.session() as session:
        data = report(session, period, now=services.clock.now(), department=args.department, dimensions=())
    print(json.dumps({k: data[k] for k in ("period", "totals", "change")}, ensure_ascii=False, indent=2))
    return 0


def _add_governance_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    synth = sub.add_parser("synth", help="insert N synthetic petitions over a year (demos, benchmarks)")
    synth.add_argument("--count", type=int, default=10000)
    synth.add_argument("--year", type=int, default=2025)
    synth.add_argument("--seed", type=int, default=2025)
    synth.add_argument("--force", action="store_true", help="even if the database holds real petitions")
    synth.set_defaults(handler=cmd_synth)
    numbers = sub.add_parser("metrics", help="the metrics of a period (DOMAIN.md §10) as JSON")
    numbers.add_argument("--kind", default="month", choices=["week", "month", "year", "custom"])
    numbers.add_argument("--start", required=True, help="a day in the period (YYYY-MM-DD)")
    numbers.add_argument("--end", help="last day, for --kind custom")
    numbers.add_argument("--department")
    numbers.set_defaults(handler=cmd_metrics)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="petitionflow", description="PetitionFlow 信访事项办理服务")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the API with an in-process worker")
    run.add_argument("--port", type=int)
    run.set_defaults(handler=cmd_run)
    init = sub.add_parser("init", help="create/upgrade the schema and deploy processes/ and forms/")
    init.add_argument(
        "--demo",
        action="store_true",
        help="on an empty database, also seed the demo users (password demo), leaders, campaign and roster",
    )
    init.set_defaults(handler=cmd_init)
    deploy = sub.add_parser("deploy", help="validate and deploy BPMN/DMN/form files")
    deploy.add_argument("files", nargs="+")
    deploy.set_defaults(handler=cmd_deploy)
    users = sub.add_parser("users", help="manage users").add_subparsers(dest="users_command", required=True)
    add = users.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--role", required=True)
    add.add_argument("--department")
    add.add_argument("--name")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(handler=cmd_users_add)
    migrate = sub.add_parser("migrate", help="move running instances of a model to another version")
    migrate.add_argument("key")
    migrate.add_argument("--to", type=int, required=True)
    migrate.add_argument("--from", dest="from_", type=int)
    migrate.add_argument("--dry-run", action="store_true", help="only list which instances would move")
    migrate.set_defaults(handler=cmd_migrate)
    timers = sub.add_parser("timers", help="timers").add_subparsers(dest="timers_command", required=True)
    timers_run = timers.add_parser("run", help="fire every timer due now (or --as-of a moment)")
    timers_run.add_argument("--as-of", dest="as_of")
    timers_run.set_defaults(handler=cmd_timers_run)
    calendar = sub.add_parser("calendar", help="business calendar").add_subparsers(
        dest="calendar_command", required=True
    )
    calendar_import = calendar.add_parser(
        "import", help="import a year's holiday arrangement (holiday-cn JSON)"
    )
    calendar_import.add_argument("file")
    calendar_import.set_defaults(handler=cmd_calendar_import)
    duty = sub.add_parser("roster", help="the leaders' duty roster").add_subparsers(
        dest="roster_command", required=True
    )
    generate = duty.add_parser("generate", help="one school leader per working day, in turn")
    generate.add_argument("--from", dest="from_", required=True, help="first day, YYYY-MM-DD")
    generate.add_argument("--to", required=True, help="last day, YYYY-MM-DD")
    generate.add_argument(
        "--leaders", help="usernames in turn order, comma-separated (default: every leader)"
    )
    generate.add_argument("--include-rest-days", action="store_true", help="also weekends and holidays")
    generate.add_argument("--replace", action="store_true", help="overwrite days already on the roster")
    generate.set_defaults(handler=cmd_roster_generate)
    swap = duty.add_parser("swap", help="exchange the leaders of two days")
    swap.add_argument("first")
    swap.add_argument("second")
    swap.set_defaults(handler=cmd_roster_swap)
    _add_governance_commands(sub)
    audit = sub.add_parser("audit", help="audit trail").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check the hash chain").set_defaults(handler=cmd_audit_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except DomainError as error:
        details = "; ".join(f"{k}: {v}" for k, v in error.errors.items())
        print(f"error: {error.detail}{' (' + details + ')' if details else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
