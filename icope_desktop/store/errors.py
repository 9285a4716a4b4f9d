"""Typed store errors, each carrying the sentence the user reads (French and English).

The UI maps a `StoreError` to a message box with `err.message.get(lang)`; it never shows
a traceback (HELPERS.md "Errors"). Messages name the file involved and say what to do,
but never hold patient data: identities stay inside the encrypted database.
"""

# The issue names these errors after what happened (`WrongPassphrase`, `VaultDamaged`),
# as the UI reads them; an "Error" suffix on each would add nothing.
# ruff: noqa: N818

from __future__ import annotations

from pathlib import Path

from icope_desktop.i18n import Lang, Text


class StoreError(Exception):
    """Base of every error the store raises on purpose."""

    default_message = Text(
        fr="Le dossier local n'a pas pu être lu ou enregistré.",
        en="The local records could not be read or saved.",
    )

    def __init__(self, message: Text | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message.en)

    def user_message(self, lang: Lang | None = None) -> str:
        return self.message.get(lang)

    def __str__(self) -> str:
        return self.message.en


def _file_text(fr: str, en: str, path: Path) -> Text:
    return Text(fr=fr, en=en).format(path=str(path))


# --- set-up, unlock, keys -------------------------------------------------------------


class StoreNotFound(StoreError):
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir
        super().__init__(
            _file_text(
                "Aucun dossier chiffré n'existe dans {path}. Créez-le ou restaurez une "
                "sauvegarde.",
                "No encrypted store exists in {path}. Create one or restore a backup.",
                data_dir,
            )
        )


class StoreAlreadyExists(StoreError):
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir
        super().__init__(
            _file_text(
                "Un dossier chiffré existe déjà dans {path} : il n'a pas été modifié. "
                "Déverrouillez-le avec votre phrase de passe.",
                "An encrypted store already exists in {path}; it was left untouched. "
                "Unlock it with your passphrase.",
                data_dir,
            )
        )


class WrongPassphrase(StoreError):
    default_message = Text(
        fr="Phrase de passe incorrecte. Vérifiez la touche Verr. Maj et la disposition du "
        "clavier, puis réessayez. En cas d'oubli, utilisez la clé de récupération.",
        en="Wrong passphrase. Check Caps Lock and the keyboard layout, then try again. "
        "If you have forgotten it, use the recovery key.",
    )


class WrongRecoveryKey(StoreError):
    default_message = Text(
        fr="Cette clé de récupération n'ouvre pas ce dossier. Vérifiez qu'il s'agit bien de "
        "la clé remise lors de la création de ce dossier.",
        en="This recovery key does not open these records. Check that it is the key "
        "given when these records were created.",
    )


class InvalidRecoveryKey(StoreError):
    """The typed key fails its own checksum: a typo, detected before any unwrap."""

    def __init__(self, message: Text, group: int | None = None) -> None:
        self.group = group
        super().__init__(message)


class WeakPassphrase(StoreError):
    def __init__(self, message: Text, bits: float) -> None:
        self.bits = bits
        super().__init__(message)


class VaultDamaged(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            _file_text(
                "Le fichier de clés {path} est endommagé ou illisible. Il n'a pas été "
                "modifié. Restaurez votre dernière sauvegarde (avec la phrase de passe ou "
                "la clé de récupération), ou contactez le support.",
                "The key file {path} is damaged or unreadable. It was left untouched. "
                "Restore your latest backup (with the passphrase or the recovery key), or "
                "contact support.",
                path,
            )
        )


class VaultUnsupported(StoreError):
    def __init__(self, path: Path, version: object) -> None:
        self.path = path
        super().__init__(
            Text(
                fr="Le fichier de clés {path} vient d'une version plus récente d'ICOPE "
                "Desktop (format {version}). Mettez l'application à jour.",
                en="The key file {path} comes from a newer ICOPE Desktop (format "
                "{version}). Update the application.",
            ).format(path=str(path), version=str(version))
        )


class DatabaseDamaged(StoreError):
    def __init__(self, path: Path | None) -> None:
        self.path = path
        where = str(path) if path else "?"
        super().__init__(
            Text(
                fr="La base de données {path} est endommagée (la clé est correcte, mais le "
                "fichier est tronqué ou altéré). Elle n'a pas été modifiée. Restaurez votre "
                "dernière sauvegarde.",
                en="The database {path} is damaged (the key is right, but the file is "
                "truncated or altered). It was left untouched. Restore your latest backup.",
            ).format(path=where)
        )


class DatabaseMissing(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            _file_text(
                "La base de données {path} est introuvable alors que le fichier de clés "
                "existe. Rien n'a été créé à sa place. Restaurez votre dernière sauvegarde.",
                "The database {path} is missing although the key file exists. Nothing was "
                "created in its place. Restore your latest backup.",
                path,
            )
        )


class NotEncrypted(StoreError):
    default_message = Text(
        fr="Le module SQLite chargé ne chiffre pas (SQLCipher absent) : l'ouverture est "
        "refusée pour ne rien écrire en clair. Réinstallez ICOPE Desktop.",
        en="The SQLite module in use does not encrypt (SQLCipher missing): opening is "
        "refused so that nothing is written in clear. Reinstall ICOPE Desktop.",
    )


class StoreLocked(StoreError):
    default_message = Text(
        fr="Le dossier est verrouillé. Saisissez votre phrase de passe pour continuer.",
        en="The records are locked. Enter your passphrase to continue.",
    )


class SchemaTooNew(StoreError):
    def __init__(self, path: Path | None, revision: str) -> None:
        self.revision = revision
        super().__init__(
            Text(
                fr="La base {path} a été créée par une version plus récente d'ICOPE Desktop "
                "(schéma {revision}). Mettez l'application à jour ; la base n'a pas été "
                "modifiée.",
                en="The database {path} was created by a newer ICOPE Desktop (schema "
                "{revision}). Update the application; the database was left untouched.",
            ).format(path=str(path) if path else "?", revision=revision)
        )


class DiskFull(StoreError):
    default_message = Text(
        fr="Le disque est plein : la dernière modification n'a pas été enregistrée. "
        "Libérez de l'espace puis réessayez.",
        en="The disk is full: the last change was not saved. Free some space and try again.",
    )


class StoreBusy(StoreError):
    default_message = Text(
        fr="Le dossier est occupé par une autre opération. Réessayez dans un instant.",
        en="The records are busy with another operation. Try again in a moment.",
    )


class StoreInUse(StoreError):
    default_message = Text(
        fr="Ce dossier est ouvert : verrouillez-le avant de restaurer une sauvegarde à sa "
        "place. Rien n'a été modifié.",
        en="These records are open: lock them before restoring a backup in their place. "
        "Nothing was changed.",
    )


# --- backups --------------------------------------------------------------------------


class BackupDamaged(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            _file_text(
                "La sauvegarde {path} est endommagée ou incomplète : rien n'a été restauré "
                "et vos données actuelles sont intactes. Essayez une autre sauvegarde.",
                "The backup {path} is damaged or incomplete: nothing was restored and your "
                "current records are intact. Try another backup.",
                path,
            )
        )


class BackupCancelled(StoreError):
    default_message = Text(
        fr="Opération annulée : rien n'a été modifié.",
        en="Cancelled: nothing was changed.",
    )


# --- records --------------------------------------------------------------------------


class RecordNotFound(StoreError):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(
            Text(
                fr="L'élément demandé ({kind}) n'existe pas ou plus.",
                en="The requested item ({kind}) does not exist (any more).",
            ).format(kind=kind)
        )


class VisitFinalized(StoreError):
    default_message = Text(
        fr="Cette visite est finalisée et ne peut plus être modifiée. Utilisez « Corriger » "
        "pour créer une version corrigée.",
        en="This visit is finalized and can no longer be changed. Use “Amend” to create a "
        "corrected version.",
    )


class VisitNotFinal(StoreError):
    default_message = Text(
        fr="Seule une visite finalisée peut être corrigée ; celle-ci est encore un brouillon.",
        en="Only a finalized visit can be amended; this one is still a draft.",
    )


class AlreadyAmended(StoreError):
    default_message = Text(
        fr="Cette version a déjà été corrigée : ouvrez la version la plus récente.",
        en="This version has already been amended: open the latest version.",
    )


class AlertAlreadyDecided(StoreError):
    default_message = Text(
        fr="Une décision (confirmer ou invalider) a déjà été enregistrée pour cette alerte.",
        en="A decision (confirm or invalidate) has already been recorded for this alert.",
    )


class DuplicateRecord(StoreError):
    """A unique business identifier is already used (INS, RPPS, server id...)."""


class InvalidData(StoreError):
    """Input refused before anything is written; one sentence per bad field."""

    def __init__(self, problems: dict[str, Text]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()))
        super().__init__(first)

    def messages(self, lang: Lang | None = None) -> dict[str, str]:
        return {field: text.get(lang) for field, text in self.problems.items()}
