package org.carbonledger.api.web;

/** The body of a write that only needs a reason, such as freezing an account. */
public record Reason(String reason) {}
