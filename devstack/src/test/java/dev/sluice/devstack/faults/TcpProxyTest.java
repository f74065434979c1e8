package dev.sluice.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy over loopback, in front of a tiny echo server: forwarding, cutting, restoring, closing. */
class TcpProxyTest {

    private static final int READ_TIMEOUT_MILLIS = 2_000;

    private EchoServer echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerBehindAProxy() throws IOException {
        echo = new EchoServer();
        proxy = TcpProxy.start(echo.address());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        try (Socket client = connect()) {

            String answer = roundTrip(client, "hello through the proxy");

            assertThat(answer).isEqualTo("hello through the proxy");
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void aClientsOrderlyCloseReachesTheServerAndItsLastAnswerStillComesBack() throws IOException {
        try (Socket client = connect()) {
            client.getOutputStream().write("last words".getBytes(StandardCharsets.UTF_8));

            client.shutdownOutput();

            // the echo server answers up to the end of stream, then closes: the whole answer arrives, then -1
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("last words");
            await().atMost(Duration.ofSeconds(2)).until(() -> proxy.openConnections() == 0);
        }
    }

    @Test
    void cuttingResetsEveryOpenConnection() throws IOException {
        try (Socket first = connect(); Socket second = connect()) {
            roundTrip(first, "one");
            roundTrip(second, "two");

            proxy.cut();

            assertThat(isBroken(first)).isTrue();
            assertThat(isBroken(second)).isTrue();
            assertThat(proxy.openConnections()).isZero();
        }
    }

    @Test
    void whileCutNewConnectionsAreRefusedAtOnce() throws IOException {
        proxy.cut();

        try (Socket client = connect()) {
            assertThat(isBroken(client)).isTrue();
        }
        assertThat(proxy.isCut()).isTrue();
        assertThat(proxy.refusedConnections()).isEqualTo(1);
        assertThat(echo.connections()).isZero();
    }

    @Test
    void afterRestoreNewConnectionsAreForwardedAgain() throws IOException {
        proxy.cut();
        proxy.restore();

        try (Socket client = connect()) {
            assertThat(roundTrip(client, "back again")).isEqualTo("back again");
        }
        assertThat(proxy.isCut()).isFalse();
    }

    @Test
    void aConnectionWhoseTargetIsDownIsRefused() throws IOException {
        echo.close();

        try (Socket client = connect()) {
            assertThat(isBroken(client)).isTrue();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.refusedConnections() == 1);
    }

    @Test
    void closingStopsListening() throws IOException {
        int port = proxy.port();

        proxy.close();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class).hasMessageContaining("refused");
    }

    private Socket connect() throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setSoTimeout(READ_TIMEOUT_MILLIS);
        return client;
    }

    private static String roundTrip(Socket client, String message) throws IOException {
        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(sent);
        client.getOutputStream().flush();
        byte[] received = client.getInputStream().readNBytes(sent.length);
        return new String(received, StandardCharsets.UTF_8);
    }

    /** Whether the connection is dead: a read ends the stream or fails (a reset) instead of timing out. */
    private static boolean isBroken(Socket client) {
        try {
            client.getOutputStream().write(1);
            return client.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Echoes every byte back on each connection until the client's end of stream, then closes. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::acceptUntilClosed, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        int connections() {
            return connections.get();
        }

        private void acceptUntilClosed() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread echoing = new Thread(() -> echo(socket), "echo");
                    echoing.setDaemon(true);
                    echoing.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException reset) {
                // the proxy reset the connection: nothing to echo any more
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            // the port listens until the thread blocked in accept() lets go (a connection in that window once got an
            // echo where the test expected a refusal)
            try {
                acceptor.join(READ_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
