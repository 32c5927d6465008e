class DomainError(Exception):
    """A rule of the domain refused a change; the message tells a person what to do instead."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
