package dev.tributary.core;

import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The listeners' queue: bounded, dropping (and counting) rather than making the pipeline wait. */
class PipelineEventsTest {

    @Test
    void aFullQueueDropsLaterEventsButNotStateChangesAndNeverLosesACount() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        PipelineListener stuck = new PipelineListener() {
            @Override
            public void onErrorRecords(String pipeline, ErrorKind kind, long count) {
                delivered.add(kind + " " + count);
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onStateChange(String pipeline, Pipeline.State from, Pipeline.State to) {
                delivered.add(from + "->" + to);
            }
        };
        PipelineMetrics metrics = new PipelineMetrics();
        PipelineEvents events = new PipelineEvents("drops", metrics, List.of(stuck));
        events.errorsRecorded(ErrorKind.DECODE, 1);
        entered.await(); // the listener holds the events thread; the queue is empty
        int more = PipelineEvents.QUEUE_CAPACITY + 50;
        for (int i = 0; i < more; i++) {
            events.errorsRecorded(ErrorKind.MAPPING, 1); // never waits for the listener
        }
        events.stateChanged(Pipeline.State.STOPPING, Pipeline.State.STOPPED);
        assertEquals(50, events.droppedEvents());
        assertEquals(1 + more, metrics.snapshot().errorsTotal(), "the counters miss nothing");

        release.countDown();
        events.finish(Duration.ofSeconds(30));
        assertEquals(1 + PipelineEvents.QUEUE_CAPACITY + 1, delivered.size());
        assertEquals("DECODE 1", delivered.get(0));
        assertEquals("STOPPING->STOPPED", delivered.get(delivered.size() - 1), "the state change had room kept for it");
        events.errorsRecorded(ErrorKind.MAPPING, 1);
        Await.await("the counter after the end", Duration.ofSeconds(5), () -> metrics.snapshot().errorsTotal() == more + 2);
        assertEquals(1 + PipelineEvents.QUEUE_CAPACITY + 1, delivered.size(), "nothing delivered after the end");
    }
}
