//! State resolution's numeric core (myelin-core `stateres`): typed arrays in,
//! an ordering out, one call per resolution step. See src/accel/stateres.ts.
use myelin_core::stateres;
use napi::bindgen_prelude::{Float64Array, Int32Array, Uint32Array};
use napi_derive::napi;

#[napi]
pub fn stateres_power_order(auth_start: Uint32Array, auth_edges: Uint32Array, power: Float64Array, ts: Float64Array, id_rank: Uint32Array) -> Uint32Array {
    stateres::reverse_topological_power_order(&auth_start, &auth_edges, &power, &ts, &id_rank).into()
}

#[napi]
pub fn stateres_mainline_order(power_parent: Int32Array, tip: i32, events: Uint32Array, ts: Float64Array, id_rank: Uint32Array) -> Uint32Array {
    stateres::mainline_order(&power_parent, tip, &events, &ts, &id_rank).into()
}

/// (chain, lo, hi) triples, as three runs in one array: chains, then los, then his.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn stateres_auth_difference(
    chain_count: u32,
    link_start: Uint32Array,
    link_seq: Uint32Array,
    link_target_chain: Uint32Array,
    link_target_seq: Uint32Array,
    common_chain: Uint32Array,
    common_seq: Uint32Array,
    set_start: Uint32Array,
    seed_chain: Uint32Array,
    seed_seq: Uint32Array,
) -> Uint32Array {
    let (chain, lo, hi) = stateres::auth_difference(&stateres::AuthDifferenceInput {
        chain_count: chain_count as usize,
        link_start: &link_start,
        link_seq: &link_seq,
        link_target_chain: &link_target_chain,
        link_target_seq: &link_target_seq,
        common_chain: &common_chain,
        common_seq: &common_seq,
        set_start: &set_start,
        seed_chain: &seed_chain,
        seed_seq: &seed_seq,
    });
    let mut out = chain;
    out.extend_from_slice(&lo);
    out.extend_from_slice(&hi);
    out.into()
}
