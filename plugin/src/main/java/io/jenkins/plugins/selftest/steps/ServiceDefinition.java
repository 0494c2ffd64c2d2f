package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import io.jenkins.plugins.selftest.engine.supervisor.RestartPolicy;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceSpec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * One service of {@code supervisedService(services: [[name: 'db', command: '...'], ...])}, and the value behind the
 * step's own single-service fields. Setters keep what the Pipeline gave (a bad value is reported by the step's
 * {@code start()}); the defaults are the engine's.
 */
public class ServiceDefinition extends AbstractDescribableImpl<ServiceDefinition> implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Between the variables of the form's {@code env} text area. */
    private static final String LINE_BREAKS = "\\R";
    /** Between the names of the form's {@code dependsOn} text box. */
    private static final String NAME_SEPARATORS = "[,\\s]+";

    private String name;
    private String command;
    private String restart = RestartPolicy.ON_FAILURE.label();
    private int maxRestarts = ServiceSpec.DEFAULT_MAX_RESTARTS;
    private BackoffSettings backoff;
    private String startSeconds = "0s";
    private ReadinessSettings ready;
    private String stopTimeout = Durations.format(ServiceSpec.DEFAULT_STOP_TIMEOUT);
    private List<String> env = List.of();
    private String dir;
    private List<String> dependsOn = List.of();
    private String port;
    private String image;
    private List<String> ports = List.of();
    private List<String> volumes = List.of();
    private String runtime;
    private String dockerHost;

    @DataBoundConstructor
    public ServiceDefinition() {
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name;
    }

    public String getCommand() {
        return command;
    }

    @DataBoundSetter
    public void setCommand(String command) {
        this.command = command;
    }

    public String getRestart() {
        return restart;
    }

    /** {@code always}, {@code on-failure} (default) or {@code never}; checked with the rest of the spec in {@code start()}. */
    @DataBoundSetter
    public void setRestart(String restart) {
        this.restart = Choices.canonical(restart, Choices.RESTART);
    }

    public int getMaxRestarts() {
        return maxRestarts;
    }

    @DataBoundSetter
    public void setMaxRestarts(int maxRestarts) {
        this.maxRestarts = maxRestarts;
    }

    public BackoffSettings getBackoff() {
        return backoff;
    }

    @DataBoundSetter
    public void setBackoff(BackoffSettings backoff) {
        this.backoff = backoff;
    }

    public String getStartSeconds() {
        return startSeconds;
    }

    @DataBoundSetter
    public void setStartSeconds(String startSeconds) {
        this.startSeconds = startSeconds;
    }

    public ReadinessSettings getReady() {
        return ready;
    }

    @DataBoundSetter
    public void setReady(ReadinessSettings ready) {
        this.ready = ready;
    }

    public String getStopTimeout() {
        return stopTimeout;
    }

    @DataBoundSetter
    public void setStopTimeout(String stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    public List<String> getEnv() {
        return env;
    }

    /**
     * {@code ['KEY=value', ...]}, as {@code withEnv}. The form's text area arrives as one item with a line per
     * variable, so each item is split at line ends; a value may hold commas.
     */
    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = split(env, LINE_BREAKS);
    }

    public String getDir() {
        return dir;
    }

    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = dir;
    }

    public List<String> getDependsOn() {
        return dependsOn;
    }

    /**
     * Names of services that must be ready first, {@code ['db', 'cache']}; the form's text box arrives as one item,
     * {@code db, cache}, split at commas and blanks.
     */
    @DataBoundSetter
    public void setDependsOn(List<String> dependsOn) {
        this.dependsOn = split(dependsOn, NAME_SEPARATORS);
    }

    public String getPort() {
        return port;
    }

    /**
     * {@code 'auto'}: a free port for this build, given to the service's command as {@code $PORT} and to the body as
     * {@code SERVICE_<NAME>_PORT}; or a fixed number. A number given as a number ({@code port: 8080}) arrives as text
     * through {@link PortArgument#customInstantiate}.
     */
    @DataBoundSetter
    public void setPort(String port) {
        this.port = PortArgument.text(port);
    }

    public String getImage() {
        return image;
    }

    /** The image of a container service; its presence makes the service a container. */
    @DataBoundSetter
    public void setImage(String image) {
        this.image = image == null || image.isBlank() ? null : image.trim();
    }

    public List<String> getPorts() {
        return ports;
    }

    /**
     * Container ports to publish, each on a free host port of this build: {@code ['5432', '8125/udp']}; the form's
     * text box arrives as one item, split at commas and blanks.
     */
    @DataBoundSetter
    public void setPorts(List<String> ports) {
        this.ports = split(ports, NAME_SEPARATORS);
    }

    public List<String> getVolumes() {
        return volumes;
    }

    /**
     * {@code ['data:/var/lib/postgresql/data', 'fixtures:/docker-entrypoint-initdb.d:ro']}: a named volume created
     * for the block, or a directory of the workspace; the form's text area arrives as one item, a volume a line.
     */
    @DataBoundSetter
    public void setVolumes(List<String> volumes) {
        this.volumes = split(volumes, LINE_BREAKS);
    }

    public String getRuntime() {
        return runtime;
    }

    /** {@code docker} or {@code podman}; empty: the one the agent has (podman first), as {@code selfTest} does. */
    @DataBoundSetter
    public void setRuntime(String runtime) {
        this.runtime = runtime == null || runtime.isBlank() ? null : Choices.canonical(runtime, Choices.SERVICE_RUNTIME);
    }

    public String getDockerHost() {
        return dockerHost;
    }

    /** The engine's address; empty: {@code DOCKER_HOST}/{@code CONTAINER_HOST} of the build's environment. */
    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        this.dockerHost = dockerHost == null || dockerHost.isBlank() ? null : dockerHost.trim();
    }

    /** A form's text area as the setters read it: an item a line. */
    static List<String> splitLines(String text) {
        return split(text == null ? List.of() : List.of(text), LINE_BREAKS);
    }

    /** A form's text box as the setters read it: items separated by commas and blanks. */
    static List<String> splitNames(String text) {
        return split(text == null ? List.of() : List.of(text), NAME_SEPARATORS);
    }

    private static List<String> split(List<String> items, String separator) {
        if (items == null) {
            return List.of();
        }
        return items.stream().filter(Objects::nonNull).flatMap(i -> Arrays.stream(i.split(separator)))
                .map(String::trim).filter(i -> !i.isEmpty()).toList();
    }

    @Extension
    @Symbol("service")
    public static class DescriptorImpl extends Descriptor<ServiceDefinition> implements ServiceFieldChecks,
            PortArgument {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.ServiceDisplayName");
        }

        public FormValidation doCheckEnv(@QueryParameter String value) {
            return Choices.form("env", ServiceSpecs.envProblem(splitLines(value)));
        }

    }
}
