package org.carbonledger.api.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Sends a response that fits the server's buffer (8 kB with Tomcat's defaults) whole, with a {@code
 * Content-Length}, in one write at the end of the request.
 *
 * <p>Spring MVC flushes the output after writing a body, and once more to make sure the headers go
 * out. The first flush commits the response before its length is known, so Tomcat sent every JSON
 * response in chunked encoding: the headers and the body in one write, and the chunk that ends it
 * in a second write when the request ended. Each write is a system call, and on the client's side a
 * read. In the HTTP benchmark the two took about 8% of the request threads' CPU
 * (docs/performance.md).
 *
 * <p>The flushes are dropped here, before they reach the server. When the request ends, the server
 * sees an uncommitted response whose whole body it holds, sets its length and sends it. A larger
 * body is sent as before: the server commits it when its buffer fills. None of this service's
 * responses streams (no server-sent events, no progress), so no client waits for a flush.
 */
public final class WholeResponses implements Filter {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (response instanceof HttpServletResponse http) {
      chain.doFilter(request, new Unflushed(http));
    } else {
      chain.doFilter(request, response);
    }
  }

  /** A response whose output stream and buffer ignore flushes. */
  private static final class Unflushed extends HttpServletResponseWrapper {

    private ServletOutputStream output;

    Unflushed(HttpServletResponse response) {
      super(response);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
      if (output == null) {
        output = new UnflushedOutput(super.getOutputStream());
      }
      return output;
    }

    @Override
    public void flushBuffer() {
      // The server flushes when the request ends; see the class comment.
    }
  }

  /** Passes everything to the server's stream except {@code flush()}. */
  private static final class UnflushedOutput extends ServletOutputStream {

    private final ServletOutputStream delegate;

    UnflushedOutput(ServletOutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      delegate.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      delegate.write(bytes, offset, length);
    }

    @Override
    public void flush() {
      // The server flushes when the request ends; see the class comment.
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }
}
