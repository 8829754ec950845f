"""What every verb shares: the exit statuses and the usage error."""

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_FAILED = 3  # CONTRACT §3: the command failed as a whole, and nothing was changed


#: What every writer's --help says about its exit statuses and the lock (CONTRACT §3).
EXIT_STATUS_HELP = """\
Exit status: 0 all good; 1 some record rejected (the others are stored); 2 usage error;
3 the command failed as a whole (no space left, I/O error, lock wait exceeded, damaged store),
and then nothing was changed: one line says what it was writing, where, and how much it needed."""
WRITER_HELP = """\
Writers wait for a store that another load or update is writing, up to --wait SECONDS (default
300), then fail with status 3. The store keeps --keep N generations (default 2: the current one
and the previous one, to go back to with 'atlas-graph check --store DIR --rollback')."""
DEFAULT_WAIT = 300.0


def add_writer_arguments(parser) -> None:
    """--wait and --keep, the options of every verb that writes a store."""
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                        help=f"wait this long for another writer to finish (default: {DEFAULT_WAIT:g}); then exit 3")
    parser.add_argument("--keep", type=int, default=2, metavar="N",
                        help="generations kept: the current one and N-1 before it, to roll back to (default: 2)")


def check_writer_arguments(args) -> None:
    if args.wait < 0:
        raise UsageError("--wait must be 0 (do not wait) or a positive number of seconds")
    if args.keep < 1:
        raise UsageError("--keep must be at least 1 (the current generation)")


class UsageError(Exception):
    """A problem with how the command was called (exit 2), e.g. an unknown output extension."""
