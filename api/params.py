"""Query parameters shared by the routes, declared once: their strict types and their OpenAPI descriptions.

A route that takes an as-of date declares `as_of: IsoDate | None = AS_OF`; one that takes an input format
declares `fmt: RdfFormat | None = FORMAT`. Anything else in them is a 422 problem naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from advisor.loading import RdfFormat

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_text(value: object) -> object:
    """Only the text `YYYY-MM-DD` goes on to become a date: no number, no `2026-1-1`, no `20261201`, no time."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("iso_date", "Input should be a date written YYYY-MM-DD, such as 2026-12-01")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
"""A calendar date written exactly `YYYY-MM-DD` (pydantic's lax mode would read `0` as 1970-01-01)."""

AS_OF = Query(None, description="Date to validate for (YYYY-MM-DD); default today. Age rules count from it.")
FORMAT = Query(
    None,
    alias="format",
    description=f"Input format ({', '.join(RdfFormat)}) when Content-Type or the file name does not tell.",
)
