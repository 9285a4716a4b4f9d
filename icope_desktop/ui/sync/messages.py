"""User-facing wording shared by the sync widgets (typed errors carry their own text)."""

from __future__ import annotations

from icope_desktop.i18n import Text, _, current_language
from icope_desktop.services.sync import SyncReport
from icope_desktop.store.errors import StoreError
from icope_desktop.sync.errors import SyncError
from icope_desktop.sync.preferences import LastSync


def error_text(error: BaseException) -> str:
    """The sentence for a typed error; a generic one for anything else (never raw)."""
    if isinstance(error, SyncError | StoreError):
        return error.user_message(current_language())
    return _("L'opération n'a pas abouti. Réessayez ; si cela se reproduit, prévenez le support.")


def text(value: Text | None) -> str:
    return value.get(current_language()) if value is not None else ""


def headline(report: SyncReport) -> str:
    """One line for the status bar ("159 envoyé(s) · 5 alerte(s) reçue(s)"): zero counts
    are left out, the whole `summary` goes in the tooltip. A sync that failed says so in
    its own words, since that is what the nurse must act on."""
    if report.error is not None:
        return error_text(report.error)
    parts = []
    if report.sent:
        parts.append(_("{count} envoyé(s)").format(count=report.sent))
    if report.rejected:
        parts.append(_("{count} refusé(s)").format(count=report.rejected))
    if report.alerts_received:
        parts.append(_("{count} alerte(s) reçue(s)").format(count=report.alerts_received))
    if report.alerts_removed:
        parts.append(_("{count} alerte(s) retirée(s)").format(count=report.alerts_removed))
    if not parts:
        return _("Synchronisé : rien de nouveau")
    return _("Synchronisé : {details}").format(details=" · ".join(parts))


def summary(report: SyncReport) -> str:
    """"3 dossiers envoyés · 1 refusé · 2 alertes reçues" and what went wrong, if anything."""
    parts = [
        _("{count} dossier(s) envoyé(s)").format(count=report.sent),
        _("{count} refusé(s)").format(count=report.rejected),
        _("{count} alerte(s) reçue(s)").format(count=report.alerts_received),
    ]
    lines = [" · ".join(parts)]
    if report.alerts_removed:
        lines.append(_("{count} alerte(s) retirée(s) par le serveur").format(
            count=report.alerts_removed))
    for rejection in report.rejections[:5]:
        lines.append(_("Refusé : {reason}").format(reason=text(rejection.reason)))
    lines.extend(text(notice) for notice in report.notices[:5])
    if report.error is not None:
        lines.append(error_text(report.error))
    return "\n".join(lines)


def last_sync_text(last: LastSync) -> str:
    """The last sync's one-line outcome with its date, as restored after a restart
    (audit item 7): "Synchronisé : 14 envoyé(s) (le 25/11/2026 à 10:12)"."""
    if last.error is not None:
        outcome = text(last.error)
    else:
        outcome = headline(SyncReport(sent=last.sent, rejected=last.rejected,
                                      alerts_received=last.alerts_received,
                                      alerts_removed=last.alerts_removed))
    local = last.finished_at.astimezone()
    return _("{outcome} (le {date} à {time})").format(
        outcome=outcome, date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M"))
