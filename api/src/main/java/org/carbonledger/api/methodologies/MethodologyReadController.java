package org.carbonledger.api.methodologies;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.methodologies.MethodologyQueries;
import org.carbonledger.projections.methodologies.MethodologyView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Methodologies, for any API key. */
@RestController
@RequestMapping("/api/v1/methodologies")
@Tag(name = "Methodologies")
class MethodologyReadController {

  private final MethodologyQueries methodologies;
  private final ReadYourWrites reads;

  MethodologyReadController(MethodologyQueries methodologies, ReadYourWrites reads) {
    this.methodologies = methodologies;
    this.reads = reads;
  }

  @GetMapping
  @Operation(summary = "Every methodology, in order of filing")
  Page<MethodologyView> listMethodologies(
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return methodologies.methodologies(page);
  }

  @GetMapping("/{methodologyId}")
  @Operation(summary = "One methodology")
  MethodologyView getMethodology(
      @PathVariable String methodologyId, @RequestParam(required = false) Long minPosition) {
    reads.await(minPosition);
    return Reads.found(
        methodologies.methodology(methodologyId), () -> "methodology " + methodologyId);
  }
}
