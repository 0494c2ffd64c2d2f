package io.jenkins.plugins.selftest.fakes;

import com.google.common.util.concurrent.ListenableFuture;
import hudson.model.Result;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * A step context with the objects a test puts in, that records how the step ended and whether it started its body.
 * The body is a {@link FakeBody} the test completes.
 */
public class FakeContext extends StepContext {
    private static final long serialVersionUID = 1L;

    private final Map<Class<?>, Object> objects = new HashMap<>();
    public final CompletableFuture<Object> outcome = new CompletableFuture<>();
    public volatile FakeBody body;
    /** What the execution gave the body's invoker with {@code withContext}, in order. */
    public final List<Object> bodyContexts = new CopyOnWriteArrayList<>();
    /** How often the execution saved its state; {@link #onSave} runs at each save. */
    public final java.util.concurrent.atomic.AtomicInteger saves = new java.util.concurrent.atomic.AtomicInteger();
    public transient volatile Runnable onSave = () -> { };

    public FakeContext with(Class<?> type, Object value) {
        objects.put(type, value);
        return this;
    }

    @Override
    public <T> T get(Class<T> type) {
        return type.cast(objects.get(type));
    }

    @Override
    public void onSuccess(Object result) {
        outcome.complete(result);
    }

    @Override
    public void onFailure(Throwable t) {
        outcome.completeExceptionally(t);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        saves.incrementAndGet();
        onSave.run();
        return com.google.common.util.concurrent.Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        return new BodyInvoker() {
            private BodyExecutionCallback callback;

            @Override
            public BodyInvoker withCallback(BodyExecutionCallback c) {
                callback = c;
                return this;
            }

            @Override
            public BodyInvoker withContext(Object override) {
                bodyContexts.add(override);
                return this;
            }

            @Override
            public BodyInvoker withContexts(Object... overrides) {
                return this;
            }

            @Override
            public BodyInvoker withDisplayName(String name) {
                return this;
            }

            @Override
            public BodyExecution start() {
                body = new FakeBody(FakeContext.this, callback);
                return body;
            }
        };
    }

    @Override
    public boolean hasBody() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** Waits for the step's end; the failure's cause is rethrown as is. */
    public Object await() throws Exception {
        try {
            return outcome.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
