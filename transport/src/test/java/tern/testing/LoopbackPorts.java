package tern.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for programs that cannot bind port 0 and say which port they got (dnsmasq, Postfix,
 * smtp-sink). Our own servers and Tern child processes bind 0 and report the port instead.
 *
 * <p>Closing a port-0 socket and handing its number on races with everything else on the
 * machine that binds port 0 or opens a connection: those draw from the same ephemeral range.
 * So candidates come from below that range, where nobody is handed a port by the kernel, and
 * a start that fails (the port was taken after all) is tried again on another one.
 */
public final class LoopbackPorts {

    private static final int ATTEMPTS = 8;

    private LoopbackPorts() {
    }

    /** Starts a server on a given port; throws IOException when it could not listen there. */
    @FunctionalInterface
    public interface Starter<T> {
        T start(int port) throws IOException, InterruptedException;
    }

    /** {@code starter} on a free port below the ephemeral range, retried on another port if the start fails. */
    public static <T> T startOnFreePort(Starter<T> starter) throws IOException, InterruptedException {
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = candidate();
            try {
                return starter.start(port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no start succeeded on " + ATTEMPTS + " ports", last);
    }

    /**
     * A socket bound to a loopback port without listening: connections to it are refused for
     * as long as it is held, and nobody else can bind the port meanwhile. For "nothing listens
     * there" in a test.
     */
    public static Socket refusingPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    private static int candidate() {
        int low = ephemeralLow();
        int floor = 10_000;
        int ceiling = Math.max(floor + 1000, low);
        for (int tries = 0; tries < 100; tries++) {
            int port = ThreadLocalRandom.current().nextInt(floor, ceiling);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port below " + ceiling);
    }

    /** The first port of the kernel's ephemeral range (Linux); 32768 where it cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
