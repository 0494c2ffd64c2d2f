package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.history.RunDetails;
import java.util.List;
import java.util.Optional;

/**
 * What a run (or a publish of shards) on the agent hands back to the controller, as JSON. Immutable.
 *
 * @param details    the results; empty when the run could not start ({@code setupError} says why)
 * @param setupError the one-line reason the run could not start (no runtime, bad image, no tests, build failure)
 * @param mode       how the shards ran, for people
 * @param problems   what went wrong around the tests, one line each
 * @param reportDir  the report directory on the agent
 * @param artifacts  files to archive, relative to {@code reportDir}
 * @param outcomes   each shard's outcome ({@code OK}, {@code FAILED}, {@code TIMEOUT}, {@code ERROR}) by index
 */
public record AgentOutcome(Optional<RunDetails> details, Optional<String> setupError, String mode, List<String> problems,
                           String reportDir, List<String> artifacts, List<String> outcomes) {

    public AgentOutcome {
        details = details == null ? Optional.empty() : details;
        setupError = setupError == null ? Optional.empty() : setupError;
        problems = problems == null ? List.of() : List.copyOf(problems);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
    }

    /** A run that could not start. */
    public static AgentOutcome setupError(String message, String reportDir) {
        return new AgentOutcome(Optional.empty(), Optional.of(message), "", List.of(), reportDir, List.of(), List.of());
    }
}
