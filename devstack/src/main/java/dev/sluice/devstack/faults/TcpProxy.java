package dev.sluice.devstack.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP forwarder between a client and one dependency (PostgreSQL, Redis, ...) that a fault test or
 * {@code ./sluice chaos} can cut and restore at runtime, as if the dependency went away and came back.
 * <p>
 * It listens on 127.0.0.1 and forwards every connection to the target, bytes unchanged, with two threads per
 * connection (one per direction). {@link #cut()} resets every open connection at once (both sides see a reset, as
 * when a server dies) and from then on resets each new connection as soon as it is accepted, so a client's connect
 * fails fast, as it does against a stopped server. The listening port stays bound while cut, so {@link #restore()}
 * is certain to get it back; after it, new connections are forwarded again. Connections cut are never revived:
 * clients must reconnect, which is exactly what a fault test wants to see them do.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = new HashSet<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private boolean cut;
    private boolean closed;
    private boolean stalled;
    private volatile Thread acceptor;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
    }

    /** Forwards a free port on 127.0.0.1 to {@code target}; see {@link #port()}. */
    public static TcpProxy start(InetSocketAddress target) throws IOException {
        return start(target, 0);
    }

    /** Forwards {@code port} on 127.0.0.1 ({@code 0}: any free port) to {@code target}. */
    public static TcpProxy start(InetSocketAddress target, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        TcpProxy proxy = new TcpProxy(target, listener);
        Thread acceptor = new Thread(proxy::acceptUntilClosed, "tcp-proxy-" + proxy.port() + "-accept");
        acceptor.setDaemon(true);
        proxy.acceptor = acceptor;
        acceptor.start();
        log.info("TCP proxy 127.0.0.1:{} -> {}", proxy.port(), target);
        return proxy;
    }

    /** The local port clients connect to instead of the target's. */
    public int port() {
        return listener.getLocalPort();
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Resets every open connection and every new one until {@link #restore()}. Idempotent. */
    public void cut() {
        List<Link> open;
        synchronized (this) {
            cut = true;
            open = List.copyOf(links);
            links.clear();
        }
        open.forEach(Link::reset);
        log.info("TCP proxy 127.0.0.1:{} -> {} CUT: {} connections reset, new ones refused", port(), target,
                open.size());
    }

    /** Forwards new connections again. Idempotent. */
    public void restore() {
        synchronized (this) {
            cut = false;
        }
        log.info("TCP proxy 127.0.0.1:{} -> {} restored", port(), target);
    }

    /**
     * Stalls every connection, open and new: bytes are held, not forwarded, and nothing is reset, as a broker that
     * stopped answering. Until {@link #flow()}. Idempotent.
     */
    public synchronized void stall() {
        stalled = true;
        log.info("TCP proxy 127.0.0.1:{} -> {} STALLED: bytes are held until it flows again", port(), target);
    }

    /** Forwards the held bytes and everything after them again. Idempotent. */
    public synchronized void flow() {
        stalled = false;
        notifyAll();
        log.info("TCP proxy 127.0.0.1:{} -> {} flowing again", port(), target);
    }

    private synchronized void awaitFlow() throws InterruptedException {
        while (stalled && !closed) {
            wait(100);
        }
    }

    public synchronized boolean isCut() {
        return cut;
    }

    /** Connections being forwarded right now. */
    public synchronized int openConnections() {
        return links.size();
    }

    /** Connections forwarded since start (each one reached the target). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections reset on arrival because the proxy was cut or the target could not be reached. */
    public long refusedConnections() {
        return refused.get();
    }

    /**
     * Stops listening and resets every open connection. Returns once the port no longer accepts: closing a listener
     * while a thread is blocked in {@code accept} leaves it listening until that thread wakes up and lets go.
     */
    @Override
    public void close() {
        List<Link> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(links);
            links.clear();
        }
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing the proxy's listener: {}", e.toString());
        }
        try {
            acceptor.join(CONNECT_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.forEach(Link::reset);
    }

    private void acceptUntilClosed() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.warn("TCP proxy 127.0.0.1:{} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
            if (isCut()) {
                refused.incrementAndGet();
                resetQuietly(client);
                continue;
            }
            // connecting may take up to the timeout: not on the accept thread, so one slow target does not hold up
            // every other client
            Thread opener = new Thread(() -> forward(client), "tcp-proxy-" + port() + "-open");
            opener.setDaemon(true);
            opener.start();
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            log.debug("TCP proxy 127.0.0.1:{} could not reach {}: {}", port(), target, e.toString());
            refused.incrementAndGet();
            resetQuietly(client);
            resetQuietly(upstream);
            return;
        }
        Link link = new Link(client, upstream);
        synchronized (this) {
            if (cut || closed) {
                // cut while we were connecting: this connection belongs to the outage too
                refused.incrementAndGet();
                link.reset();
                return;
            }
            links.add(link);
        }
        accepted.incrementAndGet();
        link.pump(client, upstream, "up");
        link.pump(upstream, client, "down");
    }

    private synchronized void forget(Link link) {
        links.remove(link);
    }

    /** Closes with SO_LINGER 0, so the peer gets a reset instead of an orderly end of stream. */
    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed() && socket.isConnected()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // already broken: closing is all that is left
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do for a socket we are throwing away
        }
    }

    /** One forwarded connection: the client's socket and ours to the target. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private int directionsOpen = 2;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to, String direction) {
            Thread thread = new Thread(() -> copy(from, to), "tcp-proxy-" + port() + "-" + direction);
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Copies one direction until its end of stream, then half-closes the other side (a client's orderly close
         * reaches the server as such). An error in either direction resets the whole connection.
         */
        private void copy(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitFlow();
                    out.write(buffer, 0, read);
                }
                to.shutdownOutput();
                directionEnded();
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
            }
        }

        private void directionEnded() {
            boolean bothEnded;
            synchronized (this) {
                bothEnded = --directionsOpen == 0;
            }
            if (bothEnded) {
                forget(this);
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        void reset() {
            forget(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }

        private void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing after both directions ended; nothing left to lose
            }
        }
    }
}
