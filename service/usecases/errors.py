"""What a use case refuses, said once; the API maps each to a status, the CLI to a message and exit code.

Malformed queries are index.base.QuerySyntaxError (400 / exit 2), raised by the index itself.
"""

from __future__ import annotations


class UseCaseError(Exception):
    """Base: a request the use case cannot serve; the message is for a person."""


class InvalidRequest(UseCaseError):
    """Bad input (a with_partners that is not a boolean, an empty upload…): 422."""


class InvalidLabel(UseCaseError):
    """A label value outside its set (extractors.schema); the message names the allowed values: 400."""


class NotFound(UseCaseError):
    """No mandate or document with that id: 404."""


class TooLarge(UseCaseError):
    """Text or upload over the configured limit: 413."""


class Unreadable(UseCaseError):
    """A document no reader can read (the reader's reason is the message): 422."""


class NotSwapped(UseCaseError):
    """A re-index that was not swapped in; the previous index keeps serving: 500."""


class RetrainRunning(UseCaseError):
    """A retrain is already running for this home: 409."""


class UnknownFilterValue(InvalidRequest):
    """A filter value that is neither a code nor a label of its field (`actor=UNESCO`): 400, naming
    the values allowed."""
