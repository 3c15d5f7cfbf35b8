package org.carbonledger.testsupport;

import java.time.LocalDate;
import java.util.function.Function;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;

/**
 * The routine steps before credits exist, for tests that are about what happens to credits: an
 * approved methodology and project, and issuances of its first quarter of 2026.
 *
 * <p>{@code send} sends a command and returns its result, such as {@code
 * commandGateway::sendAndWait} or {@code inMemoryLedger::send}.
 */
public final class RegistrySetup {

  private RegistrySetup() {}

  /**
   * Files and approves a methodology {@code <projectId>-M}, then registers and approves the project
   * under it. The proponent's account must be open.
   */
  public static void approvedProject(
      Function<Object, ?> send, String projectId, String proponentAccountId) {
    String methodologyId = projectId + "-M";
    send.apply(new FileMethodology(methodologyId, "1.0", "Test", "transport", "g CO2e per km"));
    send.apply(new ApproveMethodology(methodologyId, "Expert panel", "review-1"));
    send.apply(
        new RegisterProject(
            projectId,
            "Project " + projectId,
            proponentAccountId,
            methodologyId,
            "CN-HB",
            null,
            "Wuhan"));
    send.apply(new ApproveProject(projectId, "Operator"));
  }

  /** Issues a batch of the project's 2026 first quarter into an account; returns its id. */
  public static String issue(
      Function<Object, ?> send, String projectId, long quantity, String accountId) {
    return (String)
        send.apply(
            new IssueBatch(
                projectId,
                LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 3, 31),
                "VR-2026-001",
                "Verifier",
                quantity,
                accountId,
                null));
  }
}
