"""Credentials at rest: Fernet ciphertext, several keys so that a key can be rotated.

`KAM_ENCRYPTION_KEY` holds comma-separated Fernet keys, newest first: the newest encrypts, any
of them decrypts, and `kam-bot rotate-encryption-key` re-encrypts every stored secret with the
newest, after which the older keys can be dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, func, or_, select, update

from storage.slack_tables import SECRET_COLUMNS, metadata

NEW_KEY_HINT = (
    'make one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class KeyProblem(Exception):
    """The keys cannot serve the stored secrets; the message says what to set."""


@dataclass(frozen=True)
class Cipher:
    """Encrypts with the newest key, decrypts with any."""

    keys: MultiFernet

    def encrypt(self, text: str) -> str:
        return self.keys.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> str:
        try:
            return self.keys.decrypt(stored.encode()).decode()
        except InvalidToken:
            raise KeyProblem(
                "KAM_ENCRYPTION_KEY cannot decrypt the stored Slack tokens: add back the key "
                "they were encrypted with (keys are comma-separated, newest first)."
            ) from None

    def rotate(self, stored: str) -> str:
        self.decrypt(stored)  # the clear message when no key fits
        return self.keys.rotate(stored.encode()).decode()


def cipher(keys: str) -> Cipher | None:
    """The cipher for `KAM_ENCRYPTION_KEY`; None when it is empty."""
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    if not parts:
        return None
    try:
        return Cipher(MultiFernet([Fernet(part) for part in parts]))
    except ValueError:
        raise KeyProblem(
            f"KAM_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes); {NEW_KEY_HINT}"
        ) from None


def required(keys: str) -> Cipher:
    """The cipher where tokens are about to be stored: without a key, say how to make one."""
    found = cipher(keys)
    if found is None:
        raise KeyProblem(
            "KAM_ENCRYPTION_KEY is not set: Slack tokens are stored encrypted with it; "
            f"{NEW_KEY_HINT}. To rotate, put the new key first, then the old ones, "
            "comma-separated."
        )
    return found


def check_keys(engine: Engine, cipher: Cipher | None) -> None:
    """Refuse to start when stored secrets exist that the keys (or their absence) cannot read."""
    sample = _one_secret(engine)
    if sample is None:
        return
    if cipher is None:
        raise KeyProblem(
            "The database holds encrypted Slack tokens but KAM_ENCRYPTION_KEY is not set: "
            f"set it to the key they were encrypted with ({NEW_KEY_HINT}, for a first key)."
        )
    cipher.decrypt(sample)


def reencrypt(engine: Engine, cipher: Cipher) -> int:
    """Re-encrypt every stored secret with the newest key, in one transaction; how many."""
    count = 0
    with engine.begin() as connection:
        for name, columns in SECRET_COLUMNS.items():
            table = metadata.tables[name]
            query = select(table.c.id, *(table.c[c] for c in columns))
            for row in connection.execute(query).mappings().all():
                values = {c: cipher.rotate(row[c]) for c in columns if row[c] is not None}
                if values:
                    connection.execute(update(table).where(table.c.id == row["id"]).values(values))
                    count += len(values)
    return count


def _one_secret(engine: Engine) -> str | None:
    for name, columns in SECRET_COLUMNS.items():
        table = metadata.tables[name]
        found = [table.c[c] for c in columns]
        query = select(func.coalesce(*found)).where(or_(*(c.is_not(None) for c in found)))
        with engine.connect() as connection:
            value = connection.scalar(query.limit(1))
        if value is not None:
            return str(value)
    return None
