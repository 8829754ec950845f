"""What every verb shares: the exit statuses and the usage error."""

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_FAILED = 3  # CONTRACT §3: the command failed as a whole, and nothing was changed


class UsageError(Exception):
    """A problem with how the command was called (exit 2), e.g. an unknown output extension."""
