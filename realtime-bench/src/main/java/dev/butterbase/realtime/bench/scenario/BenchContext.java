package dev.butterbase.realtime.bench.scenario;

import dev.butterbase.realtime.bench.BenchOptions;
import dev.butterbase.realtime.bench.measure.ResourceSampler;
import dev.butterbase.realtime.bench.target.BenchApp;
import dev.butterbase.realtime.bench.target.BenchTarget;

/** What a scenario runs against: the options, the server, and the app the run created on it. */
public record BenchContext(BenchOptions options, BenchTarget target, BenchApp app, ResourceSampler resources) {}
