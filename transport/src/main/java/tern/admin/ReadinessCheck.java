package tern.admin;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One thing {@code /health/ready} asks before it says the server may take traffic: the
 * listeners are bound, the journal can be written, the server is not draining. A check may
 * also answer with a warning: the server is ready, but an operator should read this (a bare
 * host name as the FQDN, say); warnings show in the answer's details and never make it 503.
 *
 * <p>Checks run on a virtual thread at every probe, so they should be cheap (read a flag,
 * not walk a directory).
 */
public interface ReadinessCheck {

    /** A short name for the answer's details: {@code journal}, {@code listeners}. */
    String name();

    Verdict check();

    /** A check from a name and a function. */
    static ReadinessCheck of(String name, Supplier<Verdict> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Verdict check() {
                return check.get();
            }
        };
    }

    /** What one check found. */
    sealed interface Verdict permits Ready, Warning, NotReady {
        static Verdict ready() {
            return Ready.INSTANCE;
        }

        static Verdict warning(String detail) {
            return new Warning(detail);
        }

        static Verdict notReady(String reason) {
            return new NotReady(reason);
        }
    }

    /** All is well. */
    record Ready() implements Verdict {
        static final Ready INSTANCE = new Ready();
    }

    /** Ready, but the operator should know {@code detail}. */
    record Warning(String detail) implements Verdict {
        public Warning {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Not ready: {@code reason} says why, in words an operator acts on. */
    record NotReady(String reason) implements Verdict {
        public NotReady {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
