package dev.butterbase.realtime.bench.verify;

import java.util.Arrays;

/** A growable list of ints: row ids one client received or may receive, 4 bytes each. Not thread-safe. */
public final class IntList {

    private int[] values;
    private int size;

    public IntList() {
        this(4);
    }

    public IntList(int capacity) {
        values = new int[Math.max(1, capacity)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return values[index];
    }

    /** A sorted copy of the values. */
    public int[] sortedCopy() {
        int[] copy = Arrays.copyOf(values, size);
        Arrays.sort(copy);
        return copy;
    }
}
