//! State resolution's numeric core over linear memory. JS writes one input
//! block (from `myelin_alloc`, 8-aligned: f64 arrays first, then 32-bit ones,
//! in the order each export lists), calls the export with the counts, and reads
//! the u32 result at `myelin_stateres_output()` (length = the return value).
//! See src/accel/stateres.ts.
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::mem::size_of;

use myelin_core::stateres;

struct Output(UnsafeCell<Vec<u32>>);
// wasm32 here is single-threaded.
unsafe impl Sync for Output {}
static OUTPUT: Output = Output(UnsafeCell::new(Vec::new()));

fn deliver(v: Vec<u32>) -> u32 {
    // SAFETY: single-threaded; no export holds a reference across calls.
    let out = unsafe { &mut *OUTPUT.0.get() };
    *out = v;
    out.len() as u32
}

/// Pointer to the last result's words.
#[no_mangle]
pub extern "C" fn myelin_stateres_output() -> *const u32 {
    // SAFETY: a pointer only.
    unsafe { (*OUTPUT.0.get()).as_ptr() }
}

/// Reads the next `count` items of T from the input block.
struct Reader {
    base: *const u8,
    offset: usize,
}

impl Reader {
    /// # Safety
    /// The block must hold `count` more items of T at the current offset, aligned for T.
    unsafe fn take<T>(&mut self, count: u32) -> &'static [T] {
        let count = count as usize;
        let p = self.base.add(self.offset) as *const T;
        self.offset += count * size_of::<T>();
        if count == 0 { &[] } else { core::slice::from_raw_parts(p, count) }
    }
}

/// Input: power f64[n], ts f64[n], auth_start u32[n+1], auth_edges u32[edges], id_rank u32[n].
///
/// # Safety
/// `input` must point to a block laid out as above.
#[no_mangle]
pub unsafe extern "C" fn myelin_stateres_power_order(input: *const u8, n: u32, edges: u32) -> u32 {
    let mut r = Reader { base: input, offset: 0 };
    let power = r.take::<f64>(n);
    let ts = r.take::<f64>(n);
    let auth_start = r.take::<u32>(n + 1);
    let auth_edges = r.take::<u32>(edges);
    let id_rank = r.take::<u32>(n);
    deliver(stateres::reverse_topological_power_order(auth_start, auth_edges, power, ts, id_rank))
}

/// Input: ts f64[universe], power_parent i32[universe], id_rank u32[universe], events u32[count].
///
/// # Safety
/// `input` must point to a block laid out as above.
#[no_mangle]
pub unsafe extern "C" fn myelin_stateres_mainline_order(input: *const u8, universe: u32, count: u32, tip: i32) -> u32 {
    let mut r = Reader { base: input, offset: 0 };
    let ts = r.take::<f64>(universe);
    let power_parent = r.take::<i32>(universe);
    let id_rank = r.take::<u32>(universe);
    let events = r.take::<u32>(count);
    deliver(stateres::mainline_order(power_parent, tip, events, ts, id_rank))
}

/// Input (all u32): link_start[chains+1], link_seq[links], link_target_chain[links],
/// link_target_seq[links], common_chain[common], common_seq[common],
/// set_start[sets+1], seed_chain[seeds], seed_seq[seeds]. Output: chains, los, his
/// (three runs); returns 3 × the number of ranges.
///
/// # Safety
/// `input` must point to a block laid out as above.
#[no_mangle]
pub unsafe extern "C" fn myelin_stateres_auth_difference(input: *const u8, chains: u32, links: u32, common: u32, sets: u32, seeds: u32) -> u32 {
    let mut r = Reader { base: input, offset: 0 };
    let link_start = r.take::<u32>(chains + 1);
    let link_seq = r.take::<u32>(links);
    let link_target_chain = r.take::<u32>(links);
    let link_target_seq = r.take::<u32>(links);
    let common_chain = r.take::<u32>(common);
    let common_seq = r.take::<u32>(common);
    let set_start = r.take::<u32>(sets + 1);
    let seed_chain = r.take::<u32>(seeds);
    let seed_seq = r.take::<u32>(seeds);
    let (chain, lo, hi) = stateres::auth_difference(&stateres::AuthDifferenceInput {
        chain_count: chains as usize,
        link_start,
        link_seq,
        link_target_chain,
        link_target_seq,
        common_chain,
        common_seq,
        set_start,
        seed_chain,
        seed_seq,
    });
    let mut out = chain;
    out.extend_from_slice(&lo);
    out.extend_from_slice(&hi);
    deliver(out)
}
