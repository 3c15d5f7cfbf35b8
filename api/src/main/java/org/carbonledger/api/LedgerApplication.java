package org.carbonledger.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The registry's REST service. Component scanning covers {@code org.carbonledger} so that the
 * aggregates and projections of the ledger module are found alongside the web layer.
 */
@SpringBootApplication(scanBasePackages = "org.carbonledger")
public class LedgerApplication {

  static {
    // Axon's update checker and its console advert read JVM system properties, not Spring
    // configuration, so they are switched off here, before Spring starts. These machines are
    // offline: the checker could only fail and log stack traces. An explicit -D still wins.
    setIfAbsent("axoniq.update-checker.disabled", "true");
    setIfAbsent("disable-axoniq-console-message", "true");
  }

  public static void main(String[] args) {
    SpringApplication.run(LedgerApplication.class, args);
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
