use super::*;

#[test]
fn power_order_prefers_power_then_ts_then_id() {
    // 0 is the root; 1, 2, 3 cite it; 3 cites 1 too
    let auth_start = [0, 0, 1, 2, 4];
    let auth_edges = [0, 0, 0, 1];
    let power = [100.0, 50.0, f64::INFINITY, 50.0];
    let ts = [1.0, 5.0, 9.0, 2.0];
    let id_rank = [0, 1, 2, 3];
    assert_eq!(reverse_topological_power_order(&auth_start, &auth_edges, &power, &ts, &id_rank), vec![0, 2, 1, 3]);
}

#[test]
fn power_order_reports_a_cycle_by_a_short_result() {
    let out = reverse_topological_power_order(&[0, 1, 2], &[1, 0], &[0.0, 0.0], &[0.0, 0.0], &[0, 1]);
    assert!(out.is_empty());
}

#[test]
fn mainline_orders_by_depth_then_ts_then_id() {
    // universe: 0 = P2 (oldest PL), 1 = P1 (cites 0), 2 = P0 tip (cites 1); events 3 (cites P1), 4 (cites P0), 5 (no PL), 6 (cites P1, same ts as 3)
    let parent = [-1, 0, 1, 1, 2, -1, 1];
    let ts = [0.0, 0.0, 0.0, 7.0, 1.0, 9.0, 7.0];
    let rank = [0, 1, 2, 5, 4, 3, 6];
    assert_eq!(mainline_order(&parent, 2, &[3, 4, 5, 6], &ts, &rank), vec![5, 3, 6, 4]);
}

#[test]
fn auth_difference_is_the_range_between_the_smallest_and_largest_reach() {
    // chain 0: create(1) pl1(2) pl2(3); chain 1: a member citing pl1 at seq 1; chain 2: a member citing pl2
    let link_start = [0, 0, 1, 2];
    let link_seq = [1, 1];
    let link_target_chain = [0, 0];
    let link_target_seq = [2, 3];
    let input = AuthDifferenceInput {
        chain_count: 3,
        link_start: &link_start,
        link_seq: &link_seq,
        link_target_chain: &link_target_chain,
        link_target_seq: &link_target_seq,
        common_chain: &[0],
        common_seq: &[1],
        set_start: &[0, 1, 2],
        seed_chain: &[1, 2],
        seed_seq: &[1, 1],
    };
    let (chain, lo, hi) = auth_difference(&input);
    assert_eq!(chain, vec![0, 1, 2]);
    assert_eq!(lo, vec![2, 0, 0]);
    assert_eq!(hi, vec![3, 1, 1]);
}

#[test]
fn auth_difference_rejects_malformed_input() {
    let input = AuthDifferenceInput {
        chain_count: 1,
        link_start: &[0, 0],
        link_seq: &[],
        link_target_chain: &[],
        link_target_seq: &[],
        common_chain: &[5],
        common_seq: &[1],
        set_start: &[0],
        seed_chain: &[],
        seed_seq: &[],
    };
    assert_eq!(auth_difference(&input).0.len(), 0);
}
