package dev.butterbase.realtime.bench.target;

import dev.butterbase.realtime.bench.measure.ResourceSampler;

/** A server already running ({@code --url}, {@code --admin-key}); its CPU and memory are read only with {@code --server-pid}. */
public final class RemoteTarget implements BenchTarget {

    private final String url;
    private final String adminKey;
    private final ResourceSampler resources;

    public RemoteTarget(String url, String adminKey, long serverPid) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.adminKey = adminKey;
        this.resources = ResourceSampler.remote(serverPid);
    }

    @Override
    public String httpUrl() {
        return url;
    }

    @Override
    public String adminKey() {
        return adminKey;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public ResourceSampler resources() {
        return resources;
    }

    @Override
    public String rlsMode() {
        return "as configured on the server";
    }

    @Override
    public String describe() {
        return "remote " + url + (resources.knowsServer() ? "" : " (server CPU/RSS n/a: no --server-pid)");
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
