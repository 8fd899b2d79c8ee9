"""The error types that services raise and both front doors translate."""


class WorkflowError(Exception):
    """A step not allowed from the current status: 409 on the API, a message on pages."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
