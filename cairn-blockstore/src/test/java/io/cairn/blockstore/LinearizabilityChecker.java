package io.cairn.blockstore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks one key's concurrent history against the sequential model of a block store: a key is
 * absent or present; put makes it present, delete makes it absent and reports whether it was
 * present, and get, view, getSize and has report presence. (Which bytes come back is checked when
 * the operation runs: a block has one content.) A history is accepted only if some order of its
 * operations, consistent with each thread's program order and with real time (an operation that
 * ended before another began comes first), explains every answer: Wing and Gong's search with
 * memoised states, per key, which linearizability's locality makes sufficient.
 *
 * <p>Histories are checked a round at a time (all threads meet at a barrier between rounds), so a
 * search stays small; the set of states a round can end in is carried into the next round.
 */
final class LinearizabilityChecker {
    static final int ABSENT = 1;
    static final int PRESENT = 2;

    enum Kind { PUT, DELETE, GET, VIEW, SIZE, HAS }

    /** One completed operation: {@code found} is the answer (present / removed) where there is one. */
    record Op(int thread, Kind kind, boolean found, long start, long end) {
        /** The state after this op from {@code state}, or -1 if its answer is impossible there. */
        int apply(int state) {
            return switch (kind) {
                case PUT -> PRESENT;
                case DELETE -> (found == (state == PRESENT)) ? ABSENT : -1;
                default -> (found == (state == PRESENT)) ? state : -1;
            };
        }
    }

    private LinearizabilityChecker() {
    }

    /**
     * @param perThread one key's operations of one round, per thread in program order
     * @param startStates bit set of the states the key may be in when the round starts
     * @return the bit set of states the round may end in; 0 means no linearization exists
     */
    static int check(List<List<Op>> perThread, int startStates) {
        List<List<Op>> chains = new ArrayList<>();
        for (List<Op> c : perThread) {
            if (!c.isEmpty()) {
                chains.add(c);
            }
        }
        int[] pos = new int[chains.size()];
        int ends = 0;
        for (int s : new int[] {ABSENT, PRESENT}) {
            if ((startStates & s) != 0) {
                ends |= search(chains, pos, s, new HashSet<>());
            }
        }
        return ends;
    }

    private static int search(List<List<Op>> chains, int[] pos, int state, Set<String> seen) {
        boolean done = true;
        for (int t = 0; t < chains.size(); t++) {
            if (pos[t] < chains.get(t).size()) {
                done = false;
                break;
            }
        }
        if (done) {
            return state;
        }
        String key = java.util.Arrays.toString(pos) + state;
        if (!seen.add(key)) {
            return 0;
        }
        int ends = 0;
        for (int t = 0; t < chains.size(); t++) {
            if (pos[t] >= chains.get(t).size()) {
                continue;
            }
            Op op = chains.get(t).get(pos[t]);
            if (!minimal(chains, pos, t, op)) {
                continue;
            }
            int next = op.apply(state);
            if (next < 0) {
                continue;
            }
            pos[t]++;
            ends |= search(chains, pos, next, seen);
            pos[t]--;
            if (ends == (ABSENT | PRESENT)) {
                break;
            }
        }
        return ends;
    }

    /** No operation still to be placed ended before {@code op} began. */
    private static boolean minimal(List<List<Op>> chains, int[] pos, int self, Op op) {
        for (int u = 0; u < chains.size(); u++) {
            if (u != self && pos[u] < chains.get(u).size() && chains.get(u).get(pos[u]).end() < op.start()) {
                return false;
            }
        }
        return true;
    }
}
