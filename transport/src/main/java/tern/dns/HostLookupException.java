package tern.dns;

/** Completes an {@link MailDns#addresses} future when a host has no usable address. */
public final class HostLookupException extends RuntimeException {
    private final MxResult.Failure failure;

    public HostLookupException(MxResult.Failure failure) {
        super(failure.status() + " " + failure.text(), null, false, false);
        this.failure = failure;
    }

    public MxResult.Failure failure() {
        return failure;
    }
}
