package dev.butterbase.realtime.bench.scenario;

/** Deterministic, evenly spread choices per row (SplitMix64), so a run's data is a pure function of its seed. */
final class Spread {

    private Spread() {}

    /** A number in {@code [0, bound)} for (seed, row, salt). */
    static int pick(long seed, int row, int salt, int bound) {
        long z = seed * 0x9E3779B97F4A7C15L + row * 0xBF58476D1CE4E5B9L + salt * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) Math.floorMod(z, (long) bound);
    }
}
