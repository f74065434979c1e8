package dev.sluice.devstack.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP/1.1 over a plain socket, for what {@link SluiceClient} cannot do: send from another loopback address (so
 * per-address throttles start fresh), and send a body that is much larger than what is written, or never ends.
 */
final class RawHttp implements AutoCloseable {

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connection to the api from {@code from} (any 127.x.y.z address is this machine). */
    static RawHttp connect(URI api, InetAddress from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", api.getPort()), 5_000);
        socket.setSoTimeout(15_000);
        return new RawHttp(socket);
    }

    /** A loopback address no other test uses, so its failed-authentication budget is untouched. */
    static InetAddress freshLoopbackAddress() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return InetAddress.getByAddress(new byte[]{127, (byte) random.nextInt(1, 255), (byte) random.nextInt(1, 255),
                (byte) random.nextInt(1, 255)});
    }

    /** One request with Connection: close; the whole answer. */
    static Answer exchange(URI api, InetAddress from, String method, String path, String authorization, String body)
            throws IOException {
        try (RawHttp http = connect(api, from)) {
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            http.write(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n")
                    + "\r\n");
            http.out.write(bytes);
            http.out.flush();
            return http.readAnswer();
        }
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the status line, headers and (Content-Length, or up to the connection's end) the body. */
    Answer readAnswer() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(readLine().strip(), 16); size > 0;
                 size = Integer.parseInt(readLine().strip(), 16)) {
                body.write(in.readNBytes(size));
                readLine();
            }
            readLine();
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /**
     * Keeps sending {@code bytes} of filler (in 64 KB writes, chunked if asked) until they are all sent or the server
     * closes the connection; returns how many were sent.
     */
    long sendUntilClosed(long bytes, boolean chunked) {
        byte[] filler = new byte[64 * 1024];
        java.util.Arrays.fill(filler, (byte) '0');
        byte[] chunkHead = (Integer.toHexString(filler.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        try {
            while (sent < bytes) {
                if (chunked) {
                    out.write(chunkHead);
                }
                out.write(filler);
                if (chunked) {
                    out.write(new byte[]{'\r', '\n'});
                }
                out.flush();
                sent += filler.length;
            }
        } catch (IOException closed) {
            return sent;
        }
        return sent;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int next = in.read(); next != '\n'; next = in.read()) {
            if (next == -1) {
                throw new IOException("the connection ended in the middle of an answer");
            }
            if (next != '\r') {
                line.write(next);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
