package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.carbonledger.chain.proof.EntryProof;
import org.carbonledger.client.ApiClient;
import org.carbonledger.client.ApiException;
import org.carbonledger.client.api.AccountsApi;
import org.carbonledger.client.api.ApiKeysApi;
import org.carbonledger.client.api.FootprintsApi;
import org.carbonledger.client.api.MethodologiesApi;
import org.carbonledger.client.api.ProjectsAndIssuanceApi;
import org.carbonledger.client.api.RetirementRegisterApi;
import org.carbonledger.client.api.TransfersRetirementsAndCancellationsApi;
import org.carbonledger.client.model.ApproveMethodologyRequest;
import org.carbonledger.client.model.DeclareFootprintRequest;
import org.carbonledger.client.model.EntryProofView;
import org.carbonledger.client.model.FileMethodologyRequest;
import org.carbonledger.client.model.IssueApiKey;
import org.carbonledger.client.model.IssueBatchRequest;
import org.carbonledger.client.model.OpenAccountRequest;
import org.carbonledger.client.model.RegisterProjectRequest;
import org.carbonledger.client.model.RetirementCertificate;
import org.carbonledger.client.model.RetirementRequest;
import org.carbonledger.client.model.TransferRequest;
import org.carbonledger.client.model.Written;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The marathon story driven by a client generated from the committed OpenAPI document
 * (docs/openapi.json, generated in the build by openapi-generator): proof that the document holds
 * every request, response and error a client needs.
 */
@DirtiesContext
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ledger.bootstrap-token=" + GeneratedClientMarathonPostgresIT.OPERATOR,
      "ledger.checkpoint.interval-ms=100"
    })
@ActiveProfiles("postgres")
class GeneratedClientMarathonPostgresIT {

  static final String OPERATOR = "cl_00000000000000cc.CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "generated_client");
  }

  @LocalServerPort int port;

  @Test
  void aGeneratedClientDrivesTheMarathonStory() throws Exception {
    ApiClient operator = client(OPERATOR);
    var methodologies = new MethodologiesApi(operator);
    methodologies.fileMethodology(
        new FileMethodologyRequest()
            .methodologyId("WHCI-M-BUS")
            .version("1.0")
            .title("Bus instead of car")
            .sector("transport")
            .quantifies("grams CO2e avoided per km by bus"),
        "file-1");
    methodologies.approveMethodology(
        "WHCI-M-BUS",
        new ApproveMethodologyRequest().reviewer("Panel").reviewReference("REV-9"),
        null);
    var accounts = new AccountsApi(operator);
    accounts.openAccount(
        new OpenAccountRequest()
            .accountId("bus-co")
            .holderType(OpenAccountRequest.HolderTypeEnum.PLATFORM)
            .name("Bus Co")
            .jurisdiction("CN-HB"),
        null);
    accounts.openAccount(
        new OpenAccountRequest()
            .accountId("expo")
            .holderType(OpenAccountRequest.HolderTypeEnum.ORGANISER)
            .name("Wuhan Expo")
            .jurisdiction("CN-HB"),
        null);
    var projects = new ProjectsAndIssuanceApi(operator);
    projects.registerProject(
        new RegisterProjectRequest()
            .projectId("WH-BUS")
            .name("Wuhan buses")
            .proponentAccountId("bus-co")
            .methodologyId("WHCI-M-BUS")
            .jurisdiction("CN-HB")
            .district("Hankou")
            .location("Wuhan"),
        null);
    projects.approveProject("WH-BUS", null);
    String batchId =
        projects
            .issueBatch(
                "WH-BUS",
                new IssueBatchRequest()
                    .vintageStart(LocalDate.parse("2026-01-01"))
                    .vintageEnd(LocalDate.parse("2026-06-30"))
                    .verificationReportId("VR-7")
                    .verifier("CQC")
                    .quantity(50L)
                    .receivingAccountId("bus-co"),
                null)
            .getId();
    var keys = new ApiKeysApi(operator);
    String holder =
        keys.issueApiKey(
                new IssueApiKey()
                    .name("Bus Co")
                    .role(IssueApiKey.RoleEnum.HOLDER)
                    .accountIds(Set.of("bus-co")))
            .getToken();
    String organiser =
        keys.issueApiKey(
                new IssueApiKey()
                    .name("Expo")
                    .role(IssueApiKey.RoleEnum.ORGANISER)
                    .accountIds(Set.of("expo")))
            .getToken();

    new TransfersRetirementsAndCancellationsApi(client(holder))
        .transferCredits(
            batchId,
            new TransferRequest().fromAccountId("bus-co").toAccountId("expo").quantity(20L),
            "move-1");

    var organiserClient = client(organiser);
    new FootprintsApi(organiserClient)
        .declareFootprint(
            new DeclareFootprintRequest()
                .footprintId("EXPO-2026")
                .organiserAccountId("expo")
                .kind(DeclareFootprintRequest.KindEnum.EVENT)
                .subject("Wuhan Expo 2026")
                .periodStart(LocalDate.parse("2026-05-01"))
                .periodEnd(LocalDate.parse("2026-05-03"))
                .emissionsKg(12_000L)
                .inventoryBasis("ISO 14064-1:2018")
                .verifiedBy("CQC"),
            null);
    var movements = new TransfersRetirementsAndCancellationsApi(organiserClient);
    Written first = movements.retireCredits(batchId, retirement(8), "retire-1");
    Written second = movements.retireCredits(batchId, retirement(4), "retire-2");

    var footprint =
        new FootprintsApi(organiserClient).getFootprint("EXPO-2026", second.getPosition());
    assertThat(footprint.getStatus()).hasToString("NEUTRAL");

    // An error comes back as a typed ApiException with the problem+json body.
    assertThatThrownBy(() -> movements.retireCredits(batchId, retirement(1), null))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(409))
        .satisfies(
            e -> assertThat(((ApiException) e).getResponseBody()).contains("FOOTPRINT_ALREADY"));

    RetirementCertificate certificate = certificate(batchId, first.getId());
    assertThat(verifyOffline(certificate)).isEmpty();
  }

  private static RetirementRequest retirement(long tonnes) {
    return new RetirementRequest()
        .accountId("expo")
        .quantity(tonnes)
        .beneficiary("Wuhan Expo 2026")
        .reason("Carbon neutral expo")
        .purpose(RetirementRequest.PurposeEnum.EVENT_NEUTRALITY)
        .jurisdictionOfUse("CN-HB")
        .footprintId("EXPO-2026");
  }

  private RetirementCertificate certificate(String batchId, String retirementId) throws Exception {
    var register = new RetirementRegisterApi(client(null));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try {
        return register.getRetirementCertificate(batchId, retirementId, null);
      } catch (ApiException notYet) {
        assertThat(notYet.getCode()).isIn(404, 503);
        assertThat(System.nanoTime()).as("certificate ready in time").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static List<org.carbonledger.chain.ChainFailure> verifyOffline(
      RetirementCertificate certificate) {
    EntryProofView proof = certificate.getProof();
    var decoder = Base64.getDecoder();
    SignedEntry signed =
        new SignedEntry(
            EntryCodec.decode(decoder.decode(proof.getEntry())),
            HexFormat.of().parseHex(proof.getEntryHash()),
            proof.getKeyId(),
            decoder.decode(proof.getSignature()));
    var entryKey = proof.getEntryKey();
    KeyRing trusted =
        KeyRing.of(
            new KeyRing.LedgerKey(
                entryKey.getKeyName(),
                decoder.decode(entryKey.getPublicKey()),
                entryKey.getValidFrom(),
                entryKey.getValidUntil() == null ? Long.MAX_VALUE : entryKey.getValidUntil()));
    return new EntryProof(
            signed,
            proof.getLeafIndex(),
            proof.getInclusionProof().stream().map(HexFormat.of()::parseHex).toList(),
            proof.getCheckpoint())
        .verify(
            certificate.getOrigin(),
            trusted,
            List.of(NoteVerifierKey.parse(proof.getCheckpointKey().getVkey())));
  }

  private ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://localhost:" + port);
    if (token != null) {
      client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    }
    return client;
  }
}
