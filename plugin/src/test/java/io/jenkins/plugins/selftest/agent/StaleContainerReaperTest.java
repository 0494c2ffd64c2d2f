package io.jenkins.plugins.selftest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.remoting.Callable;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The periodic clean-up's answer for one agent when the agent does not answer, or cannot be asked. */
class StaleContainerReaperTest {

    @Test
    void anAgentThatDoesNotAnswerInTimeIsCancelledAndTriedAgainNextTime() throws Exception {
        SilentChannel channel = new SilentChannel();

        List<String> lines = StaleContainerReaper.reapOn(channel, List.of());

        assertThat(lines).containsExactly("no answer within 300 s; trying again next time");
        assertThat(channel.future.cancelled).as("the call is cancelled").isTrue();
        assertThat(channel.future.waitedMillis).isEqualTo(StaleContainerReaper.CALL_TIMEOUT.toMillis());
    }

    @Test
    void anAgentThatCannotBeAskedIsALine() throws Exception {
        VirtualChannel closed = new SilentChannel() {
            @Override
            public <V, T extends Throwable> hudson.remoting.Future<V> callAsync(Callable<V, T> callable)
                    throws IOException {
                throw new IOException("channel is closed");
            }
        };

        assertThat(StaleContainerReaper.reapOn(closed, List.of()))
                .containsExactly("cannot reap stale selftest containers: java.io.IOException: channel is closed");
    }

    /** An agent whose calls never end: waiting for one times out at once, saying how long it was to wait. */
    private static class SilentChannel implements VirtualChannel {
        final NeverDone<Object> future = new NeverDone<>();

        @Override
        public <V, T extends Throwable> V call(Callable<V, T> callable) {
            throw new UnsupportedOperationException();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V, T extends Throwable> hudson.remoting.Future<V> callAsync(Callable<V, T> callable) throws IOException {
            return (hudson.remoting.Future<V>) future;
        }
    }

    private static final class NeverDone<V> implements hudson.remoting.Future<V> {
        volatile boolean cancelled;
        volatile long waitedMillis = -1;

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public V get() {
            throw new UnsupportedOperationException("a wait without a timeout");
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws TimeoutException {
            waitedMillis = unit.toMillis(timeout);
            throw new TimeoutException();
        }
    }
}
