package dev.butterbase.realtime.bench;

/**
 * A deliberate server-side policy fault, to prove the verifier catches what it must: the run's expectations are
 * computed from the data model, so the fault must fail the run.
 */
public enum FaultInjection {
    NONE,
    /** A permissive SELECT policy lets the first client's user read every row: a leak. */
    LEAK,
    /** A restrictive SELECT policy hides every row from the first client's user: a loss. */
    LOSS
}
