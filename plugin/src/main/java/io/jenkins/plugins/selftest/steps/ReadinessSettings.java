package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.selftest.Messages;
import java.io.Serializable;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code ready: [http: 'http://localhost:8080/health', port: 8080, log: 'Started .* in', command: 'pg_isready',
 * timeout: '60s', interval: '250ms']}: the checks that must all pass before the body starts. For a service with an
 * allocated port, {@code port: 'auto'} and {@code http: '/health'} aim at that port; a container service also has
 * {@code exec: 'pg_isready -U postgres'} (run inside it) and {@code healthcheck: true} (the image's HEALTHCHECK).
 */
public class ReadinessSettings extends AbstractDescribableImpl<ReadinessSettings> implements Serializable {

    private static final long serialVersionUID = 1L;

    private String http;
    private String port;
    private String log;
    private String command;
    private String exec;
    private boolean healthcheck;
    private String timeout = "60s";
    private String interval = "250ms";

    @DataBoundConstructor
    public ReadinessSettings() {
    }

    public String getHttp() {
        return http;
    }

    @DataBoundSetter
    public void setHttp(String http) {
        this.http = http;
    }

    /**
     * Empty (or 0): no port check; {@code auto}: the service's own (first) allocated port; else a number, where one
     * outside 1..65535 is reported by {@code start()}. {@code port: 8080} arrives as text through
     * {@link PortArgument#customInstantiate}.
     */
    public String getPort() {
        return port;
    }

    @DataBoundSetter
    public void setPort(String port) {
        this.port = PortArgument.text(port);
    }

    public String getLog() {
        return log;
    }

    @DataBoundSetter
    public void setLog(String log) {
        this.log = log;
    }

    public String getCommand() {
        return command;
    }

    @DataBoundSetter
    public void setCommand(String command) {
        this.command = command;
    }

    public String getExec() {
        return exec;
    }

    /** A command run inside a container service ({@code podman exec}); ready when it exits 0. */
    @DataBoundSetter
    public void setExec(String exec) {
        this.exec = exec;
    }

    public boolean isHealthcheck() {
        return healthcheck;
    }

    /** A container service is ready when its image's own {@code HEALTHCHECK} reports healthy. */
    @DataBoundSetter
    public void setHealthcheck(boolean healthcheck) {
        this.healthcheck = healthcheck;
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public String getInterval() {
        return interval;
    }

    @DataBoundSetter
    public void setInterval(String interval) {
        this.interval = interval;
    }

    @Extension
    @Symbol("ready")
    public static class DescriptorImpl extends Descriptor<ReadinessSettings> implements PortArgument {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.ReadinessDisplayName");
        }

        public FormValidation doCheckPort(@QueryParameter String value) {
            return ServiceSpecs.formCheck("ready.port", value);
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return ServiceSpecs.formCheck("ready.timeout", value);
        }

        public FormValidation doCheckInterval(@QueryParameter String value) {
            return ServiceSpecs.formCheck("ready.interval", value);
        }
    }
}
