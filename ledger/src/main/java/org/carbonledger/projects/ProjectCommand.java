package org.carbonledger.projects;

import static org.carbonledger.registry.Require.identifier;
import static org.carbonledger.registry.Require.jurisdictionCode;
import static org.carbonledger.registry.Require.optionalText;
import static org.carbonledger.registry.Require.period;
import static org.carbonledger.registry.Require.positive;
import static org.carbonledger.registry.Require.text;

import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.carbonledger.registry.LedgerRejection;

/** Everything that can be asked of a {@link Project}. */
public sealed interface ProjectCommand {

  /** A project id leaves room for the batch suffix within the 100 characters of an id. */
  int MAX_PROJECT_ID_LENGTH = 80;

  String projectId();

  @TargetAggregateIdentifier
  default String streamId() {
    return Project.streamId(projectId());
  }

  /**
   * Registers a project or scenario (项目/场景) under an approved methodology.
   *
   * @param jurisdiction ISO 3166-2 code of where the project is, such as CN-HB
   * @param district the district within the jurisdiction, such as 江岸区, if any
   * @param location a site address or coordinates
   */
  record RegisterProject(
      String projectId,
      String name,
      String proponentAccountId,
      String methodologyId,
      String jurisdiction,
      String district,
      String location)
      implements ProjectCommand {
    public RegisterProject {
      identifier(projectId, "projectId");
      if (projectId.length() > MAX_PROJECT_ID_LENGTH) {
        throw LedgerRejection.invalid(
            "projectId", "projectId must be at most " + MAX_PROJECT_ID_LENGTH + " characters");
      }
      text(name, "name", 300);
      identifier(proponentAccountId, "proponentAccountId");
      identifier(methodologyId, "methodologyId");
      jurisdictionCode(jurisdiction, "jurisdiction");
      optionalText(district, "district", 100);
      text(location, "location", 500);
    }
  }

  record ApproveProject(String projectId, String approvedBy) implements ProjectCommand {
    public ApproveProject {
      identifier(projectId, "projectId");
      text(approvedBy, "approvedBy", 200);
    }
  }

  record SuspendProject(String projectId, String reason) implements ProjectCommand {
    public SuspendProject {
      identifier(projectId, "projectId");
      text(reason, "reason", 500);
    }
  }

  record ReinstateProject(String projectId, String reason) implements ProjectCommand {
    public ReinstateProject {
      identifier(projectId, "projectId");
      text(reason, "reason", 500);
    }
  }

  /**
   * Issues (签发) a batch of credits for a vintage of an approved project, after third-party
   * verification (核证). The batch gets the next batch sequence of the project and its id is
   * returned.
   *
   * @param vintageStart first day of the monitoring period
   * @param vintageEnd last day of the monitoring period
   * @param verificationReportId the verifier's report id
   * @param verifier the third-party verifier
   * @param quantity whole tCO2e credits, one serial each
   * @param receivingAccountId the account that receives the credits
   * @param firstSerial the first serial number of the batch; 1 unless the credits were first issued
   *     by another registry whose serial numbers they keep
   */
  record IssueBatch(
      String projectId,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String verificationReportId,
      String verifier,
      long quantity,
      String receivingAccountId,
      Long firstSerial)
      implements ProjectCommand {
    public IssueBatch {
      identifier(projectId, "projectId");
      period(vintageStart, "vintageStart", vintageEnd, "vintageEnd");
      text(verificationReportId, "verificationReportId", 200);
      text(verifier, "verifier", 200);
      positive(quantity, "quantity");
      identifier(receivingAccountId, "receivingAccountId");
      if (firstSerial == null) {
        firstSerial = 1L;
      }
      positive(firstSerial, "firstSerial");
      // The last serial is firstSerial + quantity - 1, which must still fit in a long.
      if (firstSerial - 1 > Long.MAX_VALUE - quantity) {
        throw LedgerRejection.invalid("quantity", "the serial numbers would overflow");
      }
    }
  }
}
