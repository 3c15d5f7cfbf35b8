package benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The load generator's HTTP/1.1 client: one blocking keep-alive socket per client thread, requests
 * written as prepared bytes, responses read by {@code Content-Length} or chunked encoding.
 *
 * <p>Why not {@link java.net.http.HttpClient}: the generator shares the machine's two cores with
 * the service and PostgreSQL, and the JDK's client spent 0.3 to 0.36 ms of CPU per request (its
 * selector thread, futures and header maps), a third of a core at 1,000 requests/s that the service
 * under test then did not have. This client does what wrk does: write, read, count. It understands
 * only what the service sends back (a status line, headers, a body by length or in chunks) and
 * reconnects when the server closes the connection, as Tomcat does after every 100 requests on one
 * connection ({@code server.tomcat.max-keep-alive-requests}).
 */
final class LoopbackHttp {

  /** A response: its status and its body as text. */
  record Response(int status, String body) {}

  private final String host;
  private final int port;

  LoopbackHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** The bytes of one request, ready to be written as many times as wanted. */
  byte[] request(String method, String path, Map<String, String> headers, String body) {
    StringBuilder text = new StringBuilder(256);
    text.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    text.append("Host: ").append(host).append(':').append(port).append("\r\n");
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      text.append("Content-Length: ").append(content.length).append("\r\n");
    }
    text.append("\r\n");
    byte[] head = text.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + content.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(content, 0, all, head.length, content.length);
    return all;
  }

  /** A connection for one client thread; not safe for two threads at once. */
  Connection connect() {
    return new Connection();
  }

  /** One client's keep-alive connection, opened on first use and again after the server closes. */
  final class Connection implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    /**
     * Sends one request and reads its whole response. On an I/O failure the connection is closed,
     * and the next call opens a new one.
     */
    Response exchange(byte[] request) throws IOException {
      if (socket == null) {
        open();
      }
      try {
        out.write(request);
        out.flush();
        return read();
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    private void open() throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), 10_000);
      s.setSoTimeout(60_000);
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
      out = s.getOutputStream();
    }

    private Response read() throws IOException {
      String status = readLine();
      if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
        throw new IOException("not an HTTP/1.1 status line: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean closing = false;
      for (String header = readLine(); !header.isEmpty(); header = readLine()) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> closing = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
      if (chunked) {
        for (int size = Integer.parseInt(chunkSize(readLine()), 16);
            size > 0;
            size = Integer.parseInt(chunkSize(readLine()), 16)) {
          body.write(in.readNBytes(size));
          readLine();
        }
        // Trailers, if any, up to the empty line.
        while (!readLine().isEmpty()) {}
      } else if (length > 0) {
        byte[] content = in.readNBytes((int) length);
        if (content.length < length) {
          throw new IOException("the connection closed inside a response body");
        }
        body.write(content);
      }
      if (closing) {
        close();
      }
      return new Response(code, body.toString(StandardCharsets.UTF_8));
    }

    private static String chunkSize(String line) {
      int extension = line.indexOf(';');
      return (extension < 0 ? line : line.substring(0, extension)).trim();
    }

    private String readLine() throws IOException {
      line.reset();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a loopback socket that already failed: nothing to do.
        }
        socket = null;
      }
    }
  }
}
