//! The numeric core of Matrix state resolution v2/v2.1 over integer-coded
//! events (the TypeScript side interns events and gathers their auth edges,
//! sender power, timestamps and event-id ranks). Mirrors the reference in
//! `src/accel/stateres.ts`; all three paths must return identical orderings.
use alloc::collections::BinaryHeap;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::{Ordering, Reverse};

/// Per node: power desc, then origin_server_ts asc, then event id rank asc.
fn tie_break_ranks(power: &[f64], ts: &[f64], id_rank: &[u32]) -> Vec<u32> {
    let n = power.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        // power descending (±infinity allowed; inputs carry no NaN)
        match power[b].partial_cmp(&power[a]).unwrap_or(Ordering::Equal) {
            Ordering::Equal => {}
            o => return o,
        }
        match ts[a].partial_cmp(&ts[b]).unwrap_or(Ordering::Equal) {
            Ordering::Equal => {}
            o => return o,
        }
        id_rank[a].cmp(&id_rank[b])
    });
    let mut rank = vec![0u32; n];
    for (i, &node) in order.iter().enumerate() {
        rank[node as usize] = i as u32;
    }
    rank
}

/// Reverse topological power ordering (Kahn's algorithm from the oldest
/// events, smallest tie-break first). `auth_start` (n+1 offsets) and
/// `auth_edges` give each node's auth events within the set. A result shorter
/// than n means the edges form a cycle. Out-of-range edges are ignored.
pub fn reverse_topological_power_order(auth_start: &[u32], auth_edges: &[u32], power: &[f64], ts: &[f64], id_rank: &[u32]) -> Vec<u32> {
    let n = power.len();
    if ts.len() != n || id_rank.len() != n || auth_start.len() != n + 1 {
        return Vec::new();
    }
    let edge = |e: usize| auth_edges.get(e).copied().filter(|&t| (t as usize) < n);
    let span = |i: usize| (auth_start[i] as usize).min(auth_edges.len())..(auth_start[i + 1] as usize).min(auth_edges.len());
    let key = tie_break_ranks(power, ts, id_rank);
    let mut pending = vec![0u32; n];
    let mut ref_start = vec![0u32; n + 1];
    for i in 0..n {
        for e in span(i) {
            if let Some(t) = edge(e) {
                pending[i] += 1;
                ref_start[t as usize + 1] += 1;
            }
        }
    }
    for i in 0..n {
        ref_start[i + 1] += ref_start[i];
    }
    let mut referrers = vec![0u32; ref_start[n] as usize];
    let mut fill: Vec<u32> = ref_start[..n].to_vec();
    for i in 0..n {
        for e in span(i) {
            if let Some(t) = edge(e) {
                referrers[fill[t as usize] as usize] = i as u32;
                fill[t as usize] += 1;
            }
        }
    }
    let mut heap: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new();
    for i in 0..n {
        if pending[i] == 0 {
            heap.push(Reverse((key[i], i as u32)));
        }
    }
    let mut out = Vec::with_capacity(n);
    while let Some(Reverse((_, node))) = heap.pop() {
        out.push(node);
        let node = node as usize;
        for r in ref_start[node]..ref_start[node + 1] {
            let parent = referrers[r as usize] as usize;
            pending[parent] -= 1;
            if pending[parent] == 0 {
                heap.push(Reverse((key[parent], parent as u32)));
            }
        }
    }
    out
}

/// Mainline ordering: `events` sorted by mainline depth (0 = not based on the
/// mainline of `tip`, else P_n = 1 … P_0 = n+1), then origin_server_ts, then
/// event id rank. `power_parent` gives, per node of the universe, the node of
/// the power levels event among its auth events (-1: none).
pub fn mainline_order(power_parent: &[i32], tip: i32, events: &[u32], ts: &[f64], id_rank: &[u32]) -> Vec<u32> {
    let universe = power_parent.len();
    if ts.len() != universe || id_rank.len() != universe || events.iter().any(|&e| e as usize >= universe) {
        return Vec::new();
    }
    let parent = |p: usize| -> i64 {
        let q = power_parent[p];
        if q >= 0 && (q as usize) < universe { q as i64 } else { -1 }
    };
    let mut depth = vec![-1i32; universe];
    let mut on_mainline = vec![false; universe];
    let mut mainline: Vec<usize> = Vec::new();
    let mut p = if tip >= 0 && (tip as usize) < universe { tip as i64 } else { -1 };
    while p >= 0 && !on_mainline[p as usize] {
        mainline.push(p as usize);
        on_mainline[p as usize] = true;
        p = parent(p as usize);
    }
    let len = mainline.len() as i32;
    for (i, &m) in mainline.iter().enumerate() {
        depth[m] = len - i as i32;
    }
    let mut event_depth = vec![-1i32; universe];
    let mut path: Vec<usize> = Vec::new();
    let mut d = Vec::with_capacity(events.len());
    for &event in events {
        path.clear();
        let mut result = 0;
        let mut p = parent(event as usize);
        let mut steps = 0usize;
        while p >= 0 {
            let q = p as usize;
            if on_mainline[q] {
                result = depth[q];
                break;
            }
            if event_depth[q] >= 0 {
                result = event_depth[q];
                break;
            }
            path.push(q);
            p = parent(q);
            steps += 1;
            if steps > universe {
                break;
            }
        }
        for &q in &path {
            event_depth[q] = result;
        }
        d.push(result);
    }
    let mut idx: Vec<usize> = (0..events.len()).collect();
    idx.sort_unstable_by(|&a, &b| {
        d[a].cmp(&d[b]).then_with(|| {
            let (ea, eb) = (events[a] as usize, events[b] as usize);
            ts[ea].partial_cmp(&ts[eb]).unwrap_or(Ordering::Equal).then(id_rank[ea].cmp(&id_rank[eb]))
        })
    });
    idx.into_iter().map(|i| events[i]).collect()
}

/// The links of a chain cover and the state sets to compare: see
/// `AuthDifferenceInput` in src/accel/stateres.ts.
pub struct AuthDifferenceInput<'a> {
    pub chain_count: usize,
    pub link_start: &'a [u32],
    pub link_seq: &'a [u32],
    pub link_target_chain: &'a [u32],
    pub link_target_seq: &'a [u32],
    pub common_chain: &'a [u32],
    pub common_seq: &'a [u32],
    pub set_start: &'a [u32],
    pub seed_chain: &'a [u32],
    pub seed_seq: &'a [u32],
}

/// Per chain where the sets' reaches differ: (chain, lo, hi); the events with
/// lo < seq <= hi are the auth difference. Sorted by chain. Malformed input
/// (lengths that disagree, chains out of range) gives an empty result.
pub fn auth_difference(input: &AuthDifferenceInput) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let chains = input.chain_count;
    let links = input.link_seq.len();
    let ok = input.link_start.len() == chains + 1
        && input.link_start.iter().all(|&s| s as usize <= links)
        && input.link_target_chain.len() == links
        && input.link_target_seq.len() == links
        && input.link_target_chain.iter().all(|&c| (c as usize) < chains)
        && input.common_chain.len() == input.common_seq.len()
        && input.common_chain.iter().all(|&c| (c as usize) < chains)
        && !input.set_start.is_empty()
        && input.seed_chain.len() == input.seed_seq.len()
        && input.set_start.iter().all(|&s| s as usize <= input.seed_chain.len())
        && input.seed_chain.iter().all(|&c| (c as usize) < chains);
    if !ok {
        return (Vec::new(), Vec::new(), Vec::new());
    }
    let sets = input.set_start.len() - 1;
    let mut reach = vec![0u32; chains];
    let mut processed = vec![0u32; chains];
    let mut stack: Vec<u32> = Vec::new();
    let mut undo: Vec<u32> = Vec::new();

    struct Walk<'a, 'b> {
        input: &'a AuthDifferenceInput<'b>,
        reach: &'a mut [u32],
        processed: &'a mut [u32],
        stack: &'a mut Vec<u32>,
        undo: &'a mut Vec<u32>,
        logging: bool,
    }
    impl Walk<'_, '_> {
        fn raise(&mut self, c: u32, q: u32) {
            let ci = c as usize;
            if q <= self.reach[ci] {
                return;
            }
            if self.logging {
                self.undo.extend_from_slice(&[c, self.reach[ci], self.processed[ci]]);
            }
            self.reach[ci] = q;
            self.stack.push(c);
        }
        fn close(&mut self) {
            let inp = self.input;
            while let Some(c) = self.stack.pop() {
                let ci = c as usize;
                let hi = self.reach[ci];
                let lo = self.processed[ci];
                if hi <= lo {
                    continue;
                }
                if self.logging {
                    self.undo.extend_from_slice(&[c, hi, lo]);
                }
                self.processed[ci] = hi;
                let end = (inp.link_start[ci + 1] as usize).max(inp.link_start[ci] as usize);
                let mut a = inp.link_start[ci] as usize;
                let mut b = end;
                while a < b {
                    let m = (a + b) / 2;
                    if inp.link_seq[m] <= lo { a = m + 1 } else { b = m }
                }
                let mut l = a;
                while l < end && inp.link_seq[l] <= hi {
                    self.raise(inp.link_target_chain[l], inp.link_target_seq[l]);
                    l += 1;
                }
            }
        }
    }

    let mut w = Walk { input, reach: &mut reach, processed: &mut processed, stack: &mut stack, undo: &mut undo, logging: false };
    for i in 0..input.common_chain.len() {
        w.raise(input.common_chain[i], input.common_seq[i]);
    }
    w.close();
    // rows: per touched chain, each set's reach there
    let mut row_of = vec![u32::MAX; chains];
    let mut touched: Vec<u32> = Vec::new();
    let mut rows: Vec<u32> = Vec::new();
    for k in 0..sets {
        w.logging = true;
        w.undo.clear();
        let (s0, s1) = (input.set_start[k] as usize, (input.set_start[k + 1] as usize).max(input.set_start[k] as usize));
        for s in s0..s1 {
            w.raise(input.seed_chain[s], input.seed_seq[s]);
        }
        w.close();
        let mut u = 0;
        while u < w.undo.len() {
            let c = w.undo[u] as usize;
            if row_of[c] == u32::MAX {
                row_of[c] = touched.len() as u32;
                touched.push(c as u32);
                rows.extend(core::iter::repeat(0).take(sets));
            }
            rows[row_of[c] as usize * sets + k] = w.reach[c];
            u += 3;
        }
        let mut u = w.undo.len();
        while u >= 3 {
            u -= 3;
            let c = w.undo[u] as usize;
            w.reach[c] = w.undo[u + 1];
            w.processed[c] = w.undo[u + 2];
        }
        w.logging = false;
    }
    touched.sort_unstable();
    let (mut chain, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new());
    for &c in &touched {
        let row = &rows[row_of[c as usize] as usize * sets..][..sets];
        let shared = reach[c as usize];
        let mut min = u32::MAX;
        let mut max = 0;
        for &r in row {
            let r = r.max(shared);
            min = min.min(r);
            max = max.max(r);
        }
        if sets > 0 && max > min {
            chain.push(c);
            lo.push(min);
            hi.push(max);
        }
    }
    (chain, lo, hi)
}

#[cfg(test)]
mod tests;
