"""The two public references of a decision document (permit or refusal): an unguessable token for the QR-code link
and a short code that can be read out on the phone. Pure functions, no Django."""
import re
import secrets

# Unambiguous when read out or typed from paper: no 0/O, no 1/I (32 symbols, 5 bits each).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 40 bits; the verification page is rate-limited, so guessing one is hopeless
TOKEN_BYTES = 24  # 192 bits → 32 URL-safe characters

_SEPARATORS = re.compile(r"[\s\-–—_.]+")


def new_verification_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """What someone typed ("k7qm-3xpa", "K7QM 3XPA") as the stored code, or None when it cannot be one."""
    code = _SEPARATORS.sub("", (text or "").strip()).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def grouped(code: str) -> str:
    """The code as printed: two groups of four ("K7QM-3XPA")."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if code else ""
