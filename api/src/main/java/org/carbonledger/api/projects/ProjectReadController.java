package org.carbonledger.api.projects;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.projects.ProjectQueries;
import org.carbonledger.projections.projects.ProjectView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Projects and their batches, for any API key. */
@RestController
@RequestMapping("/api/v1/projects")
@Tag(name = "Projects and issuance")
class ProjectReadController {

  private final ProjectQueries projects;
  private final CreditQueries credits;
  private final ReadYourWrites reads;

  ProjectReadController(ProjectQueries projects, CreditQueries credits, ReadYourWrites reads) {
    this.projects = projects;
    this.credits = credits;
    this.reads = reads;
  }

  @GetMapping
  @Operation(summary = "Every project, in order of registration")
  Page<ProjectView> listProjects(
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return projects.projects(page);
  }

  @GetMapping("/{projectId}")
  @Operation(summary = "One project")
  ProjectView getProject(
      @PathVariable String projectId, @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    return Reads.found(projects.project(projectId), () -> "project " + projectId);
  }

  @GetMapping("/{projectId}/batches")
  @Operation(summary = "The batches issued for a project, with their supply")
  Page<BatchSupplyView> listProjectBatches(
      @PathVariable String projectId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return credits.batchesOfProject(projectId, page);
  }
}
