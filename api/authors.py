"""Who made a change: the X-Author header, else the API key's holder when the request carried the key."""

from __future__ import annotations

from fastapi import Request

from advisor.errors import InputError
from api.deps import API_KEY_HEADER, service_of

AUTHOR_HEADER = "X-Author"
API_KEY_AUTHOR = "api-key"  # recorded when the change came with the service's API key and named no one


def author_of(request: Request) -> str | None:
    """The author a create or replace records with its revision; InputError for a header that cannot be one."""
    settings = service_of(request).settings
    value = request.headers.get(AUTHOR_HEADER)
    if value is None:
        return API_KEY_AUTHOR if settings.api_key and request.headers.get(API_KEY_HEADER) else None
    value = value.strip()
    if not value:
        raise InputError(f"the header {AUTHOR_HEADER} is empty: name who makes the change, or leave it out")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InputError(f"the header {AUTHOR_HEADER} holds control characters")
    if len(value) > settings.max_name_length:
        raise InputError(
            f"the header {AUTHOR_HEADER} has {len(value)} characters, more than max_name_length "
            f"({settings.max_name_length})",
            limit="max_name_length",
            maximum=settings.max_name_length,
        )
    return value
