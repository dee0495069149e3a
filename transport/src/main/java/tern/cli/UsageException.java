package tern.cli;

/** The arguments do not fit the command; Main prints the message and the command's usage, exit 64. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
