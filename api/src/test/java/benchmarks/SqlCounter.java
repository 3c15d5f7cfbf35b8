package benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Counts the service's round trips to its database, by the pool of the thread that makes them:
 * statements executed (an {@code executeBatch} counts once, as one round trip of many rows),
 * commits, and connections taken from the pool. Added to a benchmark's context with {@code
 * -Dbench.countsql=true}, it wraps the context's {@link DataSource} in proxies (which cost a little
 * CPU of their own); the service's code is unchanged.
 */
public final class SqlCounter implements BeanPostProcessor {

  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

  static boolean enabled() {
    return Boolean.getBoolean("bench.countsql");
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSource dataSource && !Proxy.isProxyClass(bean.getClass())) {
      return proxy(DataSource.class, dataSource, "connection");
    }
    return bean;
  }

  /** A copy of the counts now, by "thread pool: what". */
  static Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    COUNTS.forEach((key, count) -> copy.put(key, count.sum()));
    return copy;
  }

  /** Prints what happened between two snapshots, per unit of work (a command, an event). */
  static void print(Map<String, Long> before, Map<String, Long> after, long units, String unit) {
    System.out.printf("  database round trips per %s, by thread pool:%n", unit);
    after.forEach(
        (key, count) -> {
          long delta = count - before.getOrDefault(key, 0L);
          if (delta > 0) {
            System.out.printf(
                Locale.ROOT, "    %-60s %8.2f%n", key, (double) delta / Math.max(1, units));
          }
        });
  }

  private static void count(String what) {
    String thread = Thread.currentThread().getName().replaceAll("[0-9]+", "#");
    COUNTS.computeIfAbsent(thread + ": " + what, k -> new LongAdder()).increment();
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T target, String kind) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          if (kind.equals("connection") && name.equals("getConnection")) {
            count("connections taken");
            Connection connection = (Connection) invoke(method, target, args);
            return proxy(Connection.class, connection, "statements");
          }
          if (kind.equals("statements")) {
            if (name.equals("commit")) {
              count("commits");
            } else if (name.equals("prepareStatement")) {
              return proxy(
                  PreparedStatement.class,
                  (PreparedStatement) invoke(method, target, args),
                  "execute");
            } else if (name.equals("prepareCall")) {
              return proxy(
                  CallableStatement.class,
                  (CallableStatement) invoke(method, target, args),
                  "execute");
            } else if (name.equals("createStatement")) {
              return proxy(Statement.class, (Statement) invoke(method, target, args), "execute");
            }
          }
          if (kind.equals("execute") && name.startsWith("execute")) {
            count(name.equals("executeBatch") ? "statement batches" : "statements");
          }
          return invoke(method, target, args);
        };
    return (T)
        Proxy.newProxyInstance(SqlCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
