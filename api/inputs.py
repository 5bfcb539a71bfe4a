"""Read a graph from a request: the raw body (format from Content-Type) or a multipart file upload."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from advisor.config import Settings
from advisor.encoding import decode_text
from advisor.errors import InputError, UnsupportedEncodingError, UnsupportedFormatError
from advisor.loading import MEDIA_TYPES, RdfFormat, format_from_label, format_from_media_type, format_from_name

MULTIPART = "multipart/form-data"
FILE_FIELD = "file"
FORMAT_FIELD = "format"
NAME_FIELD = "name"
INPUT_MEDIA_TYPES = [fmt.media_type for fmt in RdfFormat]
# A format's own media type says which format the body is: a `format` parameter naming another one is an error.
# Generic types (text/plain, application/json, application/octet-stream) leave the choice to the parameter.
_FORMAT_OF_OWN_MEDIA_TYPE = {fmt.media_type: fmt for fmt in RdfFormat}


@dataclass(frozen=True)
class GraphInput:
    """One uploaded document, not parsed yet."""

    data: bytes
    format: RdfFormat
    source: str | None = None  # the uploaded file's name, where there is one
    name: str | None = None  # a name given in the form

    def text(self) -> str | None:
        """The document as the loader decodes it (byte-order mark, UTF-16), for locating lines; None if unreadable."""
        try:
            return decode_text(self.data, source=self.source or "the document")
        except UnsupportedEncodingError:
            return None


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_graph(request: Request, settings: Settings, format_label: str | None = None) -> GraphInput:
    """The graph in the request; the body size limit is enforced while it streams in (see api/limits.py)."""
    media_type = media_type_of(request)
    if media_type == MULTIPART:
        return await _from_form(request, settings, format_label)
    if not media_type:
        raise UnsupportedFormatError(
            f"the request has no Content-Type: send the graph as one of {', '.join(INPUT_MEDIA_TYPES)}, "
            f"or upload it as {MULTIPART}"
        )
    if media_type not in MEDIA_TYPES and format_label is None:
        raise UnsupportedFormatError(
            f"unsupported media type {media_type!r}: send one of {', '.join(INPUT_MEDIA_TYPES)}, "
            f"or upload the file as {MULTIPART}"
        )
    fmt = format_from_label(format_label) if format_label else format_from_media_type(media_type)
    declared = _FORMAT_OF_OWN_MEDIA_TYPE.get(media_type)
    if declared is not None and declared is not fmt:
        raise InputError(
            f"the parameter format={fmt.value} contradicts the Content-Type {media_type} ({declared.value}): "
            "leave the parameter out, or make the two agree",
            parameter="format",
        )
    data = await request.body()
    _not_empty(data)
    return GraphInput(data=data, format=fmt)


async def _from_form(request: Request, settings: Settings, format_label: str | None) -> GraphInput:
    form = await request.form(max_files=1, max_fields=4, max_part_size=settings.max_body_bytes)
    upload = form.get(FILE_FIELD)
    if not isinstance(upload, UploadFile):
        raise InputError(f"the form has no file: upload the graph in the field {FILE_FIELD!r}")
    label = form.get(FORMAT_FIELD) or format_label
    name = form.get(NAME_FIELD)
    filename = upload.filename or None
    if isinstance(label, str) and label.strip():
        fmt = format_from_label(label)
    elif filename:
        fmt = format_from_name(filename)
    elif upload.content_type and upload.content_type.split(";")[0].strip().lower() in MEDIA_TYPES:
        fmt = format_from_media_type(upload.content_type)
    else:
        raise UnsupportedFormatError(
            f"cannot tell the format of the uploaded file: give it a known extension or set the field {FORMAT_FIELD!r}"
        )
    data = await upload.read()
    await upload.close()
    _not_empty(data)
    return GraphInput(
        data=data, format=fmt, source=filename, name=name.strip() if isinstance(name, str) and name.strip() else None
    )


def _not_empty(data: bytes) -> None:
    if not data.strip():
        raise InputError("the graph is empty: the request carries no document")
