"""Project-wide DRF pieces: field-level error envelope."""
from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_detail(exc: DjangoValidationError) -> dict:
    """A service's ValidationError as DRF-style JSON: field → messages, "__all__" as "non_field_errors"."""
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if field == "__all__" else field): [str(m) for m in msgs]
                for field, msgs in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationError from services mapped to a field-level 400."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
