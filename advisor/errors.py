"""One error hierarchy for the whole product, mapped once to HTTP statuses and once to exit codes."""

from __future__ import annotations


class AdvisorError(Exception):
    """Base of every error the advisor reports to a user. `code` is stable and machine-readable."""

    code = "advisor-error"
    title = "Advisor error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}


class InputError(AdvisorError):
    """The input cannot be used as it is (bad format name, empty body, wrong options)."""

    code = "invalid-input"
    title = "Invalid input"


class UnsupportedFormatError(InputError):
    code = "unsupported-format"
    title = "Unsupported RDF format"


class RDFSyntaxError(InputError):
    """The document is not well-formed; carries line and column where the parser knows them."""

    code = "syntax-error"
    title = "RDF syntax error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None, **details: object) -> None:
        super().__init__(message, line=line, column=column, **details)
        self.line = line
        self.column = column


class UnsupportedEncodingError(InputError):
    """The bytes are in a character encoding the advisor does not read (advisor/encoding.py); names it."""

    code = "unsupported-encoding"
    title = "Unsupported character encoding"


class RefusedInputError(InputError):
    """The document asks for something the advisor never does (remote context, DTD, external entity)."""

    code = "refused-input"
    title = "Refused input"


class LimitExceededError(AdvisorError):
    """A resource limit was hit (triples, literal length, nesting depth, body size)."""

    code = "limit-exceeded"
    title = "Limit exceeded"

    def __init__(self, message: str, limit: str, maximum: int | float, **details: object) -> None:
        super().__init__(message, limit=limit, maximum=maximum, **details)
        self.limit = limit
        self.maximum = maximum


class TimeLimitError(AdvisorError):
    code = "time-limit"
    title = "Time limit exceeded"


class NotFoundError(AdvisorError):
    code = "not-found"
    title = "Not found"


class KnowledgeBaseError(AdvisorError):
    """The bundled ontology or shapes are broken: a defect of the product, not of the input."""

    code = "knowledge-base-error"
    title = "Knowledge base error"
