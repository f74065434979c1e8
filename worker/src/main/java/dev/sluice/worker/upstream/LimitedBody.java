package dev.sluice.worker.upstream;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8 text, up to {@code limit} bytes (OPENAI_MAX_RESPONSE_SIZE). A longer body stops the
 * download (the subscription is cancelled) and fails with {@link TooLarge}: without a bound, {@code n} up to 128
 * and {@code max_tokens} up to 32,768 let one answer take any amount of heap.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<String> {

    /** The body went past the limit after {@code status} and the headers had arrived. */
    static final class TooLarge extends RuntimeException {
        private final int status;
        private final long limit;

        TooLarge(int status, long limit) {
            super("the upstream's answer (status " + status + ") is larger than " + limit + " bytes", null, false, false);
            this.status = status;
            this.limit = limit;
        }

        int status() {
            return status;
        }

        long limit() {
            return limit;
        }
    }

    private final HttpResponse.BodySubscriber<String> text = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final int status;
    private final long limit;
    private Flow.Subscription subscription;
    private long received;

    private LimitedBody(int status, long limit) {
        this.status = status;
        this.limit = limit;
        text.getBody().whenComplete((complete, failure) -> {
            if (failure == null) {
                body.complete(complete);
            } else {
                body.completeExceptionally(failure);
            }
        });
    }

    /** Reads bodies up to {@code limit} bytes; one whose content-length is above it fails before any of it is read. */
    static HttpResponse.BodyHandler<String> handler(long limit) {
        return info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            LimitedBody subscriber = new LimitedBody(info.statusCode(), limit);
            if (declared > limit) {
                subscriber.body.completeExceptionally(new TooLarge(info.statusCode(), limit));
            }
            return subscriber;
        };
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (body.isDone()) {
            subscription.cancel();
            return;
        }
        text.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
        }
        if (received > limit) {
            subscription.cancel();
            body.completeExceptionally(new TooLarge(status, limit));
            return;
        }
        text.onNext(items);
    }

    @Override
    public void onError(Throwable failure) {
        text.onError(failure);
    }

    @Override
    public void onComplete() {
        text.onComplete();
    }
}
