package io.jenkins.plugins.selftest.engine.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends lines to a file from one background thread, so that callers never block on the disk: {@link #offer}
 * puts the line in a bounded queue and returns at once; when the queue is full (slow or full disk) the line is
 * dropped and counted ({@link #dropped()}). A write error (disk full) drops the batch, counts it and carries on.
 * After the first line of a batch it lingers a moment, so that a burst (a hundred services restarting at once) costs
 * a few writes and wake-ups, not one per line.
 *
 * <p>Thread-safe: any thread may offer.
 */
public final class AsyncLineWriter implements AutoCloseable {

    private static final String POISON = "\u0000close";

    private final Path file;
    private final BlockingQueue<String> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private final long lingerMillis;
    private volatile boolean closed;

    /** @param linger how long a batch waits after its first line for more: the most a line waits for the disk */
    public AsyncLineWriter(Path file, int capacity, Duration linger, String threadName) {
        this.file = file;
        this.lingerMillis = linger.toMillis();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::drain, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code line} (without newline); false if it was dropped because the queue is full. */
    public boolean offer(String line) {
        if (closed || !queue.offer(line)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    public long dropped() {
        return dropped.get();
    }

    /** Waits until every line offered so far is written (or {@code timeout} passes). */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!queue.isEmpty() || pending) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private volatile boolean pending;

    private void drain() {
        List<String> batch = new ArrayList<>();
        FileChannel ch = null;
        try {
            while (true) {
                String first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                pending = true;
                batch.add(first);
                if (lingerMillis > 0 && !first.equals(POISON) && !closed) {
                    Thread.sleep(lingerMillis);
                }
                queue.drainTo(batch, 4096);
                boolean stop = batch.remove(POISON);
                try {
                    if (ch == null || !ch.isOpen()) {
                        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                    }
                    StringBuilder sb = new StringBuilder();
                    for (String l : batch) {
                        sb.append(l).append('\n');
                    }
                    // String.getBytes, not Charset.encode: the same bytes (an unpaired surrogate becomes '?' either way),
                    // but the charset's encoder goes char by char through buffers, which in the supervisor daemon's
                    // interpreter was most of the event writer's CPU
                    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    written.addAndGet(batch.size());
                } catch (IOException e) {
                    dropped.addAndGet(batch.size());
                    closeQuietly(ch);
                    ch = null;
                }
                batch.clear();
                pending = false;
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing after a failed write: nothing more to lose
            }
        }
    }

    /** Writes what is queued and stops the thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(POISON);
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
