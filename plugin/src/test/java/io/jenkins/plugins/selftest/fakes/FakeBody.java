package io.jenkins.plugins.selftest.fakes;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/** A running block body the test ends with {@link #succeed} or {@link #fail}; {@link #cancel} fails it. */
public class FakeBody extends BodyExecution {
    private static final long serialVersionUID = 1L;
    private final StepContext context;
    private final BodyExecutionCallback callback;
    public volatile Throwable cancelledWith;
    private volatile boolean done;

    FakeBody(StepContext context, BodyExecutionCallback callback) {
        this.context = context;
        this.callback = callback;
    }

    public void succeed(Object result) {
        done = true;
        callback.onSuccess(context, result);
    }

    public void fail(Throwable t) {
        done = true;
        callback.onFailure(context, t);
    }

    @Override
    public boolean cancel(Throwable t) {
        cancelledWith = t;
        fail(t);
        return true;
    }

    @Override
    public Collection<StepExecution> getCurrentExecutions() {
        return List.of();
    }

    @Override
    public boolean isCancelled() {
        return cancelledWith != null;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public Object get() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel(new InterruptedException());
    }
}
