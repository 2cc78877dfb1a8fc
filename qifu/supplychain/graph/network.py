"""Days-to-stop of every firm of a large network at once, and its update after one firm's status change.

Firms are numbered 0..n-1; links are arrays (supplier, buyer, survival days) where survival is
``tts.survival`` of the link (links that never stop their buyer, INF, are left out). With ``dist`` the
multi-source shortest distance from the set of blocked firms along supplier → buyer links (0 for a blocked
firm), a firm's days-to-stop is ``min over its incoming links (dist[supplier] + survival)``: the same number
``tts.analyse`` gives per plant, for all firms in one Dijkstra (SciPy, compiled) instead of one search per
plant.

Updates keep, for every firm, the blocked firm its distance comes from (``source``). When a firm becomes
blocked, a Dijkstra from it relaxes only the firms it brings closer. When a firm resumes, only the firms whose
distance came from it can change: they are re-seeded from their other incoming links and settled again.
Both touch a neighbourhood of the firm, not the network.
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

INF = np.inf
# SciPy's sparse graphs drop explicit zeros: a link with no stock gets this instead (far below a day).
EPSILON = 1e-9
NO_SOURCE = -1


class Network:
    """A supply network on compressed sparse rows, outgoing (supplier → buyers) and incoming."""

    def __init__(self, n: int, supplier: np.ndarray, buyer: np.ndarray, days: np.ndarray) -> None:
        keep = np.isfinite(days)
        s = np.asarray(supplier, dtype=np.int64)[keep]
        b = np.asarray(buyer, dtype=np.int64)[keep]
        w = np.maximum(np.asarray(days, dtype=np.float64)[keep], 0.0) + EPSILON
        self.n = n
        self.graph = csr_matrix((w, (s, b)), shape=(n, n))  # duplicates summed: keep the minimum instead
        if self.graph.nnz != len(w):
            order = np.lexsort((w, b, s))
            s, b, w = s[order], b[order], w[order]
            first = np.ones(len(s), dtype=bool)
            first[1:] = (s[1:] != s[:-1]) | (b[1:] != b[:-1])
            s, b, w = s[first], b[first], w[first]
            self.graph = csr_matrix((w, (s, b)), shape=(n, n))
        self.graph.sort_indices()
        self.out_ptr, self.out_idx, self.out_w = self.graph.indptr, self.graph.indices, self.graph.data
        incoming = self.graph.T.tocsr()
        incoming.sort_indices()
        self.in_ptr, self.in_idx, self.in_w = incoming.indptr, incoming.indices, incoming.data
        self.blocked = np.zeros(n, dtype=bool)
        self.dist = np.full(n, INF)
        self.source = np.full(n, NO_SOURCE, dtype=np.int64)
        self.days_to_stop = np.full(n, INF)

    # --- the whole network ------------------------------------------------------------------------------

    def recompute(self, blocked: np.ndarray) -> np.ndarray:
        """Days-to-stop of every firm given a boolean array of blocked firms (INF: cannot be stopped)."""
        self.blocked = np.asarray(blocked, dtype=bool).copy()
        sources = np.flatnonzero(self.blocked)
        if len(sources) == 0:
            self.dist.fill(INF)
            self.source.fill(NO_SOURCE)
        else:
            dist, _pred, src = dijkstra(self.graph, directed=True, indices=sources, min_only=True,
                                        return_predecessors=True)
            self.dist = dist
            self.source = np.where(np.isfinite(dist), src, NO_SOURCE).astype(np.int64)
        self.days_to_stop = self._incoming_min(np.arange(self.n))
        return self.days_to_stop

    def _incoming_min(self, nodes: np.ndarray) -> np.ndarray:
        """min over incoming links (dist[supplier] + days) for ``nodes``, vectorised."""
        nodes = np.asarray(nodes, dtype=np.int64)
        starts, ends = self.in_ptr[nodes], self.in_ptr[nodes + 1]
        counts = ends - starts
        result = np.full(len(nodes), INF)
        total = int(counts.sum())
        if total == 0:
            return result
        owner = np.repeat(np.arange(len(nodes)), counts)
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        edge = np.repeat(starts, counts) + offsets
        values = self.dist[self.in_idx[edge]] + self.in_w[edge]
        np.minimum.at(result, owner, values)
        return result

    def _refresh_buyers(self, changed: np.ndarray) -> None:
        if len(changed) == 0:
            return
        starts, ends = self.out_ptr[changed], self.out_ptr[changed + 1]
        counts = ends - starts
        if counts.sum() == 0:
            return
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        buyers = np.unique(self.out_idx[np.repeat(starts, counts) + offsets])
        self.days_to_stop[buyers] = self._incoming_min(buyers)

    # --- one firm's status changes ------------------------------------------------------------------------

    def set_blocked(self, firm: int, blocked: bool) -> np.ndarray:
        """Update after ``firm`` stopped (True) or resumed (False); returns the firms whose days-to-stop may
        have changed (the buyers of the firms whose distance changed)."""
        if bool(self.blocked[firm]) == blocked:
            return np.empty(0, dtype=np.int64)
        self.blocked[firm] = blocked
        changed = self._block(firm) if blocked else self._resume(firm)
        self._refresh_buyers(changed)
        return changed

    def _block(self, firm: int) -> np.ndarray:
        dist, source, blocked = self.dist, self.source, self.blocked
        out_ptr, out_idx, out_w = self.out_ptr, self.out_idx, self.out_w
        dist[firm] = 0.0
        source[firm] = firm
        changed = [firm]
        heap = [(0.0, firm)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            for k in range(out_ptr[u], out_ptr[u + 1]):
                v = int(out_idx[k])
                nd = d + out_w[k]
                if nd < dist[v] and not blocked[v]:
                    dist[v] = nd
                    source[v] = firm
                    changed.append(v)
                    heapq.heappush(heap, (nd, v))
        return np.unique(np.asarray(changed, dtype=np.int64))

    def _resume(self, firm: int) -> np.ndarray:
        dist, source = self.dist, self.source
        cell = np.flatnonzero(source == firm)  # the firms whose distance came from this one
        dist[cell] = INF
        source[cell] = NO_SOURCE
        # Re-seed each from its incoming links outside the cell, then settle the cell again.
        in_ptr, in_idx, in_w = self.in_ptr, self.in_idx, self.in_w
        heap = []
        for v in cell.tolist():
            best, best_src = INF, NO_SOURCE
            for k in range(in_ptr[v], in_ptr[v + 1]):
                u = in_idx[k]
                nd = dist[u] + in_w[k]
                if nd < best:
                    best, best_src = nd, source[u]
            if best < INF:
                dist[v] = best
                source[v] = best_src
                heap.append((best, v))
        heapq.heapify(heap)
        out_ptr, out_idx, out_w, blocked = self.out_ptr, self.out_idx, self.out_w, self.blocked
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            for k in range(out_ptr[u], out_ptr[u + 1]):
                v = int(out_idx[k])
                nd = d + out_w[k]
                if nd < dist[v] and not blocked[v]:
                    dist[v] = nd
                    source[v] = source[u]
                    heapq.heappush(heap, (nd, v))
        return cell

    # --- the region-wide view ------------------------------------------------------------------------------

    def bottlenecks(self, nodes: np.ndarray) -> np.ndarray:
        """For each node, the blocked firm its days-to-stop comes from (NO_SOURCE when it cannot be stopped):
        the source of the supplier on its incoming link with the smallest dist + days."""
        nodes = np.asarray(nodes, dtype=np.int64)
        starts, ends = self.in_ptr[nodes], self.in_ptr[nodes + 1]
        counts = ends - starts
        result = np.full(len(nodes), NO_SOURCE, dtype=np.int64)
        total = int(counts.sum())
        if total == 0:
            return result
        owner = np.repeat(np.arange(len(nodes)), counts)
        edge = np.repeat(starts, counts) + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
        supplier = self.in_idx[edge]
        values = self.dist[supplier] + self.in_w[edge]
        order = np.lexsort((values, owner))  # by owner, smallest value first
        first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
        finite = np.isfinite(values[first])
        result[owner[first][finite]] = self.source[supplier[first][finite]]
        return result

    def days_to_nearest(self, targets: np.ndarray) -> np.ndarray:
        """For every firm, the fewest days until one of ``targets`` (plants) stops if that firm alone stays
        down (INF: none): one multi-source Dijkstra on the reversed links."""
        targets = np.asarray(targets, dtype=np.int64)
        if len(targets) == 0:
            return np.full(self.n, INF)
        dist = dijkstra(self.graph.T.tocsr(), directed=True, indices=targets, min_only=True)
        # Through its own links (a plant is not its own supplier): min over outgoing (days + dist[buyer]).
        result = np.full(self.n, INF)
        rows = np.flatnonzero(np.diff(self.out_ptr))
        if len(rows):
            values = self.out_w + dist[self.out_idx]
            result[rows] = np.minimum.reduceat(values, self.out_ptr[rows])
        # Undo the EPSILON of zero-stock links (at most one per link on the path: far below a tenth of a day).
        return np.where(np.isfinite(result), np.round(result, 6), INF)

    def reach(self, targets: np.ndarray) -> np.ndarray:
        """Which ``targets`` (plants) each firm can stop on its own: a bit matrix (firms × ⌈targets/64⌉ words of
        uint64), bit j of row i set when a chain of links that can stop their buyer leads from firm i to
        target j. Propagated along the links until nothing changes: each round carries only the bits of the
        firms that changed in the round before, to their suppliers, so the work is the links into changed
        firms, not every link every round (the rounds are as many as the longest chain; cycles in the data
        only end the propagation sooner or later, never loop)."""
        targets = np.asarray(targets, dtype=np.int64)
        words = max(1, (len(targets) + 63) // 64)
        bits = np.zeros((self.n, words), dtype=np.uint64)
        j = np.arange(len(targets))
        bits[targets, j // 64] |= np.left_shift(np.uint64(1), (j % 64).astype(np.uint64))
        own = bits[targets].copy()
        changed = np.unique(targets)
        in_ptr, in_idx = self.in_ptr, self.in_idx
        for _round in range(self.n):
            if len(changed) == 0:
                break
            # The links into the changed firms, as (supplier, buyer), grouped by supplier.
            starts, ends = in_ptr[changed], in_ptr[changed + 1]
            counts = ends - starts
            total = int(counts.sum())
            if total == 0:
                break
            edge = np.repeat(starts, counts) + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
            supplier = in_idx[edge]
            buyer = np.repeat(changed, counts)
            order = np.argsort(supplier, kind="stable")
            supplier, buyer = supplier[order], buyer[order]
            first = np.flatnonzero(np.r_[True, supplier[1:] != supplier[:-1]])
            rows = supplier[first]
            upstream = np.bitwise_or.reduceat(bits[buyer], first, axis=0)
            new = bits[rows] | upstream
            grew = np.any(new != bits[rows], axis=1)
            changed = rows[grew]
            bits[changed] = new[grew]
        bits[targets] &= ~own  # a plant does not stop itself
        return bits


def unpack(bits: np.ndarray, width: int) -> np.ndarray:
    """A ``reach`` bit matrix as booleans (rows × width)."""
    as_bytes = bits.astype("<u8").view(np.uint8).reshape(bits.shape[0], -1)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :width].astype(bool)
