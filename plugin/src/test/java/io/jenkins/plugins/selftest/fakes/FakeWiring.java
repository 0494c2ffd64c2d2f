package io.jenkins.plugins.selftest.fakes;

import io.jenkins.plugins.selftest.agent.ServiceAgent;
import io.jenkins.plugins.selftest.steps.SupervisedServiceStep;
import java.util.concurrent.ScheduledExecutorService;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/** What a {@code supervisedService} execution works with in a test: a fake agent and a scheduler the test drives. */
public record FakeWiring(ServiceAgent agent, ScheduledExecutorService scheduler) implements SupervisedServiceStep.Wiring {

    @Override
    public ServiceAgent connect(StepContext context) {
        return agent;
    }
}
