"""`icope-server`: run the server, and the administrator's commands (docs/SERVER.md).

With no command it serves: `icope-server --demo` for a trial on SQLite, `icope-server
--database-url postgresql+psycopg://…` in production. The other commands work on the same
database (`--database-url` or `ICOPE_DATABASE_URL`) and print French by default (`--lang
en` for English). They print ids and counts, and patient data only where the administrator
asked for a file (exports are pseudonymised).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from icope_server.accounts import (
    AccountError,
    create_token,
    find_account,
    list_accounts,
    list_tokens,
    revoke_tokens,
    set_territories,
)
from icope_server.codes import DEMO_TOKEN
from icope_server.db import Database, SchemaOutOfDateError
from icope_server.outcome import Message
from icope_server.pseudonyms import PseudonymKeyMissingError
from icope_server.settings import (
    DEFAULT_PORT,
    Settings,
    SettingsError,
    settings_from_env,
    settings_to_env,
)

log = logging.getLogger("icope_server")


class CommandError(Exception):
    def __init__(self, message: Message, code: int = 2) -> None:
        super().__init__(message.en)
        self.message, self.code = message, code


def _say(args: argparse.Namespace, fr: str, en: str) -> None:
    print(en if args.lang == "en" else fr, flush=True)


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"date attendue AAAA-MM-JJ / expected YYYY-MM-DD: {text}"
        ) from error


# -- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="SQLAlchemy URL (default: $ICOPE_DATABASE_URL), e.g. "
        "postgresql+psycopg://icope@db/icope or sqlite:////var/lib/icope/icope.db",
    )
    common.add_argument("--lang", choices=("fr", "en"), default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="icope-server",
        parents=[common],
        description="Serveur régional ICOPE (FHIR R4). Sans commande : lance le serveur.",
    )
    parser.add_argument("--demo", action="store_true", help="trial mode: embedded SQLite, demo "
                        "token and demo alerts")
    parser.add_argument("--data-dir", type=Path, help="demo only: keep the demo database here "
                        "(default: a new temporary folder)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL)")
    parser.add_argument("--smtp-url", help="GP letter relay, smtp://host:port (default: "
                        "$ICOPE_SMTP_URL); without it letters wait in the queue")
    parser.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema "
                        "at start (refuse to start if it is not current)")
    parser.add_argument("--log-level", default="info",
                        choices=("debug", "info", "warning", "error"))
    commands = parser.add_subparsers(dest="command", metavar="command")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    def group(name: str, help_text: str) -> Any:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        return sub.add_subparsers(dest="action", metavar="action", required=True)

    def action(parent: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        return parent.add_parser(name, parents=[common], help=help_text, description=help_text)

    db_group = group("db", "database schema")
    action(db_group, "upgrade", "apply the Alembic migrations (safe to run on a live database)")

    tokens = group("token", "practitioner access tokens")
    create = action(tokens, "create", "create a token (and the practitioner if new); printed "
                    "once")
    create.add_argument("--rpps", required=True)
    create.add_argument("--name", help="practitioner's name (required for a new one)")
    create.add_argument("--email", help="practitioner's secure-mail address (Reply-To of "
                        "letters)")
    create.add_argument("--label", help="e.g. the device")
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires", type=_date_arg, help="expiry date YYYY-MM-DD")
    expiry.add_argument("--expires-days", type=int, help="expiry in N days")
    create.add_argument("--territory", nargs="*", default=None, help="postcode prefixes to "
                        "serve (replaces the current ones)")
    revoke = action(tokens, "revoke", "revoke one token, or all tokens of a practitioner")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--rpps")
    which.add_argument("--id", type=int, dest="token_id")
    action(tokens, "list", "list tokens (never their values)")

    practitioners = group("practitioner", "practitioner accounts")
    action(practitioners, "list", "accounts, territories and live tokens")

    territories = group("territory", "postcode prefixes served by practitioners")
    territory_set = action(territories, "set", "replace a practitioner's territories")
    territory_set.add_argument("--rpps", required=True)
    territory_set.add_argument("prefixes", nargs="*", help="e.g. 44 85 (none: remove all)")

    alerts = group("alerts", "Step 1 alerts (Tasks)")
    alerts_import = action(alerts, "import", "import alerts from a CSV file or a FHIR Bundle")
    alerts_import.add_argument("file", type=Path)
    alerts_import.add_argument("--format", choices=("csv", "bundle"), help="default: from the "
                               "file extension (.json = bundle)")
    action(alerts, "assign", "assign waiting alerts (after territories changed)")
    reassign = action(alerts, "reassign", "give an undecided alert to another practitioner")
    reassign.add_argument("--alert", required=True, help="the alert_id")
    reassign.add_argument("--rpps", required=True)
    action(alerts, "status", "alerts per practitioner and status")

    billing = group("billing", "billing of acts (Article 51 platform)")
    export = action(billing, "export", "export pending acts as CSV (each act once, ever)")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--until", type=_date_arg, help="only acts up to this date")
    export.add_argument("--batch", type=int, help="write again the file of an earlier batch")
    export.add_argument("--delimiter", default=";", choices=(";", ","))
    action(billing, "summary", "acts and amounts per practitioner, month and status")
    action(billing, "batches", "earlier exports")

    evaluation = group("evaluation", "pseudonymised data for the programme's evaluation")
    evaluation_export = action(evaluation, "export", "one line per visit, pseudonymised")
    evaluation_export.add_argument("--out", type=Path, required=True)
    evaluation_export.add_argument("--delimiter", default=";", choices=(";", ","))

    letters = group("letters", "GP letters sent by secure mail")
    action(letters, "status", "queue counts, failed and waiting letters")
    send = action(letters, "send", "send the due letters now (for a cron job)")
    send.add_argument("--smtp-url")
    retry = action(letters, "retry", "put failed letters back in the queue")
    retry.add_argument("--id", type=int, nargs="*", dest="ids", help="dispatch ids (default: "
                       "all failed)")

    idempotency = group("idempotency", "idempotency keys of transaction Bundles")
    action(idempotency, "purge", "delete keys older than the retention "
           "(ICOPE_IDEMPOTENCY_RETENTION_DAYS, default 180)")

    openapi = command("openapi", "print the OpenAPI document (docs/openapi.json)")
    openapi.add_argument("--out", type=Path)
    return parser


# -- entry point ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.lang = getattr(args, "lang", None) or os.environ.get("ICOPE_LANG", "fr")
    logging.basicConfig(
        level=getattr(logging, str(getattr(args, "log_level", "info")).upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = settings_from_env()
        if getattr(args, "database_url", None):
            settings = settings.with_changes(database_url=args.database_url)
        if args.command is None:
            return serve(args, settings)
        handler = HANDLERS[(args.command, getattr(args, "action", None))]
        return handler(args, settings)
    except (CommandError, AccountError, SettingsError, PseudonymKeyMissingError) as error:
        message = getattr(error, "message", None)
        text = message.get(args.lang) if isinstance(message, Message) else str(error)
        print(("erreur : " if args.lang != "en" else "error: ") + text, file=sys.stderr)
        return getattr(error, "code", 2)


def _database(args: argparse.Namespace, settings: Settings) -> Database:
    if not settings.database_url:
        raise CommandError(
            Message(
                fr="Indiquez la base : --database-url ou ICOPE_DATABASE_URL.",
                en="Give the database: --database-url or ICOPE_DATABASE_URL.",
            )
        )
    db = Database(settings.database_url)
    try:
        db.check_schema()
    except SchemaOutOfDateError as error:
        db.dispose()
        raise CommandError(
            Message(
                fr="Schéma de base pas à jour : lancez `icope-server db upgrade`.",
                en="Database schema not current: run `icope-server db upgrade`.",
            )
        ) from error
    return db


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from icope_server.app import create_app
    from icope_server.demo import prepare_demo_dir, seed_demo

    settings = settings.with_changes(demo=args.demo)
    if args.smtp_url:
        settings = settings.with_changes(smtp_url=args.smtp_url)
    if args.demo:
        if getattr(args, "database_url", None):
            raise CommandError(
                Message(
                    fr="--demo utilise sa propre base SQLite : ne donnez pas --database-url.",
                    en="--demo uses its own SQLite database: do not give --database-url.",
                )
            )
        setup = prepare_demo_dir(args.data_dir)
        settings = settings.with_changes(
            database_url=setup.database_url,
            pseudonym_key=settings.pseudonym_key or setup.pseudonym_key,
        )
    elif not settings.database_url:
        raise CommandError(
            Message(
                fr="Indiquez la base (--database-url postgresql+psycopg://…), ou --demo pour "
                "un essai.",
                en="Give the database (--database-url postgresql+psycopg://…), or --demo for a "
                "trial.",
            )
        )
    db = Database(settings.database_url)
    if args.no_migrate:
        try:
            db.check_schema()
        except SchemaOutOfDateError as error:
            raise CommandError(
                Message(
                    fr="Schéma de base pas à jour : lancez `icope-server db upgrade`.",
                    en="Database schema not current: run `icope-server db upgrade`.",
                )
            ) from error
    else:
        db.upgrade()
    base = f"http://{args.host}:{args.port}/"
    if args.demo:
        created = seed_demo(db, threshold=settings.alert_threshold)
        _say(args, f"Serveur ICOPE de démonstration : {base}",
             f"ICOPE demo server: {base}")
        _say(args, f"base : {settings.database_url} ({created} alertes de démonstration créées)",
             f"database: {settings.database_url} ({created} demo alerts created)")
        _say(args, f"clé de pseudonymisation : {setup.key_file}",
             f"pseudonymisation key: {setup.key_file}")
        print(f"token: {DEMO_TOKEN}", flush=True)
    else:
        _say(args, f"Serveur ICOPE : {base}", f"ICOPE server: {base}")
    common = {
        "host": args.host,
        "port": args.port,
        "access_log": False,  # our own access log leaves out query strings (INS)
        "log_level": args.log_level,
        "proxy_headers": True,
    }
    if args.workers > 1:
        db.dispose()
        os.environ.update(settings_to_env(settings))
        _run_workers(args.workers, common)
    else:
        uvicorn.run(create_app(settings, db), **common)
    db.dispose()
    if args.demo and args.data_dir is None:
        shutil.rmtree(setup.data_dir, ignore_errors=True)  # a trial leaves nothing behind
    return 0


def _run_workers(workers: int, options: dict[str, Any]) -> None:
    """uvicorn's `--workers N`, with one fix: its pre-bound listening socket reports
    protocol 0, so asyncio never sets TCP_NODELAY on accepted connections and every
    keep-alive request waits ~40 ms for a delayed ACK on Linux (uvicorn issue #3149,
    measured here: GET /metadata 2 ms with one worker, 46 ms with two). The listener is
    re-wrapped with IPPROTO_TCP before the workers inherit it."""
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "icope_server.app:create_app_from_env", factory=True, workers=workers, **options
    )
    bound = config.bind_socket()
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    listener.set_inheritable(True)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[listener]).run()


# -- admin commands -------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.database_url:
        raise CommandError(Message("Indiquez --database-url.", "Give --database-url."))
    db = Database(settings.database_url)
    db.upgrade()
    db.dispose()
    _say(args, "Schéma à jour.", "Schema up to date.")
    return 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(args, settings)
    expires = None
    if args.expires is not None:
        expires = datetime.combine(args.expires, datetime.min.time(), UTC)
    elif args.expires_days is not None:
        expires = datetime.now(UTC) + timedelta(days=args.expires_days)
    issued = create_token(
        db, rpps=args.rpps, name=args.name, email=args.email, expires_at=expires, label=args.label
    )
    if args.territory is not None:
        set_territories(db, args.rpps, args.territory)
    _say(
        args,
        f"Jeton n° {issued.token_id} pour le RPPS {issued.rpps} (Practitioner/"
        f"{issued.practitioner_id}), expire : {expires.date() if expires else 'jamais'}. "
        "Il n'est affiché qu'une fois :",
        f"Token #{issued.token_id} for RPPS {issued.rpps} (Practitioner/"
        f"{issued.practitioner_id}), expires: {expires.date() if expires else 'never'}. "
        "It is shown only once:",
    )
    print(f"token: {issued.token}", flush=True)
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(args, settings)
    count = revoke_tokens(db, rpps=args.rpps, token_id=args.token_id)
    _say(args, f"{count} jeton(s) révoqué(s).", f"{count} token(s) revoked.")
    return 0 if count else 1


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(args, settings)
    print("id\trpps\tname\tlabel\tcreated\texpires\trevoked")
    for t in list_tokens(db):
        print(
            f"{t.token_id}\t{t.rpps}\t{t.name}\t{t.label or ''}\t{_day(t.created_at)}\t"
            f"{_day(t.expires_at)}\t{_day(t.revoked_at)}"
        )
    return 0


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def cmd_practitioner_list(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(args, settings)
    print("rpps\tname\tpractitioner_id\tterritories\tlive_tokens")
    for a in list_accounts(db):
        print(f"{a.rpps}\t{a.name}\t{a.practitioner_id}\t{','.join(a.territories)}\t"
              f"{a.live_tokens}")
    return 0


def cmd_territory_set(args: argparse.Namespace, settings: Settings) -> int:
    db = _database(args, settings)
    prefixes = set_territories(db, args.rpps, args.prefixes)
    _say(args, f"Territoires du RPPS {args.rpps} : {', '.join(prefixes) or 'aucun'}.",
         f"Territories of RPPS {args.rpps}: {', '.join(prefixes) or 'none'}.")
    return 0


def cmd_alerts_import(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.alerts_import import (
        ImportRefusedError,
        alerts_from_bundle,
        alerts_from_csv,
        import_alerts,
    )

    db = _database(args, settings)
    kind = args.format or ("bundle" if args.file.suffix.lower() == ".json" else "csv")
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        problem = _file_problem(args.file, error, writing=False)
        raise CommandError(Message(f"impossible de lire {args.file} : {problem.fr}",
                                   f"cannot read {args.file}: {problem.en}")) from error
    except UnicodeDecodeError as error:
        raise CommandError(Message(
            f"{args.file} n'est pas un texte UTF-8 : enregistrez-le en « CSV UTF-8 » (ou "
            "JSON UTF-8) et recommencez.",
            f"{args.file} is not UTF-8 text: save it as 'CSV UTF-8' (or UTF-8 JSON) and try "
            "again.")) from error
    reader = alerts_from_bundle if kind == "bundle" else alerts_from_csv
    try:
        alerts = reader(text, threshold=settings.alert_threshold, today=date.today())
    except ImportRefusedError as refused:
        where = "entrée" if kind == "bundle" else "ligne"
        where_en = "entry" if kind == "bundle" else "line"
        _say(args, f"Fichier refusé, rien n'est importé ({len(refused.problems)} problème(s)) :",
             f"File refused, nothing imported ({len(refused.problems)} problem(s)):")
        for p in refused.problems:
            _say(args, f"  {where} {p.line}, colonne {p.column or '-'} : {p.message.fr}",
                 f"  {where_en} {p.line}, column {p.column or '-'}: {p.message.en}")
        return 1
    report = import_alerts(db, alerts)
    _say(args, f"{report.created} alerte(s) créée(s), {report.already_imported} déjà importée(s),"
         f" {report.unassigned} sans praticien du territoire (à attribuer).",
         f"{report.created} alert(s) created, {report.already_imported} already imported, "
         f"{report.unassigned} with no practitioner for the territory (to assign).")
    for rpps, count in sorted(report.per_practitioner.items()):
        _say(args, f"  RPPS {rpps} : {count}", f"  RPPS {rpps}: {count}")
    return 0


def cmd_alerts_assign(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.tasks import assign_waiting

    db = _database(args, settings)
    count = db.write(assign_waiting)
    _say(args, f"{count} alerte(s) attribuée(s).", f"{count} alert(s) assigned.")
    return 0


def cmd_alerts_reassign(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.tasks import reassign

    db = _database(args, settings)
    done = db.write(lambda session: reassign(session, args.alert, find_account(session,
                                                                               args.rpps)))
    if not done:
        _say(args, "Alerte inconnue ou déjà traitée : rien n'a changé.",
             "Unknown or already decided alert: nothing changed.")
        return 1
    _say(args, "Alerte réattribuée.", "Alert reassigned.")
    return 0


def cmd_alerts_status(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import func, select

    from icope_server.models import Account, AlertTask

    db = _database(args, settings)
    with db.read() as session:
        rows = session.execute(
            select(Account.rpps, AlertTask.status, func.count())
            .outerjoin(Account, Account.id == AlertTask.account_id)
            .group_by(Account.rpps, AlertTask.status)
            .order_by(Account.rpps, AlertTask.status)
        ).all()
    print("rpps\tstatus\tcount")
    for rpps, status, count in rows:
        print(f"{rpps or '(non attribuée / unassigned)'}\t{status}\t{count}")
    return 0


def _file_problem(path: Path, error: OSError, *, writing: bool) -> Message:
    """What went wrong with an administrator's file, and what to do, in plain words (no
    traceback): the cause from the error number, the path as typed."""
    import errno

    folder = path.parent if str(path.parent) else Path(".")
    if isinstance(error, FileNotFoundError):
        if writing:
            return Message(
                fr=f"le dossier « {folder} » n'existe pas : créez-le ou corrigez le chemin.",
                en=f"folder '{folder}' does not exist: create it or correct the path.",
            )
        return Message(
            fr=f"le fichier « {path} » n'existe pas : corrigez le chemin.",
            en=f"file '{path}' does not exist: correct the path.",
        )
    if isinstance(error, IsADirectoryError):
        return Message(
            fr=f"« {path} » est un dossier : donnez un nom de fichier, par exemple "
            f"{path / 'export.csv'}.",
            en=f"'{path}' is a folder: give a file name, e.g. {path / 'export.csv'}.",
        )
    if isinstance(error, NotADirectoryError):
        return Message(
            fr=f"« {folder} » n'est pas un dossier : corrigez le chemin.",
            en=f"'{folder}' is not a folder: correct the path.",
        )
    if isinstance(error, PermissionError):
        where = folder if writing else path
        return Message(
            fr=f"droits insuffisants sur « {where} » : choisissez un dossier où vous pouvez "
            "écrire, ou demandez les droits.",
            en=f"permission denied on '{where}': choose a folder you can write to, or ask "
            "for access.",
        )
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return Message(
            fr=f"disque plein dans « {folder} » : libérez de la place ou choisissez un autre "
            "dossier.",
            en=f"no space left in '{folder}': free some space or choose another folder.",
        )
    reason = error.strerror or type(error).__name__
    return Message(
        fr=f"« {path} » inaccessible ({reason}) : vérifiez le chemin.",
        en=f"'{path}' cannot be used ({reason}): check the path.",
    )


def _output_refused(path: Path, error: OSError, *, nothing_claimed: bool) -> CommandError:
    problem = _file_problem(path, error, writing=True)
    tail = Message(
        fr=" Aucun acte n'a été marqué exporté : relancez la commande avec un --out correct.",
        en=" No act was marked exported: run the command again with a correct --out.",
    ) if nothing_claimed else Message("", "")
    return CommandError(
        Message(
            fr=f"impossible d'écrire {path} : {problem.fr}{tail.fr}",
            en=f"cannot write {path}: {problem.en}{tail.en}",
        )
    )


def _temporary_beside(path: Path) -> Path:
    """An empty file in the target's folder, created now: a folder that does not exist or
    cannot be written is found before any act is claimed, and the final file appears only
    whole (renamed over `path` once complete)."""
    import tempfile

    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    folder = path.parent if str(path.parent) else Path(".")
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    return Path(name)


def _write_whole(temporary: Path, text: str) -> None:
    with temporary.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def cmd_billing_export(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.billing import (
        ExportedLine,
        Totals,
        batch_lines,
        batches,
        euros,
        export_pending,
        render_csv,
    )

    db = _database(args, settings)
    key = settings.pseudonym_key
    if key is None:
        raise PseudonymKeyMissingError()
    out: Path = args.out
    try:
        temporary = _temporary_beside(out)
    except OSError as error:
        raise _output_refused(out, error, nothing_claimed=args.batch is None) from error
    written: list[ExportedLine] = []

    def deliver(_batch: int, lines: list[ExportedLine]) -> None:
        _write_whole(temporary, render_csv(lines, args.delimiter))
        written[:] = lines

    try:
        batch = args.batch
        if batch is None:
            try:
                batch = export_pending(db, until=args.until, key=key, deliver=deliver)
            except OSError as error:  # the transaction was rolled back: nothing claimed
                raise _output_refused(out, error, nothing_claimed=True) from error
            if batch is None:
                _say(args, "Aucun acte à exporter.", "No act to export.")
                earlier = batches(db)
                if earlier:
                    last = earlier[-1].batch_id
                    _say(args,
                         f"Les actes déjà exportés restent dans leurs lots : `icope-server "
                         f"billing batches` les liste, `icope-server billing export --batch "
                         f"{last} --out <fichier>` réécrit le fichier du lot {last}.",
                         f"Acts already exported stay in their batches: `icope-server billing "
                         f"batches` lists them, `icope-server billing export --batch {last} "
                         f"--out <file>` writes the file of batch {last} again.")
                return 0
        else:
            try:
                written = batch_lines(db, batch, key)
            except LookupError as error:
                raise CommandError(
                    Message(f"Lot {batch} inconnu : `icope-server billing batches` liste les "
                            "lots.", f"Unknown batch {batch}: `icope-server billing batches` "
                            "lists the batches.")
                ) from error
            try:
                _write_whole(temporary, render_csv(written, args.delimiter))
            except OSError as error:
                raise _output_refused(out, error, nothing_claimed=False) from error
        try:
            os.replace(temporary, out)
        except OSError as error:
            problem = _file_problem(out, error, writing=True)
            raise CommandError(
                Message(
                    fr=f"Lot {batch} enregistré, mais {out} n'a pas pu être écrit : "
                    f"{problem.fr} Écrivez-le ensuite avec `icope-server billing export "
                    f"--batch {batch} --out <fichier>`.",
                    en=f"Batch {batch} recorded, but {out} could not be written: "
                    f"{problem.en} Then write it with `icope-server billing export --batch "
                    f"{batch} --out <file>`.",
                ),
                code=1,
            ) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    totals = Totals.of([line.amount_cents for line in written])
    known = euros(totals.amount_cents)
    _say(args,
         f"Lot {batch} : {totals.acts} acte(s) ; {totals.priced} tarifé(s) pour {known} EUR, "
         f"{totals.unpriced} à tarifer → {out}",
         f"Batch {batch}: {totals.acts} act(s); {totals.priced} priced for {known} EUR, "
         f"{totals.unpriced} to be priced → {out}")
    return 0


def cmd_billing_summary(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.billing import euros, summary

    db = _database(args, settings)
    print("rpps\tname\tmonth\tstatus\tacts\tto_be_priced\tknown_amount_eur")
    for row in summary(db):
        print(f"{row.rpps}\t{row.name}\t{row.period}\t{row.status}\t{row.acts}\t"
              f"{row.unpriced}\t{euros(row.amount_cents)}")
    return 0


def cmd_billing_batches(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.billing import batches, euros

    db = _database(args, settings)
    print("batch\tcreated\tacts\tto_be_priced\tknown_amount_eur")
    for b in batches(db):
        print(f"{b.batch_id}\t{b.created_at}\t{b.line_count}\t{b.unpriced_count}\t"
              f"{euros(b.total_cents)}")
    return 0


def cmd_evaluation_export(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.evaluation import render_evaluation_csv

    db = _database(args, settings)
    try:
        temporary = _temporary_beside(args.out)
    except OSError as error:
        raise _output_refused(args.out, error, nothing_claimed=False) from error
    try:
        text = render_evaluation_csv(db, settings.pseudonym_key, args.delimiter)
        _write_whole(temporary, text)
        os.replace(temporary, args.out)
    except OSError as error:
        raise _output_refused(args.out, error, nothing_claimed=False) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    visits = max(0, text.count("\r\n") - 1)
    _say(args, f"{visits} visite(s) exportée(s) → {args.out}",
         f"{visits} visit(s) exported → {args.out}")
    return 0


def cmd_letters_status(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.letters import letter_rows, status_counts

    db = _database(args, settings)
    counts = status_counts(db)
    _say(args, "Courriers : " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
         "Letters: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    rows = letter_rows(db, ("failed", "pending"))
    if rows:
        print("id\tstatus\trpps\tattempts\tnext_attempt\tlast_error\tcommunication")
    for r in rows:
        print(f"{r.dispatch_id}\t{r.status}\t{r.rpps}\t{r.attempts}\t"
              f"{r.next_attempt_at.isoformat(timespec='seconds')}\t{r.last_error or ''}\t"
              f"{r.communication_id}")
    return 1 if counts.get("failed") else 0


def cmd_letters_send(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.letters import SmtpRelay, SmtpUrlError, dispatch_due

    db = _database(args, settings)
    url = args.smtp_url or settings.smtp_url
    if not url:
        raise CommandError(Message("Indiquez --smtp-url ou ICOPE_SMTP_URL.",
                                   "Give --smtp-url or ICOPE_SMTP_URL."))
    try:
        relay = SmtpRelay.from_url(url)
    except SmtpUrlError as error:
        raise CommandError(SmtpUrlError.message) from error
    report = dispatch_due(db, settings, relay, worker=f"cli:{os.getpid()}", limit=500)
    _say(args, f"{report.sent} envoyé(s), {report.retried} à réessayer, {report.failed} en échec.",
         f"{report.sent} sent, {report.retried} to retry, {report.failed} failed.")
    return 0


def cmd_letters_retry(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.letters import retry_failed

    db = _database(args, settings)
    count = retry_failed(db, args.ids)
    _say(args, f"{count} courrier(s) remis en file.", f"{count} letter(s) queued again.")
    return 0


def cmd_idempotency_purge(args: argparse.Namespace, settings: Settings) -> int:
    from icope_server.idempotency import purge_expired

    db = _database(args, settings)
    count = purge_expired(db, settings.idempotency_retention_days)
    _say(args, f"{count} clé(s) de plus de {settings.idempotency_retention_days} jours "
         "supprimée(s).", f"{count} key(s) older than {settings.idempotency_retention_days} "
         "days deleted.")
    return 0


def cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    text = openapi_text()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json (stable key order)."""
    import tempfile

    from icope_server.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/openapi.db")
        try:
            document = create_app(Settings(database_url=db.url), db).openapi()
        finally:
            db.dispose()
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


HANDLERS: dict[tuple[str, str | None], Callable[[argparse.Namespace, Settings], int]] = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("token", "create"): cmd_token_create,
    ("token", "revoke"): cmd_token_revoke,
    ("token", "list"): cmd_token_list,
    ("practitioner", "list"): cmd_practitioner_list,
    ("territory", "set"): cmd_territory_set,
    ("alerts", "import"): cmd_alerts_import,
    ("alerts", "assign"): cmd_alerts_assign,
    ("alerts", "reassign"): cmd_alerts_reassign,
    ("alerts", "status"): cmd_alerts_status,
    ("billing", "export"): cmd_billing_export,
    ("billing", "summary"): cmd_billing_summary,
    ("billing", "batches"): cmd_billing_batches,
    ("evaluation", "export"): cmd_evaluation_export,
    ("letters", "status"): cmd_letters_status,
    ("letters", "send"): cmd_letters_send,
    ("letters", "retry"): cmd_letters_retry,
    ("idempotency", "purge"): cmd_idempotency_purge,
    ("openapi", None): cmd_openapi,
}
