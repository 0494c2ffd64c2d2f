package io.jenkins.plugins.selftest.engine.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for tasks that read or write files on other threads, with their failures as the caller's own. */
public final class IoTasks {

    private IoTasks() {
    }

    /**
     * The task's value; its {@link IOException} or {@link RuntimeException} thrown as it was thrown, anything else
     * as an IOException; an interrupt of the waiting thread as an {@link InterruptedIOException} naming {@code what}
     * (the interrupt flag set again).
     */
    public static <T> T await(Future<T> task, String what) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
