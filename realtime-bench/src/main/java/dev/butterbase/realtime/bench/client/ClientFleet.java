package dev.butterbase.realtime.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Many WebSocket clients on a few Netty event loops ({@code bench-client-*} threads). Client {@code i} binds to
 * source address {@code 127.0.0.(1 + i / perSourceAddress)} when the server is on loopback, so tens of thousands
 * of connections do not run out of ephemeral ports (about 28,000 per source address). Connections are opened with
 * at most {@code concurrency} handshakes in flight.
 */
public final class ClientFleet implements AutoCloseable {

    /** How the opening went. */
    public record ConnectResult(int ready, int failed, boolean timedOut, Duration took, List<String> problems) {}

    private final EventLoopGroup group;
    private final Map<EventExecutor, LoopContext> loops;
    private final int perSourceAddress;
    private final Tracker tracker = new Tracker();
    private final List<BenchConnection> connections = new ArrayList<>();

    public ClientFleet(int threads, int perSourceAddress) {
        if (threads < 1 || perSourceAddress < 1) {
            throw new IllegalArgumentException("threads and perSourceAddress must be positive");
        }
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-client", true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Map<EventExecutor, LoopContext> m = new HashMap<>();
        for (EventExecutor e : group) {
            m.put(e, new LoopContext());
        }
        this.loops = Map.copyOf(m);
        this.perSourceAddress = perSourceAddress;
    }

    /**
     * Opens {@code n} clients, client {@code i} to {@code uri.apply(i)}, and waits until each is ready (the session
     * says so) or failed, or the timeout passes.
     */
    public ConnectResult connect(int n, IntFunction<URI> uri, ClientSession session, int concurrency, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Semaphore inFlight = new Semaphore(concurrency);
        tracker.permits = inFlight;
        boolean timedOut = false;
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                for (int rest = i; rest < n; rest++) {
                    tracker.failed(rest, "not attempted: connect timeout");
                }
                break;
            }
            open(i, uri.apply(i), session, timeout);
        }
        while (tracker.readyCount.get() + tracker.failedCount.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        timedOut |= tracker.readyCount.get() + tracker.failedCount.get() < n;
        return new ConnectResult(tracker.readyCount.get(), n - tracker.readyCount.get(), timedOut,
                Duration.ofNanos(System.nanoTime() - start), tracker.problems());
    }

    private void open(int index, URI uri, ClientSession session, Duration timeout) {
        EventLoop loop = group.next();
        BenchConnection connection = new BenchConnection(index, session, tracker, loops.get(loop));
        synchronized (connections) {
            connections.add(connection);
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .withUTF8Validator(false)
                .generateOriginHeader(false)
                .maxFramePayloadLength(4 * 1024 * 1024)
                .handshakeTimeoutMillis(timeout.toMillis())
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(config), connection);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
        ChannelFuture f = remote.getAddress() != null && remote.getAddress().isLoopbackAddress()
                ? bootstrap.connect(remote, sourceAddress(index))
                : bootstrap.connect(remote);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                tracker.settled();
                tracker.failed(index, "connect failed: " + done.cause());
            }
        });
    }

    private InetSocketAddress sourceAddress(int index) {
        int host = 1 + index / perSourceAddress;
        if (host > 254) {
            throw new IllegalStateException("more than 254 loopback source addresses needed; raise --per-source");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code task} on every event loop, waits, and returns the results. */
    public <T> List<T> onEachLoop(Function<LoopContext, T> task) throws InterruptedException {
        List<io.netty.util.concurrent.Future<T>> futures = new ArrayList<>();
        loops.forEach((executor, context) -> futures.add(executor.submit(() -> task.apply(context))));
        List<T> results = new ArrayList<>();
        for (io.netty.util.concurrent.Future<T> f : futures) {
            try {
                results.add(f.get(30, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("a client event loop did not answer", e);
            }
        }
        return results;
    }

    /** Every loop's latency histogram, merged (a copy). */
    public Histogram mergedLatency() throws InterruptedException {
        Histogram merged = dev.butterbase.realtime.bench.measure.LatencySummary.newHistogram();
        for (Histogram h : onEachLoop(l -> l.latencyMicros().copy())) {
            merged.add(h);
        }
        return merged;
    }

    /** Clears every loop's latency histogram (after a warm-up). */
    public void resetLatency() throws InterruptedException {
        onEachLoop(l -> {
            l.latencyMicros().reset();
            return null;
        });
    }

    public List<BenchConnection> connections() {
        synchronized (connections) {
            return List.copyOf(connections);
        }
    }

    /** Connections that closed after being ready, while the run still needed them. */
    public int unexpectedCloses() {
        return tracker.unexpectedCloses.get();
    }

    /** Problems reported after setup (protocol errors, unexpected closes), the first few. */
    public List<String> problems() {
        return tracker.problems();
    }

    public int problemCount() {
        return tracker.problemCount.get();
    }

    /** Closes every client with a close frame; from here on closes are expected. */
    public void closeAll() throws InterruptedException {
        tracker.closing = true;
        connections().forEach(BenchConnection::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connections().stream().anyMatch(BenchConnection::isOpen) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        tracker.closing = true;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts outcomes; safe from any thread. */
    static final class Tracker {
        private static final int MAX_PROBLEMS = 20;
        final AtomicInteger readyCount = new AtomicInteger();
        final AtomicInteger failedCount = new AtomicInteger();
        final AtomicInteger unexpectedCloses = new AtomicInteger();
        final AtomicInteger problemCount = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        volatile Semaphore permits;
        volatile boolean closing;

        void settled() {
            Semaphore p = permits;
            if (p != null) {
                p.release();
            }
        }

        void ready(int index) {
            readyCount.incrementAndGet();
        }

        void failed(int index, String problem) {
            failedCount.incrementAndGet();
            record(index, problem);
        }

        void closed(int index, String description) {
            if (!closing) {
                unexpectedCloses.incrementAndGet();
                problem(index, "closed unexpectedly" + description);
            }
        }

        /** A problem after setup: it fails the run. */
        void problem(int index, String problem) {
            problemCount.incrementAndGet();
            record(index, problem);
        }

        private void record(int index, String problem) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add("client " + index + ": " + problem);
            }
        }

        List<String> problems() {
            return List.copyOf(problems);
        }
    }
}
